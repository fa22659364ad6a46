package bonus

import (
	"fmt"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// project evaluates the plan again as if the open deals closed: each adds
// its value × its probability (its own, else its stage's; 100 % with
// weighting "all") to the projection's KPI and, as a credited record, to
// the parts that pay per record. What that adds to the payout is the
// projected earnings; it is shown apart and never paid.
func project(plan *Plan, in *kpi.BonusInputs, earned *kpi.Evaluation) (*kpi.Projection, error) {
	pj := plan.Projection
	weighting := pj.Weighting
	if weighting == "" {
		weighting = WeightByStage
	}
	mod := in.Clone()
	k := mod.KPI(pj.KPI)
	if k == nil {
		return nil, invalidf("The projection adds open deals to KPI %s: the inputs have no actual for it.", pj.KPI)
	}
	places := earned.Places
	m := func(d decimal.Decimal) string { return format(d, kpi.LineMoney, places) }
	out := &kpi.Projection{KPI: pj.KPI, Weighting: weighting}
	period, err := kpi.ParsePeriod(in.Period)
	if err != nil {
		return nil, fmt.Errorf("inputs period: %w", err)
	}
	for _, d := range in.Open {
		prob, why := hundred, "all open deals at full value"
		if weighting == WeightByStage {
			switch sp, ok := pj.Stages[d.Stage]; {
			case d.Probability != nil:
				prob, why = *d.Probability, "its own probability"
			case ok:
				prob, why = sp, fmt.Sprintf("stage %s", d.Stage)
			default:
				return nil, invalidf("Open deal %s: stage %q has no probability in the plan's projection.stages, and the deal gives none.", d.Key, d.Stage)
			}
		}
		w := d.Value.Mul(prob).Div(hundred)
		k.Actual = k.Actual.Add(w)
		if k.Credited != nil {
			date := period.To
			if d.Close != nil {
				date = *d.Close
			}
			k.Credited = append(k.Credited, kpi.Credited{Key: d.Key, Date: date, Value: w, Fields: d.Fields})
		}
		out.Value = out.Value.Add(w)
		out.Lines = append(out.Lines, kpi.StatementLine{ID: "projection." + d.Key, Label: "Open deal " + d.Key,
			Inputs: []kpi.LineValue{money("value", d.Value), percent("probability", prob)},
			Rule:   fmt.Sprintf("%s: value × probability = %s × %s", why, m(d.Value), p(prob)), Result: w, Unit: kpi.LineMoney})
	}
	p2 := *plan
	p2.Projection = nil
	closed, err := eval(&p2, mod)
	if err != nil {
		return nil, fmt.Errorf("projection: %w", err)
	}
	out.Payout = closed.Payout
	out.Earnings = closed.Payout.Sub(earned.Payout)
	out.Lines = append(out.Lines,
		kpi.StatementLine{ID: "projection.value", Label: "Open deals added to " + pj.KPI, Rule: fmt.Sprintf("%d open deals, weighted", len(in.Open)), Result: out.Value, Unit: kpi.LineNumber},
		kpi.StatementLine{ID: "projection.payout", Label: "Payout if they close", Inputs: []kpi.LineValue{number(pj.KPI, k.Actual)},
			Rule: fmt.Sprintf("the plan evaluated with %s at %s", pj.KPI, f(k.Actual)), Result: closed.Payout, Unit: kpi.LineMoney},
		kpi.StatementLine{ID: "projection.earnings", Label: "Projected earnings, not paid", Inputs: []kpi.LineValue{money("payout if they close", closed.Payout), money("payout", earned.Payout)},
			Rule: fmt.Sprintf("%s − %s; shown apart, never in the payout or a payroll export", m(closed.Payout), m(earned.Payout)), Result: out.Earnings, Unit: kpi.LineMoney})
	return out, nil
}
