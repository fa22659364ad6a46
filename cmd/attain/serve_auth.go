package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/spf13/pflag"

	"attain/app"
	"attain/mail"
	"attain/sso"
)

// authFlags are serve's settings of signing in: session lifetimes, the
// server's URL, e-mail for reset links and single sign-on.
type authFlags struct {
	baseURL                 string
	sessionIdle, sessionMax time.Duration
	insecureCookies         bool
	oidc                    sso.Config
	smtp                    mail.Config
}

func (f *authFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.baseURL, "base-url", os.Getenv("ATTAIN_BASE_URL"), "the URL people reach this server at, for links and single sign-on (env ATTAIN_BASE_URL; default http://ADDR)")
	fs.DurationVar(&f.sessionIdle, "session-idle", app.DefaultSessionIdle, "a session unused this long ends")
	fs.DurationVar(&f.sessionMax, "session-max", app.DefaultSessionMax, "every session ends this long after sign-in")
	fs.BoolVar(&f.insecureCookies, "insecure-cookies", false, "send cookies without Secure, for plain http on a loopback address (--demo does so there)")
	fs.StringVar(&f.oidc.Issuer, "oidc-issuer", os.Getenv("ATTAIN_OIDC_ISSUER"), "OpenID Connect issuer URL: turns on single sign-on (env ATTAIN_OIDC_ISSUER)")
	fs.StringVar(&f.oidc.ClientID, "oidc-client-id", os.Getenv("ATTAIN_OIDC_CLIENT_ID"), "this server's client id at the provider (env ATTAIN_OIDC_CLIENT_ID)")
	fs.StringVar(&f.oidc.RedirectURL, "oidc-redirect-url", os.Getenv("ATTAIN_OIDC_REDIRECT_URL"), "redirect URL registered with the provider (default BASE-URL/auth/oidc/callback)")
	fs.StringVar(&f.smtp.Addr, "smtp-addr", os.Getenv("ATTAIN_SMTP_ADDR"), "SMTP server host:port: turns on reset links by e-mail (env ATTAIN_SMTP_ADDR)")
	fs.StringVar(&f.smtp.From, "smtp-from", os.Getenv("ATTAIN_SMTP_FROM"), "address e-mail is sent from (env ATTAIN_SMTP_FROM)")
	fs.StringVar(&f.smtp.Username, "smtp-user", os.Getenv("ATTAIN_SMTP_USER"), "SMTP user name, if the server asks (env ATTAIN_SMTP_USER)")
	// Secrets only from the environment, never a flag that ps shows.
	f.oidc.ClientSecret = os.Getenv("ATTAIN_OIDC_CLIENT_SECRET")
	f.smtp.Password = os.Getenv("ATTAIN_SMTP_PASSWORD")
}

// isLoopback reports whether addr (host:port) listens on this machine only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// config turns the flags into the use cases' AuthConfig for a server
// listening on addr, signing in to workspace.
func (f *authFlags) config(ctx context.Context, addr, workspace string) (app.AuthConfig, error) {
	cfg := app.AuthConfig{SessionIdle: f.sessionIdle, SessionMax: f.sessionMax, BaseURL: f.baseURL, Workspace: workspace}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + addr
	}
	if f.smtp.Addr != "" {
		m, err := mail.New(f.smtp)
		if err != nil {
			return cfg, err
		}
		cfg.Mailer = m
	}
	if f.oidc.Issuer != "" {
		oc := f.oidc
		if oc.RedirectURL == "" {
			oc.RedirectURL = cfg.BaseURL + "/auth/oidc/callback"
		}
		p, err := sso.New(ctx, oc)
		if err != nil {
			return cfg, err
		}
		cfg.SSO = p
	}
	return cfg, nil
}

// printDemoUsers says who to sign in as in the demo.
func (m *Main) printDemoUsers(url string, u *app.DemoUsers) {
	if u == nil {
		return
	}
	fmt.Fprintf(m.Stdout, "Sign in at %s/signin (workspace demo), password %q, as:\n", url, u.Password)
	for _, r := range [][2]string{{u.Admin, "admin"}, {u.Finance, "finance: reads everything, changes nothing"},
		{u.Head, "head of sales: manages the department"}, {u.Lead, "a sales team lead: manages the team"}, {u.Member, "a sales manager: their own numbers"}} {
		if r[0] != "" {
			fmt.Fprintf(m.Stdout, "  %-36s %s\n", r[0], r[1])
		}
	}
}
