package app_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// withPlan is the small workspace with a commission plan for reps and a
// policy: statements paying over 20 need a second approver.
const withPlan = `
bonus_plans:
  - name: reps
    plan:
      currency: EUR
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
    assign:
      - {position: rep}
policy:
  second_approver_above: 20
`

// TestApprovals: separation of duties and a second approver. Bob's
// statement for June 2025 pays 10 % of 300 = 30, above 20.
func TestApprovals(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	if _, err := a.Apply(ctx, admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + withPlan)}); err != nil {
		t.Fatal(err)
	}
	ann := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:ann", EmployeeID: "ann", Role: kpi.RoleMember}
	boss := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:boss", Role: kpi.RoleAdmin}
	other := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:other", Role: kpi.RoleAdmin}
	bob := app.StatementRef{Employee: "bob", Period: "2025-06"}
	step := func(who kpi.Actor, s app.Step) (*app.Statement, error) { return a.StepStatement(ctx, who, bob, s) }

	// Ann sets Bob's June target (4 → 4.4, inside the default guardrail of
	// 10 %, so applied), so she may not approve his June statement.
	v := decimal.RequireFromString("4.4")
	june := kpi.PeriodOf(kpi.Month, kpi.NewDate(2025, 6, 1))
	if _, err := a.SetTargets(ctx, ann, []kpi.TargetInput{{KPI: "won", Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "bob"}, Period: june, Value: &v}}, "more"); err != nil {
		t.Fatal(err)
	}
	if _, err := step(ann, app.Approve); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("the one who set the target approves: %v", err)
	}
	st, err := step(boss, app.Approve)
	if err != nil {
		t.Fatal(err)
	}
	if st.Payout.String() != "30" || st.Status != kpi.StatusApproved {
		t.Fatalf("approved: %s %s", st.Status, st.Payout)
	}
	if _, err := step(boss, app.Lock); kpi.ErrorCode(err) != kpi.ECONFLICT {
		t.Errorf("locked with one approver above the policy's amount: %v", err)
	}
	if _, err := step(boss, app.Approve); err != nil || st.SecondApprovedBy != "" {
		t.Errorf("the approver approves again: %v, second %q", err, st.SecondApprovedBy)
	}
	if st, err = step(other, app.Approve); err != nil || st.SecondApprovedBy != "user:other" {
		t.Fatalf("second approval: %v, %+v", err, st)
	}
	if st, err = step(boss, app.Lock); err != nil || st.Status != kpi.StatusLocked || st.SecondApprovedBy != "user:other" {
		t.Fatalf("lock after two approvals: %v, %+v", err, st)
	}
}
