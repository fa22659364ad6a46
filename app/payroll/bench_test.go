package payroll_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"attain/kpi"
	"attain/kpitest"
)

// benchYAML gives ann a plan that pays each of her deals by its own
// fields and bob the same rate on the month's total.
var benchYAML = dealsYAML("kind", "term_months") + `bonus_plans:
  - name: per-record
    plan:
      currency: EUR
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
      limits: {period_cap: 100000000}
    assign:
      - {employee: ann}
  - name: period-total
    plan:
      currency: EUR
      components:
        - {id: deals, kind: commission, kpi: won_value, rate: 5}
      limits: {period_cap: 100000000}
    assign:
      - {employee: bob}
`

// BenchmarkStatement5000Records computes the draft statement of a rep
// credited with 5,000 deals in March, paid per deal by the deal's kind and
// term, beside a rep with as many deals paid the same rate on the month's
// total (SQLite in memory, the engine, the record store).
func BenchmarkStatement5000Records(b *testing.B) {
	f := newFixtureYAML(b, kpitest.MustOpenDB(b), benchYAML,
		&kpi.Employee{ID: "ann", Name: "Ann", UnitID: "t1", Position: "rep", Currency: "EUR"},
		&kpi.Employee{ID: "bob", Name: "Bob", UnitID: "t1", Position: "rep", Currency: "EUR"})
	const n = 5000
	var recs []kpi.Record
	for _, rep := range []string{"ann", "bob"} {
		for i := range n {
			key := fmt.Sprintf("%s-%05d", rep, i)
			kind := []string{"new", "renewal"}[i%2]
			day := kpi.NewDate(2026, 3, 1+i%31)
			amount := decimal.NewFromInt(int64(500 + i%97*37)).Shift(2).IntPart()
			recs = append(recs, kpi.Record{Key: key, Owner: rep, Values: []kpi.Value{{S: key}, {S: rep}, {S: "Won"}, {N: amount}, {N: int64(day)},
				{S: kind}, {N: int64(6 + i%4*6)}}})
		}
	}
	if _, err := f.records.UpsertRecords(f.ctx, "deals", recs); err != nil {
		b.Fatal(err)
	}
	march := period(b, "2026-03")
	for _, c := range []struct{ name, emp string }{{"per_record", "ann"}, {"period_total", "bob"}} {
		if _, err := f.svc.Statement(f.ctx, c.emp, march); err != nil { // warm the engine
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				st, err := f.svc.Statement(f.ctx, c.emp, march)
				if err != nil {
					b.Fatal(err)
				}
				if st.Payout.IsZero() {
					b.Fatal("nothing paid")
				}
			}
		})
	}
}
