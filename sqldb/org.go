package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// OrgService keeps the org tree and the employees of the context's workspace.
type OrgService struct{ db *DB }

// NewOrgService returns the org service.
func NewOrgService(db *DB) *OrgService { return &OrgService{db: db} }

var _ kpi.OrgService = (*OrgService)(nil)

const unitColumns = `id, name, kind, COALESCE(parent_id, ''), COALESCE(head_id, ''), updated_at`

func scanUnit(r row) (*kpi.OrgUnit, error) {
	var u kpi.OrgUnit
	if err := r.Scan(&u.ID, &u.Name, &u.Kind, &u.ParentID, &u.HeadID, &u.UpdatedAt); err != nil {
		return nil, err
	}
	u.UpdatedAt = u.UpdatedAt.UTC()
	return &u, nil
}

const employeeColumns = `id, name, email, unit_id, COALESCE(manager_id, ''), position, hired_on, left_on, currency, salary, leave_periods, updated_at`

func scanEmployee(r row) (*kpi.Employee, error) {
	var e kpi.Employee
	var hired, left sql.NullInt64
	var salary sql.NullString
	var leave string
	if err := r.Scan(&e.ID, &e.Name, &e.Email, &e.UnitID, &e.ManagerID, &e.Position, &hired, &left, &e.Currency, &salary, &leave, &e.UpdatedAt); err != nil {
		return nil, err
	}
	var err error
	if e.Leave, err = decodeLeave(leave); err != nil {
		return nil, fmt.Errorf("employee %q: leave %q: %w", e.ID, leave, err)
	}
	e.HiredOn, e.LeftOn = nullDate(hired), nullDate(left)
	if salary.Valid {
		d, err := decimal.NewFromString(salary.String)
		if err != nil {
			return nil, fmt.Errorf("employee %q: salary %q: %w", e.ID, salary.String, err)
		}
		e.Salary = &d
	}
	e.UpdatedAt = e.UpdatedAt.UTC()
	return &e, nil
}

// leaveSpan is one stored leave period, both days included.
type leaveSpan struct {
	From kpi.Date `json:"from"`
	To   kpi.Date `json:"to"`
}

// encodeLeave is the leave_periods column of leave: a JSON array of
// {"from", "to"} dates, "[]" for none.
func encodeLeave(leave []kpi.Period) (string, error) {
	spans := make([]leaveSpan, len(leave))
	for i, l := range leave {
		spans[i] = leaveSpan{From: l.From, To: l.To}
	}
	b, err := json.Marshal(spans)
	return string(b), err
}

// decodeLeave reads the leave_periods column; none is nil.
func decodeLeave(s string) ([]kpi.Period, error) {
	var spans []leaveSpan
	if err := json.Unmarshal([]byte(s), &spans); err != nil {
		return nil, err
	}
	var leave []kpi.Period
	for _, sp := range spans {
		leave = append(leave, kpi.Period{Grain: kpi.Range, From: sp.From, To: sp.To})
	}
	return leave, nil
}

func nullDate(n sql.NullInt64) *kpi.Date {
	if !n.Valid {
		return nil
	}
	d := kpi.Date(n.Int64)
	return &d
}

func dateArg(d *kpi.Date) any {
	if d == nil {
		return nil
	}
	return int64(*d)
}

func decimalArg(d *decimal.Decimal) any {
	if d == nil {
		return nil
	}
	return d.String()
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (tx *Tx) findUnit(ctx context.Context, ws int64, id string) (*kpi.OrgUnit, error) {
	u, err := scanUnit(tx.queryRow(ctx, `SELECT `+unitColumns+` FROM org_units WHERE workspace_id = $1 AND id = $2`, ws, id))
	if isNoRows(err) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Org unit %q not found.", id)
	} else if err != nil {
		return nil, fmt.Errorf("find org unit %q: %w", id, err)
	}
	return u, nil
}

func (tx *Tx) findEmployee(ctx context.Context, ws int64, id string) (*kpi.Employee, error) {
	e, err := scanEmployee(tx.queryRow(ctx, `SELECT `+employeeColumns+` FROM employees WHERE workspace_id = $1 AND id = $2`, ws, id))
	if isNoRows(err) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Employee %q not found.", id)
	} else if err != nil {
		return nil, fmt.Errorf("find employee %q: %w", id, err)
	}
	return e, nil
}

func (tx *Tx) findUnits(ctx context.Context, ws int64) ([]*kpi.OrgUnit, error) {
	rows, err := tx.query(ctx, `SELECT `+unitColumns+` FROM org_units WHERE workspace_id = $1 ORDER BY id`, ws)
	if err != nil {
		return nil, fmt.Errorf("find org units: %w", err)
	}
	defer rows.Close()
	var us []*kpi.OrgUnit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("find org units: %w", err)
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

func (tx *Tx) findEmployees(ctx context.Context, ws int64, f kpi.EmployeeFilter) ([]*kpi.Employee, error) {
	q := `SELECT ` + employeeColumns + ` FROM employees WHERE workspace_id = $1`
	args := []any{ws}
	for _, c := range []struct{ col, v string }{{"unit_id", f.UnitID}, {"manager_id", f.ManagerID}, {"position", f.Position}} {
		if c.v != "" {
			args = append(args, c.v)
			q += fmt.Sprintf(" AND %s = $%d", c.col, len(args))
		}
	}
	rows, err := tx.query(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("find employees: %w", err)
	}
	defer rows.Close()
	var es []*kpi.Employee
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return nil, fmt.Errorf("find employees: %w", err)
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

func (tx *Tx) bumpOrgVersion(ctx context.Context, ws int64) error {
	if _, err := tx.exec(ctx, `UPDATE counters SET org_version = org_version + 1 WHERE workspace_id = $1`, ws); err != nil {
		return fmt.Errorf("bump org version: %w", err)
	}
	return nil
}

func (s *OrgService) FindOrgUnitByID(ctx context.Context, id string) (*kpi.OrgUnit, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var u *kpi.OrgUnit
	err = s.db.read(ctx, func(tx *Tx) error {
		u, err = tx.findUnit(ctx, ws, id)
		return err
	})
	return u, err
}

// FindOrgUnits returns every unit, ordered by ID.
func (s *OrgService) FindOrgUnits(ctx context.Context) ([]*kpi.OrgUnit, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var us []*kpi.OrgUnit
	err = s.db.read(ctx, func(tx *Tx) error {
		us, err = tx.findUnits(ctx, ws)
		return err
	})
	return us, err
}

func validUnit(u *kpi.OrgUnit) error {
	if strings.TrimSpace(u.ID) == "" {
		return kpi.Errorf(kpi.EINVALID, "Org unit id required.")
	}
	if strings.TrimSpace(u.Name) == "" {
		return kpi.Errorf(kpi.EINVALID, "Org unit %q: name required.", u.ID)
	}
	if u.ParentID == u.ID {
		return kpi.Errorf(kpi.EINVALID, "Org unit %q cannot be its own parent.", u.ID)
	}
	return nil
}

// checkParent makes sure parent exists and that u is not among its ancestors.
func (tx *Tx) checkParent(ctx context.Context, ws int64, id, parent string) error {
	seen := map[string]bool{}
	for p := parent; p != ""; {
		if p == id {
			return kpi.Errorf(kpi.EINVALID, "Org unit %q cannot move under %q: that would make a cycle.", id, parent)
		}
		if seen[p] {
			return fmt.Errorf("org tree already has a cycle at %q", p)
		}
		seen[p] = true
		u, err := tx.findUnit(ctx, ws, p)
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			return kpi.Errorf(kpi.EINVALID, "Org unit %q: parent %q not found.", id, p)
		} else if err != nil {
			return err
		}
		p = u.ParentID
	}
	return nil
}

func (tx *Tx) insertUnit(ctx context.Context, ws int64, u *kpi.OrgUnit) error {
	u.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO org_units (workspace_id, id, name, kind, parent_id, head_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		ws, u.ID, u.Name, u.Kind, nullIfEmpty(u.ParentID), nullIfEmpty(u.HeadID), u.UpdatedAt)
	if isUniqueViolation(err) {
		return kpi.Errorf(kpi.ECONFLICT, "Org unit %q already exists.", u.ID)
	} else if err != nil {
		return fmt.Errorf("insert org unit %q: %w", u.ID, err)
	}
	return nil
}

func (tx *Tx) updateUnit(ctx context.Context, ws int64, u *kpi.OrgUnit) error {
	u.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `UPDATE org_units SET name = $3, kind = $4, parent_id = $5, head_id = $6, updated_at = $7 WHERE workspace_id = $1 AND id = $2`,
		ws, u.ID, u.Name, u.Kind, nullIfEmpty(u.ParentID), nullIfEmpty(u.HeadID), u.UpdatedAt)
	if err != nil {
		return fmt.Errorf("update org unit %q: %w", u.ID, err)
	}
	return nil
}

// CreateOrgUnit stores u; its parent must exist. An existing ID is ECONFLICT.
func (s *OrgService) CreateOrgUnit(ctx context.Context, u *kpi.OrgUnit) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	if err := validUnit(u); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		if err := tx.checkParent(ctx, ws, u.ID, u.ParentID); err != nil {
			return err
		}
		if err := tx.insertUnit(ctx, ws, u); err != nil {
			return err
		}
		if err := tx.audit(ctx, ws, "create", "org_unit", u.ID, nil, u); err != nil {
			return err
		}
		return tx.bumpOrgVersion(ctx, ws)
	})
}

// UpdateOrgUnit changes the fields set in upd; a new parent must exist and
// must not be the unit or one of its descendants.
func (s *OrgService) UpdateOrgUnit(ctx context.Context, id string, upd kpi.OrgUnitUpdate) (*kpi.OrgUnit, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var u *kpi.OrgUnit
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		old, err := tx.findUnit(ctx, ws, id)
		if err != nil {
			return err
		}
		v := *old
		u = &v
		if upd.Name != nil {
			u.Name = *upd.Name
		}
		if upd.Kind != nil {
			u.Kind = *upd.Kind
		}
		if upd.ParentID != nil {
			u.ParentID = *upd.ParentID
		}
		if upd.HeadID != nil {
			u.HeadID = *upd.HeadID
		}
		if err := validUnit(u); err != nil {
			return err
		}
		if u.ParentID != old.ParentID {
			if err := tx.checkParent(ctx, ws, u.ID, u.ParentID); err != nil {
				return err
			}
		}
		if *u == *old {
			return nil
		}
		if err := tx.updateUnit(ctx, ws, u); err != nil {
			return err
		}
		if err := tx.audit(ctx, ws, "update", "org_unit", id, old, u); err != nil {
			return err
		}
		return tx.bumpOrgVersion(ctx, ws)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// DeleteOrgUnit removes a unit that has no child units, no employees and
// no earlier members (memberships: their past records count for it);
// otherwise ECONFLICT.
func (s *OrgService) DeleteOrgUnit(ctx context.Context, id string) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		old, err := tx.findUnit(ctx, ws, id)
		if err != nil {
			return err
		}
		var children, members, earlier int
		if err := tx.queryRow(ctx, `SELECT
			(SELECT count(*) FROM org_units WHERE workspace_id = $1 AND parent_id = $2),
			(SELECT count(*) FROM employees WHERE workspace_id = $1 AND unit_id = $2),
			(SELECT count(DISTINCT employee_id) FROM memberships WHERE workspace_id = $1 AND unit_id = $2)`, ws, id).Scan(&children, &members, &earlier); err != nil {
			return fmt.Errorf("delete org unit %q: count members: %w", id, err)
		}
		if children > 0 || members > 0 {
			return kpi.Errorf(kpi.ECONFLICT, "Org unit %q still has %d units and %d employees; move or delete them first.", id, children, members)
		}
		if earlier > 0 {
			return kpi.Errorf(kpi.ECONFLICT, "Org unit %q was the unit of %d employees before they moved, and their earlier records count for it; it cannot be deleted.", id, earlier)
		}
		if _, err := tx.exec(ctx, `DELETE FROM org_units WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return fmt.Errorf("delete org unit %q: %w", id, err)
		}
		if err := tx.audit(ctx, ws, "delete", "org_unit", id, old, nil); err != nil {
			return err
		}
		return tx.bumpOrgVersion(ctx, ws)
	})
}

func (s *OrgService) FindEmployeeByID(ctx context.Context, id string) (*kpi.Employee, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var e *kpi.Employee
	err = s.db.read(ctx, func(tx *Tx) error {
		e, err = tx.findEmployee(ctx, ws, id)
		return err
	})
	return e, err
}

// FindEmployees returns the employees filter selects, ordered by ID.
func (s *OrgService) FindEmployees(ctx context.Context, filter kpi.EmployeeFilter) ([]*kpi.Employee, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var es []*kpi.Employee
	err = s.db.read(ctx, func(tx *Tx) error {
		es, err = tx.findEmployees(ctx, ws, filter)
		return err
	})
	return es, err
}

// FindMemberships lists employees' earlier units, by employee, oldest first.
func (s *OrgService) FindMemberships(ctx context.Context) ([]kpi.Membership, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var ms []kpi.Membership
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT employee_id, unit_id, until_on FROM memberships WHERE workspace_id = $1 ORDER BY employee_id, until_on`, ws)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m kpi.Membership
			var until int64
			if err := rows.Scan(&m.EmployeeID, &m.UnitID, &until); err != nil {
				return err
			}
			m.Until = kpi.Date(until)
			ms = append(ms, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find memberships: %w", err)
	}
	return ms, nil
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

func validEmployee(e *kpi.Employee) error {
	switch {
	case strings.TrimSpace(e.ID) == "":
		return kpi.Errorf(kpi.EINVALID, "Employee id required.")
	case strings.TrimSpace(e.Name) == "":
		return kpi.Errorf(kpi.EINVALID, "Employee %q: name required.", e.ID)
	case e.UnitID == "":
		return kpi.Errorf(kpi.EINVALID, "Employee %q: unit required.", e.ID)
	case e.ManagerID == e.ID:
		return kpi.Errorf(kpi.EINVALID, "Employee %q cannot be their own manager.", e.ID)
	case e.HiredOn != nil && e.LeftOn != nil && *e.LeftOn < *e.HiredOn:
		return kpi.Errorf(kpi.EINVALID, "Employee %q: left before being hired.", e.ID)
	case e.Currency != "" && !currencyCode.MatchString(e.Currency):
		return kpi.Errorf(kpi.EINVALID, "Employee %q: currency %q is not an ISO 4217 code like EUR.", e.ID, e.Currency)
	case e.Salary != nil && e.Salary.IsNegative():
		return kpi.Errorf(kpi.EINVALID, "Employee %q: salary must not be negative.", e.ID)
	}
	if err := kpi.ValidateLeave(e.Leave); err != nil {
		return kpi.Errorf(kpi.EINVALID, "Employee %q: %s", e.ID, kpi.ErrorMessage(err))
	}
	return nil
}

// normalizeLeave makes e's leave ranges (whatever grain named them) and
// none nil, the way they read back from the store.
func normalizeLeave(e *kpi.Employee) {
	if len(e.Leave) == 0 {
		e.Leave = nil
		return
	}
	leave := make([]kpi.Period, len(e.Leave))
	for i, l := range e.Leave {
		leave[i] = kpi.Period{Grain: kpi.Range, From: l.From, To: l.To}
	}
	e.Leave = leave
}

// checkEmployeeRefs makes sure e's unit and manager exist and that e is not
// above its manager.
func (tx *Tx) checkEmployeeRefs(ctx context.Context, ws int64, e *kpi.Employee) error {
	if _, err := tx.findUnit(ctx, ws, e.UnitID); kpi.ErrorCode(err) == kpi.ENOTFOUND {
		return kpi.Errorf(kpi.EINVALID, "Employee %q: unit %q not found.", e.ID, e.UnitID)
	} else if err != nil {
		return err
	}
	seen := map[string]bool{}
	for m := e.ManagerID; m != ""; {
		if m == e.ID {
			return kpi.Errorf(kpi.EINVALID, "Employee %q cannot report to %q: that would make a cycle.", e.ID, e.ManagerID)
		}
		if seen[m] {
			return fmt.Errorf("managers already have a cycle at %q", m)
		}
		seen[m] = true
		mgr, err := tx.findEmployee(ctx, ws, m)
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			return kpi.Errorf(kpi.EINVALID, "Employee %q: manager %q is not an employee.", e.ID, m)
		} else if err != nil {
			return err
		}
		m = mgr.ManagerID
	}
	return nil
}

func (tx *Tx) insertEmployee(ctx context.Context, ws int64, e *kpi.Employee) error {
	e.UpdatedAt = tx.now
	leave, err := encodeLeave(e.Leave)
	if err != nil {
		return fmt.Errorf("insert employee %q: leave: %w", e.ID, err)
	}
	_, err = tx.exec(ctx, `INSERT INTO employees (workspace_id, id, name, email, unit_id, manager_id, position, hired_on, left_on, updated_at, currency, salary, leave_periods)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		ws, e.ID, e.Name, e.Email, e.UnitID, nullIfEmpty(e.ManagerID), e.Position, dateArg(e.HiredOn), dateArg(e.LeftOn), e.UpdatedAt, e.Currency, decimalArg(e.Salary), leave)
	if isUniqueViolation(err) {
		return kpi.Errorf(kpi.ECONFLICT, "Employee %q already exists.", e.ID)
	} else if err != nil {
		return fmt.Errorf("insert employee %q: %w", e.ID, err)
	}
	return nil
}

func (tx *Tx) updateEmployee(ctx context.Context, ws int64, e *kpi.Employee) error {
	e.UpdatedAt = tx.now
	leave, err := encodeLeave(e.Leave)
	if err != nil {
		return fmt.Errorf("update employee %q: leave: %w", e.ID, err)
	}
	_, err = tx.exec(ctx, `UPDATE employees SET name = $3, email = $4, unit_id = $5, manager_id = $6, position = $7, hired_on = $8, left_on = $9, updated_at = $10,
		currency = $11, salary = $12, leave_periods = $13
		WHERE workspace_id = $1 AND id = $2`,
		ws, e.ID, e.Name, e.Email, e.UnitID, nullIfEmpty(e.ManagerID), e.Position, dateArg(e.HiredOn), dateArg(e.LeftOn), e.UpdatedAt, e.Currency, decimalArg(e.Salary), leave)
	if err != nil {
		return fmt.Errorf("update employee %q: %w", e.ID, err)
	}
	return nil
}

// CreateEmployee stores e; its unit and manager must exist. An existing ID
// is ECONFLICT.
func (s *OrgService) CreateEmployee(ctx context.Context, e *kpi.Employee) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	normalizeLeave(e)
	if err := validEmployee(e); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		if err := tx.checkEmployeeRefs(ctx, ws, e); err != nil {
			return err
		}
		if err := tx.insertEmployee(ctx, ws, e); err != nil {
			return err
		}
		if err := tx.audit(ctx, ws, "create", "employee", e.ID, nil, e); err != nil {
			return err
		}
		return tx.bumpOrgVersion(ctx, ws)
	})
}

func sameEmployee(a, b *kpi.Employee) bool {
	eqDate := func(x, y *kpi.Date) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	eqDec := func(x, y *decimal.Decimal) bool {
		return (x == nil && y == nil) || (x != nil && y != nil && x.Equal(*y))
	}
	return a.ID == b.ID && a.Name == b.Name && a.Email == b.Email && a.UnitID == b.UnitID && a.ManagerID == b.ManagerID &&
		a.Position == b.Position && eqDate(a.HiredOn, b.HiredOn) && eqDate(a.LeftOn, b.LeftOn) &&
		a.Currency == b.Currency && eqDec(a.Salary, b.Salary) && slices.Equal(a.Leave, b.Leave)
}

// UpdateEmployee changes the fields set in upd, validated like a new one.
//
// When the unit changes and upd.UnitFrom is set, the old unit is kept as a
// membership until the day before UnitFrom: records made before it keep
// counting for the old unit. UnitFrom must not be before the day after the
// employee's last membership ends (EINVALID); on that very day the unit
// left was never in effect and no membership is kept. Without UnitFrom the
// move applies to all records after the last membership; UnitFrom without
// a change of unit is ignored.
func (s *OrgService) UpdateEmployee(ctx context.Context, id string, upd kpi.EmployeeUpdate) (*kpi.Employee, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var e *kpi.Employee
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		old, err := tx.findEmployee(ctx, ws, id)
		if err != nil {
			return err
		}
		v := *old
		e = &v
		for _, f := range []struct{ dst, src *string }{
			{&e.Name, upd.Name}, {&e.Email, upd.Email}, {&e.UnitID, upd.UnitID}, {&e.ManagerID, upd.ManagerID}, {&e.Position, upd.Position},
		} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if upd.HiredOn != nil {
			e.HiredOn = *upd.HiredOn
		}
		if upd.LeftOn != nil {
			e.LeftOn = *upd.LeftOn
		}
		if upd.Currency != nil {
			e.Currency = strings.ToUpper(strings.TrimSpace(*upd.Currency))
		}
		if upd.Salary != nil {
			e.Salary = *upd.Salary
		}
		if upd.Leave != nil {
			e.Leave = *upd.Leave
			normalizeLeave(e)
		}
		if err := validEmployee(e); err != nil {
			return err
		}
		if sameEmployee(e, old) {
			return nil
		}
		if err := tx.checkEmployeeRefs(ctx, ws, e); err != nil {
			return err
		}
		if upd.UnitFrom != nil && e.UnitID != old.UnitID {
			if err := tx.keepMembership(ctx, ws, old, *upd.UnitFrom); err != nil {
				return err
			}
		}
		if err := tx.updateEmployee(ctx, ws, e); err != nil {
			return err
		}
		if err := tx.audit(ctx, ws, "update", "employee", id, old, e); err != nil {
			return err
		}
		return tx.bumpOrgVersion(ctx, ws)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// keepMembership records that e belonged to its (old) unit until the day
// before from.
func (tx *Tx) keepMembership(ctx context.Context, ws int64, e *kpi.Employee, from kpi.Date) error {
	var last sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT max(until_on) FROM memberships WHERE workspace_id = $1 AND employee_id = $2`, ws, e.ID).Scan(&last); err != nil {
		return fmt.Errorf("employee %q: last membership: %w", e.ID, err)
	}
	until := from.AddDays(-1)
	if last.Valid {
		switch l := kpi.Date(last.Int64); {
		case until < l:
			return kpi.Errorf(kpi.EINVALID, "Employee %q was in another unit until %s; a move cannot take effect before %s.", e.ID, l, l.AddDays(1))
		case until == l:
			return nil // the unit left was never in effect
		}
	}
	m := kpi.Membership{EmployeeID: e.ID, UnitID: e.UnitID, Until: until}
	if _, err := tx.exec(ctx, `INSERT INTO memberships (workspace_id, employee_id, until_on, unit_id) VALUES ($1, $2, $3, $4)`,
		ws, m.EmployeeID, int64(m.Until), m.UnitID); err != nil {
		return fmt.Errorf("employee %q: keep membership: %w", e.ID, err)
	}
	return tx.audit(ctx, ws, "create", "membership", e.ID, nil, m)
}

// DeleteEmployee removes an employee nobody reports to, with their
// memberships; otherwise ECONFLICT. Their records stay.
func (s *OrgService) DeleteEmployee(ctx context.Context, id string) error {
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
		var reports int
		if err := tx.queryRow(ctx, `SELECT count(*) FROM employees WHERE workspace_id = $1 AND manager_id = $2`, ws, id).Scan(&reports); err != nil {
			return fmt.Errorf("delete employee %q: count reports: %w", id, err)
		}
		if reports > 0 {
			return kpi.Errorf(kpi.ECONFLICT, "Employee %q still manages %d employees; give them another manager first.", id, reports)
		}

		if _, err := tx.exec(ctx, `DELETE FROM memberships WHERE workspace_id = $1 AND employee_id = $2`, ws, id); err != nil {
			return fmt.Errorf("delete employee %q: memberships: %w", id, err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM employees WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return fmt.Errorf("delete employee %q: %w", id, err)
		}
		if err := tx.audit(ctx, ws, "delete", "employee", id, old, nil); err != nil {
			return err
		}
		return tx.bumpOrgVersion(ctx, ws)
	})
}

// ImportOrg upserts units, then employees, in one transaction. The tree
// that results is validated whole (parents, units and managers exist, no
// cycles); any problem rejects the whole import with EINVALID and a
// Problem per bad row. An employee the import moves to another unit keeps
// no membership: the move applies to all their records after their last
// membership (to date a move, use UpdateEmployee with UnitFrom). An
// employee imported without a currency or a salary keeps the one stored;
// one with a nil Leave keeps the leave stored, while a non-nil, empty
// Leave clears it.
func (s *OrgService) ImportOrg(ctx context.Context, units []*kpi.OrgUnit, employees []*kpi.Employee) (kpi.ImportResult, error) {
	var res kpi.ImportResult
	ws, err := workspaceID(ctx)
	if err != nil {
		return res, err
	}
	var problems []kpi.Problem
	bad := func(entity, id, reason string) {
		problems = append(problems, kpi.Problem{Column: entity, Value: id, Reason: reason})
	}
	inUnits, inEmps := map[string]bool{}, map[string]bool{}
	for _, u := range units {
		if err := validUnit(u); err != nil {
			bad("unit", u.ID, kpi.ErrorMessage(err))
		} else if inUnits[u.ID] {
			bad("unit", u.ID, "listed twice")
		}
		inUnits[u.ID] = true
	}
	for _, e := range employees {
		if e.Leave != nil {
			normalizeLeave(e)
			if e.Leave == nil {
				e.Leave = []kpi.Period{} // still: clear the stored leave
			}
		}
		if err := validEmployee(e); err != nil {
			bad("employee", e.ID, kpi.ErrorMessage(err))
		} else if inEmps[e.ID] {
			bad("employee", e.ID, "listed twice")
		}
		inEmps[e.ID] = true
	}
	if len(problems) > 0 {
		return res, &kpi.Error{Code: kpi.EINVALID, Message: "Org import rejected; nothing was changed.", Details: problems}
	}

	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		oldUnits, err := tx.findUnits(ctx, ws)
		if err != nil {
			return err
		}
		oldEmps, err := tx.findEmployees(ctx, ws, kpi.EmployeeFilter{})
		if err != nil {
			return err
		}
		unitByID := map[string]*kpi.OrgUnit{}
		for _, u := range oldUnits {
			unitByID[u.ID] = u
		}
		empByID := map[string]*kpi.Employee{}
		for _, e := range oldEmps {
			empByID[e.ID] = e
		}
		// The tree after the import, validated before anything is written.
		parent := map[string]string{}
		for _, u := range oldUnits {
			parent[u.ID] = u.ParentID
		}
		for _, u := range units {
			parent[u.ID] = u.ParentID
		}
		manager := map[string]string{}
		for _, e := range oldEmps {
			manager[e.ID] = e.ManagerID
		}
		for _, e := range employees {
			manager[e.ID] = e.ManagerID
		}
		for _, u := range units {
			if _, ok := parent[u.ParentID]; u.ParentID != "" && !ok {
				bad("unit", u.ID, fmt.Sprintf("parent %q not found", u.ParentID))
			} else if hasCycle(parent, u.ID) {
				bad("unit", u.ID, "the unit is its own ancestor (cycle)")
			}
		}
		for _, e := range employees {
			if _, ok := parent[e.UnitID]; !ok {
				bad("employee", e.ID, fmt.Sprintf("unit %q not found", e.UnitID))
			}
			if _, ok := manager[e.ManagerID]; e.ManagerID != "" && !ok {
				bad("employee", e.ID, fmt.Sprintf("manager %q is not an employee", e.ManagerID))
			} else if hasCycle(manager, e.ID) {
				bad("employee", e.ID, "the employee reports to themselves (cycle)")
			}
		}
		if len(problems) > 0 {
			return &kpi.Error{Code: kpi.EINVALID, Message: "Org import rejected; nothing was changed.", Details: problems}
		}

		for _, u := range units {
			old, ok := unitByID[u.ID]
			switch {
			case !ok:
				if err := tx.insertUnit(ctx, ws, u); err != nil {
					return err
				}
				res.Created++
			case old.Name == u.Name && old.Kind == u.Kind && old.ParentID == u.ParentID && old.HeadID == u.HeadID:
				u.UpdatedAt = old.UpdatedAt
				res.Unchanged++
			default:
				if err := tx.updateUnit(ctx, ws, u); err != nil {
					return err
				}
				res.Updated++
			}
		}
		for _, e := range employees {
			old, ok := empByID[e.ID]
			if ok && e.Currency == "" {
				e.Currency = old.Currency // an import without pay columns keeps them
			}
			if ok && e.Salary == nil {
				e.Salary = old.Salary
			}
			if ok && e.Leave == nil {
				e.Leave = old.Leave // an import without a leave column keeps it
			}
			if len(e.Leave) == 0 {
				e.Leave = nil
			}
			switch {
			case !ok:
				if err := tx.insertEmployee(ctx, ws, e); err != nil {
					return err
				}
				res.Created++
			case sameEmployee(old, e):
				e.UpdatedAt = old.UpdatedAt
				res.Unchanged++
			default:
				if err := tx.updateEmployee(ctx, ws, e); err != nil {
					return err
				}
				res.Updated++
			}
		}
		if res.Created+res.Updated == 0 {
			return nil
		}
		if err := tx.audit(ctx, ws, "import", "org", "", nil, res); err != nil {
			return err
		}
		return tx.bumpOrgVersion(ctx, ws)
	})
	if err != nil {
		return kpi.ImportResult{}, fmt.Errorf("import org: %w", err)
	}
	return res, nil
}

// hasCycle reports whether following up from id leads back to id.
func hasCycle(up map[string]string, id string) bool {
	seen := map[string]bool{}
	for p := up[id]; p != ""; p = up[p] {
		if p == id {
			return true
		}
		if seen[p] {
			return false // a cycle above id, reported for its own members
		}
		seen[p] = true
	}
	return false
}
