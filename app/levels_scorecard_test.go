package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/calc/bonus"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// TestScorecardOwnership: ann heads team 1 (bob). Her scorecard changes
// for bob inside the guardrails apply from their period on, and bob's
// scorecard and statement follow; outside they wait for the next level
// up; a mandatory KPI cannot be switched off or weighted below its
// minimum; team 2 is not hers; earlier periods keep their scoring.
func TestScorecardOwnership(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a, root := apptest.SmallOn(t, db)
		ctx := context.Background()
		if _, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.OwnershipYAML())}); err != nil {
			t.Fatal(err)
		}
		ann := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:ann", Role: kpi.RoleMember, EmployeeID: "ann"}
		d := decimal.RequireFromString
		on, off := true, false
		w := func(s string) *decimal.Decimal { v := d(s); return &v }
		set := func(who kpi.Actor, emp, unit string, dry bool, items ...app.ItemChange) (*app.ScorecardLevelResult, error) {
			return a.SetScorecardLevels(ctx, who, app.ScorecardLevelRequest{Employee: emp, Unit: unit, From: "2025-06", Items: items, Reason: "test", DryRun: dry})
		}
		total := func(emp, period string) (string, int) {
			t.Helper()
			c, err := a.Scorecard(ctx, root, app.ScorecardRequest{Employee: emp, Period: period})
			if err != nil {
				t.Fatal(err)
			}
			return c.Total.String(), len(c.Items)
		}
		payout := func() string {
			t.Helper()
			st, err := a.Statement(ctx, root, app.StatementRef{Employee: "bob", Period: "2025-06"})
			if err != nil {
				t.Fatal(err)
			}
			return st.Payout.String()
		}
		// Bob in June 2025: won 3 of 4 (below the threshold 3.2: 0), won
		// value 300 of 400 (below 320: 0), days to close 2 (the target:
		// 100): (40 × 0 + 30 × 0 + 30 × 100) / 100 = 30; the optional deals
		// item is not scored. The bonus pays 1,000 × 30 / 100.
		if got, n := total("bob", "2025-06"); got != "30" || n != 3 {
			t.Fatalf("bob before: total %s of %d items, want 30 of 3", got, n)
		}
		if got := payout(); got != "300" {
			t.Fatalf("payout before = %s, want 300", got)
		}

		// Inside: deals on (bob has 4 deals, its target: 100) and won
		// value 30 → 20 (range 20–40): (0 + 0 + 30 × 100 + 10 × 100) / 100.
		inside := []app.ItemChange{{KPI: "deals", On: &on}, {KPI: "won_value", Weight: w("20")}}
		res, err := set(ann, "bob", "", true, inside...)
		if err != nil || res.Change.Status != kpi.LevelApplied || len(res.Effect) != 1 ||
			res.Effect[0].Before.String() != "30" || res.Effect[0].After.String() != "40" {
			t.Fatalf("dry run: %+v %+v %v", res, res.Effect, err)
		}
		if got, _ := total("bob", "2025-06"); got != "30" {
			t.Fatalf("a dry run changed the total to %s", got)
		}
		if res, err = set(ann, "bob", "", false, inside...); err != nil || res.Change.Status != kpi.LevelApplied {
			t.Fatalf("inside: %+v %v", res, err)
		}
		if got, n := total("bob", "2025-06"); got != "40" || n != 4 {
			t.Errorf("bob after: total %s of %d items, want 40 of 4", got, n)
		}
		if c, err := a.Scorecard(ctx, root, app.ScorecardRequest{Employee: "bob", Period: "2025-06"}); err != nil || !strings.Contains(c.SetBy, "deals on") {
			t.Errorf("bob's card says it is set by %q (%v), want ann's change", c.SetBy, err)
		}
		if got := payout(); got != "400" {
			t.Errorf("payout after = %s, want 400", got)
		}
		// A what-if on the switched-on KPI: 6 deals reach its stretch
		// (150), so (3000 + 10 × 150) / 100 = 45 pays 450.
		six := d("6")
		if wi, err := a.WhatIf(ctx, root, app.StatementRef{Employee: "bob", Period: "2025-06"}, []bonus.Change{{KPI: "deals", Set: &six}}); err != nil || wi.Payout.String() != "450" {
			t.Errorf("what-if 6 deals: %+v %v, want a payout of 450", wi, err)
		}
		// May keeps the company's template; cy (team 2) is not touched.
		if _, n := total("bob", "2025-05"); n != 3 {
			t.Errorf("bob in May: %d items, want the template's 3", n)
		}
		if _, n := total("cy", "2025-06"); n != 3 {
			t.Errorf("cy: %d items, want the template's 3", n)
		}

		// Outside: won's threshold 80 → 70 % is a change of 12.5 % (more
		// than 10): it waits; approved, won scores 50 + 50 × (3 − 2.8) /
		// (4 − 2.8) = 58.33, so the total is (40 × 58.33 + 3000 + 1000) / 100.
		res, err = set(ann, "bob", "", false, app.ItemChange{KPI: "won", Threshold: w("70")})
		if err != nil || res.Change.Status != kpi.LevelPending || !strings.Contains(res.Change.Why, "won threshold") {
			t.Fatalf("threshold outside: %+v %v", res, err)
		}
		if got, _ := total("bob", "2025-06"); got != "40" {
			t.Errorf("a pending change moved the total to %s", got)
		}
		if _, err := a.DecideLevel(ctx, ann, res.Change.ID, true); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("ann approves her own: %v", err)
		}
		if c, err := a.DecideLevel(ctx, root, res.Change.ID, true); err != nil || c.Status != kpi.LevelApproved {
			t.Fatalf("approve: %+v %v", c, err)
		}
		want := d("40").Mul(d("58.33")).Add(d("4000")).Div(d("100")).Round(2).String()
		if got, _ := total("bob", "2025-06"); got != want {
			t.Errorf("after approval: total %s, want %s", got, want)
		}
		// Below the floor (80 % of 80 = 64): refused.
		if _, err := set(ann, "bob", "", false, app.ItemChange{KPI: "won", Threshold: w("60")}); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("threshold below the floor: %v, want invalid", err)
		}

		// Weights: won value 45 is outside its 20–40 and days has no range:
		// waits. Won (mandatory) at 20 is below its 30: refused, as is won
		// switched off. Weights that do not add up to 100: invalid.
		res, err = set(ann, "bob", "", false, app.ItemChange{KPI: "won_value", Weight: w("45")}, app.ItemChange{KPI: "days", Weight: w("5")})
		if err != nil || res.Change.Status != kpi.LevelPending || !strings.Contains(res.Change.Why, "20–40") {
			t.Fatalf("weight outside the range: %+v %v", res, err)
		}
		waiting := res.Change.ID
		if _, err := set(ann, "bob", "", false, app.ItemChange{KPI: "won", Weight: w("20")}, app.ItemChange{KPI: "won_value", Weight: w("40")}); kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), "mandatory") {
			t.Errorf("mandatory below its minimum: %v", err)
		}
		if _, err := set(ann, "bob", "", false, app.ItemChange{KPI: "won", On: &off}, app.ItemChange{KPI: "days", Weight: w("70")}); kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), "mandatory") {
			t.Errorf("mandatory switched off: %v", err)
		}
		if _, err := set(ann, "bob", "", false, app.ItemChange{KPI: "won_value", Weight: w("25")}); kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), "100") {
			t.Errorf("weights adding up to 105: %v", err)
		}
		// Another team's, for weights and optional KPIs alike: forbidden.
		if _, err := set(ann, "", "t2", false, app.ItemChange{KPI: "deals", On: &on}, app.ItemChange{KPI: "won_value", Weight: w("20")}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("team 2's scorecard: %v, want forbidden", err)
		}
		// An admin's change for team 2 holds for cy, who has none of his own.
		if _, err := set(root, "", "t2", false, inside...); err != nil {
			t.Fatal(err)
		}
		// Cy: won 2 of 2 (100), won value 500 of 200 (over the stretch:
		// 150), days 2 (100), deals 2 (the threshold: 50):
		// (40 × 100 + 20 × 150 + 30 × 100 + 10 × 50) / 100.
		if got, n := total("cy", "2025-06"); got != "105" || n != 4 {
			t.Errorf("cy after team 2's change: total %s of %d items, want 105 of 4", got, n)
		}
		// Cy moves to team 1 from July: June keeps team 2's scorecard,
		// July has the company's (team 1 has no change of its own).
		if _, n := total("cy", "2025-07"); n != 4 {
			t.Errorf("cy in July, still in team 2: %d items, want 4", n)
		}
		t1, july := "t1", kpi.Date(0)
		if july, err = kpi.ParseDate("2025-07-01"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.UpdateEmployee(ctx, root, "cy", kpi.EmployeeUpdate{UnitID: &t1, UnitFrom: &july}); err != nil {
			t.Fatal(err)
		}
		if got, n := total("cy", "2025-06"); got != "105" || n != 4 {
			t.Errorf("cy in June after moving in July: total %s of %d items, want 105 of 4", got, n)
		}
		if _, n := total("cy", "2025-07"); n != 3 {
			t.Errorf("cy in July in team 1: %d items, want the template's 3", n)
		}
		// The history says what applied when.
		v, err := a.ScorecardLevelsOf(ctx, ann, "bob", "", "2025-06", "")
		if err != nil || v.Change == nil || len(v.History) != 3 || v.Template.Name != "rep" {
			t.Errorf("levels of bob: %+v %v", v, err)
		}
		// A locked period is not changed after the fact.
		if _, err := a.LockPeriod(ctx, root, "2025-06", "closed", true); err != nil {
			t.Fatal(err)
		}
		if _, err := set(ann, "bob", "", false, app.ItemChange{KPI: "won_value", Weight: w("30")}, app.ItemChange{KPI: "deals", On: &off}); kpi.ErrorCode(err) != kpi.ECONFLICT {
			t.Errorf("into a locked period: %v, want conflict", err)
		}
		if _, err := a.DecideLevel(ctx, root, waiting, true); kpi.ErrorCode(err) != kpi.ECONFLICT {
			t.Errorf("approving a change that would reach into a locked period: %v, want conflict", err)
		}
	})
}
