package sqldb

import (
	"context"
	"fmt"
	"time"

	"attain/kpi"
)

// SessionService keeps the signed-in sessions of the context's workspace
// and its count of failed sign-ins.
type SessionService struct{ db *DB }

// NewSessionService returns the session service.
func NewSessionService(db *DB) *SessionService { return &SessionService{db: db} }

var (
	_ kpi.SessionService = (*SessionService)(nil)
	_ kpi.SignInThrottle = (*SessionService)(nil)
)

// CreateSession stores s, records and audits the sign-in, and drops the
// workspace's expired sessions.
func (s *SessionService) CreateSession(ctx context.Context, sess *kpi.Session, hash []byte) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		u, err := tx.findUser(ctx, ws, `id = $2`, sess.UserID, fmt.Sprint(sess.UserID))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE workspace_id = $1 AND expires_at <= $2`, ws, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO sessions (workspace_id, secret_hash, user_id, created_at, last_seen, expires_at, addr)
			VALUES ($1, $2, $3, $4, $4, $5, $6)`, ws, hash, sess.UserID, tx.now, sess.ExpiresAt.UTC().Truncate(time.Microsecond), sess.Addr); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE users SET last_sign_in = $3 WHERE workspace_id = $1 AND id = $2`, ws, sess.UserID, tx.now); err != nil {
			return err
		}
		sess.WorkspaceID, sess.CreatedAt, sess.LastSeen = ws, tx.now, tx.now
		return tx.audit(ctx, ws, "sign_in", "user", u.Email, nil, map[string]any{"addr": sess.Addr, "method": sess.Method})
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// FindSession returns the session whose secret hashes to hash.
func (s *SessionService) FindSession(ctx context.Context, hash []byte) (*kpi.Session, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var sess kpi.Session
	err = s.db.read(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `SELECT workspace_id, user_id, created_at, last_seen, expires_at, addr FROM sessions
			WHERE workspace_id = $1 AND secret_hash = $2`, ws, hash).
			Scan(&sess.WorkspaceID, &sess.UserID, &sess.CreatedAt, &sess.LastSeen, &sess.ExpiresAt, &sess.Addr)
		if isNoRows(err) {
			return kpi.Errorf(kpi.EUNAUTHORIZED, "Your session ended; sign in again.")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	sess.CreatedAt, sess.LastSeen, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.LastSeen.UTC(), sess.ExpiresAt.UTC()
	return &sess, nil
}

// TouchSession records that the session was used now.
func (s *SessionService) TouchSession(ctx context.Context, hash []byte) error {
	return s.exec(ctx, "touch session", `UPDATE sessions SET last_seen = $3 WHERE workspace_id = $1 AND secret_hash = $2`, hash, true)
}

// DeleteSession ends one session.
func (s *SessionService) DeleteSession(ctx context.Context, hash []byte) error {
	return s.exec(ctx, "delete session", `DELETE FROM sessions WHERE workspace_id = $1 AND secret_hash = $2`, hash, false)
}

func (s *SessionService) exec(ctx context.Context, what, q string, hash []byte, now bool) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		args := []any{ws, hash}
		if now {
			args = append(args, tx.now)
		}
		_, err := tx.exec(ctx, q, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// DeleteUserSessions signs the user out everywhere.
func (s *SessionService) DeleteUserSessions(ctx context.Context, userID int64) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error { return tx.deleteUserSessions(ctx, ws, userID) })
	if err != nil {
		return fmt.Errorf("sign out user %d: %w", userID, err)
	}
	return nil
}

func (tx *Tx) deleteUserSessions(ctx context.Context, ws, userID int64) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2`, ws, userID)
	return err
}

// SignInFailures returns the failures counted for each key.
func (s *SessionService) SignInFailures(ctx context.Context, keys ...string) ([]kpi.SignInFailures, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]kpi.SignInFailures, len(keys))
	err = s.db.read(ctx, func(tx *Tx) error {
		for i, k := range keys {
			if out[i], err = tx.signInFailures(ctx, ws, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sign-in failures: %w", err)
	}
	return out, nil
}

func (tx *Tx) signInFailures(ctx context.Context, ws int64, key string) (kpi.SignInFailures, error) {
	var f kpi.SignInFailures
	err := tx.queryRow(ctx, `SELECT failures, last_at FROM signin_failures WHERE workspace_id = $1 AND key = $2`, ws, key).Scan(&f.Count, &f.Last)
	if isNoRows(err) {
		return kpi.SignInFailures{}, nil
	}
	f.Last = f.Last.UTC()
	return f, err
}

// SignInFailed audits the failure and counts it against each key.
func (s *SessionService) SignInFailed(ctx context.Context, email, why string, keys []string, window time.Duration) ([]kpi.SignInFailures, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]kpi.SignInFailures, len(keys))
	err = s.db.write(ctx, func(tx *Tx) error {
		for i, k := range keys {
			// One statement, so failures counted at once by two servers both count.
			err := tx.queryRow(ctx, `INSERT INTO signin_failures (workspace_id, key, failures, last_at) VALUES ($1, $2, 1, $3)
				ON CONFLICT (workspace_id, key) DO UPDATE SET
					failures = CASE WHEN signin_failures.last_at < $4 THEN 1 ELSE signin_failures.failures + 1 END,
					last_at = excluded.last_at
				RETURNING failures, last_at`, ws, k, tx.now, tx.now.Add(-window)).Scan(&out[i].Count, &out[i].Last)
			if err != nil {
				return err
			}
			out[i].Last = out[i].Last.UTC()
		}
		return tx.auditWhy(ctx, ws, "sign_in_failed", "user", normEmail(email), nil, nil, why)
	})
	if err != nil {
		return nil, fmt.Errorf("count failed sign-in: %w", err)
	}
	return out, nil
}

// ClearSignInFailures forgets the failures of key (after a sign-in).
func (s *SessionService) ClearSignInFailures(ctx context.Context, key string) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM signin_failures WHERE workspace_id = $1 AND key = $2`, ws, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear sign-in failures: %w", err)
	}
	return nil
}
