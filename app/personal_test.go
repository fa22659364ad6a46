package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestPersonalData exports everything about bob, then pseudonymises him
// once he has left and the retention period is over: his numbers stay,
// what identifies him goes.
func TestPersonalData(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	yaml := apptest.SmallYAML + withPlan + "  retention_months: 12\n"
	if _, err := a.Apply(ctx, admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(yaml)}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateUser(ctx, admin, app.UserRequest{Email: "bob@small.example", EmployeeID: "bob"}); err != nil {
		t.Fatal(err)
	}
	sys := admin
	sys.System = true
	if _, err := a.StepStatement(ctx, sys, app.StatementRef{Employee: "bob", Period: "2025-06"}, app.Approve); err != nil {
		t.Fatal(err)
	}

	f, err := a.PersonalDataFile(ctx, admin, "bob")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Save(&buf); err != nil {
		t.Fatal(err)
	}
	var d app.PersonalData
	if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if d.Employee.Name != "Bob" || len(d.Users) != 1 || len(d.Records["deals"]) != 4 || len(d.Targets) != 2 || len(d.Statements) != 1 || len(d.Audit) == 0 {
		t.Errorf("export: %d users, %d deals, %d targets, %d statements, %d audit entries", len(d.Users), len(d.Records["deals"]), len(d.Targets), len(d.Statements), len(d.Audit))
	}
	member := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:bob", EmployeeID: "bob", Role: kpi.RoleMember}
	if _, err := a.PersonalDataFile(ctx, member, "bob"); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("a member exports: %v", err)
	}

	before, err := a.Payouts(ctx, admin, "2025-06")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Pseudonymise(ctx, admin, "bob"); kpi.ErrorCode(err) != kpi.ECONFLICT {
		t.Errorf("pseudonymised before leaving: %v", err)
	}
	recent := kpi.NewDate(2026, 11, 30)
	if _, err := a.UpdateEmployee(ctx, admin, "bob", kpi.EmployeeUpdate{LeftOn: func() **kpi.Date { p := &recent; return &p }()}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Pseudonymise(ctx, admin, "bob"); kpi.ErrorCode(err) != kpi.ECONFLICT || !strings.Contains(kpi.ErrorMessage(err), "12 months") {
		t.Errorf("pseudonymised inside the retention period: %v", err)
	}
	long := kpi.NewDate(2025, 7, 31)
	if _, err := a.UpdateEmployee(ctx, admin, "bob", kpi.EmployeeUpdate{LeftOn: func() **kpi.Date { p := &long; return &p }()}); err != nil {
		t.Fatal(err)
	}
	alias, err := a.Pseudonymise(ctx, admin, "bob")
	if err != nil {
		t.Fatal(err)
	}
	e, err := a.Employee(ctx, admin, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != alias || e.Email != "" || !strings.HasPrefix(alias, "Former employee ") {
		t.Errorf("after: %+v", e)
	}
	st, err := a.Statement(ctx, admin, app.StatementRef{Employee: "bob", Period: "2025-06"})
	if err != nil || st.Employee.Name != alias {
		t.Errorf("statement after: %v %+v", err, st)
	}
	after, err := a.Payouts(ctx, admin, "2025-06")
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if before[i].Payout.String() != after[i].Payout.String() {
			t.Errorf("payout of %s moved: %s → %s", before[i].EmployeeID, before[i].Payout, after[i].Payout)
		}
	}
	if _, err := a.SignIn(ctx, app.SignInRequest{Workspace: "small", Email: "bob@small.example", Password: "anything long"}); kpi.ErrorCode(err) != kpi.EUNAUTHORIZED {
		t.Errorf("the pseudonymised user signs in: %v", err)
	}
}
