package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"golang.org/x/text/language"

	"attain/kpi"
	"attain/sso"
)

// idpUsers are the people of the identity provider the test runs.
type idpUsers map[string]*storage.User

func (u idpUsers) GetUserByID(id string) *storage.User { return u[id] }
func (u idpUsers) ExampleClientID() string             { return "service" }
func (u idpUsers) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}

func idpUser(id, email string, verified bool) *storage.User {
	return &storage.User{ID: id, Username: id, Password: "idp password", FirstName: id, LastName: "Test",
		Email: email, EmailVerified: verified, PreferredLanguage: language.English}
}

// TestSingleSignOn signs in through a real OpenID Connect provider
// (zitadel's, run in this process on localhost): the browser goes to the
// provider, signs in on its form, comes back with a code that Attain
// exchanges with its PKCE verifier, and ends signed in as the person whose
// verified e-mail the provider gave.
func TestSingleSignOn(t *testing.T) {
	w := newAuthWorld(t)
	ctx := context.Background()
	// Ann is an employee with an e-mail but no user yet.
	annEmail := "ann@small.example"
	if _, err := w.app.UpdateEmployee(ctx, w.admin, "ann", kpi.EmployeeUpdate{Email: &annEmail}); err != nil {
		t.Fatal(err)
	}

	idp := httptest.NewUnstartedServer(nil)
	issuer := "http://" + idp.Listener.Addr().String()
	storage.RegisterClients(storage.WebClient("attain", "client secret", w.srv.URL+"/auth/oidc/callback"))
	users := idpUsers{
		"bob":      idpUser("bob", "bob@small.example", true),
		"ann":      idpUser("ann", "Ann@Small.example", true),
		"unsure":   idpUser("unsure", "cy@small.example", false),
		"stranger": idpUser("stranger", "stranger@elsewhere.example", true),
	}
	// The example provider logs each request to slog's default logger.
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.DiscardHandler))
	idp.Config.Handler = exampleop.SetupServer(issuer, storage.NewStorage(users), nil, false)
	idp.Start()
	defer idp.Close()

	p, err := sso.New(ctx, sso.Config{Issuer: issuer, ClientID: "attain", ClientSecret: "client secret", RedirectURL: w.srv.URL + "/auth/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	w.app.Auth.SSO = p

	// signInAs follows every redirect from /auth/oidc/start, fills in the
	// provider's form, and returns the last page and the browser.
	signInAs := func(t *testing.T, user string) (*http.Response, string, *http.Client) {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		var first *url.URL
		c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
			if first == nil {
				first = r.URL
			}
			return nil
		}
		resp, err := c.Get(w.srv.URL + "/auth/oidc/start")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		q := first.Query()
		if !strings.HasPrefix(first.String(), issuer) || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" ||
			q.Get("nonce") == "" || q.Get("state") == "" || q.Get("response_type") != "code" {
			t.Fatalf("sent to %s: want the provider, code flow with an S256 challenge, a nonce and a state", first)
		}
		id := resp.Request.URL.Query().Get("authRequestID")
		if resp.StatusCode != 200 || id == "" || !strings.Contains(string(page), `name="password"`) {
			t.Fatalf("the provider's sign-in page: %d %s %s", resp.StatusCode, resp.Request.URL, page)
		}
		resp, err = c.PostForm(issuer+"/login/username", url.Values{"id": {id}, "username": {user}, "password": {"idp password"}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body), c
	}

	t.Run("KnownUser", func(t *testing.T) {
		resp, body, c := signInAs(t, "bob")
		if resp.StatusCode != 200 || resp.Request.URL.Path != "/me" || !strings.Contains(body, "<h1>Bob</h1>") {
			t.Fatalf("ended at %s: %d %s", resp.Request.URL, resp.StatusCode, body)
		}
		me := getJSON(t, c, w.srv.URL+"/api/v1/me")
		if me["name"] != "user:bob@small.example" || me["employee_id"] != "bob" || me["role"] != "member" {
			t.Errorf("signed in as %v", me)
		}
		entries, _ := w.app.Audit(ctx, w.admin, "user", "bob@small.example", 1)
		if len(entries) != 1 || entries[0].Action != "sign_in" || entries[0].Actor != "user:bob@small.example" ||
			entries[0].Addr != "127.0.0.1" || !strings.Contains(entries[0].New, `"method":"sso `+issuer+`"`) {
			t.Errorf("audit = %+v", *entries[0])
		}
	})

	t.Run("EmployeeGetsUser", func(t *testing.T) {
		resp, body, c := signInAs(t, "ann")
		if resp.StatusCode != 200 || resp.Request.URL.Path != "/team" {
			t.Fatalf("ended at %s: %d %s", resp.Request.URL, resp.StatusCode, body)
		}
		me := getJSON(t, c, w.srv.URL+"/api/v1/me")
		if me["name"] != "user:ann@small.example" || me["employee_id"] != "ann" || me["role"] != "member" {
			t.Errorf("signed in as %v", me)
		}
		u, err := w.app.User(ctx, w.admin, "ann@small.example")
		if err != nil || u.EmployeeID != "ann" || u.Name != "Ann" {
			t.Errorf("user made: %+v, %v", u, err)
		}
		// She has no password: signing in with one fails.
		b := w.browser()
		if resp := b.signIn("ann@small.example", testPassword); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("password sign-in of an SSO user = %d", resp.StatusCode)
		}
	})

	for _, c := range []struct{ user, want string }{
		{"unsure", "did not confirm your e-mail"},
		{"stranger", "Nobody with the e-mail stranger@elsewhere.example"},
	} {
		t.Run("Refused/"+c.user, func(t *testing.T) {
			resp, body, _ := signInAs(t, c.user)
			if resp.StatusCode != http.StatusUnauthorized || resp.Request.URL.Path != "/auth/oidc/callback" || !strings.Contains(body, c.want) {
				t.Errorf("ended at %s: %d %s", resp.Request.URL, resp.StatusCode, body)
			}
		})
	}

	t.Run("ForeignState", func(t *testing.T) {
		// A callback this browser did not start (no cookie, or another
		// state) is refused before any code is exchanged.
		b := w.browser()
		resp, body := b.do("GET", "/auth/oidc/callback?state=x&code=y", "", "")
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "not started here") {
			t.Errorf("= %d %s", resp.StatusCode, body)
		}
		flow, err := w.app.StartSSO()
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.app.FinishSSO(ctx, flow.Cookie, "another state", "y", "")
		if kpi.ErrorCode(err) != kpi.EUNAUTHORIZED {
			t.Errorf("another state: %v", err)
		}
		_, err = w.app.FinishSSO(ctx, flow.Cookie, strings.Split(flow.Cookie, ".")[0], "not a code", "")
		if kpi.ErrorCode(err) != kpi.EUNAUTHORIZED {
			t.Errorf("a bad code: %v", err)
		}
	})
}

func getJSON(t *testing.T, c *http.Client, u string) map[string]any {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d: %v", u, resp.StatusCode, err)
	}
	return out
}
