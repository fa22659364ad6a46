package payroll_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app/payroll"
	"attain/calc/bonus"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// dealsYAML is the deals dataset, with a string column kind and an
// integer column term_months when named, and the won_value KPI.
func dealsYAML(extra ...string) string {
	var cols strings.Builder
	for _, c := range extra {
		typ := "string"
		if c == "term_months" {
			typ = "integer"
		}
		cols.WriteString("      - {name: " + c + ", type: " + typ + "}\n")
	}
	return `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Open, Won, Lost]}
      - {name: amount, type: money, non_negative: true}
      - {name: closed_on, type: date}
` + cols.String() + `kpis:
  - {name: won_value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
`
}

// rulesYAML pays reps per deal, by the deal's kind and term, claws back
// the months of a contract not served, projects open deals and pays USD
// payees at a stated rate.
var rulesYAML = dealsYAML("kind", "term_months") + `bonus_plans:
  - name: reps
    plan:
      currency: EUR
      components:
        - id: deals
          kind: commission
          kpi: won_value
          per: record
          rate: 10
          rates:
            - {when: 'kind == "renewal"', rate: 5}
          multipliers:
            - {when: 'term_months > 12', factor: 1.5}
      clawback: {method: unserved_months, contract_months: 12, contract_field: term_months}
      projection: {kpi: won_value, stages: {Open: 40}, open: 'stage == "Open"', value: amount, stage: stage}
      fx:
        rates: [{currency: USD, date: 2026-01-01, rate: 1.1}]
    assign:
      - {position: rep}
`

// sale writes a deal of the rules' dataset: key, rep, stage, amount,
// closing day, kind and term in months.
func (f *fixture) sale(key, rep, stage, amount, day, kind string, term int64) {
	f.t.Helper()
	closed := kpi.Value{Null: true}
	if day != "" {
		d, err := kpi.ParseDate(day)
		if err != nil {
			f.t.Fatal(err)
		}
		closed = kpi.Value{N: int64(d)}
	}
	rec := kpi.Record{Key: key, Owner: rep, Values: []kpi.Value{{S: key}, {S: rep}, {S: stage},
		{N: decimal.RequireFromString(amount).Shift(2).IntPart()}, closed, {S: kind}, {N: term}}}
	if _, err := f.records.UpsertRecords(f.ctx, "deals", []kpi.Record{rec}); err != nil {
		f.t.Fatal(err)
	}
}

// A plan of the new rules goes through a workspace like any other: the
// statement pays each deal on its own line with the fields it read, the
// projection stays out of the payout and of the payouts export, which
// totals each currency; locking attributes what each deal's line paid, a
// lost deal is clawed back by the months of its contract not served, a
// what-if adds a record, and the PDF shows it all.
func TestRulesInAWorkspace(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixtureYAML(t, db, rulesYAML,
			&kpi.Employee{ID: "ann", Name: "Ann", UnitID: "t1", Position: "rep", Currency: "EUR"},
			&kpi.Employee{ID: "bob", Name: "Bob", UnitID: "t1", Position: "rep", Currency: "USD"})
		f.sale("d1", "ann", "Won", "3000", "2026-03-05", "new", 24)
		f.sale("d2", "ann", "Won", "2000", "2026-03-10", "renewal", 12)
		f.sale("o1", "ann", "Open", "5000", "", "new", 24)
		f.sale("d3", "bob", "Won", "1000", "2026-03-12", "new", 6)
		march := period(t, "2026-03")

		st := f.statement("ann", "2026-03")
		money(t, lineResult(t, st, "deals.record.d1"), "450") // 3,000 × 10 % × 1.5
		money(t, lineResult(t, st, "deals.record.d2"), "100") // 2,000 × 5 %
		money(t, st.Payout, "550")
		if st.Projected == nil {
			t.Fatal("no projection")
		}
		money(t, *st.Projected, "300") // o1: 5,000 × 40 % × 10 % × 1.5
		if r := st.Line("deals.record.d1").Rule; !strings.Contains(r, "kind new, term_months 24") {
			t.Errorf("d1's line does not show the fields it read: %s", r)
		}
		k := st.Sections[0].Inputs.KPI("won_value")
		if len(k.Credited) != 2 || len(k.Columns) != 2 {
			t.Errorf("credited %+v, columns %+v", k.Credited, k.Columns)
		}

		bob := f.statement("bob", "2026-03")
		money(t, bob.Payout, "110") // 100.00 EUR × 1.1
		if ev := bob.Sections[0].Evaluation; bob.Currency != "USD" || ev.FX == nil || ev.FX.Date != kpi.NewDate(2026, 1, 1) {
			t.Errorf("bob: %s, fx %+v", bob.Currency, ev.FX)
		}

		rows, err := f.svc.Payouts(f.ctx, march)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.EmployeeID == "ann" && !r.Payout.Equal(decimal.RequireFromString("550")) {
				t.Errorf("ann's payout for payroll is %s: the projection went in", r.Payout)
			}
		}
		var buf bytes.Buffer
		if err := payroll.WritePayoutsCSV(&buf, rows); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range recs[1:] {
			got = append(got, strings.Join(r, ","))
		}
		want := "ann,Ann,EUR,reps,550.00,draft,2026-03|bob,Bob,USD,reps,110.00,draft,2026-03|,total,EUR,,550.00,total,2026-03|,total,USD,,110.00,total,2026-03"
		if strings.Join(got, "|") != want {
			t.Errorf("payouts.csv:\n%s\nwant\n%s", strings.Join(got, "|"), want)
		}
		buf.Reset()
		if err := payroll.WritePayoutsXLSX(&buf, rows); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("PK")) {
			t.Errorf("xlsx: %v", err)
		}
		buf.Reset()
		if err := payroll.WritePDF(&buf, st, nil); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
			t.Errorf("pdf: %v", err)
		}

		f.approveLock("ann", "2026-03")
		locked := f.statement("ann", "2026-03")
		paid := map[string]string{}
		for _, a := range locked.Attributions {
			paid[a.Key] = a.Paid.StringFixed(2)
		}
		if paid["d1"] != "450.00" || paid["d2"] != "100.00" || len(paid) != 2 {
			t.Errorf("attributions %v: want what each deal's line paid", paid)
		}

		// d1 is lost: won 5 March, reversed by the end of April, 1 whole
		// month of its 24 served: 450 × 23 / 24 = 431.25, of which April's
		// 100 earned on d4 recovers 100.
		f.sale("d1", "ann", "Lost", "3000", "2026-03-05", "new", 24)
		f.sale("d4", "ann", "Won", "1000", "2026-04-08", "new", 12)
		april := f.statement("ann", "2026-04")
		money(t, lineResult(t, april, "clawback.d1"), "-431.25")
		money(t, april.Payout, "0")
		money(t, april.CarryOut.ClawbackBalance, "331.25")
		if len(april.Adjustments) != 0 {
			t.Errorf("adjustments %+v: the clawback covers the lost deal", april.Adjustments)
		}

		w, err := f.svc.WhatIf(f.ctx, "ann", period(t, "2026-04"), bonus.AddRecords("", 0, "won_value", decimal.RequireFromString("2000")))
		if err != nil {
			t.Fatal(err)
		}
		// 2,000 more pays 200 more, which the clawback takes too.
		money(t, w.WhatIf.Line("deals.record.what-if-1").Result, "200")
		money(t, w.WhatIf.Earned, "300")
		money(t, w.WhatIf.CarryOut.ClawbackBalance, "131.25")
		money(t, w.Delta, "0")
	})
}

// trueUpYAML pays 5 % of the won value of the year to date, trued up
// monthly, and, on a running total over the year, 5 % up to 4,000 and 8 %
// above; reps are ramped and prorated by calendar days.
var trueUpYAML = dealsYAML() + `bonus_plans:
  - name: trued
    plan:
      currency: EUR
      true_up: {to_date: year}
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 5}
    assign:
      - {employee: ann}
  - name: running
    plan:
      currency: EUR
      proration: {convention: calendar_days}
      components:
        - {id: running, kind: commission, kpi: won_value, method: running, cumulative: year, tiers: [{from: 0, to: 4000, rate: 5}, {from: 4000, rate: 8}]}
        - {id: bonus, kind: bonus, target: 310}
      ramp:
        base: 1000
        months:
          - {month: 1, guarantee: 100}
    assign:
      - {employee: bob}
`

func TestTrueUpRunningAndRampInAWorkspace(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		hired := kpi.NewDate(2026, 1, 1)
		late := kpi.NewDate(2026, 3, 17)
		f := newFixtureYAML(t, db, trueUpYAML,
			&kpi.Employee{ID: "ann", Name: "Ann", UnitID: "t1", Position: "rep", Currency: "EUR", HiredOn: &hired},
			&kpi.Employee{ID: "bob", Name: "Bob", UnitID: "t1", Position: "rep", Currency: "EUR", HiredOn: &late})
		f.deal("a1", "ann", "Won", "1000", "2026-01-10")
		f.deal("a2", "ann", "Won", "2000", "2026-02-10")
		f.deal("a3", "ann", "Won", "1000", "2026-03-10")

		f.approveLock("ann", "2026-01")
		feb := f.statement("ann", "2026-02")
		money(t, feb.Sections[0].Inputs.TrueUp.Before, "50") // January recognized 1,000 × 5 %
		money(t, lineResult(t, feb, "true_up"), "100")       // 3,000 × 5 % − 50
		f.approveLock("ann", "2026-02")

		// January's deal is lost: the year to date is 3,000 again, the
		// entitlement 150, all recognized: March pays 0; the true-up
		// corrects it, neither a clawback nor an adjustment does besides.
		f.deal("a1", "ann", "Lost", "1000", "2026-01-10")
		mar := f.statement("ann", "2026-03")
		money(t, mar.Sections[0].Inputs.TrueUp.Before, "150")
		money(t, lineResult(t, mar, "true_up"), "0")
		money(t, mar.Payout, "0")
		if len(mar.Adjustments) != 0 || len(mar.Reversals) != 0 || len(mar.Attributions) != 0 {
			t.Errorf("march: adjustments %+v, reversals %+v, attributions %+v", mar.Adjustments, mar.Reversals, mar.Attributions)
		}
		if l := mar.Line("kpi.won_value"); l == nil || l.KPI.Period.Label() != "2026-01-01..2026-03-31" {
			t.Errorf("the KPI line is not the year to date: %+v", l)
		}

		// Bob, hired 17 March (month 1 of the ramp, 15 of March's 31
		// calendar days), was credited 2,000 in February: his running
		// total starts there.
		f.deal("b0", "bob", "Won", "2000", "2026-02-20")
		f.deal("b1", "bob", "Won", "3000", "2026-03-20")
		bob := f.statement("bob", "2026-03")
		k := bob.Sections[0].Inputs.KPI("won_value")
		if k.Before == nil {
			t.Fatal("no value before the period")
		}
		money(t, *k.Before, "2000")
		money(t, lineResult(t, bob, "running.record.b1"), "180") // 2,000 → 5,000: 2,000 × 5 % + 1,000 × 8 %
		money(t, lineResult(t, bob, "bonus.amount"), "150")      // 310 × 15 / 31
		money(t, lineResult(t, bob, "ramp"), "1")
		money(t, lineResult(t, bob, "ramp.guarantee"), "153.87") // 1,000 × 15/31 = 483.87 − (180 + 150)
		money(t, bob.Payout, "483.87")
	})
}
