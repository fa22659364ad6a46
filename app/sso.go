package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"attain/kpi"
)

// SSO is an OpenID Connect provider, signing in by the authorization code
// flow with PKCE.
type SSO interface {
	// AuthURL is the provider's sign-in page to send the browser to, for
	// this state, nonce and PKCE verifier (whose S256 challenge it sends).
	AuthURL(state, nonce, verifier string) string
	// Exchange trades the code for tokens with the verifier, checks the ID
	// token (signature, issuer, audience, expiry, nonce) and returns who it
	// names.
	Exchange(ctx context.Context, code, verifier, nonce string) (*kpi.Identity, error)
}

// SSOFlow is one sign-in in progress: where to send the browser, and the
// value to keep in a short-lived cookie until the provider sends it back.
type SSOFlow struct {
	URL    string
	Cookie string
}

func random32() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

var errNoSSO = kpi.Errorf(kpi.ENOTFOUND, "Single sign-on is not set up on this server.")

// StartSSO begins a single sign-on: a fresh state, nonce and PKCE
// verifier, kept by the browser in a cookie, and the provider's URL.
func (a *App) StartSSO() (*SSOFlow, error) {
	if a.Auth.SSO == nil {
		return nil, errNoSSO
	}
	var parts [3]string
	for i := range parts {
		var err error
		if parts[i], err = random32(); err != nil {
			return nil, err
		}
	}
	return &SSOFlow{URL: a.Auth.SSO.AuthURL(parts[0], parts[1], parts[2]), Cookie: strings.Join(parts[:], ".")}, nil
}

// FinishSSO completes a single sign-on when the provider sends the browser
// back with state and code: the state must be the one this browser's
// cookie holds; the code is exchanged with the PKCE verifier and the ID
// token checked. The provider's verified e-mail picks the user; a person
// with no user yet whose e-mail an employee of the workspace has gets one
// (a member, linked to that employee). Then a new session starts.
func (a *App) FinishSSO(ctx context.Context, cookie, state, code, addr string) (*SignedIn, error) {
	if a.Auth.SSO == nil {
		return nil, errNoSSO
	}
	parts := strings.Split(cookie, ".")
	if len(parts) != 3 || state == "" || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(state)) != 1 {
		return nil, kpi.Errorf(kpi.EUNAUTHORIZED, "This sign-in was not started here, or took too long; start again.")
	}
	id, err := a.Auth.SSO.Exchange(ctx, code, parts[2], parts[1])
	if err != nil {
		return nil, err
	}
	ws, err := a.svc.Workspaces.FindWorkspaceBySlug(ctx, a.signInWorkspace(""))
	if err != nil {
		return nil, err
	}
	email := strings.ToLower(strings.TrimSpace(id.Email))
	ctx = kpi.NewContextWithAddr(kpi.NewContextWithActor(kpi.NewContextWithWorkspace(ctx, ws.ID), "sso:"+email), addr)
	if email == "" || !id.EmailVerified {
		_, err := a.svc.Throttle.SignInFailed(ctx, email, "single sign-on: e-mail not verified by "+id.Issuer, nil, failureWindow)
		return nil, firstErr(err, kpi.Errorf(kpi.EUNAUTHORIZED, "Your identity provider did not confirm your e-mail address, so it cannot tell who you are here."))
	}
	u, err := a.svc.Users.FindUserByEmail(ctx, email)
	if kpi.ErrorCode(err) == kpi.ENOTFOUND {
		u, err = a.ssoUser(ctx, email, id)
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		_, err := a.svc.Throttle.SignInFailed(ctx, email, "single sign-on: user disabled", nil, failureWindow)
		return nil, firstErr(err, kpi.Errorf(kpi.EUNAUTHORIZED, "Your user is disabled; ask an admin."))
	}
	return a.newSession(ctx, u, addr, "sso "+id.Issuer)
}

// ssoUser makes a user for the employee with e-mail email.
func (a *App) ssoUser(ctx context.Context, email string, id *kpi.Identity) (*kpi.User, error) {
	emps, err := a.svc.Org.FindEmployees(ctx, kpi.EmployeeFilter{})
	if err != nil {
		return nil, err
	}
	for _, e := range emps {
		if strings.EqualFold(strings.TrimSpace(e.Email), email) {
			u := &kpi.User{Email: email, Name: e.Name, EmployeeID: e.ID, Role: kpi.RoleMember}
			return u, a.svc.Users.CreateUser(ctx, u, "")
		}
	}
	_, err = a.svc.Throttle.SignInFailed(ctx, email, "single sign-on: no user or employee with this e-mail", nil, failureWindow)
	return nil, firstErr(err, kpi.Errorf(kpi.EUNAUTHORIZED, "Nobody with the e-mail %s works here in Attain yet; ask an admin to add you.", email))
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
