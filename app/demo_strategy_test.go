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
	changes, err := w.App.LevelChanges(ctx, w.Report.Actor, kpi.LevelApplied)
	if err != nil || len(changes) == 0 {
		t.Errorf("level changes: %v %v", changes, err)
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
