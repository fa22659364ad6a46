package payroll_test

import (
	"testing"

	"attain/attainyaml"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// TestStatementLeave prorates the bonus by the working days ann was not
// on leave. April 2026 has 22 weekdays less Good Friday (3 April) and
// Easter Monday (6 April): 20 working days. ann is away Monday 6 to
// Monday 13 April: 6 weekdays, one of them Easter Monday, so 5 working days
// of leave and 15 of 20 left.
func TestStatementLeave(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		defs, err := attainyaml.Load("attain.yaml", []byte(testYAML+`
calendar:
  holidays:
    - {date: 2026-04-03, name: Good Friday}
    - {date: 2026-04-06, name: Easter Monday}
`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sqldb.NewDefinitionService(db).ApplyDefinitions(f.ctx, defs, kpi.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		leave, err := kpi.ParseLeave("2026-04-06..2026-04-13")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sqldb.NewOrgService(db).UpdateEmployee(f.ctx, "ann", kpi.EmployeeUpdate{Leave: &leave}); err != nil {
			t.Fatal(err)
		}
		f.deal("d1", "ann", "Won", "5000", "2026-04-15")

		st := f.statement("ann", "2026-04")
		a := st.Sections[0].Inputs.Active
		if a == nil {
			t.Fatal("no proration for a month with leave")
		}
		if got, want := a.ActiveDays, 15; got != want {
			t.Errorf("active days = %d, want %d", got, want)
		}
		if got, want := a.PeriodDays, 20; got != want {
			t.Errorf("period days = %d, want %d", got, want)
		}
		if got, want := a.Reason, "minus leave 2026-04-06..2026-04-13; working days of the workspace calendar"; got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
		// Active share 15 / 20 = 0.75. Bonus: 1,000 × 0.5 (5,000 of the
		// 10,000 target) × 0.75 = 375; commission (not prorated): 10 % of
		// 5,000 = 500.
		money(t, lineResult(t, st, "proration"), "0.75")
		money(t, lineResult(t, st, "bonus.amount"), "375")
		money(t, lineResult(t, st, "commission.amount"), "500")
		money(t, st.Payout, "875")

		// March, without leave, is not prorated.
		f.deal("d2", "ann", "Won", "5000", "2026-03-16")
		if in := f.statement("ann", "2026-03").Sections[0].Inputs; in.Active != nil {
			t.Errorf("no leave in March, yet prorated: %+v", in.Active)
		}
	})
}
