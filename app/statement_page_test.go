package app_test

import (
	"context"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestStatementPage: what each person may do with bob's statement, as the
// policy and the statement's status allow, and what a what-if may change.
func TestStatementPage(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	if _, err := a.Apply(ctx, admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + withPlan)}); err != nil {
		t.Fatal(err)
	}
	bob := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:bob", EmployeeID: "bob", Role: kpi.RoleMember}
	ann := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:ann", EmployeeID: "ann", Role: kpi.RoleMember}
	cy := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:cy", EmployeeID: "cy", Role: kpi.RoleMember}
	ref := app.StatementRef{Employee: "bob", Period: "2025-06"}
	type may struct{ approve, lock, pay, inquire, answer bool }
	check := func(who kpi.Actor, want may) *app.StatementPage {
		t.Helper()
		pg, err := a.StatementPage(ctx, who, ref)
		if err != nil {
			t.Fatalf("%s: %v", who.Name, err)
		}
		if got := (may{pg.MayApprove, pg.MayLock, pg.MayPay, pg.MayInquire, pg.MayAnswer}); got != want {
			t.Errorf("%s on a %s statement: may %+v, want %+v", who.Name, pg.Statement.Status, got, want)
		}
		return pg
	}
	pg := check(bob, may{inquire: true})
	if len(pg.KPIs) != 1 || pg.KPIs[0].KPI != "won_value" || pg.KPIs[0].Actual.String() != "300" || pg.WhatIfError != "" {
		t.Errorf("what-if KPIs %+v (%s), want won_value at 300", pg.KPIs, pg.WhatIfError)
	}
	check(ann, may{approve: true, answer: true})
	check(admin, may{approve: true, inquire: true, answer: true})
	if _, err := a.StatementPage(ctx, cy, ref); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("cy opens bob's statement: %v", err)
	}
	if _, err := a.StepStatement(ctx, ann, ref, app.Approve); err != nil {
		t.Fatal(err)
	}
	check(admin, may{approve: true, lock: true, inquire: true, answer: true})
	check(ann, may{approve: true, answer: true})
}

// TestTargetGrid: a manager's grid holds their people, never themselves,
// with the current target, the actuals before and the proposals; someone
// who manages nobody has none.
func TestTargetGrid(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	ann := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:ann", EmployeeID: "ann", Role: kpi.RoleMember}
	bob := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:bob", EmployeeID: "bob", Role: kpi.RoleMember}
	g, err := a.TargetGrid(ctx, ann, app.TargetGridRequest{KPI: "won", Unit: "t1", Period: "2025-07", Method: "average"})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Rows) != 1 || g.Rows[0].Subject.ID != "bob" {
		t.Fatalf("ann's grid of t1: %+v, want bob alone", g.Rows)
	}
	row := g.Rows[0]
	if len(row.Actuals) != app.GridHistory || row.Actuals[2].Period.Label() != "2025-06" || row.Actuals[2].Value.String() != "3" {
		t.Errorf("bob's actuals before July: %+v", row.Actuals)
	}
	if row.Proposal == nil || row.Proposal.Value.String() != "3" || g.Method == nil || g.Method.Formula == "" {
		t.Errorf("bob's proposal: %+v, method %+v", row.Proposal, g.Method)
	}
	if row.Current != nil {
		t.Errorf("bob has no target for July yet, the grid says %+v", row.Current)
	}
	g, err = a.TargetGrid(ctx, ann, app.TargetGridRequest{KPI: "won", Unit: "t1", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	if c := g.Rows[0].Current; c == nil || c.Value.String() != "4" {
		t.Errorf("bob's June target in the grid: %+v, want 4", c)
	}
	if _, err := a.TargetGrid(ctx, bob, app.TargetGridRequest{Period: "2025-07"}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("bob, who manages nobody, gets a grid: %v", err)
	}
	if _, err := a.TargetGrid(ctx, ann, app.TargetGridRequest{Unit: "co", Period: "2025-07"}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("ann gets the grid of the company: %v", err)
	}
	g, err = a.TargetGrid(ctx, ann, app.TargetGridRequest{KPI: "won", Unit: "t1", Period: "2025-07", Method: "guess"})
	if err != nil || g.ProposeError == "" {
		t.Errorf("an unknown method: %v, %q", err, g.ProposeError)
	}
}
