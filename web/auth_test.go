package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

const testPassword = "correct horse battery"

// authWorld is the small workspace with users bob and cy (members, their
// employees) and root (an admin), served over HTTP.
type authWorld struct {
	t     *testing.T
	app   *app.App
	admin kpi.Actor
	srv   *httptest.Server
	s     *Server
}

func newAuthWorld(t *testing.T) *authWorld {
	t.Helper()
	a, admin := apptest.Small(t)
	a.Auth.Workspace = "small"
	for _, r := range []app.UserRequest{
		{Email: "bob@small.example", EmployeeID: "bob", Password: testPassword},
		{Email: "cy@small.example", EmployeeID: "cy", Password: testPassword},
		{Email: "root@small.example", Role: kpi.RoleAdmin, Password: testPassword},
	} {
		if _, err := a.CreateUser(context.Background(), admin, r); err != nil {
			t.Fatal(err)
		}
	}
	s := &Server{App: a, Logger: slog.New(slog.DiscardHandler), InsecureCookies: true}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &authWorld{t: t, app: a, admin: admin, srv: srv, s: s}
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	w *authWorld
	c *http.Client
}

func (w *authWorld) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{w: w, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) cookie() string {
	u, _ := url.Parse(b.w.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionCookieName {
			return c.Value
		}
	}
	return ""
}

func (b *browser) setCookie(v string) {
	u, _ := url.Parse(b.w.srv.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookieName, Value: v, Path: "/"}})
}

// do sends a request; header pairs follow the body.
func (b *browser) do(method, path, contentType, body string, header ...string) (*http.Response, string) {
	b.w.t.Helper()
	req, err := http.NewRequest(method, b.w.srv.URL+path, strings.NewReader(body))
	if err != nil {
		b.w.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.w.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

const form = "application/x-www-form-urlencoded"

func (b *browser) signIn(email, password string) *http.Response {
	b.w.t.Helper()
	resp, _ := b.do("POST", "/signin", form, url.Values{"email": {email}, "password": {password}, "workspace": {"small"}}.Encode())
	return resp
}

func (b *browser) mustSignIn(email string) string {
	b.w.t.Helper()
	if resp := b.signIn(email, testPassword); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		b.w.t.Fatalf("sign in as %s: %d %s", email, resp.StatusCode, resp.Header.Get("Location"))
	}
	return b.cookie()
}

func TestSignInCookie(t *testing.T) {
	w := newAuthWorld(t)
	// As served by default: Secure, with the __Host- prefix.
	s := &Server{App: w.app, Logger: w.s.Logger}
	r := httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"email": {"bob@small.example"}, "password": {testPassword}}.Encode()))
	r.Header.Set("Content-Type", form)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, r)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) != 1 {
		t.Fatalf("sign-in = %d, cookies %v: %s", rec.Code, cookies, rec.Body)
	}
	c := cookies[0]
	if c.Name != "__Host-attain_session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.Expires.IsZero() {
		t.Errorf("cookie = %+v, want __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, an expiry", c)
	}
	if c.Value == "" || strings.Contains(rec.Body.String(), c.Value) {
		t.Error("the session secret is in the page")
	}
}

func TestSessionFixation(t *testing.T) {
	w := newAuthWorld(t)
	// Mallory signs in and plants her session in bob's browser.
	mallory := w.browser().mustSignIn("cy@small.example")
	bob := w.browser()
	bob.setCookie(mallory)
	got := bob.mustSignIn("bob@small.example")
	if got == mallory || got == "" {
		t.Fatalf("after signing in bob's browser holds %q, mallory's was %q", got, mallory)
	}
	// The planted session acts as nobody now, bob's as bob.
	if _, err := w.app.Authenticate(context.Background(), app.Credentials{Session: mallory}); kpi.ErrorCode(err) != kpi.EUNAUTHORIZED {
		t.Errorf("the planted session still works: %v", err)
	}
	resp, body := bob.do("GET", "/api/v1/me", "", "")
	if resp.StatusCode != 200 || !strings.Contains(body, `"name": "user:bob@small.example"`) {
		t.Errorf("me = %d %s", resp.StatusCode, body)
	}
	// A made-up cookie is replaced too.
	eve := w.browser()
	eve.setCookie("1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	if got := eve.mustSignIn("bob@small.example"); got == "1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" {
		t.Error("a chosen session id was kept")
	}
}

func TestCSRF(t *testing.T) {
	w := newAuthWorld(t)
	b := w.browser()
	session := b.mustSignIn("bob@small.example")
	token := app.CSRFToken(session)
	const body = `{"name": "script"}`
	for _, c := range []struct {
		name   string
		header []string
		status int
	}{
		{"NoToken", nil, http.StatusForbidden},
		{"WrongToken", []string{"X-CSRF-Token", app.CSRFToken("1.other")}, http.StatusForbidden},
		{"CrossSite", []string{"X-CSRF-Token", token, "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"OtherOrigin", []string{"X-CSRF-Token", token, "Origin", "https://evil.example"}, http.StatusForbidden},
		{"OK", []string{"X-CSRF-Token", token, "Sec-Fetch-Site", "same-origin"}, http.StatusCreated},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, out := b.do("POST", "/api/v1/tokens", "application/json", body, c.header...)
			if resp.StatusCode != c.status {
				t.Errorf("POST /api/v1/tokens = %d, want %d: %s", resp.StatusCode, c.status, out)
			}
		})
	}
	t.Run("ReadsNeedNoToken", func(t *testing.T) {
		if resp, out := b.do("GET", "/api/v1/tokens", "", ""); resp.StatusCode != 200 || !strings.Contains(out, `"script"`) {
			t.Errorf("GET = %d %s", resp.StatusCode, out)
		}
	})
	t.Run("BearerNeedsNone", func(t *testing.T) {
		tok, err := w.app.CreateToken(context.Background(), w.admin, app.TokenRequest{Name: "ci"})
		if err != nil {
			t.Fatal(err)
		}
		api := &browser{w: w, c: http.DefaultClient}
		resp, out := api.do("POST", "/api/v1/tokens", "application/json", `{"name": "from ci", "integration": true}`,
			"Authorization", "Bearer "+tok.Secret, "Sec-Fetch-Site", "cross-site")
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("with a token = %d %s", resp.StatusCode, out)
		}
	})
	t.Run("FormSignOut", func(t *testing.T) {
		resp, _ := b.do("POST", "/signout", form, "")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("sign-out without the token = %d", resp.StatusCode)
		}
		if _, err := w.app.Authenticate(context.Background(), app.Credentials{Session: session}); err != nil {
			t.Fatalf("a forged sign-out ended the session: %v", err)
		}
		resp, _ = b.do("POST", "/signout", form, url.Values{"csrf": {token}}.Encode())
		if resp.StatusCode != http.StatusSeeOther || b.cookie() != "" {
			t.Errorf("sign-out = %d, cookie %q", resp.StatusCode, b.cookie())
		}
		if _, err := w.app.Authenticate(context.Background(), app.Credentials{Session: session}); kpi.ErrorCode(err) != kpi.EUNAUTHORIZED {
			t.Errorf("the session survived sign-out: %v", err)
		}
	})
	t.Run("LoginFromAnotherSite", func(t *testing.T) {
		resp, _ := b.do("POST", "/signin", form, url.Values{"email": {"bob@small.example"}, "password": {testPassword}}.Encode(),
			"Sec-Fetch-Site", "cross-site")
		if resp.StatusCode != http.StatusForbidden || b.cookie() != "" {
			t.Errorf("cross-site sign-in = %d, cookie %q", resp.StatusCode, b.cookie())
		}
	})
}

// TestAuthPages renders every page: sign-in (with a wrong password),
// account, reset and reset request, and the redirect to sign in.
func TestAuthPages(t *testing.T) {
	w := newAuthWorld(t)
	b := w.browser()
	resp, body := b.do("GET", "/account", "", "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin?next=%2Faccount" {
		t.Errorf("account without a session = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = b.do("GET", "/signin?next=/account", "", "")
	if resp.StatusCode != 200 || !strings.Contains(body, `name="password"`) || !strings.Contains(body, `value="small"`) {
		t.Errorf("sign-in page = %d %s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(body, "<script") {
		t.Errorf("CSP %q, or a script in the page", csp)
	}
	resp, body = b.do("POST", "/signin", form, url.Values{"email": {"bob@small.example"}, "password": {"wrong password!"}}.Encode())
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong e-mail or password.") || !strings.Contains(body, `value="bob@small.example"`) {
		t.Errorf("wrong password = %d %s", resp.StatusCode, body)
	}
	resp, _ = b.do("POST", "/signin", form, url.Values{"email": {"bob@small.example"}, "password": {testPassword}, "next": {"//evil.example/"}}.Encode())
	if resp.Header.Get("Location") != "/" {
		t.Errorf("next=//evil.example/ redirects to %q", resp.Header.Get("Location"))
	}
	resp, body = b.do("GET", "/account", "", "")
	if resp.StatusCode != 200 || !strings.Contains(body, "bob@small.example") || !strings.Contains(body, `name="csrf" value="`+app.CSRFToken(b.cookie())+`"`) {
		t.Errorf("account = %d %s", resp.StatusCode, body)
	}
	// Change the password: signed out, signed in again with the new one.
	session := b.cookie()
	resp, body = b.do("POST", "/account/password", form, url.Values{"csrf": {app.CSRFToken(session)}, "current": {testPassword}, "password": {"short"}}.Encode())
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "at least 10") {
		t.Errorf("short password = %d %s", resp.StatusCode, body)
	}
	resp, _ = b.do("POST", "/account/password", form, url.Values{"csrf": {app.CSRFToken(session)}, "current": {testPassword}, "password": {"bob's new password"}}.Encode())
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin?changed=1" {
		t.Errorf("change = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.do("GET", "/api/v1/me", "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after the change the old session = %d", resp.StatusCode)
	}
	if resp, body := b.do("GET", "/signin?changed=1", "", ""); !strings.Contains(body, "signed out everywhere") {
		t.Errorf("sign-in after change = %d %s", resp.StatusCode, body)
	}
	if resp := b.signIn("bob@small.example", "bob's new password"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("new password = %d", resp.StatusCode)
	}

	link, err := w.app.ResetPassword(context.Background(), w.admin, "cy@small.example")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.SplitN(link.URL, "token=", 2)[1]
	resp, body = b.do("GET", "/reset?token="+url.QueryEscape(token), "", "")
	if resp.StatusCode != 200 || !strings.Contains(body, `name="token" value="`+token+`"`) || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("reset page = %d %s", resp.StatusCode, body)
	}
	resp, body = b.do("POST", "/reset", form, url.Values{"token": {token}, "password": {"cy's new password"}}.Encode())
	if resp.StatusCode != 200 || !strings.Contains(body, "Your password is set") {
		t.Errorf("reset = %d %s", resp.StatusCode, body)
	}
	resp, body = b.do("POST", "/reset", form, url.Values{"token": {token}, "password": {"cy's other password"}}.Encode())
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "expired or was used") {
		t.Errorf("second use = %d %s", resp.StatusCode, body)
	}
	resp, body = b.do("GET", "/reset/request", "", "")
	if resp.StatusCode != 200 || !strings.Contains(body, "ask an admin") {
		t.Errorf("reset request without mail = %d %s", resp.StatusCode, body)
	}
	resp, body = b.do("GET", "/auth/oidc/start", "", "")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "not set up") {
		t.Errorf("SSO start without a provider = %d %s", resp.StatusCode, body)
	}
}
