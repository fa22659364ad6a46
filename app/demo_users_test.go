package app_test

import (
	"context"
	"testing"
	"time"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestDemoUsers signs in to the demo as the people it prints: the admin,
// finance, the head of sales, a team lead and a sales manager, each with
// the demo password, and checks what each may see.
func TestDemoUsers(t *testing.T) {
	w := apptest.Demo(t)
	ctx := context.Background()
	u := w.Report.Users
	if u == nil || u.Password != app.DemoPassword || u.Admin != "admin@northwind.example" || u.Finance != "finance@northwind.example" ||
		u.Head == "" || u.Lead == "" || u.Member == "" {
		t.Fatalf("demo users = %+v", u)
	}
	users, err := w.App.Users(ctx, w.Report.Actor)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != w.Report.Employees+2 {
		t.Errorf("%d users for %d employees and admin and finance", len(users), w.Report.Employees)
	}
	as := func(email string) kpi.Actor {
		t.Helper()
		in, err := w.App.SignIn(ctx, app.SignInRequest{Workspace: app.DemoWorkspace, Email: email, Password: app.DemoPassword})
		if err != nil {
			t.Fatalf("sign in as %s: %v", email, err)
		}
		return in.Actor
	}
	loc, _ := w.Report.Workspace.Location()
	month := kpi.PeriodOf(kpi.Month, kpi.DateOf(time.Now(), loc)).Label()
	payouts := func(who kpi.Actor) error { _, err := w.App.Payouts(ctx, who, month); return err }
	if admin := as(u.Admin); admin.Role != kpi.RoleAdmin || payouts(admin) != nil {
		t.Errorf("admin = %+v", admin)
	}
	if fin := as(u.Finance); fin.Role != kpi.RoleFinance || payouts(fin) != nil {
		t.Errorf("finance = %+v", fin)
	}
	lead, member := as(u.Lead), as(u.Member)
	if lead.Role != kpi.RoleMember || lead.EmployeeID == "" || kpi.ErrorCode(payouts(lead)) != kpi.EFORBIDDEN {
		t.Errorf("lead = %+v", lead)
	}
	// The lead sees a member of their team; the member sees only themself.
	emps, err := w.App.Employees(ctx, w.Report.Actor, kpi.EmployeeFilter{ManagerID: lead.EmployeeID})
	if err != nil || len(emps) == 0 {
		t.Fatalf("the lead's team: %v, %v", emps, err)
	}
	if _, err := w.App.Scorecard(ctx, lead, app.ScorecardRequest{Employee: emps[0].ID, Period: month}); err != nil {
		t.Errorf("the lead reads %s's scorecard: %v", emps[0].ID, err)
	}
	if _, err := w.App.Scorecard(ctx, member, app.ScorecardRequest{Employee: member.EmployeeID, Period: month}); err != nil {
		t.Errorf("a member reads their own scorecard: %v", err)
	}
	if other := emps[0].ID; other != member.EmployeeID {
		_, err := w.App.Scorecard(ctx, member, app.ScorecardRequest{Employee: other, Period: month})
		if kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("a member reads %s's scorecard: %v", other, err)
		}
	}
	// This load made them all.
	if u.Created != len(users) {
		t.Errorf("the first load made %d users, there are %d", u.Created, len(users))
	}
}
