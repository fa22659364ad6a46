package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"attain/kpi"
)

// TokenService issues API tokens and checks their secrets.
type TokenService struct{ db *DB }

// NewTokenService returns the token service.
func NewTokenService(db *DB) *TokenService { return &TokenService{db: db} }

var _ kpi.TokenService = (*TokenService)(nil)

const tokenPrefix = "atn_"

// CreateAPIToken creates a token for the context's workspace and sets t.ID,
// t.WorkspaceID, t.CreatedAt, t.CreatedBy and t.Secret, which is shown
// once: only its SHA-256 is stored. t.UserID, t.Scopes and t.ExpiresAt are
// stored as given.
func (s *TokenService) CreateAPIToken(ctx context.Context, t *kpi.APIToken) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	if t.Name == "" {
		return kpi.Errorf(kpi.EINVALID, "Token name required.")
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return fmt.Errorf("create token: random: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	hash := sha256.Sum256([]byte(secret))
	err = s.db.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.queryRow(ctx, `UPDATE counters SET token_seq = token_seq + 1 WHERE workspace_id = $1 RETURNING token_seq`, ws).Scan(&id)
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "Workspace %d not found.", ws)
		} else if err != nil {
			return err
		}
		scopes, err := scopesJSON(t.Scopes)
		if err != nil {
			return err
		}
		var user, expires any
		if t.UserID != 0 {
			user = t.UserID
		}
		if t.ExpiresAt != nil {
			expires = t.ExpiresAt.UTC()
		}
		by := kpi.ActorFromContext(ctx)
		if _, err := tx.exec(ctx, `INSERT INTO api_tokens (workspace_id, id, name, secret_hash, created_at, user_id, scopes, expires_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			ws, id, t.Name, hash[:], tx.now, user, scopes, expires, by); err != nil {
			return err
		}
		t.ID, t.WorkspaceID, t.CreatedAt, t.CreatedBy = id, ws, tx.now, by
		return tx.audit(ctx, ws, "create", "api_token", fmt.Sprint(id), nil, map[string]any{"id": id, "name": t.Name,
			"user_id": t.UserID, "scopes": t.Scopes, "expires_at": t.ExpiresAt})
	})
	if err != nil {
		return fmt.Errorf("create token %q: %w", t.Name, err)
	}
	t.Secret = secret
	return nil
}

func scopesJSON(scopes []string) (any, error) {
	if scopes == nil {
		return nil, nil
	}
	b, err := json.Marshal(scopes)
	return string(b), err
}

const tokenColumns = `workspace_id, id, name, created_at, user_id, scopes, expires_at, revoked_at, last_used_at, created_by`

func scanToken(r row) (*kpi.APIToken, error) {
	var t kpi.APIToken
	var user sql.NullInt64
	var scopes sql.NullString
	var expires, revoked, used sql.NullTime
	if err := r.Scan(&t.WorkspaceID, &t.ID, &t.Name, &t.CreatedAt, &user, &scopes, &expires, &revoked, &used, &t.CreatedBy); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.UserID = user.Int64
	if scopes.Valid {
		if err := json.Unmarshal([]byte(scopes.String), &t.Scopes); err != nil {
			return nil, fmt.Errorf("token %d: scopes: %w", t.ID, err)
		}
		if t.Scopes == nil {
			t.Scopes = []string{}
		}
	}
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = nullTime(expires), nullTime(revoked), nullTime(used)
	return &t, nil
}

// Authenticate finds the token by the SHA-256 of secret. The lookup is by
// hash, so comparing it leaks nothing about the secret's bytes. Whether a
// revoked or expired token may act is for the caller to decide.
func (s *TokenService) Authenticate(ctx context.Context, secret string) (*kpi.APIToken, error) {
	denied := kpi.Errorf(kpi.EUNAUTHORIZED, "Invalid API token.")
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, denied
	}
	hash := sha256.Sum256([]byte(secret))
	var t *kpi.APIToken
	err := s.db.read(ctx, func(tx *Tx) error {
		var err error
		t, err = scanToken(tx.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE secret_hash = $1`, hash[:]))
		if isNoRows(err) {
			return denied
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	return t, nil
}

// FindAPITokens lists the workspace's tokens by id, of one user when
// userID is set (0: the integrations).
func (s *TokenService) FindAPITokens(ctx context.Context, userID *int64) ([]*kpi.APIToken, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	q, args := `SELECT `+tokenColumns+` FROM api_tokens WHERE workspace_id = $1`, []any{ws}
	switch {
	case userID == nil:
	case *userID == 0:
		q += ` AND user_id IS NULL`
	default:
		q += ` AND user_id = $2`
		args = append(args, *userID)
	}
	var out []*kpi.APIToken
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, q+` ORDER BY id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find tokens: %w", err)
	}
	return out, nil
}

// FindAPITokenByID returns one token of the workspace.
func (s *TokenService) FindAPITokenByID(ctx context.Context, id int64) (*kpi.APIToken, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var t *kpi.APIToken
	err = s.db.read(ctx, func(tx *Tx) error {
		t, err = tx.findToken(ctx, ws, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find token %d: %w", id, err)
	}
	return t, nil
}

func (tx *Tx) findToken(ctx context.Context, ws, id int64) (*kpi.APIToken, error) {
	t, err := scanToken(tx.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE workspace_id = $1 AND id = $2`, ws, id))
	if isNoRows(err) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Token %d not found.", id)
	}
	return t, err
}

// RevokeAPIToken revokes a token for good; revoking it again changes nothing.
func (s *TokenService) RevokeAPIToken(ctx context.Context, id int64) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		t, err := tx.findToken(ctx, ws, id)
		if err != nil || t.RevokedAt != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = $3 WHERE workspace_id = $1 AND id = $2`, ws, id, tx.now); err != nil {
			return err
		}
		return tx.audit(ctx, ws, "revoke", "api_token", fmt.Sprint(id), map[string]any{"name": t.Name}, map[string]any{"revoked_at": tx.now})
	})
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	return nil
}

// TouchAPIToken records a use of the token now; the first use of each day
// (UTC) is audited.
func (s *TokenService) TouchAPIToken(ctx context.Context, id int64) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		t, err := tx.findToken(ctx, ws, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = $3 WHERE workspace_id = $1 AND id = $2`, ws, id, tx.now); err != nil {
			return err
		}
		if t.LastUsedAt != nil && sameDay(*t.LastUsedAt, tx.now) {
			return nil
		}
		return tx.audit(ctx, ws, "use", "api_token", fmt.Sprint(id), nil, nil)
	})
	if err != nil {
		return fmt.Errorf("record use of token %d: %w", id, err)
	}
	return nil
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.UTC().Date()
	by, bm, bd := b.UTC().Date()
	return ay == by && am == bm && ad == bd
}
