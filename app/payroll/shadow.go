package payroll

import (
	"context"
	"fmt"

	"attain/app/review"
	"attain/calc/bonus"
	"attain/kpi"
)

// Shadow evaluates, for one employee and period, what a bonus plan would
// pay with the score of a scorecard template: plan "" is the plan in
// effect at the end of p, template "" the employee's own. It is a pilot's
// would-be bonus: one section over the whole period, with no history
// (nothing paid before, no carry, clawback or correction), never stored,
// never part of payouts or payroll exports. Evaluating the current plan
// the same way gives what it is compared with.
func (s *Service) Shadow(ctx context.Context, employeeID string, p kpi.Period, plan, template string) (*kpi.Statement, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	emp, err := e.employee(employeeID)
	if err != nil {
		return nil, err
	}
	if plan == "" {
		if plan = e.defs.PlanOn(emp, p.To); plan == "" {
			return nil, kpi.Errorf(kpi.ENOTFOUND, "No bonus plan is assigned to %s (%s) on %s.", emp.Name, emp.ID, p.To)
		}
	}
	bp := e.plans[plan]
	if bp == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Bonus plan %q not found.", plan)
	}
	var card *review.Card
	if bp.NeedsScore() && template != "" {
		subj := kpi.Subject{Kind: kpi.SubjectEmployee, ID: emp.ID}
		if card, err = s.Review.PeriodScorecard(ctx, subj, p, template); err != nil {
			return nil, fmt.Errorf("the plan pays on the score of template %s: %w", template, err)
		}
	}
	seg := segment{plan: plan, from: p.From, to: p.To}
	in, err := s.inputs(ctx, e, emp, p, seg, need{kpis: bp.KPIs(), score: bp.NeedsScore(), currency: bp.Currency, plans: []*bonus.Plan{bp}}, &card)
	if err != nil {
		return nil, err
	}
	ev, err := bonus.Eval(bp, in)
	if err != nil {
		return nil, fmt.Errorf("shadow statement of %s for %s, plan %s: %w", emp.ID, p.Label(), plan, err)
	}
	return &kpi.Statement{Employee: ev.Employee, Period: p, Label: p.Label(), Status: "shadow", Plan: plan, Currency: ev.Currency,
		Payout: ev.Payout, CarryOut: ev.CarryOut, Sections: []*kpi.StatementSection{{Plan: plan, From: p.From, To: p.To, Inputs: in, Evaluation: ev}},
		Inquiries: []*kpi.Inquiry{}}, nil
}
