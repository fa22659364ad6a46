package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

func demoPilot(t *testing.T) (*apptest.DemoWorld, kpi.Actor, *app.Pilot) {
	t.Helper()
	w := apptest.Demo(t)
	who := w.Report.Actor
	ps, err := w.App.Pilots(context.Background(), who)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name == app.DemoPilotName {
			return w, who, p
		}
	}
	t.Fatalf("the demo has no pilot %q: %v", app.DemoPilotName, ps)
	return nil, who, nil
}

// TestPilotShadowNotPaid: the demo's shadow pilot computes would-be
// bonuses, and nothing of them reaches the payouts or the payroll export
// of the months it ran in.
func TestPilotShadowNotPaid(t *testing.T) {
	w, who, p := demoPilot(t)
	ctx := context.Background()
	rep, err := w.App.PilotReport(ctx, who, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Payouts) == 0 || rep.Shadow.Equal(rep.Current) {
		t.Fatalf("the pilot should pay differently: %d payouts, shadow %s, current %s", len(rep.Payouts), rep.Shadow, rep.Current)
	}
	for _, m := range rep.Months {
		rows, err := w.App.Payouts(ctx, who, m.Label())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Plan == p.Plan {
				t.Errorf("%s is paid on the pilot's plan in %s: %+v", r.EmployeeID, m.Label(), r)
			}
		}
		for _, pp := range rep.Payouts {
			st, err := w.App.Statement(ctx, who, app.StatementRef{Employee: pp.Employee, Period: m.Label()})
			if err != nil {
				t.Fatal(err)
			}
			for _, sec := range st.Sections {
				if sec.Plan == p.Plan {
					t.Errorf("the statement of %s for %s has a section of the pilot's plan", pp.Employee, m.Label())
				}
			}
		}
		f, err := w.App.PayoutsFile(ctx, who, m.Label(), app.FormatCSV)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := f.Save(&b); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), p.Plan) {
			t.Errorf("the payroll export of %s names the pilot's plan:\n%s", m.Label(), b.String())
		}
	}
	// The score bands count everyone with a score, once per scheme.
	scored, banded := 0, 0
	for _, pp := range rep.Payouts {
		if pp.ScoreShadow != nil {
			scored++
		}
	}
	for _, b := range rep.Scores {
		banded += b.Shadow
	}
	if scored == 0 || banded != scored {
		t.Errorf("score bands hold %d people, %d have a pilot score: %+v", banded, scored, rep.Scores)
	}
	// The totals are the sums of the rows.
	var cur, sh decimal.Decimal
	for _, pp := range rep.Payouts {
		cur, sh = cur.Add(pp.Current), sh.Add(pp.Shadow)
		if !pp.Difference.Equal(pp.Shadow.Sub(pp.Current)) {
			t.Errorf("%s: difference %s, want %s − %s", pp.Employee, pp.Difference, pp.Shadow, pp.Current)
		}
	}
	if !cur.Equal(rep.Current) || !sh.Equal(rep.Shadow) {
		t.Errorf("totals %s / %s, rows add up to %s / %s", rep.Current, rep.Shadow, cur, sh)
	}
}

// TestPilotReportDiD recomputes each KPI's difference in differences
// from the values the API gives for the same people and windows.
func TestPilotReportDiD(t *testing.T) {
	w, who, p := demoPilot(t)
	ctx := context.Background()
	rep, err := w.App.PilotReport(ctx, who, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.WorkingDays == 0 || len(rep.People) < 2 || len(rep.Comparison) < 2 || len(rep.KPIs) == 0 {
		t.Fatalf("report: %d working days, %d people, %d compared, %d KPIs", rep.WorkingDays, len(rep.People), len(rep.Comparison), len(rep.KPIs))
	}
	mean := func(kpiName string, people []string, w2 kpi.Period) decimal.Decimal {
		vals, err := w.App.Values(ctx, who, app.ValuesRequest{KPIs: []string{kpiName}, Employees: people, Period: w2.From.String() + ".." + w2.To.String()})
		if err != nil {
			t.Fatal(err)
		}
		sum, n := decimal.Zero, 0
		for _, v := range vals {
			if !v.Null {
				sum, n = sum.Add(v.Value), n+1
			}
		}
		return sum.Div(decimal.NewFromInt(int64(n)))
	}
	for _, k := range rep.KPIs {
		want := mean(k.KPI, rep.People, rep.Window).Sub(mean(k.KPI, rep.People, rep.Before)).
			Sub(mean(k.KPI, rep.Comparison, rep.Window).Sub(mean(k.KPI, rep.Comparison, rep.Before)))
		if d := want.Sub(k.Result.Estimate).Abs(); d.GreaterThan(decimal.New(1, -10)) {
			t.Errorf("%s: estimate %s, the API's values give %s", k.KPI, k.Result.Estimate, want)
		}
		if !k.Result.Low.LessThan(k.Result.Estimate) || !k.Result.High.GreaterThan(k.Result.Estimate) || k.Sentence == "" {
			t.Errorf("%s: interval %s..%s around %s; sentence %q", k.KPI, k.Result.Low, k.Result.High, k.Result.Estimate, k.Sentence)
		}
	}
	if rep.Before.To != rep.Window.From-1 {
		t.Errorf("before ends %s, pilot starts %s", rep.Before.To, rep.Window.From)
	}
}

// TestMeetingPackDemo: last month's pack of order processing has the
// pilot, the open proposal and the comments, and the workbook opens.
func TestMeetingPackDemo(t *testing.T) {
	w, who, p := demoPilot(t)
	ctx := context.Background()
	last := p.Window().To // in last month
	q := app.MeetingQuery{Unit: "order-processing", Period: kpi.PeriodOf(kpi.Month, last).Label()}
	pack, err := w.App.MeetingPack(ctx, who, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(pack.Cards) < 2 || len(pack.Pilots) != 1 || len(pack.Proposals) != 1 || len(pack.Comments) != 3 {
		t.Fatalf("pack: %d cards, %d pilots, %d proposals, %d comments", len(pack.Cards), len(pack.Pilots), len(pack.Proposals), len(pack.Comments))
	}
	if pack.Comments[1].Parent != pack.Comments[0].ID {
		t.Errorf("the reply does not follow its thread: %+v", pack.Comments)
	}
	v, err := w.App.Proposal(ctx, who, pack.Proposals[0].ID)
	if err != nil || v.Target == nil || !v.Target.After.Target.Equal(*v.Value) {
		t.Errorf("the demo proposal's preview: %v %+v", err, v)
	}
	f, err := w.App.MeetingPackXLSX(ctx, who, q)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := f.Save(&b); err != nil || b.Len() < 1000 {
		t.Fatalf("workbook: %v, %d bytes", err, b.Len())
	}
	book, err := excelize.OpenReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	for sheet, want := range map[string]int{"Total score by month": len(pack.Trends) + 1, "Awards": len(pack.Awards) + 1} {
		rows, err := book.GetRows(sheet)
		if err != nil || len(rows) != want {
			t.Errorf("sheet %q: %v, %d rows, want %d", sheet, err, len(rows), want)
		}
	}
	if len(pack.Trends) == 0 || len(pack.Awards) == 0 {
		t.Errorf("the demo pack has %d score trends and %d awards", len(pack.Trends), len(pack.Awards))
	}
}
