package bonus_test

import (
	"fmt"
	"strconv"
	"testing"

	"attain/calc/bonus"
	"attain/kpi"

	"github.com/shopspring/decimal"
)

// BenchmarkEval5000Records evaluates a plan that pays each of 5,000
// credited records by its own fields, beside the same rate on the
// period's total.
func BenchmarkEval5000Records(b *testing.B) {
	perRecord := mustPlan(b, `name: per-record
components:
  - id: deals
    kind: commission
    kpi: won_value
    per: record
    rate: 5
    rates:
      - {when: 'kind == "renewal"', rate: 3}
    multipliers:
      - {when: 'term_months > 12', factor: 1.5}
`)
	total := mustPlan(b, "name: total\ncomponents: [{id: deals, kind: commission, kpi: won_value, rate: 5}]\n")
	in := &kpi.BonusInputs{Employee: kpi.Payee{ID: "e1", Currency: "EUR"}, Period: "2026-03"}
	k := kpi.KPIActual{KPI: "won_value", Columns: []kpi.Column{{Name: "kind", Type: kpi.String}, {Name: "term_months", Type: kpi.Integer}}}
	for i := range 5000 {
		v := decimal.NewFromInt(int64(500 + i%97*37))
		k.Actual = k.Actual.Add(v)
		k.Credited = append(k.Credited, kpi.Credited{Key: fmt.Sprintf("D-%05d", i), Date: kpi.NewDate(2026, 3, 1+i%31), Value: v,
			Fields: map[string]string{"kind": []string{"new", "renewal"}[i%2], "term_months": strconv.Itoa(6 + i%4*6)}})
	}
	in.KPIs = []kpi.KPIActual{k}
	for _, c := range []struct {
		name string
		plan *bonus.Plan
	}{{"per_record", perRecord}, {"period_total", total}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bonus.Eval(c.plan, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
