package payroll

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"attain/app/review"
	"attain/calc/bonus"
	"attain/kpi"
)

// Approve computes the statement now and stores it as approved by the
// context's actor (a manager). A locked statement is ECONFLICT.
func (s *Service) Approve(ctx context.Context, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	if old, err := s.Statements.FindStatement(ctx, employeeID, p); err == nil && old.Status != kpi.StatusApproved {
		return nil, kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s is %s already.", employeeID, p.Label(), old.Status)
	} else if err != nil && kpi.ErrorCode(err) != kpi.ENOTFOUND {
		return nil, err
	}
	st, _, err := s.draft(ctx, e, employeeID, p)
	if err != nil {
		return nil, err
	}
	if err := s.Statements.ApproveStatement(ctx, st); err != nil {
		return nil, err
	}
	return s.statement(ctx, e, employeeID, p)
}

// Lock computes the statement once more and stores it for good, with the
// records behind its commissions: it must be approved, and still come to
// the payout that was approved (ECONFLICT otherwise: approve it again).
// After the lock, data changes never alter it; they show as adjustments
// in the next statement.
func (s *Service) Lock(ctx context.Context, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	old, err := s.Statements.FindStatement(ctx, employeeID, p)
	if kpi.ErrorCode(err) == kpi.ENOTFOUND {
		return nil, kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s is a draft: approve it before locking it.", employeeID, p.Label())
	} else if err != nil {
		return nil, err
	}
	if old.Status != kpi.StatusApproved {
		return nil, kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s is %s already.", employeeID, p.Label(), old.Status)
	}
	st, _, err := s.draft(ctx, e, employeeID, p)
	if err != nil {
		return nil, err
	}
	if !st.Payout.Equal(old.Payout) {
		return nil, kpi.Errorf(kpi.ECONFLICT, "The statement of %s for %s was approved at %s and now comes to %s: the data changed; approve it again.",
			employeeID, p.Label(), old.Payout.StringFixed(st.Places()), st.Payout.StringFixed(st.Places()))
	}
	if err := s.Statements.LockStatement(ctx, st); err != nil {
		return nil, err
	}
	return s.statement(ctx, e, employeeID, p)
}

// Pay marks a locked statement paid.
func (s *Service) Pay(ctx context.Context, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	if _, err := s.Statements.PayStatement(ctx, employeeID, p); err != nil {
		return nil, err
	}
	return s.Statement(ctx, employeeID, p)
}

// Inquire raises a question on a line of the statement (the employee).
func (s *Service) Inquire(ctx context.Context, employeeID string, p kpi.Period, line, text string) (*kpi.Inquiry, error) {
	st, err := s.Statement(ctx, employeeID, p)
	if err != nil {
		return nil, err
	}
	if st.Line(line) == nil {
		var ids []string
		for _, sec := range st.Sections {
			for _, l := range sec.Evaluation.Lines {
				ids = append(ids, l.ID)
			}
		}
		return nil, kpi.Errorf(kpi.ENOTFOUND, "The statement of %s for %s has no line %q; its lines: %s.", employeeID, p.Label(), line, strings.Join(ids, ", "))
	}
	q := &kpi.Inquiry{EmployeeID: employeeID, Period: p, Line: line, Text: text}
	if err := s.Statements.CreateInquiry(ctx, q); err != nil {
		return nil, err
	}
	return q, nil
}

// Answer stores the manager's answer to an inquiry.
func (s *Service) Answer(ctx context.Context, employeeID string, p kpi.Period, id int64, text string) (*kpi.Inquiry, error) {
	return s.Statements.AnswerInquiry(ctx, employeeID, p, id, text)
}

// TeamCost compares what the current plans and a draft plan would pay the
// people of a unit (and the units below it) for period p: each person is
// evaluated on the same inputs under the plan in effect for them at the end
// of p and under the draft. People without a plan are left out; their
// history (payouts this year, balances, clawbacks) is left out too: the
// cost compared is that of the period's results.
func (s *Service) TeamCost(ctx context.Context, unitID string, p kpi.Period, draft *bonus.Plan) (*bonus.CostDelta, error) {
	if err := draft.Validate(); err != nil {
		return nil, err
	}
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	units, err := s.Org.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	parent := map[string]string{}
	found := false
	for _, u := range units {
		parent[u.ID] = u.ParentID
		found = found || u.ID == unitID
	}
	if !found {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Org unit %q not found.", unitID)
	}
	in := func(u string) bool {
		for ; u != ""; u = parent[u] {
			if u == unitID {
				return true
			}
		}
		return false
	}
	groups := map[string][]*kpi.BonusInputs{}
	var names []string
	var ids []string
	for id := range e.employees {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		emp := e.employees[id]
		name := e.defs.PlanOn(emp, p.To)
		if !in(emp.UnitID) || name == "" {
			continue
		}
		cur := e.plans[name]
		seg := segment{plan: name, from: p.From, to: p.To}
		var card *review.Card
		inputs, err := s.inputs(ctx, e, emp, p, seg, need{kpis: union(cur.KPIs(), draft.KPIs()), score: cur.NeedsScore() || draft.NeedsScore(), currency: cur.Currency, plans: []*bonus.Plan{cur, draft}}, &card)
		if err != nil {
			return nil, fmt.Errorf("team cost, employee %s: %w", emp.ID, err)
		}
		if _, ok := groups[name]; !ok {
			names = append(names, name)
		}
		groups[name] = append(groups[name], inputs)
	}
	if len(names) == 0 {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Nobody in unit %q has a bonus plan in %s.", unitID, p.Label())
	}
	out := &bonus.CostDelta{Base: strings.Join(names, ", "), Draft: draft.Name}
	tot := map[string]*bonus.CurrencyDelta{}
	var curs []string
	for _, name := range names {
		d, err := bonus.CompareTeamCost(e.plans[name], draft, groups[name])
		if err != nil {
			return nil, err
		}
		out.People = append(out.People, d.People...)
		for _, t := range d.Totals {
			c := tot[t.Currency]
			if c == nil {
				c = &bonus.CurrencyDelta{Currency: t.Currency}
				tot[t.Currency] = c
				curs = append(curs, t.Currency)
			}
			c.Base, c.Draft = c.Base.Add(t.Base), c.Draft.Add(t.Draft)
			c.Delta = c.Draft.Sub(c.Base)
		}
	}
	sort.Strings(curs)
	for _, c := range curs {
		out.Totals = append(out.Totals, *tot[c])
	}
	return out, nil
}

func union(a, b []string) []string {
	out := append([]string{}, a...)
	for _, n := range b {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
