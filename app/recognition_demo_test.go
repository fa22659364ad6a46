package app_test

import (
	"context"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// The demo has frozen awards for every locked month, provisional ones for
// last month, and a leaderboard for this one.
func TestDemoRecognition(t *testing.T) {
	w := apptest.Demo(t)
	ctx := context.Background()
	who := w.Report.Actor
	this := kpi.PeriodOf(kpi.Month, w.Report.To)
	last := kpi.PeriodOf(kpi.Month, this.From-1)
	locked := 0
	for p := kpi.PeriodOf(kpi.Month, w.Report.From); p.From < last.From; p = p.Next() {
		l, err := w.App.Awards(ctx, who, p.Label())
		if err != nil {
			t.Fatal(err)
		}
		if l.Provisional {
			t.Errorf("%s: provisional, want frozen", p.Label())
		}
		if p.From >= kpi.PeriodOf(kpi.Month, w.Report.From).Next().Next().Next().From && len(l.Awards) == 0 {
			t.Errorf("%s: no awards", p.Label())
		}
		locked++
	}
	if locked < 9 {
		t.Errorf("%d locked months", locked)
	}
	l, err := w.App.Awards(ctx, who, last.Label())
	if err != nil {
		t.Fatal(err)
	}
	if !l.Provisional || len(l.Awards) == 0 {
		t.Errorf("last month: provisional %v, %d awards", l.Provisional, len(l.Awards))
	}
	lb, err := w.App.Leaderboard(ctx, who, app.LeaderboardQuery{Period: last.Label(), Metric: "sales-mix"})
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Rows) == 0 || lb.Rows[0].Place != 1 || lb.Rows[0].Medal != "gold" {
		t.Errorf("sales-mix: %+v", lb.Rows)
	}
	for i, r := range lb.Rows[1:] {
		if r.Place > 0 && r.Value.GreaterThan(lb.Rows[i].Value) {
			t.Errorf("row %d (%s %s) above row %d", i+1, r.Name, r.Value, i)
		}
	}
}
