package app_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestPolicy asks, as each kind of person of the small workspace, for what
// they may and may not see and change. Ann heads team t1 (herself and Bob)
// and manages Bob and Cy (in t2); Bob and Cy are reps.
func TestPolicy(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	as := func(employee string, role kpi.Role) kpi.Actor {
		return kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:" + employee, EmployeeID: employee, Role: role}
	}
	ann, bob, cy := as("ann", kpi.RoleMember), as("bob", kpi.RoleMember), as("cy", kpi.RoleMember)
	finance := as("", kpi.RoleFinance)
	card := func(who kpi.Actor, employee, unit string) error {
		_, err := a.Scorecard(ctx, who, app.ScorecardRequest{Employee: employee, Unit: unit, Period: "2025-06"})
		return err
	}
	ten := decimal.NewFromInt(10)
	target := func(who kpi.Actor, employee string) error {
		_, err := a.SetTargets(ctx, who, []kpi.TargetInput{{KPI: "won", Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: employee},
			Period: kpi.PeriodOf(kpi.Month, kpi.NewDate(2025, 6, 1)), Value: &ten}}, "policy test")
		return err
	}
	approve := func(who kpi.Actor, employee string) error {
		_, err := a.StepStatement(ctx, who, app.StatementRef{Employee: employee, Period: "2025-06"}, app.Approve)
		return err
	}
	tests := []struct {
		name    string
		err     error
		allowed bool
	}{
		{"bob reads his own scorecard", card(bob, "bob", ""), true},
		{"bob reads cy's scorecard", card(bob, "cy", ""), false},
		{"bob reads his team's scorecard", card(bob, "", "t1"), false},
		{"ann reads bob's scorecard (her team)", card(ann, "bob", ""), true},
		{"ann reads cy's scorecard (reports to her)", card(ann, "cy", ""), true},
		{"ann reads team t1's scorecard (she heads it)", card(ann, "", "t1"), true},
		{"ann reads team t2's scorecard", card(ann, "", "t2"), false},
		{"finance reads cy's scorecard", card(finance, "cy", ""), true},
		{"finance sets a target", target(finance, "bob"), false},
		{"ann sets bob's target", target(ann, "bob"), true},
		{"ann sets her own target", target(ann, "ann"), false},
		{"bob sets his own target", target(bob, "bob"), false},
		{"bob approves his own statement", approve(bob, "bob"), false},
		{"an admin who is ann approves ann's statement", approve(as("ann", kpi.RoleAdmin), "ann"), false},
		{"cy approves bob's statement", approve(cy, "bob"), false},
	}
	for _, tt := range tests {
		if denied := kpi.ErrorCode(tt.err) == kpi.EFORBIDDEN; denied == tt.allowed {
			t.Errorf("%s: err = %v, want allowed %v", tt.name, tt.err, tt.allowed)
		}
	}

	t.Run("EveryoneMeansWhomYouMaySee", func(t *testing.T) {
		vals, err := a.Values(ctx, bob, app.ValuesRequest{Period: "2025-06"})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if v.Subject.ID != "bob" {
				t.Errorf("bob sees %s's value %s", v.Subject, v.KPI)
			}
		}
		if len(vals) == 0 {
			t.Error("bob sees none of his own values")
		}
		vals, err = a.Values(ctx, ann, app.ValuesRequest{Period: "2025-06", KPIs: []string{"won"}})
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		for _, v := range vals {
			seen = append(seen, v.Subject.String())
		}
		if got, want := strings.Join(seen, " "), "employee:ann employee:bob employee:cy unit:t1"; got != want {
			t.Errorf("ann sees %s, want %s", got, want)
		}
	})
	t.Run("PayOnlyOfThoseYouMaySee", func(t *testing.T) {
		sal := decimal.NewFromInt(4000)
		if _, err := a.UpdateEmployee(ctx, admin, "cy", kpi.EmployeeUpdate{Salary: func() **decimal.Decimal { p := &sal; return &p }()}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  kpi.Actor
			sees bool
		}{{bob, false}, {cy, true}, {ann, true}, {finance, true}} {
			e, err := a.Employee(ctx, c.who, "cy")
			if err != nil {
				t.Fatal(err)
			}
			if (e.Salary != nil) != c.sees {
				t.Errorf("%s sees cy's salary: %v, want %v", c.who.Name, e.Salary != nil, c.sees)
			}
		}
	})
	t.Run("TokenScopes", func(t *testing.T) {
		tok := admin
		tok.Scopes = []string{"values:read", "records:write:deals"}
		if _, err := a.Values(ctx, tok, app.ValuesRequest{Period: "2025-06"}); err != nil {
			t.Errorf("values:read: %v", err)
		}
		if err := target(tok, "bob"); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("a token without targets:write set a target: %v", err)
		}
		_, err := a.ImportRecords(ctx, tok, app.ImportRequest{Dataset: "deals", File: "d.csv", Body: strings.NewReader(apptest.SmallDeals)})
		if err != nil {
			t.Errorf("records:write:deals importing deals: %v", err)
		}
		_, err = a.ImportRecords(ctx, tok, app.ImportRequest{Dataset: "orders", File: "o.csv", Body: strings.NewReader("")})
		if kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("records:write:deals importing orders: %v", err)
		}
	})
}

// TestPolicyDocumented holds the table of docs/security.md against the
// policy: a row per action, its words and who may take it.
func TestPolicyDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	for act, r := range app.Policy {
		yes := func(ok bool, notOwn bool) string {
			switch {
			case !ok:
				return "–"
			case notOwn:
				return "yes, not their own"
			}
			return "yes"
		}
		row := fmt.Sprintf("| `%s` | %s | %s | %s | %s | %s | %s |", act, r.Doc,
			yes(r.Everyone || slices.Contains(r.Roles, kpi.RoleAdmin), r.NotOwn),
			yes(r.Everyone || slices.Contains(r.Roles, kpi.RoleFinance), r.NotOwn),
			yes(r.Everyone || r.Self, false), yes(r.Everyone || r.Team, r.NotOwn), yes(r.Everyone, false))
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/security.md lacks the row\n%s", row)
		}
	}
}
