package app_test

import (
	"context"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

const smallPlans = `
bonus_plans:
  - name: reps
    plan:
      currency: EUR
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
    assign:
      - {position: rep}
  - name: reps-pilot
    plan:
      currency: EUR
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 15}
    assign:
      - {position: pilot}
`

func smallPilots(t *testing.T) (*app.App, kpi.Actor) {
	t.Helper()
	a, who := apptest.Small(t)
	if _, err := a.Apply(context.Background(), who, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + smallPlans)}); err != nil {
		t.Fatal(err)
	}
	return a, who
}

// TestCreatePilotProblems: every problem of the input at once, by field.
func TestCreatePilotProblems(t *testing.T) {
	a, who := smallPilots(t)
	_, err := a.CreatePilot(context.Background(), who, app.PilotInput{Unit: "nowhere", Comparison: "nowhere", Start: "2025-06-30", End: "2025-06-01", Plan: "nope"})
	e, ok := err.(*kpi.Error)
	if !ok || e.Code != kpi.EINVALID {
		t.Fatalf("err = %v", err)
	}
	fields := map[string]bool{}
	for _, p := range e.Details {
		fields[p.Column] = true
	}
	for _, f := range []string{"name", "unit", "comparison", "end", "plan"} {
		if !fields[f] {
			t.Errorf("no problem reported for %s: %+v", f, e.Details)
		}
	}
	// A live pilot of a template is refused; a member may not start one.
	if _, err := a.CreatePilot(context.Background(), who, app.PilotInput{Name: "x", Unit: "t1", Start: "2025-06-02", End: "2025-06-29", Template: "rep"}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("live template pilot: %v", err)
	}
	member := kpi.Actor{WorkspaceID: who.WorkspaceID, Name: "bob", EmployeeID: "bob", Role: kpi.RoleMember}
	if _, err := a.CreatePilot(context.Background(), member, app.PilotInput{Name: "x", Unit: "t1", Start: "2025-06-02", End: "2025-06-29", Plan: "reps-pilot", Shadow: true}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("a member starts a pilot: %v", err)
	}
}

// TestPilotRollout: a running pilot is not rolled out; ended, a dry run
// changes nothing and a rollout assigns the plan from the day, audited.
func TestPilotRollout(t *testing.T) {
	a, who := smallPilots(t)
	ctx := context.Background()
	p, err := a.CreatePilot(ctx, who, app.PilotInput{Name: "June", Unit: "t1", Comparison: "t2", Start: "2025-06-02", End: "2025-06-29", Plan: "reps-pilot", Shadow: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.PilotReport(ctx, who, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	// bob won 300 in June: 10 % is 30, 15 % is 45, for 20 of June's 21 working days.
	if len(rep.Payouts) != 1 || rep.Payouts[0].Current.String() != "28.57" || rep.Payouts[0].Shadow.String() != "42.86" {
		t.Errorf("payouts: %+v", rep.Payouts)
	}
	req := app.RolloutRequest{Units: []string{"sales"}, From: "2025-07-01", Reason: "it worked"}
	if _, err := a.RolloutPilot(ctx, who, p.ID, req); kpi.ErrorCode(err) != kpi.ECONFLICT {
		t.Errorf("rollout of a running pilot: %v", err)
	}
	if _, err := a.EndPilot(ctx, who, p.ID, "2025-06-29", "done"); err != nil {
		t.Fatal(err)
	}
	req.DryRun = true
	res, err := a.RolloutPilot(ctx, who, p.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.People) != 2 || len(res.Changes) == 0 { // bob and cy, not ann, who leads t1
		t.Errorf("dry run: %d people, %d changes", len(res.People), len(res.Changes))
	}
	defs, _ := a.Definitions(ctx, who)
	if len(defs.BonusPlan("reps-pilot").Assign) != 1 {
		t.Errorf("a dry run changed the plan: %+v", defs.BonusPlan("reps-pilot").Assign)
	}
	req.DryRun = false
	if res, err = a.RolloutPilot(ctx, who, p.ID, req); err != nil {
		t.Fatal(err)
	}
	if res.Pilot.Status != kpi.PilotRolledOut || len(res.Pilot.Rollouts) != 1 {
		t.Errorf("pilot after rollout: %+v", res.Pilot)
	}
	defs, _ = a.Definitions(ctx, who)
	emp := &kpi.Employee{ID: "bob", Position: "rep"}
	if got := defs.PlanOn(emp, day(t, "2025-06-30")); got != "reps" {
		t.Errorf("bob's plan before the rollout: %s", got)
	}
	if got := defs.PlanOn(emp, day(t, "2025-07-01")); got != "reps-pilot" {
		t.Errorf("bob's plan from the rollout: %s", got)
	}
}

func day(t *testing.T, s string) kpi.Date {
	t.Helper()
	d, err := kpi.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLivePilot: a live pilot pays its plan to the unit's people for its
// days; ending it early ends the assignment that day.
func TestLivePilot(t *testing.T) {
	a, who := smallPilots(t)
	ctx := context.Background()
	p, err := a.CreatePilot(ctx, who, app.PilotInput{Name: "live", Unit: "t1", Start: "2025-06-02", End: "2025-06-29", Plan: "reps-pilot"})
	if err != nil {
		t.Fatal(err)
	}
	bob := &kpi.Employee{ID: "bob", Position: "rep"}
	cy := &kpi.Employee{ID: "cy", Position: "rep"}
	defs, _ := a.Definitions(ctx, who)
	for _, c := range []struct {
		e    *kpi.Employee
		day  string
		want string
	}{{bob, "2025-06-01", "reps"}, {bob, "2025-06-02", "reps-pilot"}, {bob, "2025-06-29", "reps-pilot"}, {bob, "2025-06-30", "reps"}, {cy, "2025-06-10", "reps"}} {
		if got := defs.PlanOn(c.e, day(t, c.day)); got != c.want {
			t.Errorf("%s on %s: plan %s, want %s", c.e.ID, c.day, got, c.want)
		}
	}
	rows, err := a.Payouts(ctx, who, "2025-06")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.EmployeeID == "bob" && r.Plan != "reps" && r.Plan != "reps-pilot" {
			t.Errorf("bob's June payout: %+v", r)
		}
	}
	if _, err := a.EndPilot(ctx, who, p.ID, "2025-06-15", "stop"); err != nil {
		t.Fatal(err)
	}
	defs, _ = a.Definitions(ctx, who)
	if got := defs.PlanOn(bob, day(t, "2025-06-16")); got != "reps" {
		t.Errorf("after ending on the 15th, bob's plan on the 16th is %s", got)
	}
	if got := defs.PlanOn(bob, day(t, "2025-06-15")); got != "reps-pilot" {
		t.Errorf("bob's plan on the 15th is %s", got)
	}
}
