package payroll

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/calc/bonus"
	"attain/kpi"
)

// attribute fills st.Attributions: what each record behind a commission
// was paid. The rule:
//
//   - a commission part's amount is its last line (after tiers, proration,
//     its floor and cap, and 0 when a gate blocked it);
//   - the plan's floor and caps scale every part alike: the amount × earned
//     after the limits / earned before them;
//   - that is shared among the part's records pro rata to their values (a
//     count KPI's records count 1 each), rounded half up to the currency's
//     minor unit, the last record taking what rounding leaves, so the
//     records add up to the part;
//   - a record behind two commissions on the same KPI gets both shares.
//
// Records with no value or a negative one get nothing, and nothing is
// clawed back on them.
func (s *Service) attribute(ctx context.Context, e *env, st *kpi.Statement) error {
	type key struct{ kpi, rec string }
	sums := map[key]*kpi.Attribution{}
	var order []key
	for _, sec := range st.Sections {
		plan := sec.Evaluation
		var comms []*bonus.Component
		if p := e.plans[sec.Plan]; p != nil && p.TrueUp == nil {
			// A true-up's records are not attributed: a record that no
			// longer counts lowers the next entitlement to date, which
			// recovers what was paid on it.
			comms = p.Commissions()
		}
		if len(comms) == 0 {
			continue
		}
		share := decimal.NewFromInt(1)
		if l := plan.Line("earned"); l != nil && l.Result.IsPositive() && !plan.Earned.Equal(l.Result) {
			share = plan.Earned.DivRound(l.Result, 16)
		}
		for _, c := range comms {
			amount := partAmount(plan, c.ID).Mul(share)
			if !amount.IsPositive() {
				continue
			}
			var recs []kpi.ExplainedRecord
			if k := sec.Inputs.KPI(c.KPI); k != nil && k.Credited != nil {
				// The records the part was paid on, as the inputs have them.
				recs = make([]kpi.ExplainedRecord, len(k.Credited))
				for i, r := range k.Credited {
					v := r.Value
					recs[i] = kpi.ExplainedRecord{Key: r.Key, Date: r.Date, Value: &v}
				}
			} else {
				ex, err := s.Values.Explain(ctx, kpi.ExplainQuery{KPI: c.KPI, Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: st.Employee.ID}, Period: st.Period})
				if err != nil {
					return fmt.Errorf("records behind %s: %w", c.KPI, err)
				}
				records(ex, &recs)
			}
			// Shares are pro rata to the records' values, or, when the part
			// paid each record on its own line, to what those lines paid.
			weight := recordValue
			if c.Per == bonus.PerRecord || c.Method == bonus.Running {
				paid := map[string]decimal.Decimal{}
				prefix := c.ID + ".record."
				for _, l := range plan.Lines {
					if strings.HasPrefix(l.ID, prefix) {
						paid[strings.TrimPrefix(l.ID, prefix)] = l.Result
					}
				}
				weight = func(r kpi.ExplainedRecord) decimal.Decimal { return paid[r.Key] }
			}
			total := decimal.Zero
			var kept []kpi.ExplainedRecord
			for _, r := range recs {
				if r.Date < sec.From || r.Date > sec.To {
					continue
				}
				if v := weight(r); v.IsPositive() {
					kept = append(kept, r)
					total = total.Add(v)
				}
			}
			if total.IsZero() {
				continue
			}
			slices.SortStableFunc(kept, func(a, b kpi.ExplainedRecord) int {
				if a.Date != b.Date {
					return int(a.Date - b.Date)
				}
				return strings.Compare(a.Key, b.Key)
			})
			left := amount.Round(plan.Places)
			whole := amount.Equal(total) // each record takes its weight as it is
			for i, r := range kept {
				paid := weight(r)
				if !whole {
					paid = amount.Mul(paid).DivRound(total, 16).Round(plan.Places)
				}
				if i == len(kept)-1 {
					paid = left
				}
				left = left.Sub(paid)
				k := key{c.KPI, r.Key}
				a := sums[k]
				if a == nil {
					a = &kpi.Attribution{KPI: c.KPI, Key: r.Key, Date: r.Date, Value: recordValue(r)}
					sums[k] = a
					order = append(order, k)
				}
				a.Paid = a.Paid.Add(paid)
			}
		}
	}
	st.Attributions = nil
	for _, k := range order {
		st.Attributions = append(st.Attributions, *sums[k])
	}
	return nil
}

// partAmount is the last line of a part: its amount after proration,
// floor, cap and gate.
func partAmount(st *kpi.Evaluation, id string) decimal.Decimal {
	amt := decimal.Zero
	for _, l := range st.Lines {
		if strings.HasPrefix(l.ID, id+".") {
			amt = l.Result
		}
	}
	return amt
}

func recordValue(r kpi.ExplainedRecord) decimal.Decimal {
	if r.Value == nil {
		return decimal.NewFromInt(1)
	}
	return *r.Value
}

func records(ex *kpi.Explanation, out *[]kpi.ExplainedRecord) {
	if ex == nil {
		return
	}
	*out = append(*out, ex.Records...)
	for _, p := range ex.Parts {
		records(p, out)
	}
}
