package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"attain/app"
	"attain/kpi"
)

// authPages are the sign-in, account and reset pages, parsed once at
// start so a broken template fails at once. They stand alone, without the
// app's navigation, and carry no script.
var authPages = template.Must(template.New("auth").Funcs(funcs).ParseFS(templateFS, "templates/auth/*.html"))

// Cookies. With Secure, the session cookie takes the __Host- prefix, so
// the browser sends it only to this host, over HTTPS, for every path.
const (
	sessionCookieName = "attain_session"
	ssoCookieName     = "attain_sso"
	ssoCookiePath     = "/auth/oidc/"
	ssoCookieLife     = 10 * time.Minute
)

func (s *Server) sessionCookie() string {
	if s.InsecureCookies {
		return sessionCookieName
	}
	return "__Host-" + sessionCookieName
}

// pages lists the HTML pages of signing in, beside the API's routes.
func (s *Server) pages() []route {
	return []route{
		{method: "GET", path: "/signin", public: true, handler: s.signInPage},
		{method: "POST", path: "/signin", public: true, handler: s.signIn},
		{method: "POST", path: "/signout", public: true, handler: s.signOut},
		{method: "GET", path: "/auth/oidc/start", public: true, handler: s.ssoStart},
		{method: "GET", path: "/auth/oidc/callback", public: true, handler: s.ssoCallback},
		{method: "GET", path: "/reset", public: true, handler: s.resetPage},
		{method: "POST", path: "/reset", public: true, handler: s.reset},
		{method: "GET", path: "/reset/request", public: true, handler: s.resetRequestPage},
		{method: "POST", path: "/reset/request", public: true, handler: s.resetRequest},
		{method: "GET", path: "/account", handler: s.accountPage},
		{method: "POST", path: "/account/password", handler: s.changePassword},
	}
}

// authenticate lets a request through only with a valid API token or
// session cookie and tells the handlers who acts; what that actor may do
// is decided by the use cases (package app). A request that changes
// something with the cookie must come from this site and carry the
// session's CSRF token; a request with a token (no cookie is sent by an
// integration) needs neither.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		ctx, err := s.identify(w, r)
		if err != nil {
			return err
		}
		r = r.WithContext(ctx)
		s.inFlight.serve(w, who(r).Name, s.Limits.maxInFlight(), func() { next.ServeHTTP(w, r) })
		return nil
	})
}

// signedIn is authenticate for the app's pages: without an actor the page
// wrapper sends the visitor to the sign-in page.
func (s *Server) signedIn(next page) page {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, err := s.identify(w, r)
		if err != nil {
			return err
		}
		return next(w, r.WithContext(ctx))
	}
}

// pageAuth is authenticate for pages: a person who is not signed in is
// sent to the sign-in page, and back here after.
func (s *Server) pageAuth(next http.Handler) http.Handler {
	return s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		ctx, err := s.identify(w, r)
		switch {
		case kpi.ErrorCode(err) == kpi.EUNAUTHORIZED:
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		case err != nil:
			return s.pageError(w, r, "error", pageData{Title: "Refused"}, err)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
		return nil
	})
}

// identify returns the request's context naming who acts and, for a
// session, its CSRF token.
func (s *Server) identify(w http.ResponseWriter, r *http.Request) (context.Context, error) {
	c := app.Credentials{Addr: app.ClientAddr(r.RemoteAddr)}
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, kpi.Errorf(kpi.EUNAUTHORIZED, "Send the API token as Authorization: Bearer <token>.")
		}
		c.Token = tok
	} else if ck, err := r.Cookie(s.sessionCookie()); err == nil {
		c.Session = ck.Value
		if err := checkCSRF(r, ck.Value); err != nil {
			return nil, err
		}
	}
	who, err := s.App.Authenticate(r.Context(), c)
	if err != nil {
		if c.Session != "" && kpi.ErrorCode(err) == kpi.EUNAUTHORIZED {
			s.clearCookie(w, s.sessionCookie(), "/")
		}
		return nil, err
	}
	ctx := withActor(r.Context(), who)
	if c.Session != "" {
		ctx = context.WithValue(ctx, csrfKey{}, app.CSRFToken(c.Session))
	}
	return ctx, nil
}

type csrfKey struct{}

// csrf is the CSRF token of the request's session, for the forms of a page.
func csrf(r *http.Request) string {
	t, _ := r.Context().Value(csrfKey{}).(string)
	return t
}

// crossOrigin refuses unsafe requests a browser marks as sent from another
// site (Sec-Fetch-Site) or whose Origin is not this host.
var crossOrigin = http.NewCrossOriginProtection()

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkCSRF checks a request made with the session cookie: a method that
// changes something must come from this site and carry the session's
// token, in the header X-CSRF-Token or the form field csrf.
func checkCSRF(r *http.Request, session string) error {
	if safeMethod(r.Method) {
		return nil
	}
	if err := crossOrigin.Check(r); err != nil {
		return kpi.Errorf(kpi.EFORBIDDEN, "Refused: this request came from another site.")
	}
	token := r.Header.Get("X-CSRF-Token")
	if token == "" && isForm(r) {
		token = r.PostFormValue("csrf")
	}
	if !app.CheckCSRF(session, token) {
		return kpi.Errorf(kpi.EFORBIDDEN, "Refused: the request lacks this session's CSRF token (X-CSRF-Token or the form field csrf). Reload the page and try again.")
	}
	return nil
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// pageData is what every auth page shows.
type pageData struct {
	Title, Error, Notice string
	Workspace, Email     string
	Next                 string
	SSO, Mail            bool
	Token                string
	User                 *kpi.User
	CSRF                 string
}

// renderAuth writes a page with the headers every auth page has: no script
// at all, no framing, no caching, no referrer (reset links are in URLs).
func (s *Server) renderAuth(w http.ResponseWriter, status int, name string, d pageData) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return authPages.ExecuteTemplate(w, name, d)
}

// pageError shows an error as a page: the status of its code and its
// message; an internal error is logged and not shown.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, name string, d pageData, err error) error {
	d.Error = kpi.ErrorMessage(err)
	return s.renderAuth(w, s.errorStatus(r, err), name, d)
}

func (s *Server) setCookie(w http.ResponseWriter, name, value, path string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, Expires: expires,
		HttpOnly: true, Secure: !s.InsecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, Secure: !s.InsecureCookies, SameSite: http.SameSiteLaxMode})
}

// localNext is where to go after signing in: a path on this site, else
// the account page.
func localNext(next string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || u.Host != "" {
		return "/"
	}
	return next
}

func (s *Server) signInData(r *http.Request) pageData {
	ws := r.FormValue("workspace")
	if ws == "" {
		ws = s.App.Auth.Workspace
	}
	if ws == "" {
		ws = app.DefaultWorkspace
	}
	return pageData{Title: "Sign in", Workspace: ws, Next: localNext(r.FormValue("next")),
		SSO: s.App.Auth.SSO != nil, Mail: s.App.Auth.Mailer != nil}
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	d := s.signInData(r)
	if r.URL.Query().Get("changed") != "" {
		d.Notice = "Your password was changed and you were signed out everywhere; sign in with the new one."
	}
	return s.renderAuth(w, http.StatusOK, "signin", d)
}

// signIn checks the form and starts a new session: a new cookie, whatever
// cookie the browser sent (no session fixation).
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	d := s.signInData(r)
	d.Email = r.PostFormValue("email")
	if err := crossOrigin.Check(r); err != nil {
		return s.pageError(w, r, "signin", d, kpi.Errorf(kpi.EFORBIDDEN, "Refused: this sign-in came from another site."))
	}
	in, err := s.App.SignIn(r.Context(), app.SignInRequest{Workspace: d.Workspace, Email: d.Email,
		Password: r.PostFormValue("password"), Addr: app.ClientAddr(r.RemoteAddr)})
	if err != nil {
		return s.pageError(w, r, "signin", d, err)
	}
	s.startSession(w, r, in, d.Next)
	return nil
}

// startSession ends the session the browser had, if any, sets the cookie
// of the new one and sends the browser on to next.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, in *app.SignedIn, next string) {
	if old, err := r.Cookie(s.sessionCookie()); err == nil {
		_ = s.App.SignOut(r.Context(), old.Value)
	}
	s.setCookie(w, s.sessionCookie(), in.Secret, "/", in.ExpiresAt)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signOut ends the session of the cookie; it needs the session's CSRF
// token, so no other site can sign a person out.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if ck, err := r.Cookie(s.sessionCookie()); err == nil {
		if err := checkCSRF(r, ck.Value); err != nil {
			return s.pageError(w, r, "error", pageData{Title: "Sign out"}, err)
		}
		if err := s.App.SignOut(r.Context(), ck.Value); err != nil {
			return s.pageError(w, r, "error", pageData{Title: "Sign out"}, err)
		}
	}
	s.clearCookie(w, s.sessionCookie(), "/")
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) error {
	flow, err := s.App.StartSSO()
	if err != nil {
		return s.pageError(w, r, "signin", s.signInData(r), err)
	}
	s.setCookie(w, ssoCookieName, flow.Cookie, ssoCookiePath, time.Now().Add(ssoCookieLife))
	http.Redirect(w, r, flow.URL, http.StatusFound)
	return nil
}

func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	d := s.signInData(r)
	d.Next = "/"
	q := r.URL.Query()
	s.clearCookie(w, ssoCookieName, ssoCookiePath)
	if e := q.Get("error"); e != "" {
		return s.pageError(w, r, "signin", d, kpi.Errorf(kpi.EUNAUTHORIZED, "Your identity provider did not sign you in: %s %s", e, q.Get("error_description")))
	}
	ck, err := r.Cookie(ssoCookieName)
	if err != nil {
		return s.pageError(w, r, "signin", d, kpi.Errorf(kpi.EUNAUTHORIZED, "This sign-in was not started here, or took too long; start again."))
	}
	in, err := s.App.FinishSSO(r.Context(), ck.Value, q.Get("state"), q.Get("code"), app.ClientAddr(r.RemoteAddr))
	if err != nil {
		return s.pageError(w, r, "signin", d, err)
	}
	s.startSession(w, r, in, d.Next)
	return nil
}

func (s *Server) resetPage(w http.ResponseWriter, r *http.Request) error {
	d := pageData{Title: "Set a new password", Token: r.URL.Query().Get("token")}
	if d.Token == "" {
		d.Error = "This link has no token; open the whole link you were given."
	}
	return s.renderAuth(w, http.StatusOK, "reset", d)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	d := pageData{Title: "Set a new password", Token: r.PostFormValue("token")}
	if err := crossOrigin.Check(r); err != nil {
		return s.pageError(w, r, "reset", d, kpi.Errorf(kpi.EFORBIDDEN, "Refused: this request came from another site."))
	}
	if err := s.App.UseResetLink(r.Context(), d.Token, r.PostFormValue("password"), app.ClientAddr(r.RemoteAddr)); err != nil {
		if kpi.ErrorCode(err) == kpi.EUNAUTHORIZED {
			d.Token = ""
		}
		return s.pageError(w, r, "reset", d, err)
	}
	return s.renderAuth(w, http.StatusOK, "reset", pageData{Title: "Password set", Notice: "Your password is set; sign in with it."})
}

func (s *Server) resetRequestPage(w http.ResponseWriter, r *http.Request) error {
	d := s.signInData(r)
	d.Title = "Forgot your password?"
	if !d.Mail {
		d.Error = kpi.ErrorMessage(app.ErrNoMail)
	}
	return s.renderAuth(w, http.StatusOK, "reset-request", d)
}

func (s *Server) resetRequest(w http.ResponseWriter, r *http.Request) error {
	d := s.signInData(r)
	d.Title, d.Email = "Forgot your password?", r.PostFormValue("email")
	if err := crossOrigin.Check(r); err != nil {
		return s.pageError(w, r, "reset-request", d, kpi.Errorf(kpi.EFORBIDDEN, "Refused: this request came from another site."))
	}
	if err := s.App.RequestPasswordReset(r.Context(), d.Workspace, d.Email, app.ClientAddr(r.RemoteAddr)); err != nil {
		return s.pageError(w, r, "reset-request", d, err)
	}
	d.Notice = "If " + d.Email + " has a user in " + d.Workspace + ", a link to set a new password is on its way; it works once, within an hour."
	d.Mail = false
	return s.renderAuth(w, http.StatusOK, "reset-request", d)
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	me, err := s.App.Me(r.Context(), who(r))
	if err == nil && me.User == nil {
		err = kpi.Errorf(kpi.ENOTFOUND, "%s is no user with an account page.", me.Name)
	}
	if err != nil {
		return s.pageError(w, r, "error", pageData{Title: "Account"}, err)
	}
	return s.renderAuth(w, http.StatusOK, "account", pageData{Title: "Account", User: me.User, CSRF: csrf(r)})
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	err := s.App.ChangePassword(r.Context(), who(r), r.PostFormValue("current"), r.PostFormValue("password"))
	if err != nil {
		d := pageData{Title: "Account", User: &kpi.User{}, CSRF: csrf(r)}
		if me, _ := s.App.Me(r.Context(), who(r)); me != nil && me.User != nil {
			d.User = me.User
		}
		return s.pageError(w, r, "account", d, err)
	}
	s.clearCookie(w, s.sessionCookie(), "/")
	http.Redirect(w, r, "/signin?changed=1", http.StatusSeeOther)
	return nil
}
