package app_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/calc/strategy"
	"attain/kpi"
)

// TestDemoStrategy: the demo has three company objectives for this year,
// each cascaded to a department; a department objective's progress is the
// weighted mean worked out here from the unit's values; the head of sales
// changed a level and three sales managers have tasks.
func TestDemoStrategy(t *testing.T) {
	w := apptest.Demo(t)
	ctx := context.Background()
	v, err := w.App.Strategy(ctx, w.Report.Actor, "")
	if err != nil {
		t.Fatal(err)
	}
	roots := 0
	var sales *app.ObjectiveView
	for _, o := range v.Objectives {
		if o.Depth == 0 {
			roots++
		}
		if o.Objective.ID == "sales-revenue" {
			sales = o
		}
	}
	if roots != 3 || sales == nil || sales.Progress == nil || len(sales.Served) == 0 {
		t.Fatalf("%d company objectives, sales-revenue %+v", roots, sales)
	}
	vals, err := w.App.Values(ctx, w.Report.Actor, app.ValuesRequest{KPIs: []string{"won_value", "contracts_signed"}, Units: []string{"sales"},
		Grain: "range", From: sales.Objective.Period.From.String(), To: sales.Objective.Period.To.String()})
	if err != nil {
		t.Fatal(err)
	}
	// Additive KPIs in an open year: each is due by the working days
	// passed; progress is against the whole year's target, capped at 150.
	sumW, sumA := decimal.Zero, decimal.Zero
	for _, m := range sales.Objective.Measures {
		for _, val := range vals {
			if val.KPI != m.KPI {
				continue
			}
			pct := val.Value.Mul(decimal.NewFromInt(100)).Div(m.Target).Round(2)
			pct = decimal.Min(pct, strategy.Cap)
			sumW, sumA = sumW.Add(m.Weight), sumA.Add(m.Weight.Mul(pct))
		}
	}
	if want := sumA.Div(sumW).Round(2); !sales.Progress.Progress.Equal(want) {
		t.Errorf("sales-revenue progress %s, want %s", sales.Progress.Progress, want)
	}
	changes, err := w.App.LevelChanges(ctx, w.Report.Actor, "")
	if err != nil || len(changes) == 0 {
		t.Errorf("level changes: %v %v", changes, err)
	}
	// The head of sales switched on accounts won for key accounts (applied)
	// and asked to reweight new business (waiting); a key accounts sales
	// manager's card of this month scores accounts won.
	byUnit := map[string]string{}
	for _, c := range changes {
		if c.Scorecard != "" {
			byUnit[c.Subject.ID] = c.Status
		}
	}
	if byUnit["sales/key-accounts"] != kpi.LevelApplied || byUnit["sales/new-business"] != kpi.LevelPending {
		t.Errorf("demo scorecard changes: %v", byUnit)
	}
	emps, err := w.App.Employees(ctx, w.Report.Actor, kpi.EmployeeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range emps {
		if e.UnitID != "sales/key-accounts" || e.Position != "sales manager" || e.LeftOn != nil {
			continue
		}
		card, err := w.App.Scorecard(ctx, w.Report.Actor, app.ScorecardRequest{Employee: e.ID, Period: kpi.PeriodOf(kpi.Month, w.Report.To).Label()})
		if err != nil || len(card.Items) != 5 || card.Items[4].KPI != "distinct_accounts_won" || !card.Items[4].Weight.Equal(decimal.NewFromInt(10)) {
			t.Errorf("card of %s: %+v %v", e.ID, card, err)
		}
		break
	}
	tasks, err := w.App.Tasks(ctx, w.Report.Actor, "")
	if err != nil || len(tasks) != 3 {
		t.Errorf("tasks: %d %v", len(tasks), err)
	}
	fs, err := w.App.UnitFunctions(ctx, w.Report.Actor)
	if err != nil || len(fs) != 2 {
		t.Errorf("functions: %v %v", fs, err)
	}
}
