package web

import "net/http"

// contentSecurityPolicy allows scripts, styles, images, fonts and requests
// only from the server's own origin: no inline script, no inline style
// attribute, no eval, no plugin, no <base>, forms posted only back to
// Attain, and no page of Attain inside another site's frame.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// permissionsPolicy turns off the browser features Attain never uses, for
// its pages and anything they could embed.
const permissionsPolicy = "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), " +
	"magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), browsing-topics=()"

// securityHeaders are set on every response before the handler runs, so a
// handler may still replace one (Cache-Control of a static file, say).
var securityHeaders = [][2]string{
	{"Content-Security-Policy", contentSecurityPolicy},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"}, // frame-ancestors for browsers without CSP 2
	{"Referrer-Policy", "same-origin"},
	{"Permissions-Policy", permissionsPolicy},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Cross-Origin-Resource-Policy", "same-origin"},
	// Pay and performance data must not stay in a shared browser's or a
	// proxy's cache.
	{"Cache-Control", "no-store"},
}

// hsts is sent only over TLS: a browser ignores it over plain HTTP, and
// sending it there would promise what the server does not keep. Behind a
// proxy that ends TLS, the proxy sets it.
const hsts = "max-age=63072000; includeSubDomains"

// withSecurityHeaders sets the security headers on every response of next,
// errors and not-found answers included.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range securityHeaders {
			h.Set(kv[0], kv[1])
		}
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}
