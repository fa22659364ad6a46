package web

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"attain/app/apptest"
)

// TestSecurityHeaders: every response of the whole handler carries the
// security headers: a success, an error, a route that does not exist, a
// panic. HSTS only over TLS.
func TestSecurityHeaders(t *testing.T) {
	a, _ := apptest.Small(t)
	s := &Server{App: a, Logger: slog.New(slog.DiscardHandler)}
	h := s.Handler()
	for _, c := range []struct {
		method, target string
		status         int
	}{
		{"GET", "/healthz", http.StatusOK},
		{"GET", "/api/v1/kpis", http.StatusUnauthorized},
		{"GET", "/nothing/here", http.StatusNotFound},
		{"DELETE", "/healthz", http.StatusMethodNotAllowed},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.target, nil))
		if w.Code != c.status {
			t.Errorf("%s %s = %d, want %d", c.method, c.target, w.Code, c.status)
		}
		checkSecurityHeaders(t, c.method+" "+c.target, w.Header(), false)
	}

	panics := withSecurityHeaders(s.logRequests(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	w := httptest.NewRecorder()
	panics.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("panic = %d, want 500", w.Code)
	}
	checkSecurityHeaders(t, "a panic", w.Header(), false)

	r := httptest.NewRequest("GET", "/healthz", nil)
	r.TLS = &tls.ConnectionState{}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	checkSecurityHeaders(t, "GET /healthz over TLS", w.Header(), true)
}

func checkSecurityHeaders(t *testing.T, what string, h http.Header, tls bool) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
		"base-uri 'none'", "form-action 'self'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: Content-Security-Policy %q lacks %q", what, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: Content-Security-Policy %q allows inline code", what, csp)
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options":       "nosniff",
		"X-Frame-Options":              "DENY",
		"Referrer-Policy":              "same-origin",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
		"Cache-Control":                "no-store",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %s = %q, want %q", what, name, got, want)
		}
	}
	if pp := h.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "geolocation=()") {
		t.Errorf("%s: Permissions-Policy = %q", what, pp)
	}
	if got := h.Get("Strict-Transport-Security"); (got != "") != tls {
		t.Errorf("%s: Strict-Transport-Security = %q, want it only over TLS", what, got)
	}
}
