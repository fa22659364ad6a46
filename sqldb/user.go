package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"attain/kpi"
)

// UserService keeps the users of the context's workspace, their password
// hashes and their one-time reset links. Every change is audited; no
// password hash ever reaches the audit trail.
type UserService struct{ db *DB }

// NewUserService returns the user service.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

var (
	_ kpi.UserService      = (*UserService)(nil)
	_ kpi.ResetLinkService = (*UserService)(nil)
)

const userColumns = `id, workspace_id, email, name, employee_id, role, disabled_at, created_at, last_sign_in`

func scanUser(r row) (*kpi.User, error) {
	var u kpi.User
	var emp sql.NullString
	var disabled, last sql.NullTime
	if err := r.Scan(&u.ID, &u.WorkspaceID, &u.Email, &u.Name, &emp, &u.Role, &disabled, &u.CreatedAt, &last); err != nil {
		return nil, err
	}
	u.EmployeeID = emp.String
	u.Disabled = disabled.Valid
	u.CreatedAt = u.CreatedAt.UTC()
	u.LastSignIn = nullTime(last)
	return &u, nil
}

// normEmail is how e-mail addresses are compared: trimmed, lower case.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (tx *Tx) findUser(ctx context.Context, ws int64, where string, arg any, what string) (*kpi.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE workspace_id = $1 AND `+where, ws, arg))
	if isNoRows(err) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "User %s not found.", what)
	}
	return u, err
}

func (s *UserService) findOne(ctx context.Context, where string, arg any, what string) (*kpi.User, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var u *kpi.User
	err = s.db.read(ctx, func(tx *Tx) error {
		u, err = tx.findUser(ctx, ws, where, arg, what)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find user %s: %w", what, err)
	}
	return u, nil
}

func (s *UserService) FindUserByID(ctx context.Context, id int64) (*kpi.User, error) {
	return s.findOne(ctx, `id = $2`, id, fmt.Sprint(id))
}

func (s *UserService) FindUserByEmail(ctx context.Context, email string) (*kpi.User, error) {
	return s.findOne(ctx, `email = $2`, normEmail(email), fmt.Sprintf("%q", normEmail(email)))
}

// FindUsers lists the workspace's users by e-mail.
func (s *UserService) FindUsers(ctx context.Context) ([]*kpi.User, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var users []*kpi.User
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+userColumns+` FROM users WHERE workspace_id = $1 ORDER BY email`, ws)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			users = append(users, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	return users, nil
}

// CreateUser stores u, its e-mail in lower case, and sets its ID,
// WorkspaceID and CreatedAt. An e-mail or employee that already has a
// user is a conflict.
func (s *UserService) CreateUser(ctx context.Context, u *kpi.User, passwordHash string) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	u.Email = normEmail(u.Email)
	if u.Email == "" {
		return kpi.Errorf(kpi.EINVALID, "User e-mail required.")
	}
	if !kpi.ValidRole(u.Role) {
		return kpi.Errorf(kpi.EINVALID, "Unknown role %q.", u.Role)
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.queryRow(ctx, `UPDATE counters SET user_seq = user_seq + 1 WHERE workspace_id = $1 RETURNING user_seq`, ws).Scan(&id)
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "Workspace %d not found.", ws)
		} else if err != nil {
			return err
		}
		if err := userConflict(ctx, tx, ws, 0, u.Email, u.EmployeeID); err != nil {
			return err
		}
		var disabled any
		if u.Disabled {
			disabled = tx.now
		}
		_, err = tx.exec(ctx, `INSERT INTO users (workspace_id, id, email, name, employee_id, role, password_hash, disabled_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, ws, id, u.Email, u.Name, nullString(u.EmployeeID), string(u.Role), passwordHash, disabled, tx.now)
		if isUniqueViolation(err) {
			return kpi.Errorf(kpi.ECONFLICT, "There is already a user %s or one for employee %s.", u.Email, u.EmployeeID)
		} else if err != nil {
			return err
		}
		u.ID, u.WorkspaceID, u.CreatedAt, u.LastSignIn = id, ws, tx.now, nil
		return tx.audit(ctx, ws, "create", "user", u.Email, nil, auditUser(u, passwordHash != ""))
	})
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return nil
}

// userConflict says which unique key user id (0: a new one) would hit
// with email and employee, nil if none. A user made at the same moment by
// another transaction is still caught by the unique indexes.
func userConflict(ctx context.Context, tx *Tx, ws, id int64, email, employee string) error {
	var other int64
	err := tx.queryRow(ctx, `SELECT id FROM users WHERE workspace_id = $1 AND email = $2`, ws, email).Scan(&other)
	if err == nil && other != id {
		return kpi.Errorf(kpi.ECONFLICT, "There is already a user %s.", email)
	} else if err != nil && !isNoRows(err) {
		return err
	}
	if employee == "" {
		return nil
	}
	var otherEmail string
	err = tx.queryRow(ctx, `SELECT id, email FROM users WHERE workspace_id = $1 AND employee_id = $2`, ws, employee).Scan(&other, &otherEmail)
	if err == nil && other != id {
		return kpi.Errorf(kpi.ECONFLICT, "Employee %s already has a user, %s.", employee, otherEmail)
	} else if err != nil && !isNoRows(err) {
		return err
	}
	return nil
}

// auditUser is what the audit trail keeps of a user: never a hash.
func auditUser(u *kpi.User, hasPassword bool) map[string]any {
	return map[string]any{"id": u.ID, "email": u.Email, "name": u.Name, "employee_id": u.EmployeeID, "role": u.Role,
		"disabled": u.Disabled, "password": hasPassword}
}

// UpdateUser changes the fields of upd that are set; disabling a user
// signs them out everywhere.
func (s *UserService) UpdateUser(ctx context.Context, id int64, upd kpi.UserUpdate) (*kpi.User, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	if upd.Role != nil && !kpi.ValidRole(*upd.Role) {
		return nil, kpi.Errorf(kpi.EINVALID, "Unknown role %q.", *upd.Role)
	}
	var u *kpi.User
	err = s.db.write(ctx, func(tx *Tx) error {
		old, err := tx.findUser(ctx, ws, `id = $2`, id, fmt.Sprint(id))
		if err != nil {
			return err
		}
		var hash string
		if err := tx.queryRow(ctx, `SELECT password_hash FROM users WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&hash); err != nil {
			return err
		}
		n := *old
		if upd.Name != nil {
			n.Name = *upd.Name
		}
		if upd.EmployeeID != nil {
			n.EmployeeID = *upd.EmployeeID
		}
		if upd.Role != nil {
			n.Role = *upd.Role
		}
		if upd.Disabled != nil {
			n.Disabled = *upd.Disabled
		}
		if err := userConflict(ctx, tx, ws, id, n.Email, n.EmployeeID); err != nil {
			return err
		}
		var disabled any
		if n.Disabled && !old.Disabled {
			disabled = tx.now
		}
		_, err = tx.exec(ctx, `UPDATE users SET name = $3, employee_id = $4, role = $5,
			disabled_at = CASE WHEN $6 THEN COALESCE(disabled_at, $7) ELSE NULL END
			WHERE workspace_id = $1 AND id = $2`, ws, id, n.Name, nullString(n.EmployeeID), string(n.Role), n.Disabled, disabled)
		if isUniqueViolation(err) {
			return kpi.Errorf(kpi.ECONFLICT, "Employee %s already has a user.", n.EmployeeID)
		} else if err != nil {
			return err
		}
		if n.Disabled && !old.Disabled {
			if err := tx.deleteUserSessions(ctx, ws, id); err != nil {
				return err
			}
		}
		u = &n
		return tx.audit(ctx, ws, "update", "user", n.Email, auditUser(old, hash != ""), auditUser(&n, hash != ""))
	})
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	return u, nil
}

// SetPasswordHash sets the user's password hash ("" for none) and signs
// them out everywhere: their sessions end, their reset links die.
func (s *UserService) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		u, err := tx.findUser(ctx, ws, `id = $2`, id, fmt.Sprint(id))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE users SET password_hash = $3 WHERE workspace_id = $1 AND id = $2`, ws, id, hash); err != nil {
			return err
		}
		if err := tx.deleteUserSessions(ctx, ws, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE reset_links SET used_at = $3 WHERE workspace_id = $1 AND user_id = $2 AND used_at IS NULL`, ws, id, tx.now); err != nil {
			return err
		}
		return tx.audit(ctx, ws, "set_password", "user", u.Email, nil, map[string]any{"password": hash != "", "signed_out": true})
	})
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	return nil
}

// PasswordHash returns the user's password hash, "" if they have none.
func (s *UserService) PasswordHash(ctx context.Context, id int64) (string, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return "", err
	}
	var hash string
	err = s.db.read(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `SELECT password_hash FROM users WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&hash)
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "User %d not found.", id)
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("password of user %d: %w", id, err)
	}
	return hash, nil
}

// CreateResetLink stores a one-time link for the user, audited.
func (s *UserService) CreateResetLink(ctx context.Context, userID int64, hash []byte, expires time.Time) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		u, err := tx.findUser(ctx, ws, `id = $2`, userID, fmt.Sprint(userID))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO reset_links (workspace_id, secret_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			ws, hash, userID, tx.now, expires.UTC()); err != nil {
			return err
		}
		return tx.audit(ctx, ws, "create_reset_link", "user", u.Email, nil, map[string]any{"expires_at": expires.UTC()})
	})
	if err != nil {
		return fmt.Errorf("create reset link for user %d: %w", userID, err)
	}
	return nil
}

// UseResetLink marks the link used, once, and returns its user.
func (s *UserService) UseResetLink(ctx context.Context, hash []byte) (int64, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.write(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `UPDATE reset_links SET used_at = $3
			WHERE workspace_id = $1 AND secret_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id`, ws, hash, tx.now).Scan(&id)
		if isNoRows(err) {
			return kpi.Errorf(kpi.EUNAUTHORIZED, "This link is not valid: it expired or was used. Ask for a new one.")
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("use reset link: %w", err)
	}
	return id, nil
}
