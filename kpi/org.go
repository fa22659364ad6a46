package kpi

import (
	"context"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// OrgUnit is a node of the organisation tree: company, department, team, at
// any depth. ID is the customer's own identifier, unique in the workspace.
type OrgUnit struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Kind     string `json:"kind,omitempty"`      // company, department, team, office...
	ParentID string `json:"parent_id,omitempty"` // "" for a root
	// HeadID is the employee who heads the unit: they manage everyone in
	// it and in the units below it. "" when nobody is named; an id that is
	// no employee (not yet imported, or gone) heads nothing.
	HeadID    string    `json:"head_id,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Employee is a person whose work is measured. ID is the external id that
// datasets' owner columns refer to.
type Employee struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email,omitempty"`
	UnitID    string `json:"unit_id"`
	ManagerID string `json:"manager_id,omitempty"`
	Position  string `json:"position,omitempty"`
	HiredOn   *Date  `json:"hired_on,omitempty"`
	LeftOn    *Date  `json:"left_on,omitempty"`
	// Currency is what the employee is paid in (ISO 4217, like EUR).
	Currency string `json:"currency,omitempty"`
	// Salary is base pay per month, for bonus plans that pay a percentage
	// of salary; nil when not known.
	Salary *decimal.Decimal `json:"salary,omitempty"`
	// Leave lists the periods the employee is away (parental leave, a
	// sabbatical), both days included, in date order and not overlapping;
	// their targets and bonuses are prorated by the working days left.
	Leave     []Period  `json:"leave,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OrgUnitUpdate changes the fields that are set.
type OrgUnitUpdate struct {
	Name     *string `json:"name"`
	Kind     *string `json:"kind"`
	ParentID *string `json:"parent_id"`
	HeadID   *string `json:"head_id"`
}

// EmployeeUpdate changes the fields that are set. A nil pointer leaves the
// field; a pointer to "" (or to a nil date) clears it where that is allowed.
type EmployeeUpdate struct {
	Name      *string `json:"name"`
	Email     *string `json:"email"`
	UnitID    *string `json:"unit_id"`
	ManagerID *string `json:"manager_id"`
	Position  *string `json:"position"`
	HiredOn   **Date  `json:"hired_on"`
	LeftOn    **Date  `json:"left_on"`
	Currency  *string `json:"currency"`
	// Salary sets the monthly base pay; a pointer to nil clears it.
	Salary **decimal.Decimal `json:"salary"`
	// Leave replaces the list of leave periods; a pointer to an empty list
	// clears it.
	Leave *[]Period `json:"leave"`
	// UnitFrom dates a change of UnitID: records made before it keep
	// counting for the old unit. Nil: the move applies to all records.
	UnitFrom *Date `json:"unit_from"`
}

// EmployeeFilter selects employees; empty fields match all.
type EmployeeFilter struct {
	UnitID    string // directly in this unit
	ManagerID string
	Position  string
}

// OrgService keeps the org tree and the employees of the context's workspace.
// Units and employees are validated as a whole: a unit's parent and an
// employee's unit and manager must exist, and the tree has no cycles.
type OrgService interface {
	FindOrgUnitByID(ctx context.Context, id string) (*OrgUnit, error)
	FindOrgUnits(ctx context.Context) ([]*OrgUnit, error)
	CreateOrgUnit(ctx context.Context, u *OrgUnit) error
	UpdateOrgUnit(ctx context.Context, id string, upd OrgUnitUpdate) (*OrgUnit, error)
	DeleteOrgUnit(ctx context.Context, id string) error

	FindEmployeeByID(ctx context.Context, id string) (*Employee, error)
	FindEmployees(ctx context.Context, filter EmployeeFilter) ([]*Employee, error)
	// FindMemberships lists employees' earlier units, by employee, oldest first.
	FindMemberships(ctx context.Context) ([]Membership, error)
	CreateEmployee(ctx context.Context, e *Employee) error
	UpdateEmployee(ctx context.Context, id string, upd EmployeeUpdate) (*Employee, error)
	DeleteEmployee(ctx context.Context, id string) error

	// ImportOrg upserts units and employees in one transaction: all or
	// nothing. It returns how many rows were created and updated.
	ImportOrg(ctx context.Context, units []*OrgUnit, employees []*Employee) (ImportResult, error)
}

// Org is a snapshot of the tree, for the pure calculations.
type Org struct {
	Units     []*OrgUnit
	Employees []*Employee
	// Memberships are employees' earlier units: records dated up to and
	// including Until count for UnitID (and the units above it). After an
	// employee's last membership, Employee.UnitID applies.
	Memberships []Membership
}

// UnitOn is the unit e belonged to on day d: their earliest membership
// lasting until d or later, else their unit now.
func (o *Org) UnitOn(e *Employee, d Date) string {
	unit, until := e.UnitID, Date(0)
	for _, m := range o.Memberships {
		if m.EmployeeID == e.ID && m.Until >= d && (until == 0 || m.Until < until) {
			unit, until = m.UnitID, m.Until
		}
	}
	return unit
}

// Membership is a unit an employee belonged to, up to and including Until.
type Membership struct {
	EmployeeID string `json:"employee_id"`
	UnitID     string `json:"unit_id"`
	Until      Date   `json:"until"`
}

// ValidateLeave checks a list of leave periods: each ends on or after the
// day it starts, and they are in date order without overlapping (touching
// is fine). The error is EINVALID and names the range.
func ValidateLeave(leave []Period) error {
	for i, l := range leave {
		if l.To < l.From {
			return Errorf(EINVALID, "Leave %s ends before it starts.", rangeText(l))
		}
		if i == 0 {
			continue
		}
		prev := leave[i-1]
		switch {
		case l.From < prev.From:
			return Errorf(EINVALID, "Leave %s is listed after %s; list leave in date order.", rangeText(l), rangeText(prev))
		case l.From <= prev.To:
			return Errorf(EINVALID, "Leave %s overlaps %s.", rangeText(l), rangeText(prev))
		}
	}
	return nil
}

// ParseLeave reads leave periods written as FROM..TO (or one date for a
// single day), separated by ";": "2026-06-01..2026-06-14; 2026-08-03".
// The periods are ranges, kept in the order written; "" is none. It does
// not check order or overlaps (see ValidateLeave).
func ParseLeave(s string) ([]Period, error) {
	var out []Period
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, ok := strings.Cut(part, "..")
		if !ok {
			to = from
		}
		f, err1 := ParseDate(strings.TrimSpace(from))
		t, err2 := ParseDate(strings.TrimSpace(to))
		if err1 != nil || err2 != nil {
			return nil, Errorf(EINVALID, "Cannot read leave %q: want FROM..TO like 2026-06-01..2026-06-14, or one date.", part)
		}
		out = append(out, Period{Grain: Range, From: f, To: t})
	}
	return out, nil
}

// LeaveText writes leave periods the way ParseLeave reads them.
func LeaveText(leave []Period) string {
	parts := make([]string, len(leave))
	for i, l := range leave {
		parts[i] = rangeText(l)
	}
	return strings.Join(parts, "; ")
}

func rangeText(p Period) string { return p.From.String() + ".." + p.To.String() }
