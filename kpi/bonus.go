package kpi

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// BonusPlan is a bonus plan of attain.yaml with whom it applies to. Plan is
// the plan document (package bonus's Plan) as JSON; package bonus parses
// and evaluates it, kpi only stores it.
type BonusPlan struct {
	Name   string           `json:"name"`
	Plan   json.RawMessage  `json:"plan"`
	Assign []PlanAssignment `json:"assign"`
}

// PlanAssignment gives a plan to everyone holding a position, or to one
// employee, from From to To (inclusive; nil: open). An employee's own
// assignment beats their position's.
type PlanAssignment struct {
	Position string `json:"position,omitempty"`
	Employee string `json:"employee,omitempty"`
	From     *Date  `json:"from,omitempty"`
	To       *Date  `json:"to,omitempty"`
}

// Covers reports whether a is in effect on d.
func (a PlanAssignment) Covers(d Date) bool {
	return (a.From == nil || *a.From <= d) && (a.To == nil || d <= *a.To)
}

// BonusPlan returns the named plan or nil.
func (d *Definitions) BonusPlan(name string) *BonusPlan {
	for _, p := range d.BonusPlans {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// PlanOn returns the name of the plan in effect for e on day d, "" if none:
// an assignment to the employee first, then one to their position.
func (d *Definitions) PlanOn(e *Employee, day Date) string {
	pos := ""
	for _, p := range d.BonusPlans {
		for _, a := range p.Assign {
			if !a.Covers(day) {
				continue
			}
			if a.Employee != "" && a.Employee == e.ID {
				return p.Name
			}
			if a.Position != "" && a.Position == e.Position && pos == "" {
				pos = p.Name
			}
		}
	}
	return pos
}

// Statement statuses, in lifecycle order. A draft is computed fresh every
// time and never stored.
const (
	StatusDraft    = "draft"
	StatusApproved = "approved"
	StatusLocked   = "locked"
	StatusPaid     = "paid"
)

// StoredStatement is the stored state of one employee's bonus statement for
// one period. Doc is the whole statement as JSON (package payroll's
// Statement): the one approved, then, once locked, the one locked, which
// never changes again.
type StoredStatement struct {
	EmployeeID string          `json:"employee_id"`
	Period     Period          `json:"period"`
	Status     string          `json:"status"`
	Plan       string          `json:"plan"`
	Currency   string          `json:"currency"`
	Payout     decimal.Decimal `json:"payout"`
	// Balances handed to the next statement.
	DrawBalance     decimal.Decimal `json:"draw_balance"`
	ClawbackBalance decimal.Decimal `json:"clawback_balance"`
	Doc             json.RawMessage `json:"doc,omitempty"`
	// Attributions (set when locked) are the records behind the
	// commissions paid, with what was paid on each.
	Attributions []Attribution `json:"attributions,omitempty"`
	// Reversals (set when locked) are the attributions of earlier
	// statements this one clawed back; Adjustments correct earlier locked
	// statements.
	Reversals   []AttributionRef `json:"reversals,omitempty"`
	Adjustments []Adjustment     `json:"adjustments,omitempty"`

	ApprovedBy string     `json:"approved_by,omitempty"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
	LockedBy   string     `json:"locked_by,omitempty"`
	LockedAt   *time.Time `json:"locked_at,omitempty"`
	PaidBy     string     `json:"paid_by,omitempty"`
	PaidAt     *time.Time `json:"paid_at,omitempty"`
}

// Attribution is a record behind a commission on a locked statement: its
// value and the part of the commission paid on it. ReversedIn is the period
// of the locked statement that clawed it back, nil while it stands.
type Attribution struct {
	KPI        string          `json:"kpi"`
	Key        string          `json:"key"`
	Date       Date            `json:"date"`
	Value      decimal.Decimal `json:"value"`
	Paid       decimal.Decimal `json:"paid"`
	ReversedIn *Period         `json:"reversed_in,omitempty"`
}

// AttributionRef names one attribution of the statement of Period.
type AttributionRef struct {
	Period Period `json:"period"`
	KPI    string `json:"kpi"`
	Key    string `json:"key"`
}

// Adjustment corrects the locked statement of Of by Amount (positive: owed
// to the employee), carried by a later statement.
type Adjustment struct {
	Of     Period          `json:"of"`
	Amount decimal.Decimal `json:"amount"`
	Reason string          `json:"reason"`
}

// Inquiry is a question an employee raises on a line of a statement, and
// the manager's answer.
type Inquiry struct {
	ID         int64      `json:"id"`
	EmployeeID string     `json:"employee_id"`
	Period     Period     `json:"period"`
	Line       string     `json:"line"`
	Text       string     `json:"text"`
	AskedBy    string     `json:"asked_by"`
	AskedAt    time.Time  `json:"asked_at"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

// StatementFilter selects stored statements; empty fields match all.
// Periods match when they lie within [From, To] (zero dates: no bound).
type StatementFilter struct {
	EmployeeID string
	From, To   Date
	Statuses   []string
}

// StatementService keeps the lifecycle of the context workspace's bonus
// statements: approved → locked → paid, each step audited. A locked
// statement never changes.
type StatementService interface {
	// FindStatement returns the stored statement; ENOTFOUND for a draft.
	FindStatement(ctx context.Context, employeeID string, p Period) (*StoredStatement, error)
	// FindStatements lists stored statements by employee, then period.
	FindStatements(ctx context.Context, f StatementFilter) ([]*StoredStatement, error)
	// ApproveStatement stores s as approved by the context's actor; a
	// statement approved before is approved again, a locked one is
	// ECONFLICT.
	ApproveStatement(ctx context.Context, s *StoredStatement) error
	// LockStatement stores s, with its attributions, reversals and
	// adjustments, as locked; the statement must be approved (ECONFLICT
	// otherwise, and when it is locked already). Reversals mark the
	// attributions of earlier statements as clawed back.
	LockStatement(ctx context.Context, s *StoredStatement) error
	// PayStatement marks a locked statement paid; ECONFLICT otherwise.
	PayStatement(ctx context.Context, employeeID string, p Period) (*StoredStatement, error)

	// CreateInquiry stores a question on a statement line, asked by the
	// context's actor, and sets its ID.
	CreateInquiry(ctx context.Context, q *Inquiry) error
	// AnswerInquiry stores the answer to inquiry id of the statement.
	AnswerInquiry(ctx context.Context, employeeID string, p Period, id int64, answer string) (*Inquiry, error)
	FindInquiries(ctx context.Context, employeeID string, p Period) ([]*Inquiry, error)
}
