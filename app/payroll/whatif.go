package payroll

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/calc/bonus"
	"attain/calc/score"
	"attain/kpi"
)

// WhatIf is an employee's statement as it is and with changed KPI actuals.
type WhatIf struct {
	Statement *kpi.Statement  `json:"statement"`
	Changes   []bonus.Change  `json:"changes"`
	WhatIf    *kpi.Evaluation `json:"what_if"` // the last section, changed
	Payout    decimal.Decimal `json:"payout"`  // the whole statement's, changed
	Delta     decimal.Decimal `json:"delta"`
	// Score is the score the changed section used when its plan pays on
	// the scorecard's score.
	Score *WhatIfScore `json:"score,omitempty"`
}

// WhatIfScore is the scorecard score a what-if used: the card's total
// rescored with the changed actuals, or as it was when none of the changed
// KPIs is on the card.
type WhatIfScore struct {
	Was      decimal.Decimal `json:"was"`
	Score    decimal.Decimal `json:"score"`
	Rescored bool            `json:"rescored"`
	Rule     string          `json:"rule"`
	// Scorecard is the card the score comes from: rescored, with a note on
	// each changed item, or the draft's card.
	Scorecard *review.Card `json:"scorecard"`
}

// WhatIf evaluates the employee's draft statement with changes to KPI
// actuals ("3 more deals worth 10,000": --add deals_won=3 --add
// won_value=10000). The changes apply to the plan in effect at the end of
// the period (the last section). When that plan pays on the scorecard's
// score, the changes apply to the scorecard's actuals too and the card is
// scored again (review.Rescored): "processing time 2 days" changes the
// bonus through the score. Nothing is stored.
func (s *Service) WhatIf(ctx context.Context, employeeID string, p kpi.Period, changes []bonus.Change) (*WhatIf, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	st, cards, err := s.draft(ctx, e, employeeID, p)
	if err != nil {
		return nil, err
	}
	sec, card := st.Sections[len(st.Sections)-1], cards[len(cards)-1]
	plan := e.plans[sec.Plan]
	if err := checkChanges(e.defs, plan, sec, card, changes); err != nil {
		return nil, err
	}
	in := sec.Inputs
	var ws *WhatIfScore
	var rs *bonus.Rescored
	if plan.NeedsScore() && card != nil {
		if in, ws, err = s.rescore(ctx, sec.Inputs, card, changes); err != nil {
			return nil, err
		}
		rs = &bonus.Rescored{Score: ws.Score, Rule: ws.Rule}
	}
	_, changed, err := bonus.WhatIfRescored(plan, in, changes, rs)
	if err != nil {
		return nil, err
	}
	payout := st.Payout.Sub(sec.Evaluation.Payout).Add(changed.Payout)
	st.Inquiries = []*kpi.Inquiry{}
	return &WhatIf{Statement: st, Changes: changes, WhatIf: changed, Payout: payout, Delta: payout.Sub(st.Payout), Score: ws}, nil
}

// checkChanges refuses a what-if on a KPI the workspace does not have
// (ENOTFOUND) or that neither the plan nor, when the plan pays on it, the
// scorecard reads (EINVALID): it would change nothing.
func checkChanges(defs *kpi.Definitions, plan *bonus.Plan, sec *kpi.StatementSection, card *review.Card, changes []bonus.Change) error {
	read := plan.KPIs()
	if plan.NeedsScore() && card != nil {
		for _, it := range card.Items {
			if !slices.Contains(read, it.KPI) {
				read = append(read, it.KPI)
			}
		}
	}
	for _, c := range changes {
		switch {
		case c.KPI == "":
			continue // bonus.WhatIfRescored says what is wrong
		case defs.KPI(c.KPI) == nil:
			return kpi.Errorf(kpi.ENOTFOUND, "What-if on %s: the workspace has no KPI %q.", c.KPI, c.KPI)
		case !slices.Contains(read, c.KPI):
			return kpi.Errorf(kpi.EINVALID, "What-if on %s changes nothing: the plan %s and its scorecard read %s.", c.KPI, sec.Plan, strings.Join(read, ", "))
		}
	}
	return nil
}

// rescore applies changes to the actuals of the section's scorecard (an
// add to the card's actual, a null one counting 0) and scores the card
// again. It returns the section's inputs, copied, with each changed KPI of
// the card that the plan does not read added at the card's actual (so the
// changed statement lists it and notes the change from its real value), and
// the score to use.
func (s *Service) rescore(ctx context.Context, secIn *kpi.BonusInputs, card *review.Card, changes []bonus.Change) (*kpi.BonusInputs, *WhatIfScore, error) {
	in := secIn.Clone()
	actuals := map[string]decimal.Decimal{}
	for _, c := range changes {
		i := slices.IndexFunc(card.Items, func(it score.Item) bool { return it.KPI == c.KPI })
		if i < 0 {
			continue
		}
		it := card.Items[i]
		was := it.Actual
		if it.ActualNull {
			was = decimal.Zero
		}
		v, ok := actuals[c.KPI]
		if !ok {
			v = was
		}
		switch {
		case c.Set != nil:
			v = *c.Set
		case c.Add != nil:
			v = v.Add(*c.Add)
		default:
			continue // bonus.WhatIfRescored rejects it
		}
		actuals[c.KPI] = v
		if in.KPI(c.KPI) == nil {
			in.KPIs = append(in.KPIs, kpi.KPIActual{KPI: c.KPI, Actual: was, Direction: it.Direction})
		}
	}
	ws := &WhatIfScore{Was: *secIn.Score, Score: *secIn.Score, Scorecard: card,
		Rule: fmt.Sprintf("from the scorecard %s, unchanged: none of the changed KPIs is on it", card.Template)}
	if len(actuals) == 0 {
		return in, ws, nil
	}
	rc, err := s.Review.Rescore(ctx, card, actuals)
	if err != nil {
		return nil, nil, fmt.Errorf("what-if, rescore the scorecard %s: %w", card.Template, err)
	}
	ws.Score, ws.Rescored, ws.Scorecard = decimal.Zero, true, rc
	if !rc.TotalNull {
		ws.Score = rc.Total
	}
	ws.Rule = fmt.Sprintf("scorecard %s rescored with the what-if actuals: %s", card.Template, rc.Rule)
	return in, ws, nil
}
