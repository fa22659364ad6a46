package kpi

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// Statement statuses, in lifecycle order. A draft is computed fresh every
// time and never stored.
const (
	StatusDraft    = "draft"
	StatusApproved = "approved"
	StatusLocked   = "locked"
	StatusPaid     = "paid"
)

// Statement is one employee's bonus statement for one period: what package
// payroll computes, the StatementService stores (approved, then locked for
// good, then paid) and the CLI and the API show. It has one section per
// plan in effect during the period (one, unless the plan changed
// mid-period), each with the inputs it was evaluated on and its
// Evaluation; the payout, the balances carried out, the records behind the
// commissions, the lifecycle and the inquiries raised on its lines.
type Statement struct {
	Employee Payee           `json:"employee"`
	Period   Period          `json:"period"`
	Label    string          `json:"period_label"`
	Status   string          `json:"status"` // draft, approved, locked, paid
	Plan     string          `json:"plan"`   // the plan in effect at the end of the period
	Currency string          `json:"currency"`
	Payout   decimal.Decimal `json:"payout"`
	CarryOut Carry           `json:"carry_out"`
	// Projected is what open deals would add to the payout if they closed
	// (the sections' projections): never part of Payout, never exported
	// to payroll; nil when the plan projects nothing.
	Projected *decimal.Decimal    `json:"projected,omitempty"`
	Sections  []*StatementSection `json:"sections"`
	// Explain links every KPI line to the records behind it.
	Explain []ExplainLink `json:"explain"`
	// Attributions are the records behind the commissions and what was
	// paid on each (stored when the statement is locked); Reversals the
	// records of earlier statements this one claws back; Adjustments its
	// corrections of earlier locked statements.
	Attributions []Attribution    `json:"attributions,omitempty"`
	Reversals    []AttributionRef `json:"reversals,omitempty"`
	Adjustments  []Adjustment     `json:"adjustments,omitempty"`
	Inquiries    []*Inquiry       `json:"inquiries"`
	Notes        []string         `json:"notes,omitempty"`

	ApprovedBy string     `json:"approved_by,omitempty"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
	// SecondApprovedBy is the second approver a payout above the
	// workspace policy's SecondApproverAbove needs before its lock.
	SecondApprovedBy string     `json:"second_approved_by,omitempty"`
	SecondApprovedAt *time.Time `json:"second_approved_at,omitempty"`
	LockedBy         string     `json:"locked_by,omitempty"`
	LockedAt         *time.Time `json:"locked_at,omitempty"`
	PaidBy           string     `json:"paid_by,omitempty"`
	PaidAt           *time.Time `json:"paid_at,omitempty"`
}

// StatementSection is the part of a period one plan was in effect: the
// inputs it was evaluated on and the evaluation package bonus made of them.
type StatementSection struct {
	Plan       string       `json:"plan"`
	From       Date         `json:"from"`
	To         Date         `json:"to"`
	Inputs     *BonusInputs `json:"inputs"`
	Evaluation *Evaluation  `json:"statement"`
}

// ExplainLink is a KPI line of a statement with the query that explains
// it down to its records.
type ExplainLink struct {
	Line  string       `json:"line"`
	Query ExplainQuery `json:"query"`
}

// Line returns the line with id from the statement's sections, or nil.
func (st *Statement) Line(id string) *StatementLine {
	for _, sec := range st.Sections {
		if l := sec.Evaluation.Line(id); l != nil {
			return l
		}
	}
	return nil
}

// Places is the decimal places of the statement's money: its last
// section's, 2 without sections.
func (st *Statement) Places() int32 {
	if n := len(st.Sections); n > 0 {
		return st.Sections[n-1].Evaluation.Places
	}
	return 2
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
// statement never changes. A stored statement comes back whole: its
// sections as they were stored, its status and lifecycle, and its
// attributions as they stand (ReversedIn set once clawed back); inquiries
// are kept apart (FindInquiries).
type StatementService interface {
	// FindStatement returns the stored statement; ENOTFOUND for a draft.
	FindStatement(ctx context.Context, employeeID string, p Period) (*Statement, error)
	// FindStatements lists stored statements by employee, then period.
	FindStatements(ctx context.Context, f StatementFilter) ([]*Statement, error)
	// ApproveStatement stores s as approved by the context's actor; a
	// statement approved before is approved again, a locked one is
	// ECONFLICT.
	ApproveStatement(ctx context.Context, s *Statement) error
	// SecondApproveStatement records the context's actor as the second
	// approver of an approved statement: someone other than its approver
	// (EFORBIDDEN otherwise); ECONFLICT unless it is approved.
	SecondApproveStatement(ctx context.Context, employeeID string, p Period) (*Statement, error)
	// LockStatement stores s, with its attributions, reversals and
	// adjustments, as locked; the statement must be approved (ECONFLICT
	// otherwise, and when it is locked already). Reversals mark the
	// attributions of earlier statements as clawed back.
	LockStatement(ctx context.Context, s *Statement) error
	// PayStatement marks a locked statement paid; ECONFLICT otherwise.
	PayStatement(ctx context.Context, employeeID string, p Period) (*Statement, error)

	// CreateInquiry stores a question on a statement line, asked by the
	// context's actor, and sets its ID.
	CreateInquiry(ctx context.Context, q *Inquiry) error
	// AnswerInquiry stores the answer to inquiry id of the statement.
	AnswerInquiry(ctx context.Context, employeeID string, p Period, id int64, answer string) (*Inquiry, error)
	FindInquiries(ctx context.Context, employeeID string, p Period) ([]*Inquiry, error)
	// StatementsVersion grows with every write of a statement (approve,
	// second approval, lock, pay), not of an inquiry.
	StatementsVersion(ctx context.Context) (int64, error)
}
