package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"attain/kpi"
)

// TokenRequest is a new API token.
type TokenRequest struct {
	Name string `json:"name"`
	// Scopes limit the token to some actions, each an action
	// ("values:read") or an action on one dataset ("records:write:deals");
	// none: all the token's user (or, for an integration, an admin) may.
	Scopes []string `json:"scopes,omitempty"`
	// Expires is a day (2027-01-31, the token works until it begins, in
	// UTC), a span from now (90d, 12h) or "never"; "" is 90 days for a
	// user's token and never for an integration's.
	Expires string `json:"expires,omitempty"`
	// Integration makes a token of no user, acting as an admin within its
	// scopes (admins only). The command line always makes these.
	Integration bool `json:"integration,omitempty"`
}

// DefaultTokenLife is how long a user's token works unless told.
const DefaultTokenLife = 90 * 24 * time.Hour

// CreateToken creates an API token; its secret is in the result, once.
// A user's token acts as them, never as more, and never with more scopes
// than the token or session that makes it; an integration's token is made
// by an admin.
func (a *App) CreateToken(ctx context.Context, who kpi.Actor, req TokenRequest) (*kpi.APIToken, error) {
	if strings.TrimSpace(req.Name) == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "Give the token a name.")
	}
	integration := req.Integration || who.UserID == 0
	act := WriteTokens
	if integration {
		act = WriteUsers
	}
	ctx, err := a.begin(ctx, who, act, on{})
	if err != nil {
		return nil, err
	}
	for _, s := range req.Scopes {
		if err := checkScope(s); err != nil {
			return nil, err
		}
	}
	scopes := req.Scopes
	if who.Scopes != nil {
		if scopes == nil {
			scopes = who.Scopes
		}
		for _, s := range scopes {
			if !slices.Contains(who.Scopes, s) {
				return nil, kpi.Errorf(kpi.EFORBIDDEN, "A token may not give scope %s it does not have itself (%s).", s, strings.Join(who.Scopes, ", "))
			}
		}
	}
	tok := &kpi.APIToken{Name: strings.TrimSpace(req.Name), Scopes: scopes}
	if !integration {
		tok.UserID = who.UserID
	}
	if tok.ExpiresAt, err = a.tokenExpiry(req.Expires, integration); err != nil {
		return nil, err
	}
	return tok, a.svc.Tokens.CreateAPIToken(ctx, tok)
}

// checkScope says what is wrong with a scope: it names an action of the
// policy, or one of the dataset actions followed by ":DATASET".
func checkScope(s string) error {
	if _, ok := Policy[Action(s)]; ok {
		return nil
	}
	i := strings.LastIndexByte(s, ':')
	if i > 0 && i < len(s)-1 {
		if _, ok := Policy[Action(s[:i])]; ok && (Action(s[:i]) == ReadRecords || Action(s[:i]) == WriteRecords) {
			return nil
		}
	}
	acts := make([]string, 0, len(Policy))
	for act := range Policy {
		acts = append(acts, string(act))
	}
	slices.Sort(acts)
	return kpi.Errorf(kpi.EINVALID, "Unknown scope %q: want one of %s, or records:read:DATASET, records:write:DATASET.", s, strings.Join(acts, ", "))
}

func (a *App) tokenExpiry(s string, integration bool) (*time.Time, error) {
	now := a.now().UTC()
	var t time.Time
	switch {
	case s == "never":
		return nil, nil
	case s == "" && integration:
		return nil, nil
	case s == "":
		t = now.Add(DefaultTokenLife)
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n <= 0 {
			return nil, badExpiry(s)
		}
		t = now.AddDate(0, 0, n)
	default:
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			t = now.Add(d)
		} else if day, err := time.Parse(time.DateOnly, s); err == nil && day.After(now) {
			t = day
		} else {
			return nil, badExpiry(s)
		}
	}
	t = t.Truncate(time.Second)
	return &t, nil
}

func badExpiry(s string) error {
	return kpi.Errorf(kpi.EINVALID, "Expiry %q: want a future day (2027-01-31), a span (90d, 12h) or never.", s)
}

// Tokens lists API tokens without their secrets: the actor's own, or, for
// an admin asking for all, every token of the workspace.
func (a *App) Tokens(ctx context.Context, who kpi.Actor, all bool) ([]*kpi.APIToken, error) {
	act := WriteTokens
	if all || who.UserID == 0 {
		act = WriteUsers
	}
	ctx, err := a.begin(ctx, who, act, on{})
	if err != nil {
		return nil, err
	}
	var user *int64
	if act == WriteTokens {
		user = &who.UserID
	}
	toks, err := a.svc.Tokens.FindAPITokens(ctx, user)
	return nonNil(toks), err
}

// RevokeToken revokes a token for good: one's own, or any (admins).
func (a *App) RevokeToken(ctx context.Context, who kpi.Actor, id int64) error {
	ctx, err := a.begin(ctx, who, WriteTokens, on{})
	if err != nil {
		return err
	}
	tok, err := a.svc.Tokens.FindAPITokenByID(ctx, id)
	if err != nil {
		return err
	}
	if who.UserID == 0 || tok.UserID != who.UserID {
		if err := a.authorize(ctx, who, WriteUsers, on{}); err != nil {
			return err
		}
	}
	return a.svc.Tokens.RevokeAPIToken(ctx, id)
}
