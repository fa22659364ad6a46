package payroll

import (
	"context"
	"slices"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/kpi"
)

// WhatIfKPI is a KPI a what-if on a statement may change, with the actual
// it starts from: a KPI the plan in effect at the end of the period reads,
// or, when that plan pays on the scorecard's score, a KPI of the card.
type WhatIfKPI struct {
	KPI    string          `json:"kpi"`
	Actual decimal.Decimal `json:"actual"`
	Null   bool            `json:"null,omitempty"`
	// Scored says the KPI changes the payout through the score.
	Scored bool `json:"scored,omitempty"`
}

// WhatIfKPIs lists what a what-if on the employee's draft statement for p
// may change (the KPIs WhatIf accepts), in the order the plan and then its
// scorecard name them.
func (s *Service) WhatIfKPIs(ctx context.Context, employeeID string, p kpi.Period) ([]WhatIfKPI, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	st, cards, err := s.draft(ctx, e, employeeID, p)
	if err != nil {
		return nil, err
	}
	return whatIfKPIs(e, st, cards), nil
}

// StatementWhatIfKPIs is Statement and WhatIfKPIs with the draft computed
// once. When no draft can be computed (no plan) the statement is the
// stored one, if any, and whatIfErr says why there is no what-if.
func (s *Service) StatementWhatIfKPIs(ctx context.Context, employeeID string, p kpi.Period) (st *kpi.Statement, kpis []WhatIfKPI, whatIfErr error, err error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	draft, cards, derr := s.draft(ctx, e, employeeID, p)
	switch {
	case derr == nil:
		kpis = whatIfKPIs(e, draft, cards)
	case kpi.ErrorCode(derr) == kpi.EINTERNAL:
		return nil, nil, nil, derr
	default:
		whatIfErr = derr
	}
	st, err = s.statementFrom(ctx, e, employeeID, p, draft)
	return st, kpis, whatIfErr, err
}

func whatIfKPIs(e *env, st *kpi.Statement, cards []*review.Card) []WhatIfKPI {
	sec, card := st.Sections[len(st.Sections)-1], cards[len(cards)-1]
	plan := e.plans[sec.Plan]
	var out []WhatIfKPI
	has := func(name string) bool {
		return slices.ContainsFunc(out, func(w WhatIfKPI) bool { return w.KPI == name })
	}
	for _, name := range plan.KPIs() {
		w := WhatIfKPI{KPI: name, Null: true}
		for _, in := range sec.Inputs.KPIs {
			if in.KPI == name {
				w.Actual, w.Null = in.Actual, false
			}
		}
		if !has(name) {
			out = append(out, w)
		}
	}
	if plan.NeedsScore() && card != nil {
		for _, it := range card.Items {
			if !has(it.KPI) {
				out = append(out, WhatIfKPI{KPI: it.KPI, Actual: it.Actual, Null: it.ActualNull, Scored: true})
			}
		}
	}
	return out
}
