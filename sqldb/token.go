package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"attain/kpi"
)

// TokenService issues API tokens and checks their secrets.
type TokenService struct{ db *DB }

// NewTokenService returns the token service.
func NewTokenService(db *DB) *TokenService { return &TokenService{db: db} }

var _ kpi.TokenService = (*TokenService)(nil)

const tokenPrefix = "atn_"

// CreateAPIToken creates a token for the context's workspace and sets t.ID,
// t.WorkspaceID, t.CreatedAt and t.Secret, which is shown once: only its
// SHA-256 is stored.
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
		if _, err := tx.exec(ctx, `INSERT INTO api_tokens (workspace_id, id, name, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
			ws, id, t.Name, hash[:], tx.now); err != nil {
			return err
		}
		t.ID, t.WorkspaceID, t.CreatedAt = id, ws, tx.now
		return tx.audit(ctx, ws, "create", "api_token", fmt.Sprint(id), nil, map[string]any{"id": id, "name": t.Name})
	})
	if err != nil {
		return fmt.Errorf("create token %q: %w", t.Name, err)
	}
	t.Secret = secret
	return nil
}

// Authenticate finds the token by the SHA-256 of secret. The lookup is by
// hash, so comparing it leaks nothing about the secret's bytes.
func (s *TokenService) Authenticate(ctx context.Context, secret string) (*kpi.APIToken, error) {
	denied := kpi.Errorf(kpi.EUNAUTHORIZED, "Invalid API token.")
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, denied
	}
	hash := sha256.Sum256([]byte(secret))
	var t kpi.APIToken
	err := s.db.read(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `SELECT workspace_id, id, name, created_at FROM api_tokens WHERE secret_hash = $1`, hash[:]).
			Scan(&t.WorkspaceID, &t.ID, &t.Name, &t.CreatedAt)
		if isNoRows(err) {
			return denied
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}
