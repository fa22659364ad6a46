package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"attain/kpi"
)

// AuthConfig is how people sign in. The zero value works: sessions end
// after DefaultSessionIdle without use and DefaultSessionMax after sign-in,
// links point at DefaultBaseURL, no e-mail is sent and there is no single
// sign-on.
type AuthConfig struct {
	// SessionIdle ends a session unused this long; SessionMax ends every
	// session this long after sign-in, used or not.
	SessionIdle, SessionMax time.Duration
	// BaseURL is where people reach the server; reset links start with it.
	BaseURL string
	// Workspace is the workspace people sign in to when they name none,
	// and the one single sign-on signs in to.
	Workspace string
	// Mailer sends password reset links; nil: only an admin can make them.
	Mailer Mailer
	// SSO is the OpenID Connect provider; nil: none.
	SSO SSO
}

// Defaults of AuthConfig.
const (
	DefaultSessionIdle = 2 * time.Hour
	DefaultSessionMax  = 12 * time.Hour
	DefaultBaseURL     = "http://127.0.0.1:8080"
)

// Mailer sends an e-mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

func (a *App) sessionIdle() time.Duration {
	if a.Auth.SessionIdle > 0 {
		return a.Auth.SessionIdle
	}
	return DefaultSessionIdle
}

func (a *App) sessionMax() time.Duration {
	if a.Auth.SessionMax > 0 {
		return a.Auth.SessionMax
	}
	return DefaultSessionMax
}

func (a *App) baseURL() string {
	if a.Auth.BaseURL != "" {
		return strings.TrimRight(a.Auth.BaseURL, "/")
	}
	return DefaultBaseURL
}

// signInWorkspace is the workspace slug to sign in to: the one named, else
// the configured one, else the default.
func (a *App) signInWorkspace(slug string) string {
	switch {
	case slug != "":
		return slug
	case a.Auth.Workspace != "":
		return a.Auth.Workspace
	}
	return DefaultWorkspace
}

// A secret (of a session or a reset link) is "WORKSPACE.RANDOM": the
// workspace it belongs to, then 32 random bytes in base64url. Only its
// SHA-256 is stored, under its workspace.

func newSecret(ws int64) (string, []byte, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, fmt.Errorf("random secret: %w", err)
	}
	s := strconv.FormatInt(ws, 10) + "." + base64.RawURLEncoding.EncodeToString(raw[:])
	h := sha256.Sum256([]byte(s))
	return s, h[:], nil
}

// parseSecret returns the workspace and hash of a secret; ok is false for
// anything newSecret cannot have made.
func parseSecret(s string) (ws int64, hash []byte, ok bool) {
	w, rest, found := strings.Cut(s, ".")
	if !found || len(rest) != 43 {
		return 0, nil, false
	}
	ws, err := strconv.ParseInt(w, 10, 64)
	if err != nil || ws <= 0 {
		return 0, nil, false
	}
	if _, err := base64.RawURLEncoding.DecodeString(rest); err != nil {
		return 0, nil, false
	}
	h := sha256.Sum256([]byte(s))
	return ws, h[:], true
}

// CSRFToken is the anti-forgery token of a session: an HMAC of the
// session's secret, so it is bound to that session, changes with every
// sign-in, and is known only to pages served to that session. Forms send
// it back in the field "csrf", scripts in the header X-CSRF-Token.
func CSRFToken(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("attain csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF reports whether token is the CSRF token of session, comparing
// in constant time.
func CheckCSRF(session, token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(CSRFToken(session)), []byte(token)) == 1
}

// ClientAddr is the address part of a request's remote address.
func ClientAddr(remote string) string {
	if h, _, err := net.SplitHostPort(remote); err == nil {
		return h
	}
	return remote
}

// Credentials are what a request brings to say who it is: an API token
// (Authorization: Bearer) or a session cookie, and where it comes from.
type Credentials struct {
	Token   string
	Session string
	Addr    string
}

// Authenticate returns who a request acts as: the user of a session, the
// user of a user's token (limited to its scopes), or an integration token
// (an admin limited to its scopes; tokens made before users existed have
// no scopes). Revoked and expired tokens, ended sessions and disabled
// users are refused.
func (a *App) Authenticate(ctx context.Context, c Credentials) (kpi.Actor, error) {
	switch {
	case c.Token != "":
		return a.tokenActor(ctx, c)
	case c.Session != "":
		return a.sessionActor(ctx, c)
	}
	return kpi.Actor{}, kpi.Errorf(kpi.EUNAUTHORIZED, "Sign in, or send an API token: Authorization: Bearer <token>.")
}

// touchEvery is how often the last use of a session or token is written:
// not on every request.
const touchEvery = time.Minute

func (a *App) tokenActor(ctx context.Context, c Credentials) (kpi.Actor, error) {
	tok, err := a.svc.Tokens.Authenticate(ctx, c.Token)
	if err != nil {
		return kpi.Actor{}, err
	}
	now := a.now()
	switch {
	case tok.RevokedAt != nil:
		return kpi.Actor{}, kpi.Errorf(kpi.EUNAUTHORIZED, "This API token was revoked.")
	case tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt):
		return kpi.Actor{}, kpi.Errorf(kpi.EUNAUTHORIZED, "This API token expired on %s.", tok.ExpiresAt.Format(time.RFC3339))
	}
	who := kpi.Actor{WorkspaceID: tok.WorkspaceID, Name: "token:" + tok.Name, Role: kpi.RoleAdmin, Scopes: tok.Scopes, Addr: c.Addr}
	ctx = kpi.NewContextWithWorkspace(ctx, tok.WorkspaceID)
	if tok.UserID != 0 {
		u, err := a.svc.Users.FindUserByID(ctx, tok.UserID)
		if err != nil {
			return kpi.Actor{}, err
		}
		if u.Disabled {
			return kpi.Actor{}, kpi.Errorf(kpi.EUNAUTHORIZED, "The user of this API token is disabled.")
		}
		who.UserID, who.EmployeeID, who.Role = u.ID, u.EmployeeID, u.Role
	}
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= touchEvery || !sameDay(*tok.LastUsedAt, now) {
		ctx = kpi.NewContextWithAddr(kpi.NewContextWithActor(ctx, who.Name), c.Addr)
		if err := a.svc.Tokens.TouchAPIToken(ctx, tok.ID); err != nil {
			return kpi.Actor{}, err
		}
	}
	return who, nil
}

func sameDay(a, b time.Time) bool {
	return a.UTC().Format(time.DateOnly) == b.UTC().Format(time.DateOnly)
}

var errSessionEnded = kpi.Errorf(kpi.EUNAUTHORIZED, "Your session ended; sign in again.")

func (a *App) sessionActor(ctx context.Context, c Credentials) (kpi.Actor, error) {
	ws, hash, ok := parseSecret(c.Session)
	if !ok {
		return kpi.Actor{}, errSessionEnded
	}
	ctx = kpi.NewContextWithWorkspace(ctx, ws)
	s, err := a.svc.Sessions.FindSession(ctx, hash)
	if err != nil {
		return kpi.Actor{}, err
	}
	now := a.now()
	if !now.Before(s.ExpiresAt) || now.Sub(s.LastSeen) >= a.sessionIdle() {
		if err := a.svc.Sessions.DeleteSession(ctx, hash); err != nil {
			return kpi.Actor{}, err
		}
		return kpi.Actor{}, errSessionEnded
	}
	u, err := a.svc.Users.FindUserByID(ctx, s.UserID)
	if err != nil {
		return kpi.Actor{}, err
	}
	if u.Disabled {
		return kpi.Actor{}, errSessionEnded
	}
	if now.Sub(s.LastSeen) >= touchEvery {
		if err := a.svc.Sessions.TouchSession(ctx, hash); err != nil {
			return kpi.Actor{}, err
		}
	}
	return userActor(u, c.Addr), nil
}

func userActor(u *kpi.User, addr string) kpi.Actor {
	return kpi.Actor{WorkspaceID: u.WorkspaceID, Name: "user:" + u.Email, UserID: u.ID, EmployeeID: u.EmployeeID, Role: u.Role, Addr: addr}
}
