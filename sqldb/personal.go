package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"attain/kpi"
)

// PersonalDataService erases what identifies a person who has left.
type PersonalDataService struct{ db *DB }

// NewPersonalDataService returns the personal data service.
func NewPersonalDataService(db *DB) *PersonalDataService { return &PersonalDataService{db: db} }

var _ kpi.PersonalDataService = (*PersonalDataService)(nil)

// Pseudonymise replaces, in one transaction, what identifies employee id:
// their name becomes alias, their e-mail, pay and leave go; their user, if
// any, is renamed, given an address that cannot receive mail, disabled and
// signed out; the name in their stored statements becomes alias. Their
// numbers (records, targets, statement totals) stay, under their id. The
// audit trail, the record of who did what, is not rewritten: a new entry
// says the person was pseudonymised.
func (s *PersonalDataService) Pseudonymise(ctx context.Context, id, alias string) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		old, err := tx.findEmployee(ctx, ws, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE employees SET name = $3, email = '', salary = NULL, leave_periods = '[]', updated_at = $4
			WHERE workspace_id = $1 AND id = $2`, ws, id, alias, tx.now); err != nil {
			return fmt.Errorf("pseudonymise %s: %w", id, err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE workspace_id = $1 AND user_id IN (SELECT id FROM users WHERE workspace_id = $1 AND employee_id = $2)`, ws, id); err != nil {
			return fmt.Errorf("pseudonymise %s: sessions: %w", id, err)
		}
		if _, err := tx.exec(ctx, `UPDATE users SET name = $3, email = 'pseudonymised-' || CAST(id AS TEXT) || '@invalid', password_hash = '', disabled_at = COALESCE(disabled_at, $4)
			WHERE workspace_id = $1 AND employee_id = $2`, ws, id, alias, tx.now); err != nil {
			return fmt.Errorf("pseudonymise %s: user: %w", id, err)
		}
		rows, err := tx.query(ctx, `SELECT period_from, period_to, doc FROM statements WHERE workspace_id = $1 AND employee_id = $2`, ws, id)
		if err != nil {
			return fmt.Errorf("pseudonymise %s: statements: %w", id, err)
		}
		type doc struct {
			from, to int64
			body     string
		}
		var docs []doc
		for rows.Next() {
			var d doc
			if err := rows.Scan(&d.from, &d.to, &d.body); err != nil {
				rows.Close()
				return fmt.Errorf("pseudonymise %s: statements: %w", id, err)
			}
			docs = append(docs, d)
		}
		rows.Close()
		for _, d := range docs {
			var st kpi.Statement
			if err := json.Unmarshal([]byte(d.body), &st); err != nil {
				return fmt.Errorf("pseudonymise %s: statement document: %w", id, err)
			}
			st.Employee.Name = alias
			for _, sec := range st.Sections {
				if sec.Inputs != nil {
					sec.Inputs.Employee.Name = alias
				}
				if sec.Evaluation != nil {
					sec.Evaluation.Employee.Name = alias
				}
			}
			body, err := json.Marshal(&st)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE statements SET doc = $5 WHERE workspace_id = $1 AND employee_id = $2 AND period_from = $3 AND period_to = $4`,
				ws, id, d.from, d.to, string(body)); err != nil {
				return fmt.Errorf("pseudonymise %s: statement: %w", id, err)
			}
		}
		if err := tx.audit(ctx, ws, "pseudonymise", "employee", id, map[string]any{"had_name": old.Name != "", "had_email": old.Email != ""}, map[string]string{"name": alias}); err != nil {
			return err
		}
		return tx.bumpOrgVersion(ctx, ws)
	})
}
