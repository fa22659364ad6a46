package app

import (
	"context"
	"fmt"
	"io"

	"attain/app/payroll"
	"attain/calc/bonus"
	"attain/kpi"
)

// Statement is one employee's bonus statement for one period, every line
// explained (see package payroll).
type Statement = kpi.Statement

// StatementWhatIf is a statement as it is and with changed KPI actuals.
type StatementWhatIf = payroll.WhatIf

// PayoutTotals are the total payouts of rows per currency, as rows.
func PayoutTotals(rows []Payout) []Payout { return payroll.PayoutTotals(rows) }

// ExplainLink is a KPI line of a statement with the query that explains
// it down to its records.
type ExplainLink = kpi.ExplainLink

// Payout is one employee's payout of a period, for payroll.
type Payout = payroll.Payout

// StatementRef names one employee's statement for one period.
type StatementRef struct {
	Employee string
	Period   string
}

func (r StatementRef) read() (kpi.Period, error) {
	if r.Employee == "" {
		return kpi.Period{}, kpi.Errorf(kpi.EINVALID, "Give the employee whose statement it is.")
	}
	return parsePeriod(r.Period)
}

// Statement returns the statement: the locked one, or a draft computed now.
func (a *App) Statement(ctx context.Context, who kpi.Actor, r StatementRef) (*Statement, error) {
	p, err := r.read()
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadStatements, onEmployee(r.Employee, p)); err != nil {
		return nil, err
	}
	return a.payroll.Statement(ctx, r.Employee, p)
}

// StatementPDF is the statement as a PDF: every line with its inputs, rule
// and result.
func (a *App) StatementPDF(ctx context.Context, who kpi.Actor, r StatementRef) (*File, error) {
	st, err := a.Statement(ctx, who, r)
	if err != nil {
		return nil, err
	}
	defs, err := a.Definitions(ctx, who)
	if err != nil {
		return nil, err
	}
	return &File{Name: fmt.Sprintf("statement-%s-%s.pdf", r.Employee, st.Period.Label()), ContentType: ContentPDF, Count: 1,
		write: func(w io.Writer) error { return payroll.WritePDF(w, st, defs.KPI) }}, nil
}

// WhatIf recomputes the draft statement with changed KPI actuals ("3
// more deals worth 10,000"); nothing is stored.
func (a *App) WhatIf(ctx context.Context, who kpi.Actor, r StatementRef, changes []bonus.Change) (*StatementWhatIf, error) {
	p, err := r.read()
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "Give at least one change, e.g. add 3 to deals_won.")
	}
	if ctx, err = a.begin(ctx, who, ReadStatements, onEmployee(r.Employee, p)); err != nil {
		return nil, err
	}
	return a.payroll.WhatIf(ctx, r.Employee, p, changes)
}

// Step is a step of a statement's lifecycle.
type Step string

// The steps, in order: a manager approves a draft, it is locked for good,
// then marked paid.
const (
	Approve Step = "approve"
	Lock    Step = "lock"
	Pay     Step = "pay"
)

var stepActions = map[Step]Action{Approve: ApproveStatements, Lock: LockStatements, Pay: PayStatements}

// StepStatement approves, locks or pays a statement; each step is audited
// with who took it.
func (a *App) StepStatement(ctx context.Context, who kpi.Actor, r StatementRef, step Step) (*Statement, error) {
	act, ok := stepActions[step]
	if !ok {
		return nil, kpi.Errorf(kpi.EINVALID, "Unknown step %q: want approve, lock or pay.", step)
	}
	p, err := r.read()
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, act, onEmployee(r.Employee, p)); err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	old, err := a.svc.Statements.FindStatement(ctx, r.Employee, p)
	if err != nil && kpi.ErrorCode(err) != kpi.ENOTFOUND {
		return nil, err
	}
	switch step {
	case Approve:
		if err := a.separated(ctx, who, r.Employee, p); err != nil {
			return nil, err
		}
		if old != nil && old.Status == kpi.StatusApproved && old.ApprovedBy != who.Name && defs.Policy.SecondApproval(old.Payout) {
			if _, err := a.svc.Statements.SecondApproveStatement(ctx, r.Employee, p); err != nil {
				return nil, err
			}
			return a.payroll.Statement(ctx, r.Employee, p)
		}
		st, err := a.payroll.Approve(ctx, r.Employee, p)
		if err == nil {
			a.emit(ctx, statementApproved(st)) // notify.go
		}
		return st, err
	case Lock:
		if old != nil && defs.Policy.SecondApproval(old.Payout) && old.SecondApprovedBy == "" {
			return nil, kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s pays %s %s, above %s: it needs a second approver, someone other than %s, before it is locked.",
				r.Employee, p.Label(), old.Payout.StringFixed(old.Places()), old.Currency, defs.Policy.SecondApproverAbove, old.ApprovedBy)
		}
		return a.payroll.Lock(ctx, r.Employee, p)
	}
	return a.payroll.Pay(ctx, r.Employee, p)
}

// separated refuses an approval by someone who set the employee's targets
// for the period, or edited the plan that pays them since it began:
// whoever makes the rules of a statement does not approve what they pay.
// Whoever holds the database (the system) is not a person to separate.
func (a *App) separated(ctx context.Context, who kpi.Actor, employee string, p kpi.Period) error {
	if who.System {
		return nil
	}
	hist, err := a.svc.Targets.TargetHistory(ctx, kpi.TargetFilter{Subjects: []kpi.Subject{{Kind: kpi.SubjectEmployee, ID: employee}}, From: p.From, To: p.To})
	if err != nil {
		return err
	}
	for _, h := range hist {
		if h.By == who.Name {
			return kpi.Errorf(kpi.EFORBIDDEN, "You set %s's target of %s for %s, so someone else must approve the statement it pays (separation of duties).", employee, h.KPI, h.Period.Label())
		}
	}
	emp, err := a.svc.Org.FindEmployeeByID(ctx, employee)
	if err != nil {
		return err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return err
	}
	loc, err := kpi.WorkspaceLocation(ctx, a.svc.Workspaces)
	if err != nil {
		return err
	}
	plans := map[string]bool{}
	for d := p.From; d <= p.To; d++ {
		if plan := defs.PlanOn(emp, d); plan != "" {
			plans[plan] = true
		}
	}
	start := p.From.In(loc)
	for plan := range plans {
		entries, err := a.svc.Audit.FindAuditEntries(ctx, "bonus_plan", plan, MaxAuditPage)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.Actor == who.Name && !e.At.Before(start) {
				return kpi.Errorf(kpi.EFORBIDDEN, "You edited the bonus plan %s on %s, so someone else must approve the statements it pays for %s (separation of duties).", plan, e.At.In(loc).Format("2006-01-02"), p.Label())
			}
		}
	}
	return nil
}

// Inquire raises a question on a line of a statement.
func (a *App) Inquire(ctx context.Context, who kpi.Actor, r StatementRef, line, text string) (*kpi.Inquiry, error) {
	p, err := r.read()
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, InquireStatements, onEmployee(r.Employee, p)); err != nil {
		return nil, err
	}
	return a.payroll.Inquire(ctx, r.Employee, p, line, text)
}

// Answer answers inquiry id on a statement.
func (a *App) Answer(ctx context.Context, who kpi.Actor, r StatementRef, id int64, text string) (*kpi.Inquiry, error) {
	p, err := r.read()
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, AnswerInquiries, onEmployee(r.Employee, p)); err != nil {
		return nil, err
	}
	q, err := a.payroll.Answer(ctx, r.Employee, p, id, text)
	if err == nil {
		a.emit(ctx, a.inquiryAnswered(ctx, q)) // notify.go
	}
	return q, err
}

// Payouts lists every payout of a period: the stored figure of a locked
// or paid statement, the draft's otherwise; a statement that cannot be
// computed is a row with status "error".
func (a *App) Payouts(ctx context.Context, who kpi.Actor, period string) ([]Payout, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadPayouts, on{period: p}); err != nil {
		return nil, err
	}
	return a.payroll.Payouts(ctx, p)
}

// PayoutsFile is the payouts of a period as a file for payroll, CSV or
// XLSX.
func (a *App) PayoutsFile(ctx context.Context, who kpi.Actor, period, format string) (*File, error) {
	var write func(io.Writer, []Payout) error
	var ctype string
	switch format {
	case FormatCSV:
		write, ctype = payroll.WritePayoutsCSV, ContentCSV
	case FormatXLSX:
		write, ctype = payroll.WritePayoutsXLSX, ContentXLSX
	default:
		return nil, kpi.Errorf(kpi.EINVALID, "Unknown payouts format %q: want csv or xlsx.", format)
	}
	rows, err := a.Payouts(ctx, who, period)
	if err != nil {
		return nil, err
	}
	p, _ := kpi.ParsePeriod(period) // read by Payouts already
	return &File{Name: "payouts-" + p.Label() + "." + format, ContentType: ctype, Count: len(rows),
		write: func(w io.Writer) error { return write(w, rows) }}, nil
}

// TeamCost compares what the current plans and a draft plan (YAML) would
// pay the people of a unit and the units below it in a period.
func (a *App) TeamCost(ctx context.Context, who kpi.Actor, planSource string, planYAML []byte, unit, period string) (*bonus.CostDelta, error) {
	ctx, err := a.begin(ctx, who, ReadPayouts, on{})
	if err != nil {
		return nil, err
	}
	draft, err := bonus.ParsePlan(planSource, planYAML)
	if err != nil {
		return nil, err
	}
	if unit == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "Give the unit whose people are costed.")
	}
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	return a.payroll.TeamCost(ctx, unit, p, draft)
}

// BonusEval is a statement computed from a plan and one employee's inputs
// alone, and, with changes, what if.
type BonusEval struct {
	Statement *kpi.Evaluation `json:"statement"`
	WhatIf    *kpi.Evaluation `json:"what_if,omitempty"`
}

// EvalBonus computes one employee's statement from a plan and its inputs
// (both YAML), without a workspace; with changes, the statement again with
// changed KPI actuals.
func EvalBonus(planSource string, plan []byte, inputsSource string, inputs []byte, changes []bonus.Change) (*BonusEval, error) {
	pl, err := bonus.ParsePlan(planSource, plan)
	if err != nil {
		return nil, err
	}
	in, err := bonus.ParseInputs(inputsSource, inputs)
	if err != nil {
		return nil, err
	}
	base, changed, err := bonus.WhatIf(pl, in, changes)
	if err != nil {
		return nil, err
	}
	out := &BonusEval{Statement: base}
	if len(changes) > 0 {
		out.WhatIf = changed
	}
	return out, nil
}
