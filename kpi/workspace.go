package kpi

import (
	"context"
	"time"

	"golang.org/x/text/language"
)

// Workspace is one customer's data. Every stored row carries its ID.
type Workspace struct {
	ID       int64  `json:"id"`
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	TimeZone string `json:"time_zone"` // IANA name; periods are cut in it
	// Locale is how numbers, money and dates are written for its people,
	// a BCP 47 tag: en, en-GB, de-DE, fr-FR.
	Locale    string    `json:"locale"`
	CreatedAt time.Time `json:"created_at"`
}

// DefaultLocale is the locale of a workspace that names none.
const DefaultLocale = "en"

// Language returns the workspace's locale as a language tag.
func (w *Workspace) Language() (language.Tag, error) {
	if w.Locale == "" {
		return language.English, nil
	}
	t, err := language.Parse(w.Locale)
	if err != nil {
		return language.Und, Errorf(EINVALID, "Unknown locale %q: want a tag like en, en-GB or de-DE.", w.Locale)
	}
	return t, nil
}

// Location returns the workspace's time zone, UTC if it has none.
func (w *Workspace) Location() (*time.Location, error) {
	if w.TimeZone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		return nil, Errorf(EINVALID, "Unknown time zone %q.", w.TimeZone)
	}
	return loc, nil
}

// WorkspaceService manages workspaces. Unlike the other services it is not
// scoped by the context's workspace: it is how a workspace is found.
type WorkspaceService interface {
	FindWorkspaceByID(ctx context.Context, id int64) (*Workspace, error)
	FindWorkspaceBySlug(ctx context.Context, slug string) (*Workspace, error)
	FindWorkspaces(ctx context.Context) ([]*Workspace, error)
	CreateWorkspace(ctx context.Context, w *Workspace) error
}

// APIToken grants access to one workspace: as its user (never more than
// the user may), or, without one, as an integration an admin made, limited
// to its scopes. Only a hash of the secret is stored; the secret is shown
// once, when the token is created.
type APIToken struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"workspace_id"`
	Name        string    `json:"name"`
	CreatedAt   time.Time `json:"created_at"`
	Secret      string    `json:"secret,omitempty"` // set only by CreateAPIToken
	// UserID is the user the token acts as; 0: an integration.
	UserID int64 `json:"user_id,omitempty"`
	// Scopes are the actions the token may take ("values:read",
	// "records:write:deals"); nil: all its user (or, for an integration,
	// an admin) may.
	Scopes     []string   `json:"scopes,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	CreatedBy  string     `json:"created_by,omitempty"`
}

// TokenService issues and checks API tokens.
type TokenService interface {
	// CreateAPIToken creates a token for the context's workspace and
	// fills t.Secret with the secret to hand out.
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// Authenticate returns the token whose secret this is, revoked or
	// expired or not; EUNAUTHORIZED if there is none.
	Authenticate(ctx context.Context, secret string) (*APIToken, error)
	// FindAPITokens lists the workspace's tokens, of one user when
	// userID is set (0: the integrations).
	FindAPITokens(ctx context.Context, userID *int64) ([]*APIToken, error)
	FindAPITokenByID(ctx context.Context, id int64) (*APIToken, error)
	RevokeAPIToken(ctx context.Context, id int64) error
	// TouchAPIToken records a use now; the first use of a day is audited.
	TouchAPIToken(ctx context.Context, id int64) error
}

// WorkspaceLocation returns the time zone of the context's workspace: where
// its periods are cut and "today" is.
func WorkspaceLocation(ctx context.Context, ws WorkspaceService) (*time.Location, error) {
	id, err := WorkspaceIDFromContext(ctx)
	if err != nil {
		return nil, err
	}
	w, err := ws.FindWorkspaceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return w.Location()
}
