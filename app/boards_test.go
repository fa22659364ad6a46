package app_test

import (
	"context"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestHeatMap checks the heat map's cells against each person's scorecard
// and by hand, its rows per reader, and its errors.
func TestHeatMap(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	hm, err := a.HeatMap(ctx, admin, app.HeatMapRequest{Unit: "sales", KPI: "won", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hm.Periods) != 12 || hm.Periods[0].Label() != "2024-07" || hm.Periods[11].Label() != "2025-06" {
		t.Fatalf("periods %v", hm.Periods)
	}
	got := map[string]string{}
	for _, l := range hm.Lines {
		c := l.Cells[11]
		if c.Null {
			got[l.Subject.ID] = "null"
		} else {
			got[l.Subject.ID] = c.Value.String()
		}
		if !l.Cells[0].Null {
			t.Errorf("%s has a cell in 2024-07, which has no target: %+v", l.Subject.ID, l.Cells[0])
		}
	}
	// bob won 3 of 4, cy 2 of 2; ann is a team lead, with no scorecard.
	if len(got) != 2 || got["bob"] != "75" || got["cy"] != "100" {
		t.Errorf("June's won cells %v, want bob 75, cy 100", got)
	}
	score, err := a.HeatMap(ctx, admin, app.HeatMapRequest{Unit: "sales", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range score.Lines {
		card, err := a.Scorecard(ctx, admin, app.ScorecardRequest{Employee: l.Subject.ID, Period: "2025-06"})
		if err != nil {
			t.Fatal(err)
		}
		if c := l.Cells[11]; c.Null != card.TotalNull || !c.Value.Equal(card.Total) {
			t.Errorf("%s's score cell %+v, the scorecard's total %s", l.Subject.ID, c, card.Total)
		}
	}
	teams, err := a.HeatMap(ctx, admin, app.HeatMapRequest{Unit: "sales", Period: "2025-06", Rows: app.HeatTeams})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range teams.Lines {
		if l.Subject.Kind != kpi.SubjectUnit {
			t.Errorf("a teams row is %v", l.Subject)
		}
	}

	// dan heads t2: he sees cy and none of t1.
	dan := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:dan", EmployeeID: "dan", Role: kpi.RoleMember}
	if _, err := a.ImportOrg(ctx, admin, []*kpi.OrgUnit{{ID: "t2", Name: "Team 2", Kind: "team", ParentID: "sales", HeadID: "dan"}},
		[]*kpi.Employee{{ID: "dan", Name: "Dan", UnitID: "t2", Position: "team lead"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.HeatMap(ctx, dan, app.HeatMapRequest{Unit: "sales", Period: "2025-06"}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("dan opens the sales heat map: %v", err)
	}
	own, err := a.HeatMap(ctx, dan, app.HeatMapRequest{Unit: "t2", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	if len(own.Lines) != 1 || own.Lines[0].Subject.ID != "cy" {
		t.Errorf("dan's heat map of t2 has %+v, want cy", own.Lines)
	}
	bob := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:bob", EmployeeID: "bob", Role: kpi.RoleMember}
	if _, err := a.HeatMap(ctx, bob, app.HeatMapRequest{Unit: "t1", Period: "2025-06"}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("bob opens his team's heat map: %v", err)
	}
	for _, r := range []app.HeatMapRequest{
		{Unit: "sales", KPI: "nope", Period: "2025-06"},
		{Unit: "sales", Period: "June"},
		{Unit: "sales", Period: "2025-06", Rows: "both"},
		{Period: "2025-06"},
	} {
		if _, err := a.HeatMap(ctx, admin, r); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("%+v: %v, want invalid", r, err)
		}
	}
	if _, err := a.HeatMap(ctx, admin, app.HeatMapRequest{Unit: "nope", Period: "2025-06"}); kpi.ErrorCode(err) != kpi.ENOTFOUND {
		t.Errorf("an unknown unit: %v", err)
	}
}

// healthPlan pays reps a target bonus of 1,000 times a coefficient of
// their won deals' attainment: 0 below 80 %, 0.5 at 80 %, 1 at 100 %,
// 1.5 from 120 %.
const healthPlan = `
bonus_plans:
  - name: reps
    plan:
      currency: EUR
      components:
        - id: bonus
          kind: bonus
          target: 1000
          coefficient:
            of: won
            curve: {points: [[80, 0.5], [100, 1], [120, 1.5]]}
    assign:
      - {position: rep}
`

// TestPlanHealth checks the bands, the share at target, the curve and the
// cost by hand: bob won 75 % of his target (nothing paid), cy 100 % (the
// target bonus).
func TestPlanHealth(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	if _, err := a.Apply(ctx, admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + healthPlan)}); err != nil {
		t.Fatal(err)
	}
	h, err := a.PlanHealth(ctx, admin, app.PlanHealthRequest{Unit: "co", KPI: "won", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, b := range h.Bands {
		counts[b.Name] = b.Count
	}
	if len(h.Bands) != 5 || counts["50–79 %"] != 1 || counts["100–120 %"] != 1 || h.Measured != 2 || h.AtTarget != 1 || h.AtTargetShare.String() != "50" {
		t.Errorf("bands %v, measured %d, at target %d (%s %%)", counts, h.Measured, h.AtTarget, h.AtTargetShare)
	}
	if len(h.Curves) != 1 || h.Curves[0].Of != "won" {
		t.Fatalf("curves %+v", h.Curves)
	}
	at := map[string]string{}
	for _, p := range h.Curves[0].Points {
		at[p.Attainment.String()] = p.Payout.String()
	}
	for x, want := range map[string]string{"0": "0", "80": "50", "90": "75", "100": "100", "110": "125", "200": "150"} {
		if at[x] != want {
			t.Errorf("the curve at %s %% pays %s %%, want %s", x, at[x], want)
		}
	}
	people := map[string]app.HealthPerson{}
	for _, p := range h.People {
		people[p.Employee] = p
	}
	if b, c := people["bob"], people["cy"]; !b.OnCurve || b.BonusPercent.String() != "0" || b.CurveAttainment.String() != "75" ||
		!c.OnCurve || c.BonusPercent.String() != "100" || c.Payout.String() != "1000" || c.TargetBonus.String() != "1000" {
		t.Errorf("bob %+v, cy %+v", b, c)
	}
	if len(h.Teams) != 2 || h.Teams[0].Unit != "t1" || !h.Teams[0].Payout.IsZero() || h.Teams[1].Share.String() != "100" {
		t.Errorf("teams %+v", h.Teams)
	}
	if len(h.Total) != 1 || h.Total[0].Payout.String() != "1000" || h.Total[0].Target.String() != "2000" || h.Total[0].Share.String() != "50" {
		t.Errorf("total %+v", h.Total)
	}
	// A locked statement is read as stored: the same numbers.
	system := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "cli:test", Role: kpi.RoleAdmin, System: true}
	for _, step := range []app.Step{app.Approve, app.Lock} {
		if _, err := a.StepStatement(ctx, system, app.StatementRef{Employee: "cy", Period: "2025-06"}, step); err != nil {
			t.Fatal(err)
		}
	}
	again, err := a.PlanHealth(ctx, admin, app.PlanHealthRequest{Unit: "co", KPI: "won", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range again.People {
		if p.Employee == "cy" && (p.Status != kpi.StatusLocked || p.Payout.String() != "1000" || p.BonusPercent.String() != "100" || p.TargetBonus.String() != "1000") {
			t.Errorf("cy, locked: %+v", p)
		}
	}
	if again.Total[0].Payout.String() != "1000" || again.Total[0].Target.String() != "2000" {
		t.Errorf("total with cy locked %+v", again.Total)
	}
	bob := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:bob", EmployeeID: "bob", Role: kpi.RoleMember}
	if _, err := a.PlanHealth(ctx, bob, app.PlanHealthRequest{Unit: "co", Period: "2025-06"}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("a rep reads plan health: %v", err)
	}
}
