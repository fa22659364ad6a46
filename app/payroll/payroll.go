// Package payroll turns a workspace's bonus plans into statements: it
// gathers one employee's inputs for a period from the kpi services (the
// plan in effect, KPI actuals and targets, the scorecard's score, pay,
// what was paid and carried before, reversed records and corrections of
// locked statements), evaluates them with package bonus and keeps the
// lifecycle (approve, lock, pay), inquiries, what-ifs, team costs and the
// exports for payroll. Every number comes from bonus; this package only
// gathers and stores.
package payroll

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/calc/bonus"
	"attain/calc/score"
	"attain/kpi"
)

// Service builds and keeps statements. Every field must be set but Now,
// which defaults to time.Now.
type Service struct {
	Workspaces  kpi.WorkspaceService
	Org         kpi.OrgService
	Definitions kpi.DefinitionService
	Values      kpi.ValueService
	Targets     kpi.TargetService
	Statements  kpi.StatementService
	// Records gives the fields of the records per-record rules read, and
	// the open deals of a projection.
	Records kpi.RecordService
	Review  *review.Service
	Now     func() time.Time
	// Versions, if set, lets what a locked statement pays recomputed now
	// be kept between drafts for as long as nothing it reads changes (see
	// recheckStamp).
	Versions func(ctx context.Context) (kpi.Versions, error)

	rechecks stamped[recheckStamp, recheckKey, rechecked]
	drafts   stamped[draftStamp, draftKey, *kpi.Statement]
}

// LookBack is how far back locked statements are rechecked (adjustments)
// and their records watched (clawbacks): a year before the period.
const LookBack = 366

// env is what every statement of one workspace reads first.
type env struct {
	defs      *kpi.Definitions
	employees map[string]*kpi.Employee
	plans     map[string]*bonus.Plan
	cal       score.Calendar
	today     kpi.Date
	// stamp is what rechecks are kept under, drafts what drafts are kept
	// under; nil: none kept.
	stamp  *recheckStamp
	drafts *draftStamp
}

func (s *Service) env(ctx context.Context) (*env, error) {
	loc, err := kpi.WorkspaceLocation(ctx, s.Workspaces)
	if err != nil {
		return nil, err
	}
	defs, err := s.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	emps, err := s.Org.FindEmployees(ctx, kpi.EmployeeFilter{})
	if err != nil {
		return nil, err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	e := &env{defs: defs, employees: map[string]*kpi.Employee{}, plans: map[string]*bonus.Plan{},
		cal: review.Calendar(defs.Calendar), today: kpi.DateOf(now(), loc)}
	for _, emp := range emps {
		e.employees[emp.ID] = emp
	}
	for _, bp := range defs.BonusPlans {
		var p bonus.Plan
		if err := json.Unmarshal(bp.Plan, &p); err != nil {
			return nil, fmt.Errorf("bonus plan %q: %w", bp.Name, err)
		}
		e.plans[bp.Name] = &p
	}
	if e.stamp, err = s.stamp(ctx, e.today, loc.String()); err != nil {
		return nil, err
	}
	if e.drafts, err = s.draftStampOf(ctx, e.stamp); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *env) employee(id string) (*kpi.Employee, error) {
	emp := e.employees[id]
	if emp == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Employee %q not found.", id)
	}
	return emp, nil
}

// segment is a run of days of a period under one plan.
type segment struct {
	plan     string
	from, to kpi.Date
}

// segments cuts p into the runs of days each plan is in effect for emp.
func (e *env) segments(emp *kpi.Employee, p kpi.Period) []segment {
	var out []segment
	for d := p.From; d <= p.To; d++ {
		name := e.defs.PlanOn(emp, d)
		if name == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].plan == name && out[n-1].to == d-1 {
			out[n-1].to = d
			continue
		}
		out = append(out, segment{name, d, d})
	}
	return out
}

// history is what earlier statements hand this one.
type history struct {
	ytd          decimal.Decimal
	carry        kpi.Carry
	reversed     []kpi.Reversal
	reversalRefs []kpi.AttributionRef
	adjustments  []kpi.Adjustment
	notes        []string
	// recognized is, per true-up plan, what the locked statements of the
	// current window recognized.
	recognized map[string]decimal.Decimal
	// recomputing: a locked statement computed again for its payout, with
	// no projection.
	recomputing bool
}

// Statement returns the statement of an employee for period p: the stored
// one once it is locked (it never changes), else a draft computed now
// (marked approved when it was approved), with the inquiries on it.
func (s *Service) Statement(ctx context.Context, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	return s.statement(ctx, e, employeeID, p)
}

// StatementsOf is Statement for each of employeeIDs, a few at once, reading
// what every statement reads first (the definitions, the employees and
// what rechecks are kept under) once: out[i] is the statement of
// employeeIDs[i], or failed[i] why it cannot be computed (not found,
// invalid); err is an internal error, which ends them all.
func (s *Service) StatementsOf(ctx context.Context, employeeIDs []string, p kpi.Period) (out []*kpi.Statement, failed []error, err error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, nil, err
	}
	out, failed = make([]*kpi.Statement, len(employeeIDs)), make([]error, len(employeeIDs))
	err = review.Parallel(len(employeeIDs), func(i int) error {
		st, err := s.statement(ctx, e, employeeIDs[i], p)
		if err != nil && kpi.ErrorCode(err) == kpi.EINTERNAL {
			return err
		}
		out[i], failed[i] = st, err
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, failed, nil
}

func (s *Service) statement(ctx context.Context, e *env, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	return s.statementFrom(ctx, e, employeeID, p, nil)
}

// statementFrom is statement with the draft computed already, if draft is
// not nil (it becomes the statement unless one is locked).
func (s *Service) statementFrom(ctx context.Context, e *env, employeeID string, p kpi.Period, draft *kpi.Statement) (*kpi.Statement, error) {
	stored, err := s.Statements.FindStatement(ctx, employeeID, p)
	if err != nil && kpi.ErrorCode(err) != kpi.ENOTFOUND {
		return nil, err
	}
	st := stored
	if stored == nil || stored.Status == kpi.StatusApproved {
		st = draft
		if st == nil {
			if st, err = s.keptDraft(ctx, e, employeeID, p); err != nil {
				return nil, err
			}
		}
		if stored != nil && !stored.Payout.Equal(st.Payout) {
			st.Notes = append(st.Notes, fmt.Sprintf("approved with payout %s; the data changed since and it now comes to %s: approve it again before locking",
				stored.Payout.StringFixed(st.Places()), st.Payout.StringFixed(st.Places())))
		}
	}
	if stored != nil {
		st.Status = stored.Status
		st.ApprovedBy, st.ApprovedAt = stored.ApprovedBy, stored.ApprovedAt
		st.SecondApprovedBy, st.SecondApprovedAt = stored.SecondApprovedBy, stored.SecondApprovedAt
		st.LockedBy, st.LockedAt = stored.LockedBy, stored.LockedAt
		st.PaidBy, st.PaidAt = stored.PaidBy, stored.PaidAt
	}
	if st.Inquiries, err = s.Statements.FindInquiries(ctx, employeeID, p); err != nil {
		return nil, err
	}
	if st.Inquiries == nil {
		st.Inquiries = []*kpi.Inquiry{}
	}
	return st, nil
}

// draft computes the statement now, with its history from the stored
// statements before p, and the scorecard of each section (see compute).
func (s *Service) draft(ctx context.Context, e *env, employeeID string, p kpi.Period) (*kpi.Statement, []*review.Card, error) {
	emp, err := e.employee(employeeID)
	if err != nil {
		return nil, nil, err
	}
	h, err := s.history(ctx, e, emp, p)
	if err != nil {
		return nil, nil, err
	}
	return s.compute(ctx, e, emp, p, h)
}

// compute builds the inputs of every section of p and evaluates them. h
// goes to the sections: ytd and carry to the first (each later section
// takes the one before's), reversals and adjustments to the last. cards
// are the scorecards the sections' scores came from (nil for a section
// whose plan does not pay on the scorecard), for a what-if to rescore.
func (s *Service) compute(ctx context.Context, e *env, emp *kpi.Employee, p kpi.Period, h *history) (st *kpi.Statement, cards []*review.Card, err error) {
	segs := e.segments(emp, p)
	if len(segs) == 0 {
		return nil, nil, kpi.Errorf(kpi.ENOTFOUND, "No bonus plan is assigned to %s (%s) in %s; assign one under bonus_plans: in attain.yaml.", emp.Name, emp.ID, p.Label())
	}
	st = &kpi.Statement{Period: p, Label: p.Label(), Status: kpi.StatusDraft, Adjustments: h.adjustments, Reversals: h.reversalRefs}
	ytd, carry := h.ytd, h.carry
	var card *review.Card
	for i, seg := range segs {
		plan := e.plans[seg.plan]
		if plan == nil {
			return nil, nil, kpi.Errorf(kpi.ENOTFOUND, "Bonus plan %q not found.", seg.plan)
		}
		in, err := s.inputs(ctx, e, emp, p, seg, need{kpis: plan.KPIs(), score: plan.NeedsScore(), currency: plan.Currency, plans: []*bonus.Plan{plan}, project: !h.recomputing}, &card)
		if err != nil {
			return nil, nil, err
		}
		in.YTDPaid, in.CarryIn = ytd, carry
		if plan.TrueUp != nil {
			in.TrueUp = &kpi.TrueUpInput{Before: h.recognized[seg.plan]}
		}
		if i == len(segs)-1 {
			in.Reversed = h.reversed
			for _, a := range h.adjustments {
				in.Adjustments = append(in.Adjustments, kpi.Correction{ID: a.Of.Label(), Reason: a.Reason, Amount: a.Amount})
			}
		}
		bst, err := bonus.Eval(plan, in)
		if err != nil {
			return nil, nil, fmt.Errorf("statement of %s for %s, plan %s: %w", emp.ID, p.Label(), seg.plan, err)
		}
		st.Sections = append(st.Sections, &kpi.StatementSection{Plan: seg.plan, From: seg.from, To: seg.to, Inputs: in, Evaluation: bst})
		if pj := bst.Projection; pj != nil {
			sum := pj.Earnings
			if st.Projected != nil {
				sum = sum.Add(*st.Projected)
			}
			st.Projected = &sum
		}
		if in.Score != nil {
			cards = append(cards, card)
		} else {
			cards = append(cards, nil)
		}
		ytd, carry = ytd.Add(bst.Payout), bst.CarryOut
		st.Payout = st.Payout.Add(bst.Payout)
		st.Employee, st.Currency, st.Plan, st.CarryOut = bst.Employee, bst.Currency, seg.plan, bst.CarryOut
		for _, l := range bst.Lines {
			if l.KPI == nil || strings.HasPrefix(l.ID, "clawback.") {
				continue
			}
			q := kpi.ExplainQuery{KPI: l.KPI.KPI, Subject: l.KPI.Subject, Period: l.KPI.Period}
			st.Explain = append(st.Explain, kpi.ExplainLink{Line: l.ID, Query: q})
		}
	}
	st.Notes = append(st.Notes, h.notes...)
	if len(segs) > 1 {
		st.Notes = append(st.Notes, fmt.Sprintf("the plan changed during %s: each plan's section is prorated by its working days", p.Label()))
	}
	if err := s.attribute(ctx, e, st); err != nil {
		return nil, nil, err
	}
	return st, cards, nil
}

// need is what a plan reads from the inputs.
type need struct {
	kpis     []string
	score    bool   // the scorecard's score
	currency string // the plan's, if it has one
	// plans are the plans the inputs are for: the records, the values
	// before the period and the open deals they read. The first one's
	// true-up window, if any, is what the KPIs are measured over.
	plans []*bonus.Plan
	// project: gather the open deals of a projection.
	project bool
}

// inputs gathers one section's inputs but its history. card caches the
// scorecard across the sections of a period.
func (s *Service) inputs(ctx context.Context, e *env, emp *kpi.Employee, p kpi.Period, seg segment, nd need, card **review.Card) (*kpi.BonusInputs, error) {
	cur := emp.Currency
	if cur == "" {
		cur = nd.currency
	}
	if cur == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "%s (%s) has no pay currency; set it with: attain org set-employee %s --currency EUR", emp.Name, emp.ID, emp.ID)
	}
	in := &kpi.BonusInputs{Employee: kpi.Payee{ID: emp.ID, Name: emp.Name, Currency: cur}, Period: p.Label()}
	if emp.Salary != nil {
		sal := salaryFor(*emp.Salary, p)
		in.Salary = &sal
	}
	names := nd.kpis
	subj := kpi.Subject{Kind: kpi.SubjectEmployee, ID: emp.ID}
	of := p // what the KPIs are measured over: the period, or a true-up's window to date
	if len(nd.plans) > 0 {
		if w := trueUpWindow(nd.plans[0], p); w != nil {
			of = *w
		}
	}
	if len(names) > 0 {
		vals, err := s.Values.Values(ctx, kpi.ValueQuery{KPIs: names, Subjects: []kpi.Subject{subj}, Grain: kpi.Range, From: of.From, To: of.To})
		if err != nil {
			return nil, err
		}
		targets, err := s.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: names, Subjects: []kpi.Subject{subj}, From: of.From, To: of.To})
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			a := kpi.KPIActual{KPI: name, Direction: kpi.HigherIsBetter}
			if k := e.defs.KPI(name); k != nil && k.Direction != "" {
				a.Direction = k.Direction
			}
			null := true
			for _, v := range vals {
				if v.KPI == name && v.Period.From == of.From && v.Period.To == of.To {
					a.Actual, a.Records, null = v.Value, v.Records, v.Null
				}
			}
			// A target gives an attainment only when it is above 0 (and,
			// lower being better, the actual too); otherwise the KPI goes
			// in without one, and a plan that needs its attainment says so.
			if !null && (a.Direction != kpi.LowerIsBetter || a.Actual.IsPositive()) {
				if v, ok := targetOf(targets, name, p, of); ok && v.IsPositive() {
					a.Target = &v
				}
			}
			in.KPIs = append(in.KPIs, a)
		}
		if err := s.records(ctx, e, emp, p, of, seg, nd, in); err != nil {
			return nil, err
		}
	}
	if emp.HiredOn != nil {
		h := *emp.HiredOn
		in.Hired = &h
	}
	if nd.score {
		if *card == nil {
			// The whole period's card: a draft of an open period pays on
			// the actuals so far against the levels of the whole period,
			// not on the pace the review's card scores.
			c, err := s.Review.PeriodScorecard(ctx, subj, p, "")
			if err != nil {
				return nil, fmt.Errorf("the plan pays on the scorecard's score: %w", err)
			}
			*card = c
		}
		sc := decimal.Zero
		if !(*card).TotalNull {
			sc = (*card).Total
		}
		in.Score = &sc
	}
	convention := bonus.WorkingDays
	if len(nd.plans) > 0 && nd.plans[0].Proration != nil && nd.plans[0].Proration.Convention != "" {
		convention = nd.plans[0].Proration.Convention
	}
	in.Active = e.active(emp, p, seg, convention)
	return in, nil
}

// active is the share of p the employee was employed under the section's
// plan and not on leave (see score.Active): the working days of the
// workspace calendar active and in p, and the runs of days active, from
// which a plan counts calendar days or whole months; nil when all of p
// counts by the plan's convention.
func (e *env) active(emp *kpi.Employee, p kpi.Period, seg segment, convention string) *kpi.ActiveShare {
	span := kpi.Period{Grain: kpi.Range, From: seg.from, To: seg.to}
	why := score.Absence(span, emp.HiredOn, emp.LeftOn, emp.Leave)
	if seg.from != p.From || seg.to != p.To {
		why = append(why, fmt.Sprintf("plan %s in effect %s..%s", seg.plan, seg.from, seg.to))
	}
	all := e.cal.WorkingDays(p.From, p.To)
	if all == 0 || len(why) == 0 {
		return nil
	}
	n, days := 0, 0
	var spans []kpi.DateSpan
	for _, s := range score.Active(span, emp.HiredOn, emp.LeftOn, emp.Leave) {
		n += e.cal.WorkingDays(s.From, s.To)
		days += s.Days()
		spans = append(spans, kpi.DateSpan{From: s.From, To: s.To})
	}
	if n == all && (convention == bonus.WorkingDays || days == p.Days()) {
		return nil
	}
	a := &kpi.ActiveShare{ActiveDays: n, PeriodDays: all, Reason: strings.Join(why, "; ") + "; working days of the workspace calendar"}
	if convention != bonus.WorkingDays {
		a.Reason = strings.Join(why, "; ")
		if len(spans) > 0 {
			a.Spans = spans
		} else {
			zero := decimal.Zero
			a = &kpi.ActiveShare{Fraction: &zero, Reason: a.Reason}
		}
	}
	return a
}

// salaryFor is the base pay of p from a monthly salary: × 1 a month, × 3 a
// quarter, × 12 a year; other periods × their days / the days of the month
// they start in.
func salaryFor(monthly decimal.Decimal, p kpi.Period) decimal.Decimal {
	switch p.Grain {
	case kpi.Month:
		return monthly
	case kpi.Quarter:
		return monthly.Mul(decimal.NewFromInt(3))
	case kpi.Year:
		return monthly.Mul(decimal.NewFromInt(12))
	}
	m := kpi.PeriodOf(kpi.Month, p.From)
	return monthly.Mul(decimal.NewFromInt(int64(p.Days()))).DivRound(decimal.NewFromInt(int64(m.Days())), 16)
}

// history gathers what the stored statements before p hand it: what was
// paid this (calendar) year, the balances of the last locked statement,
// the records of locked statements that no longer count (clawbacks) and
// the differences between locked statements and what they would pay now
// (adjustments), both over the LookBack days before p.
func (s *Service) history(ctx context.Context, e *env, emp *kpi.Employee, p kpi.Period) (*history, error) {
	h := &history{}
	locked, err := s.Statements.FindStatements(ctx, kpi.StatementFilter{EmployeeID: emp.ID, Statuses: []string{kpi.StatusLocked, kpi.StatusPaid}})
	if err != nil {
		return nil, err
	}
	year := kpi.PeriodOf(kpi.Year, p.From)
	var last *kpi.Statement
	for _, l := range locked {
		if l.Period.To >= p.From {
			continue
		}
		if l.Period.From >= year.From {
			h.ytd = h.ytd.Add(l.Payout)
		}
		if last == nil || l.Period.To > last.Period.To {
			last = l
		}
	}
	if last != nil {
		h.carry = last.CarryOut
	}
	h.recognized = recognized(e, locked, p)
	adjusted := map[kpi.Period]decimal.Decimal{} // corrections already carried by locked statements
	for _, l := range locked {
		for _, a := range l.Adjustments {
			adjusted[a.Of] = adjusted[a.Of].Add(a.Amount)
		}
	}
	since := p.From.AddDays(-LookBack)
	reversedNow := map[kpi.Period]decimal.Decimal{}
	today := min(e.today, p.To)
	for _, l := range locked {
		if l.Period.To >= p.From || l.Period.From < since {
			continue
		}
		// Records behind its commissions that no longer count.
		present := map[string]map[string]bool{}
		for _, a := range l.Attributions {
			if a.ReversedIn != nil {
				continue
			}
			keys, ok := present[a.KPI]
			if !ok {
				ex, err := s.Values.Explain(ctx, kpi.ExplainQuery{KPI: a.KPI, Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: emp.ID}, Period: l.Period})
				if err != nil {
					return nil, fmt.Errorf("recheck records of %s in %s: %w", a.KPI, l.Period.Label(), err)
				}
				keys = map[string]bool{}
				recordKeys(ex, keys)
				present[a.KPI] = keys
			}
			if keys[a.Key] {
				continue
			}
			won, on := a.Date, max(a.Date, today)
			key := a.Key
			for _, r := range h.reversed {
				if r.Key == key {
					key = a.Key + "@" + a.KPI
				}
			}
			h.reversed = append(h.reversed, kpi.Reversal{Key: key, KPI: a.KPI, Paid: a.Paid, Won: &won, ReversedOn: &on,
				Reason: fmt.Sprintf("no longer counts for %s in %s", a.KPI, l.Period.Label()), ContractMonths: s.contractMonths(ctx, e, e.planAt(emp, p.To), a.KPI, a.Key)})
			h.reversalRefs = append(h.reversalRefs, kpi.AttributionRef{Period: l.Period, KPI: a.KPI, Key: a.Key})
			reversedNow[l.Period] = reversedNow[l.Period].Add(a.Paid)
		}
	}
	// Corrections: each locked statement recomputed now on its own
	// history, against what it paid. Records clawed back (now or before)
	// are recovered by the clawback, so what they were paid is added back.
	for _, l := range locked {
		if l.Period.To >= p.From || l.Period.From < since || trueUpCovers(e, l, p) {
			continue
		}
		now, err := s.recheck(ctx, e, emp, l)
		if err != nil {
			// A statement that cannot be recomputed (its plan is gone, say)
			// is not corrected; say so rather than fail this one.
			h.notes = append(h.notes, fmt.Sprintf("the locked statement of %s cannot be recomputed now (%s): it is not adjusted", l.Period.Label(), kpi.ErrorMessage(err)))
			continue
		}
		clawed := reversedNow[l.Period]
		for _, a := range l.Attributions {
			if a.ReversedIn != nil {
				clawed = clawed.Add(a.Paid)
			}
		}
		diff := now.payout.Sub(l.Payout).Add(clawed).Sub(adjusted[l.Period])
		if diff.IsZero() {
			continue
		}
		reason := fmt.Sprintf("recomputed now it pays %s, locked at %s", now.payout.StringFixed(now.places), l.Payout.StringFixed(now.places))
		if !clawed.IsZero() {
			reason += fmt.Sprintf(", %s of it clawed back on reversed records", clawed.StringFixed(now.places))
		}
		if a := adjusted[l.Period]; !a.IsZero() {
			reason += fmt.Sprintf(", %s adjusted before", a.StringFixed(now.places))
		}
		h.adjustments = append(h.adjustments, kpi.Adjustment{Of: l.Period, Amount: diff, Reason: reason})
	}
	return h, nil
}

// recompute evaluates a locked statement again on today's data, with the
// history it was locked with.
func (s *Service) recompute(ctx context.Context, e *env, emp *kpi.Employee, was *kpi.Statement) (*kpi.Statement, error) {
	h := &history{recognized: map[string]decimal.Decimal{}, recomputing: true}
	if n := len(was.Sections); n > 0 {
		first, last := was.Sections[0].Inputs, was.Sections[n-1].Inputs
		h.ytd, h.carry, h.reversed = first.YTDPaid, first.CarryIn, last.Reversed
	}
	for _, sec := range was.Sections {
		if sec.Inputs.TrueUp != nil {
			h.recognized[sec.Plan] = sec.Inputs.TrueUp.Before
		}
	}
	h.adjustments = was.Adjustments
	st, _, err := s.compute(ctx, e, emp, was.Period, h)
	return st, err
}

// recordKeys adds the keys of the records of ex and its parts.
func recordKeys(ex *kpi.Explanation, keys map[string]bool) {
	if ex == nil {
		return
	}
	for _, r := range ex.Records {
		keys[r.Key] = true
	}
	for _, p := range ex.Parts {
		recordKeys(p, keys)
	}
}

// planAt is the plan in effect for emp on day d, nil if none.
func (e *env) planAt(emp *kpi.Employee, d kpi.Date) *bonus.Plan {
	return e.plans[e.defs.PlanOn(emp, d)]
}

// recognized returns, per true-up plan, what the latest locked statement
// before p in p's window of that plan recognized (its last section of the
// plan): where p's true-up starts.
func recognized(e *env, locked []*kpi.Statement, p kpi.Period) map[string]decimal.Decimal {
	out := map[string]decimal.Decimal{}
	at := map[string]kpi.Date{}
	for _, l := range locked {
		if l.Period.To >= p.From {
			continue
		}
		for _, sec := range l.Sections {
			tu := sec.Evaluation.TrueUp
			w := trueUpWindow(e.plans[sec.Plan], p)
			if tu == nil || w == nil || tu.From != w.From {
				continue
			}
			if d, ok := at[sec.Plan]; !ok || l.Period.To >= d {
				out[sec.Plan], at[sec.Plan] = tu.Recognized, l.Period.To
			}
		}
	}
	return out
}

// trueUpCovers reports whether every section of a locked statement is a
// true-up of the same window as p's: p's true-up already corrects what
// changed in it, so it is not adjusted besides.
func trueUpCovers(e *env, l *kpi.Statement, p kpi.Period) bool {
	if len(l.Sections) == 0 {
		return false
	}
	for _, sec := range l.Sections {
		tu := sec.Evaluation.TrueUp
		w := trueUpWindow(e.plans[sec.Plan], p)
		if tu == nil || w == nil || tu.From != w.From {
			return false
		}
	}
	return true
}
