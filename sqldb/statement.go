package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// StatementService keeps the lifecycle of bonus statements: approved,
// locked (with the records behind the commissions) and paid, and the
// inquiries on their lines.
type StatementService struct{ db *DB }

// NewStatementService returns the statement service.
func NewStatementService(db *DB) *StatementService { return &StatementService{db: db} }

var _ kpi.StatementService = (*StatementService)(nil)

const statementColumns = `employee_id, period_from, period_to, grain, status, plan, currency, payout, draw_balance, clawback_balance,
	adjustments, doc, approved_by, approved_at, locked_by, locked_at, paid_by, paid_at`

// scanStatement reads a statement row: the document as it was stored, then
// the row's figures and lifecycle over it (the row is what counts).
func scanStatement(r row) (*kpi.Statement, error) {
	var s kpi.Statement
	var employeeID string
	var from, to int64
	var grain, status, plan, currency, payout, draw, claw, adj, doc string
	var approvedBy, lockedBy, paidBy string
	var approved, locked, paid sql.NullTime
	if err := r.Scan(&employeeID, &from, &to, &grain, &status, &plan, &currency, &payout, &draw, &claw,
		&adj, &doc, &approvedBy, &approved, &lockedBy, &locked, &paidBy, &paid); err != nil {
		return nil, err
	}
	period := kpi.Period{Grain: kpi.Grain(grain), From: kpi.Date(from), To: kpi.Date(to)}
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return nil, fmt.Errorf("statement %s %s: document: %w", employeeID, period.Label(), err)
	}
	s.Employee.ID, s.Period, s.Label = employeeID, period, period.Label()
	s.Status, s.Plan, s.Currency = status, plan, currency
	var err error
	for _, d := range []struct {
		src string
		dst *decimal.Decimal
	}{{payout, &s.Payout}, {draw, &s.CarryOut.DrawBalance}, {claw, &s.CarryOut.ClawbackBalance}} {
		if *d.dst, err = decimal.NewFromString(d.src); err != nil {
			return nil, fmt.Errorf("statement %s %s: amount %q: %w", employeeID, period.Label(), d.src, err)
		}
	}
	s.Adjustments = nil
	if err := json.Unmarshal([]byte(adj), &s.Adjustments); err != nil {
		return nil, fmt.Errorf("statement %s %s: adjustments: %w", employeeID, period.Label(), err)
	}
	if len(s.Adjustments) == 0 {
		s.Adjustments = nil
	}
	s.Attributions, s.Inquiries = nil, nil
	s.ApprovedBy, s.LockedBy, s.PaidBy = approvedBy, lockedBy, paidBy
	s.ApprovedAt, s.LockedAt, s.PaidAt = nullTime(approved), nullTime(locked), nullTime(paid)
	return &s, nil
}

// document is what the doc column keeps of a statement: all of it but the
// inquiries (kept in their own table) and the lifecycle (in the row).
func document(st *kpi.Statement) ([]byte, error) {
	d := *st
	d.Inquiries = nil
	d.ApprovedBy, d.ApprovedAt, d.LockedBy, d.LockedAt, d.PaidBy, d.PaidAt = "", nil, "", nil, "", nil
	b, err := json.Marshal(&d)
	if err != nil {
		return nil, fmt.Errorf("statement %s %s: document: %w", st.Employee.ID, st.Period.Label(), err)
	}
	return b, nil
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func statementID(employeeID string, p kpi.Period) string { return employeeID + "/" + p.Label() }

func (tx *Tx) findStatement(ctx context.Context, ws int64, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	s, err := scanStatement(tx.queryRow(ctx, `SELECT `+statementColumns+` FROM statements
		WHERE workspace_id = $1 AND employee_id = $2 AND period_from = $3 AND period_to = $4`, ws, employeeID, int64(p.From), int64(p.To)))
	if isNoRows(err) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "The statement of %s for %s is a draft: it is not approved yet.", employeeID, p.Label())
	} else if err != nil {
		return nil, fmt.Errorf("find statement %s: %w", statementID(employeeID, p), err)
	}
	if s.Attributions, err = tx.findAttributions(ctx, ws, employeeID, p); err != nil {
		return nil, err
	}
	return s, nil
}

func (tx *Tx) findAttributions(ctx context.Context, ws int64, employeeID string, p kpi.Period) ([]kpi.Attribution, error) {
	rows, err := tx.query(ctx, `SELECT kpi, record_key, record_date, value, paid, reversed_from, reversed_to, reversed_grain FROM statement_records
		WHERE workspace_id = $1 AND employee_id = $2 AND period_from = $3 AND period_to = $4 ORDER BY kpi, record_date, record_key`,
		ws, employeeID, int64(p.From), int64(p.To))
	if err != nil {
		return nil, fmt.Errorf("find statement records: %w", err)
	}
	defer rows.Close()
	var out []kpi.Attribution
	for rows.Next() {
		var a kpi.Attribution
		var date int64
		var value, paid string
		var rf, rt sql.NullInt64
		var rg sql.NullString
		if err := rows.Scan(&a.KPI, &a.Key, &date, &value, &paid, &rf, &rt, &rg); err != nil {
			return nil, fmt.Errorf("find statement records: %w", err)
		}
		a.Date = kpi.Date(date)
		if a.Value, err = decimal.NewFromString(value); err != nil {
			return nil, fmt.Errorf("statement record %s: %w", a.Key, err)
		}
		if a.Paid, err = decimal.NewFromString(paid); err != nil {
			return nil, fmt.Errorf("statement record %s: %w", a.Key, err)
		}
		if rf.Valid {
			a.ReversedIn = &kpi.Period{Grain: kpi.Grain(rg.String), From: kpi.Date(rf.Int64), To: kpi.Date(rt.Int64)}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindStatement returns the stored statement of an employee and period with
// its attributions; ENOTFOUND when it is still a draft.
func (s *StatementService) FindStatement(ctx context.Context, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var st *kpi.Statement
	err = s.db.read(ctx, func(tx *Tx) error {
		st, err = tx.findStatement(ctx, ws, employeeID, p)
		return err
	})
	return st, err
}

// FindStatements returns the stored statements matching f, with their
// attributions, by employee, then period.
func (s *StatementService) FindStatements(ctx context.Context, f kpi.StatementFilter) ([]*kpi.Statement, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + statementColumns + ` FROM statements WHERE workspace_id = $1`
	args := []any{ws}
	if f.EmployeeID != "" {
		args = append(args, f.EmployeeID)
		q += fmt.Sprintf(" AND employee_id = $%d", len(args))
	}
	if f.From != 0 {
		args = append(args, int64(f.From))
		q += fmt.Sprintf(" AND period_from >= $%d", len(args))
	}
	if f.To != 0 {
		args = append(args, int64(f.To))
		q += fmt.Sprintf(" AND period_to <= $%d", len(args))
	}
	if len(f.Statuses) > 0 {
		var ph []string
		for _, st := range f.Statuses {
			args = append(args, st)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		q += " AND status IN (" + strings.Join(ph, ", ") + ")"
	}
	q += " ORDER BY employee_id, period_from, period_to"
	var out []*kpi.Statement
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			st, err := scanStatement(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		return tx.findAttributionsOf(ctx, ws, f, out)
	})
	if err != nil {
		return nil, fmt.Errorf("find statements: %w", err)
	}
	return out, nil
}

// findAttributionsOf sets the attributions of the statements out, which
// FindStatements read with f, reading those of f's employee and periods in
// one query.
func (tx *Tx) findAttributionsOf(ctx context.Context, ws int64, f kpi.StatementFilter, out []*kpi.Statement) error {
	type key struct {
		employee string
		from, to kpi.Date
	}
	byKey := make(map[key]*kpi.Statement, len(out))
	for _, st := range out {
		st.Attributions = nil
		byKey[key{st.Employee.ID, st.Period.From, st.Period.To}] = st
	}
	q := `SELECT employee_id, period_from, period_to, kpi, record_key, record_date, value, paid, reversed_from, reversed_to, reversed_grain
		FROM statement_records WHERE workspace_id = $1`
	args := []any{ws}
	if f.EmployeeID != "" {
		args = append(args, f.EmployeeID)
		q += fmt.Sprintf(" AND employee_id = $%d", len(args))
	}
	if f.From != 0 {
		args = append(args, int64(f.From))
		q += fmt.Sprintf(" AND period_from >= $%d", len(args))
	}
	if f.To != 0 {
		args = append(args, int64(f.To))
		q += fmt.Sprintf(" AND period_to <= $%d", len(args))
	}
	q += " ORDER BY employee_id, period_from, period_to, kpi, record_date, record_key"
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("find statement records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var from, to int64
		var a kpi.Attribution
		var date int64
		var value, paid string
		var rf, rt sql.NullInt64
		var rg sql.NullString
		if err := rows.Scan(&k.employee, &from, &to, &a.KPI, &a.Key, &date, &value, &paid, &rf, &rt, &rg); err != nil {
			return fmt.Errorf("find statement records: %w", err)
		}
		k.from, k.to = kpi.Date(from), kpi.Date(to)
		st := byKey[k]
		if st == nil {
			continue // a statement of another status
		}
		a.Date = kpi.Date(date)
		if a.Value, err = decimal.NewFromString(value); err != nil {
			return fmt.Errorf("statement record %s: %w", a.Key, err)
		}
		if a.Paid, err = decimal.NewFromString(paid); err != nil {
			return fmt.Errorf("statement record %s: %w", a.Key, err)
		}
		if rf.Valid {
			a.ReversedIn = &kpi.Period{Grain: kpi.Grain(rg.String), From: kpi.Date(rf.Int64), To: kpi.Date(rt.Int64)}
		}
		st.Attributions = append(st.Attributions, a)
	}
	return rows.Err()
}

// auditDoc is what the audit trail keeps of a statement step: the figures,
// not the whole document (the statement row has it).
func auditDoc(s *kpi.Statement) map[string]any {
	return map[string]any{"status": s.Status, "plan": s.Plan, "currency": s.Currency, "payout": s.Payout,
		"draw_balance": s.CarryOut.DrawBalance, "clawback_balance": s.CarryOut.ClawbackBalance, "adjustments": s.Adjustments, "reversals": s.Reversals}
}

func validStored(s *kpi.Statement) error {
	switch {
	case s == nil || s.Employee.ID == "":
		return kpi.Errorf(kpi.EINVALID, "A statement needs an employee.")
	case s.Period.To < s.Period.From || s.Period.Grain == "":
		return kpi.Errorf(kpi.EINVALID, "A statement needs a period.")
	case len(s.Sections) == 0:
		return kpi.Errorf(kpi.EINVALID, "A statement needs a section: what its plan made of its inputs.")
	}
	return nil
}

// ApproveStatement stores s as approved by the context's actor. Approving
// an approved statement again replaces it; a locked or paid one is
// ECONFLICT.
func (s *StatementService) ApproveStatement(ctx context.Context, st *kpi.Statement) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	if err := validStored(st); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if err := tx.lockStatements(ctx, ws); err != nil {
			return err
		}
		old, err := tx.findStatement(ctx, ws, st.Employee.ID, st.Period)
		if err != nil && kpi.ErrorCode(err) != kpi.ENOTFOUND {
			return err
		}
		if old != nil && old.Status != kpi.StatusApproved {
			return kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s is %s already.", st.Employee.ID, st.Period.Label(), old.Status)
		}
		adj, err := json.Marshal(orEmpty(st.Adjustments))
		if err != nil {
			return fmt.Errorf("approve statement: %w", err)
		}
		now := tx.now
		st.Status, st.ApprovedBy, st.ApprovedAt = kpi.StatusApproved, kpi.ActorFromContext(ctx), &now
		st.LockedBy, st.LockedAt, st.PaidBy, st.PaidAt = "", nil, "", nil
		doc, err := document(st)
		if err != nil {
			return err
		}
		if old != nil {
			_, err = tx.exec(ctx, `DELETE FROM statements WHERE workspace_id = $1 AND employee_id = $2 AND period_from = $3 AND period_to = $4`,
				ws, st.Employee.ID, int64(st.Period.From), int64(st.Period.To))
			if err != nil {
				return fmt.Errorf("approve statement %s: %w", statementID(st.Employee.ID, st.Period), err)
			}
		}
		_, err = tx.exec(ctx, `INSERT INTO statements (workspace_id, employee_id, period_from, period_to, grain, status, plan, currency, payout,
			draw_balance, clawback_balance, adjustments, doc, approved_by, approved_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			ws, st.Employee.ID, int64(st.Period.From), int64(st.Period.To), string(st.Period.Grain), st.Status, st.Plan, st.Currency,
			st.Payout.String(), st.CarryOut.DrawBalance.String(), st.CarryOut.ClawbackBalance.String(), string(adj), string(doc), st.ApprovedBy, now)
		if err != nil {
			return fmt.Errorf("approve statement %s: %w", statementID(st.Employee.ID, st.Period), err)
		}
		var before any
		if old != nil {
			before = auditDoc(old)
		}
		return tx.audit(ctx, ws, "approve", "statement", statementID(st.Employee.ID, st.Period), before, auditDoc(st))
	})
}

func orEmpty(a []kpi.Adjustment) []kpi.Adjustment {
	if a == nil {
		return []kpi.Adjustment{}
	}
	return a
}

// LockStatement stores st as locked: the document, the figures, the
// records behind its commissions and the corrections it carries. The
// statement must be approved and not locked yet (ECONFLICT). Each reversal
// marks an attribution of an earlier locked statement as clawed back by
// st; one already clawed back is ECONFLICT.
// SecondApproveStatement records the context's actor as the statement's
// second approver, in its document, audited.
func (s *StatementService) SecondApproveStatement(ctx context.Context, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var st *kpi.Statement
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := tx.lockStatements(ctx, ws); err != nil {
			return err
		}
		old, err := tx.findStatement(ctx, ws, employeeID, p)
		if err != nil {
			return err
		}
		if old.Status != kpi.StatusApproved {
			return kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s is %s: only an approved statement takes a second approval.", employeeID, p.Label(), old.Status)
		}
		who := kpi.ActorFromContext(ctx)
		if who == old.ApprovedBy {
			return kpi.Errorf(kpi.EFORBIDDEN, "You approved the statement of %s for %s already; the second approval must be someone else's.", employeeID, p.Label())
		}
		v := *old
		st = &v
		now := tx.now
		st.SecondApprovedBy, st.SecondApprovedAt = who, &now
		doc, err := document(st)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE statements SET doc = $5 WHERE workspace_id = $1 AND employee_id = $2 AND period_from = $3 AND period_to = $4`,
			ws, employeeID, int64(p.From), int64(p.To), string(doc)); err != nil {
			return fmt.Errorf("second approval of %s: %w", statementID(employeeID, p), err)
		}
		return tx.audit(ctx, ws, "approve_second", "statement", statementID(employeeID, p), auditDoc(old), auditDoc(st))
	})
	return st, err
}

func (s *StatementService) LockStatement(ctx context.Context, st *kpi.Statement) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	if err := validStored(st); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if err := tx.lockStatements(ctx, ws); err != nil {
			return err
		}
		old, err := tx.findStatement(ctx, ws, st.Employee.ID, st.Period)
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			return kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s is a draft: approve it before locking it.", st.Employee.ID, st.Period.Label())
		} else if err != nil {
			return err
		}
		if old.Status != kpi.StatusApproved {
			return kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s is %s already.", st.Employee.ID, st.Period.Label(), old.Status)
		}
		adj, err := json.Marshal(orEmpty(st.Adjustments))
		if err != nil {
			return fmt.Errorf("lock statement: %w", err)
		}
		now := tx.now
		st.Status, st.ApprovedBy, st.ApprovedAt = kpi.StatusLocked, old.ApprovedBy, old.ApprovedAt
		st.SecondApprovedBy, st.SecondApprovedAt = old.SecondApprovedBy, old.SecondApprovedAt
		st.LockedBy, st.LockedAt = kpi.ActorFromContext(ctx), &now
		doc, err := document(st)
		if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE statements SET status = $5, plan = $6, currency = $7, payout = $8, draw_balance = $9, clawback_balance = $10,
			adjustments = $11, doc = $12, locked_by = $13, locked_at = $14
			WHERE workspace_id = $1 AND employee_id = $2 AND period_from = $3 AND period_to = $4`,
			ws, st.Employee.ID, int64(st.Period.From), int64(st.Period.To), st.Status, st.Plan, st.Currency, st.Payout.String(),
			st.CarryOut.DrawBalance.String(), st.CarryOut.ClawbackBalance.String(), string(adj), string(doc), st.LockedBy, now)
		if err != nil {
			return fmt.Errorf("lock statement %s: %w", statementID(st.Employee.ID, st.Period), err)
		}
		for _, a := range st.Attributions {
			_, err := tx.exec(ctx, `INSERT INTO statement_records (workspace_id, employee_id, period_from, period_to, kpi, record_key, record_date, value, paid)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				ws, st.Employee.ID, int64(st.Period.From), int64(st.Period.To), a.KPI, a.Key, int64(a.Date), a.Value.String(), a.Paid.String())
			if isUniqueViolation(err) {
				return kpi.Errorf(kpi.EINVALID, "Record %s of %s is attributed twice.", a.Key, a.KPI)
			} else if err != nil {
				return fmt.Errorf("lock statement %s: record %s: %w", statementID(st.Employee.ID, st.Period), a.Key, err)
			}
		}
		for _, r := range st.Reversals {
			n, err := tx.exec(ctx, `UPDATE statement_records SET reversed_from = $7, reversed_to = $8, reversed_grain = $9
				WHERE workspace_id = $1 AND employee_id = $2 AND period_from = $3 AND period_to = $4 AND kpi = $5 AND record_key = $6 AND reversed_from IS NULL`,
				ws, st.Employee.ID, int64(r.Period.From), int64(r.Period.To), r.KPI, r.Key, int64(st.Period.From), int64(st.Period.To), string(st.Period.Grain))
			if err != nil {
				return fmt.Errorf("lock statement %s: reversal of %s: %w", statementID(st.Employee.ID, st.Period), r.Key, err)
			}
			if n == 0 {
				return kpi.Errorf(kpi.ECONFLICT, "Record %s of the %s statement is not there or was clawed back already; recompute the statement.", r.Key, r.Period.Label())
			}
		}
		return tx.audit(ctx, ws, "lock", "statement", statementID(st.Employee.ID, st.Period), auditDoc(old), auditDoc(st))
	})
}

// PayStatement marks a locked statement paid.
func (s *StatementService) PayStatement(ctx context.Context, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var st *kpi.Statement
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := tx.lockStatements(ctx, ws); err != nil {
			return err
		}
		old, err := tx.findStatement(ctx, ws, employeeID, p)
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			return kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s is a draft: approve and lock it before paying it.", employeeID, p.Label())
		} else if err != nil {
			return err
		}
		if old.Status != kpi.StatusLocked {
			return kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s is %s: only a locked statement can be paid.", employeeID, p.Label(), old.Status)
		}
		v := *old
		st = &v
		now := tx.now
		st.Status, st.PaidBy, st.PaidAt = kpi.StatusPaid, kpi.ActorFromContext(ctx), &now
		if _, err := tx.exec(ctx, `UPDATE statements SET status = $5, paid_by = $6, paid_at = $7
			WHERE workspace_id = $1 AND employee_id = $2 AND period_from = $3 AND period_to = $4`,
			ws, employeeID, int64(p.From), int64(p.To), st.Status, st.PaidBy, now); err != nil {
			return fmt.Errorf("pay statement %s: %w", statementID(employeeID, p), err)
		}
		return tx.audit(ctx, ws, "pay", "statement", statementID(employeeID, p), auditDoc(old), auditDoc(st))
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

const inquiryColumns = `id, employee_id, period_from, period_to, grain, line, text, asked_by, asked_at, answer, answered_by, answered_at`

func scanInquiry(r row) (*kpi.Inquiry, error) {
	var q kpi.Inquiry
	var from, to int64
	var grain string
	var answered sql.NullTime
	if err := r.Scan(&q.ID, &q.EmployeeID, &from, &to, &grain, &q.Line, &q.Text, &q.AskedBy, &q.AskedAt, &q.Answer, &q.AnsweredBy, &answered); err != nil {
		return nil, err
	}
	q.Period = kpi.Period{Grain: kpi.Grain(grain), From: kpi.Date(from), To: kpi.Date(to)}
	q.AskedAt = q.AskedAt.UTC()
	q.AnsweredAt = nullTime(answered)
	return &q, nil
}

// CreateInquiry stores a question on a line of a statement (a draft's
// too), asked by the context's actor.
func (s *StatementService) CreateInquiry(ctx context.Context, q *kpi.Inquiry) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	switch {
	case q.EmployeeID == "":
		return kpi.Errorf(kpi.EINVALID, "An inquiry needs the employee.")
	case strings.TrimSpace(q.Line) == "":
		return kpi.Errorf(kpi.EINVALID, "An inquiry names the statement line it is about.")
	case strings.TrimSpace(q.Text) == "":
		return kpi.Errorf(kpi.EINVALID, "An inquiry needs a text.")
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(max(id), 0) + 1 FROM statement_inquiries WHERE workspace_id = $1`, ws).Scan(&q.ID); err != nil {
			return fmt.Errorf("create inquiry: %w", err)
		}
		q.AskedBy, q.AskedAt = kpi.ActorFromContext(ctx), tx.now
		q.Answer, q.AnsweredBy, q.AnsweredAt = "", "", nil
		if _, err := tx.exec(ctx, `INSERT INTO statement_inquiries (workspace_id, id, employee_id, period_from, period_to, grain, line, text, asked_by, asked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			ws, q.ID, q.EmployeeID, int64(q.Period.From), int64(q.Period.To), string(q.Period.Grain), q.Line, q.Text, q.AskedBy, q.AskedAt); err != nil {
			return fmt.Errorf("create inquiry: %w", err)
		}
		return tx.audit(ctx, ws, "create", "inquiry", fmt.Sprintf("%s#%d", statementID(q.EmployeeID, q.Period), q.ID), nil, q)
	})
}

// AnswerInquiry stores the answer (by the context's actor) to inquiry id
// of the statement; answering again replaces the answer, audited.
func (s *StatementService) AnswerInquiry(ctx context.Context, employeeID string, p kpi.Period, id int64, answer string) (*kpi.Inquiry, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(answer) == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "An answer needs a text.")
	}
	var q *kpi.Inquiry
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		old, err := scanInquiry(tx.queryRow(ctx, `SELECT `+inquiryColumns+` FROM statement_inquiries
			WHERE workspace_id = $1 AND id = $2 AND employee_id = $3 AND period_from = $4 AND period_to = $5`,
			ws, id, employeeID, int64(p.From), int64(p.To)))
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "No inquiry %d on the statement of %s for %s.", id, employeeID, p.Label())
		} else if err != nil {
			return fmt.Errorf("answer inquiry %d: %w", id, err)
		}
		v := *old
		q = &v
		now := tx.now
		q.Answer, q.AnsweredBy, q.AnsweredAt = answer, kpi.ActorFromContext(ctx), &now
		if _, err := tx.exec(ctx, `UPDATE statement_inquiries SET answer = $3, answered_by = $4, answered_at = $5 WHERE workspace_id = $1 AND id = $2`,
			ws, id, q.Answer, q.AnsweredBy, now); err != nil {
			return fmt.Errorf("answer inquiry %d: %w", id, err)
		}
		return tx.audit(ctx, ws, "answer", "inquiry", fmt.Sprintf("%s#%d", statementID(employeeID, p), id), old, q)
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// FindInquiries returns the inquiries on a statement, oldest first.
func (s *StatementService) FindInquiries(ctx context.Context, employeeID string, p kpi.Period) ([]*kpi.Inquiry, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Inquiry
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+inquiryColumns+` FROM statement_inquiries
			WHERE workspace_id = $1 AND employee_id = $2 AND period_from = $3 AND period_to = $4 ORDER BY id`,
			ws, employeeID, int64(p.From), int64(p.To))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			q, err := scanInquiry(rows)
			if err != nil {
				return err
			}
			out = append(out, q)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find inquiries: %w", err)
	}
	return out, nil
}

// lockStatements locks the workspace's counters for a write of its
// statements and counts the write in statements_version.
func (tx *Tx) lockStatements(ctx context.Context, ws int64) error {
	if _, err := tx.lockCounters(ctx, ws); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE counters SET statements_version = statements_version + 1 WHERE workspace_id = $1`, ws); err != nil {
		return fmt.Errorf("statements version: %w", err)
	}
	return nil
}

// StatementsVersion returns how many times the workspace's statements
// were written (approved, second-approved, locked, paid); inquiries do
// not count.
func (s *StatementService) StatementsVersion(ctx context.Context) (int64, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return 0, err
	}
	var v int64
	err = s.db.read(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, `SELECT statements_version FROM counters WHERE workspace_id = $1`, ws).Scan(&v)
	})
	if err != nil {
		return 0, fmt.Errorf("statements version: %w", err)
	}
	return v, nil
}
