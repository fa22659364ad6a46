package app_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// cappedPlans are the small workspace's current plan (a 10 % commission,
// a period cap of 1,000 nobody reaches) and two pilot plans: the same
// commission capped at 20 and at 50, assigned to nobody.
const cappedPlans = `
bonus_plans:
  - name: reps
    plan:
      currency: EUR
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
      limits: {period_cap: 1000}
    assign:
      - {position: rep}
  - name: capped20
    plan:
      currency: EUR
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10, cap: 20}
    assign:
      - {position: nobody}
  - name: capped50
    plan:
      currency: EUR
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10, cap: 50}
    assign:
      - {position: nobody-else}
`

// TestPilotReportCapped: the report counts, under each scheme, the people
// whose statement hits a cap: exactly those whose month's commission
// (10 % of won value, from the API's values) is above the pilot plan's cap.
func TestPilotReportCapped(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	if _, err := a.Apply(ctx, admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + cappedPlans)}); err != nil {
		t.Fatal(err)
	}
	for _, cap := range []int64{20, 50} {
		plan := map[int64]string{20: "capped20", 50: "capped50"}[cap]
		p, err := a.CreatePilot(ctx, admin, app.PilotInput{Name: "cap " + plan, Unit: "t1", Comparison: "t2", Start: "2025-06-02", End: "2025-06-29", Plan: plan, Shadow: true})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := a.PilotReport(ctx, admin, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, pp := range rep.Payouts {
			vals, err := a.Values(ctx, admin, app.ValuesRequest{KPIs: []string{"won_value"}, Employees: []string{pp.Employee}, Period: "2025-06"})
			if err != nil || len(vals) != 1 {
				t.Fatalf("values of %s: %v %v", pp.Employee, err, vals)
			}
			over := vals[0].Value.Mul(decimal.NewFromInt(10)).Div(decimal.NewFromInt(100)).GreaterThan(decimal.NewFromInt(cap))
			if over {
				want++
			}
			if pp.CappedShadow != over || pp.CappedCurrent {
				t.Errorf("cap %d, %s (won value %s): capped under the pilot %v, under the current scheme %v", cap, pp.Employee, vals[0].Value, pp.CappedShadow, pp.CappedCurrent)
			}
		}
		if len(rep.Payouts) == 0 || rep.CappedShadow != want || rep.CappedCurrent != 0 {
			t.Errorf("cap %d: %d people, capped %d under the pilot (want %d), %d under the current scheme (want 0)", cap, len(rep.Payouts), rep.CappedShadow, want, rep.CappedCurrent)
		}
		if cap == 20 && want == 0 {
			t.Errorf("the fixture should cap someone at 20")
		}
	}
}

// TestMyPilots: bob, in the shadow pilot of t1, sees his own would-be
// bonus (10 % commission capped at 20 against the current 10 % of his 300
// won, each for the 20 of June's 21 working days inside the pilot),
// equal to the report's line for him and not paid; ann (heading t1, not
// measured) and cy (in the comparison unit) see no pilot; nobody can be
// shown a colleague's, as the action is only ever taken on oneself.
func TestMyPilots(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	if _, err := a.Apply(ctx, admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + cappedPlans)}); err != nil {
		t.Fatal(err)
	}
	p, err := a.CreatePilot(ctx, admin, app.PilotInput{Name: "June", Unit: "t1", Comparison: "t2", Start: "2025-06-02", End: "2025-06-29", Plan: "capped20", Shadow: true})
	if err != nil {
		t.Fatal(err)
	}
	actor := func(id string) kpi.Actor {
		return kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:" + id, Role: kpi.RoleMember, EmployeeID: id}
	}
	mine, err := a.MyPilots(ctx, actor("bob"))
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].Pilot.ID != p.ID || mine[0].Paid {
		t.Fatalf("bob's pilots: %+v", mine)
	}
	b := mine[0].Bonus
	share := decimal.NewFromInt(20).DivRound(decimal.NewFromInt(21), 16)
	wantCur, wantSh := decimal.NewFromInt(30).Mul(share).Round(2), decimal.NewFromInt(20).Mul(share).Round(2)
	if b.Employee != "bob" || !b.Current.Equal(wantCur) || !b.Shadow.Equal(wantSh) || !b.CappedShadow {
		t.Errorf("bob's would-be bonus: %+v, want current %s, pilot %s, capped", b, wantCur, wantSh)
	}
	rep, err := a.PilotReport(ctx, admin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, pp := range rep.Payouts {
		if pp.Employee == "bob" && (!pp.Shadow.Equal(b.Shadow) || !pp.Current.Equal(b.Current)) {
			t.Errorf("the report has %s / %s for bob, /me %s / %s", pp.Current, pp.Shadow, b.Current, b.Shadow)
		}
	}
	for _, id := range []string{"ann", "cy"} {
		if got, err := a.MyPilots(ctx, actor(id)); err != nil || len(got) != 0 {
			t.Errorf("%s sees %+v, %v; want no pilot", id, got, err)
		}
	}
	if got, err := a.MyPilots(ctx, kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:audit", Role: kpi.RoleAuditor}); err != nil || len(got) != 0 {
		t.Errorf("an auditor who is no employee sees %+v, %v", got, err)
	}
}

// TestMeetingPackAwardsAndTrends: last month's pack of order processing
// has the month's awards of the people on its scorecards (all of them, and
// only those), and each scorecard's total score over 12 months, each
// month's as the scorecard API gives it.
func TestMeetingPackAwardsAndTrends(t *testing.T) {
	w, who, p := demoPilot(t)
	ctx := context.Background()
	period := kpi.PeriodOf(kpi.Month, p.Window().To)
	pack, err := w.App.MeetingPack(ctx, who, app.MeetingQuery{Unit: "order-processing", Period: period.Label()})
	if err != nil {
		t.Fatal(err)
	}
	onCard := map[kpi.Subject]bool{}
	for _, c := range pack.Cards {
		onCard[c.Subject] = true
	}
	all, err := w.App.Awards(ctx, who, period.Label())
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, aw := range all.Awards {
		if onCard[aw.Subject] {
			want++
		}
	}
	if want == 0 || len(pack.Awards) < want {
		t.Errorf("pack awards %d, awards of people on its cards %d (want some)", len(pack.Awards), want)
	}
	if len(pack.Trends) != len(pack.Cards) {
		t.Fatalf("%d trends for %d cards", len(pack.Trends), len(pack.Cards))
	}
	checked := 0
	for _, tr := range pack.Trends[:min(3, len(pack.Trends))] {
		if len(tr.Periods) != app.TrendMonths || tr.Periods[app.TrendMonths-1] != period || len(tr.Totals) != app.TrendMonths {
			t.Fatalf("%s: periods %v", tr.Subject.ID, tr.Periods)
		}
		for _, i := range []int{0, app.TrendMonths - 2, app.TrendMonths - 1} {
			r := app.ScorecardRequest{Period: tr.Periods[i].Label()}
			if tr.Subject.Kind == kpi.SubjectUnit {
				r.Unit = tr.Subject.ID
			} else {
				r.Employee = tr.Subject.ID
			}
			card, err := w.App.Scorecard(ctx, who, r)
			got := tr.Totals[i]
			switch {
			case err != nil || card.TotalNull:
				if got != nil {
					t.Errorf("%s %s: trend %s, the scorecard has none (%v)", tr.Subject.ID, tr.Periods[i].Label(), got, err)
				}
			case got == nil || !got.Equal(card.Total):
				t.Errorf("%s %s: trend %v, scorecard %s", tr.Subject.ID, tr.Periods[i].Label(), got, card.Total)
			default:
				checked++
			}
		}
	}
	if checked < 3 {
		t.Errorf("only %d months had a score to compare", checked)
	}
}
