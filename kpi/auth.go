package kpi

import (
	"context"
	"time"
)

// Session is a signed-in browser: the cookie holds a random secret, the
// store only its hash. It ends when idle too long, at ExpiresAt whatever
// happens, at sign-out, and when the user's password changes.
type Session struct {
	WorkspaceID int64     `json:"workspace_id"`
	UserID      int64     `json:"user_id"`
	CreatedAt   time.Time `json:"created_at"`
	LastSeen    time.Time `json:"last_seen"`
	ExpiresAt   time.Time `json:"expires_at"`
	Addr        string    `json:"addr,omitempty"`
	// Method is how the person signed in ("password", "sso ISSUER"), for
	// the audit trail.
	Method string `json:"method,omitempty"`
}

// SessionService keeps the sessions of the context's workspace, each found
// by the SHA-256 of its secret.
type SessionService interface {
	// CreateSession stores s (CreatedAt and LastSeen are set to now),
	// records and audits the user's sign-in and drops the workspace's
	// expired sessions.
	CreateSession(ctx context.Context, s *Session, hash []byte) error
	// FindSession returns the session of hash; EUNAUTHORIZED if none.
	FindSession(ctx context.Context, hash []byte) (*Session, error)
	// TouchSession records that the session was used now.
	TouchSession(ctx context.Context, hash []byte) error
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteUserSessions signs the user out everywhere.
	DeleteUserSessions(ctx context.Context, userID int64) error
}

// SignInFailures is how often sign-in failed for one key (an account or a
// client address) in a row, and when last.
type SignInFailures struct {
	Count int
	Last  time.Time
}

// SignInThrottle counts failed sign-ins in the store, so a slow-down holds
// across every server of a workspace. Keys are "account:EMAIL" and
// "addr:IP".
type SignInThrottle interface {
	SignInFailures(ctx context.Context, keys ...string) ([]SignInFailures, error)
	// SignInFailed audits a failed sign-in as email, and why, and counts
	// one more failure of each key, starting again from one when its last
	// is older than window.
	SignInFailed(ctx context.Context, email, why string, keys []string, window time.Duration) ([]SignInFailures, error)
	ClearSignInFailures(ctx context.Context, key string) error
}

// ResetLinkService keeps one-time links to set a new password, by the
// SHA-256 of their secret.
type ResetLinkService interface {
	CreateResetLink(ctx context.Context, userID int64, hash []byte, expires time.Time) error
	// UseResetLink marks the link used and returns its user; EUNAUTHORIZED
	// if it does not exist, expired or was used.
	UseResetLink(ctx context.Context, hash []byte) (int64, error)
}

// Identity is who an identity provider (single sign-on) says signed in.
type Identity struct {
	Issuer, Subject string
	Email           string
	EmailVerified   bool
	Name            string
}

type addrContextKey struct{}

// NewContextWithAddr names where the changes done with ctx come from (a
// client's address); the audit trail records it.
func NewContextWithAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrContextKey{}, addr)
}

// AddrFromContext returns where the changes come from, "" if not known.
func AddrFromContext(ctx context.Context) string {
	a, _ := ctx.Value(addrContextKey{}).(string)
	return a
}
