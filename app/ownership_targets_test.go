package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// TestTargetsThroughGuardrails: a unit head's PUT of targets (SetTargets,
// what the targets page, the CLI and a target file use) meets the same
// guardrails as SetLevel. Bob's June won target is 4; the guardrail is
// 10 % and a floor of 80 %: 4.4 applies, 5 waits, 3 (below 3.2) is
// refused, and so is the whole batch it is in. An admin sets as asked.
func TestTargetsThroughGuardrails(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a, root := apptest.SmallOn(t, db)
		ctx := context.Background()
		if _, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(strategyYAML())}); err != nil {
			t.Fatal(err)
		}
		ann := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:ann", Role: kpi.RoleMember, EmployeeID: "ann"}
		june := kpi.PeriodOf(kpi.Month, kpi.NewDate(2025, 6, 1))
		in := func(kpiName, kind, id, value string) kpi.TargetInput {
			t := kpi.TargetInput{KPI: kpiName, Subject: kpi.Subject{Kind: kind, ID: id}, Period: june}
			if value != "" {
				v := decimal.RequireFromString(value)
				t.Value = &v
			}
			return t
		}
		target := func(kpiName, emp string) string {
			ts, err := a.Targets(ctx, root, app.TargetQuery{KPIs: []string{kpiName}, Employees: []string{emp}, Period: "2025-06"})
			if err != nil || len(ts) != 1 {
				t.Fatalf("targets: %v %v", ts, err)
			}
			return ts[0].Value.String()
		}
		levels := func(status string) int {
			cs, err := a.LevelChanges(ctx, root, status)
			if err != nil {
				t.Fatal(err)
			}
			return len(cs)
		}

		// Inside: applied, kept as a level change, the history says by whom.
		res, err := a.ChangeTargets(ctx, ann, []kpi.TargetInput{in("won", kpi.SubjectEmployee, "bob", "4.4")}, "key account")
		if err != nil || len(res.Targets) != 1 || len(res.Levels) != 1 || res.Levels[0].Status != kpi.LevelApplied || res.Pending() != 0 || target("won", "bob") != "4.4" {
			t.Fatalf("inside: %+v %v, target %s", res, err, target("won", "bob"))
		}
		if c := res.Levels[0]; c.Baseline == nil || c.Baseline.String() != "4" || c.Old.String() != "4" || c.ID == 0 {
			t.Errorf("level change: %+v, want company value and old 4", c)
		}
		hist, err := a.TargetHistory(ctx, root, app.TargetQuery{KPIs: []string{"won"}, Employees: []string{"bob"}, Period: "2025-06"})
		if err != nil || len(hist) == 0 || !strings.Contains(hist[0].Reason+hist[len(hist)-1].Reason, "level change by the unit head: key account") {
			t.Errorf("history: %+v %v", hist, err)
		}

		// Above max change (25 % of the company value 4, not of 4.4): waits;
		// the target stays, SetTargets returns nothing stored for it.
		ts, err := a.SetTargets(ctx, ann, []kpi.TargetInput{in("won", kpi.SubjectEmployee, "bob", "5")}, "more")
		if err != nil || len(ts) != 0 || target("won", "bob") != "4.4" || levels(kpi.LevelPending) != 1 {
			t.Fatalf("above: %+v %v, target %s, pending %d", ts, err, target("won", "bob"), levels(kpi.LevelPending))
		}

		// Two in one: one applied, one waiting.
		res, err = a.ChangeTargets(ctx, ann, []kpi.TargetInput{in("won_value", kpi.SubjectEmployee, "bob", "420"), in("won", kpi.SubjectEmployee, "cy", "3")}, "mixed")
		if err != nil || len(res.Targets) != 1 || res.Pending() != 1 || target("won_value", "bob") != "420" || target("won", "cy") != "2" {
			t.Fatalf("mixed: %+v %v", res, err)
		}

		// Below the floor: refused, and the batch with it; nothing changes.
		before := levels("")
		_, err = a.SetTargets(ctx, ann, []kpi.TargetInput{in("won_value", kpi.SubjectEmployee, "bob", "410"), in("won", kpi.SubjectEmployee, "bob", "3")}, "less")
		if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), "3.2") {
			t.Errorf("below the floor: %v, want invalid naming 3.2", err)
		}
		if target("won_value", "bob") != "420" || target("won", "bob") != "4.4" || levels("") != before {
			t.Errorf("a refused batch changed something: %s %s, %d level changes (was %d)", target("won_value", "bob"), target("won", "bob"), levels(""), before)
		}

		// Deleting, another unit, her own: refused.
		if _, err := a.SetTargets(ctx, ann, []kpi.TargetInput{in("won", kpi.SubjectEmployee, "bob", "")}, "gone"); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("a head deletes a target: %v, want forbidden", err)
		}
		if _, err := a.SetTargets(ctx, ann, []kpi.TargetInput{in("won", kpi.SubjectUnit, "t2", "5")}, "not mine"); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("another team: %v, want forbidden", err)
		}

		// Proposals applied by a head go the same way: bob's July median
		// has no company value yet, so it waits.
		props, err := a.ProposeTargets(ctx, ann, app.ProposeRequest{KPI: "won", Period: "2025-07", Method: "median", Employees: []string{"bob"}, Apply: true, Reason: "from history"})
		if err != nil || props.Stored != 0 || len(props.Levels) != 1 || props.Levels[0].Status != kpi.LevelPending {
			t.Errorf("proposals applied by a head: %+v %v", props, err)
		}

		// An admin: as asked, below the floor too, no level change.
		before = levels("")
		if ts, err := a.SetTargets(ctx, root, []kpi.TargetInput{in("won", kpi.SubjectEmployee, "bob", "3")}, "admin"); err != nil || len(ts) != 1 || target("won", "bob") != "3" || levels("") != before {
			t.Errorf("admin: %+v %v, target %s", ts, err, target("won", "bob"))
		}

		// The change PUT waiting is the one the next level up approves.
		pending, err := a.LevelChanges(ctx, root, kpi.LevelPending)
		if err != nil {
			t.Fatal(err)
		}
		var five *kpi.LevelChange
		for _, c := range pending {
			if c.KPI == "won" && c.Subject.ID == "bob" && c.Period == june {
				five = c
			}
		}
		if five == nil || five.New.String() != "5" || five.Reason != "more" {
			t.Fatalf("bob's waiting change: %+v in %+v", five, pending)
		}
		if _, err := a.DecideLevel(ctx, ann, five.ID, true); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("ann approves her own: %v, want forbidden", err)
		}
		if d, err := a.DecideLevel(ctx, root, five.ID, true); err != nil || d.Status != kpi.LevelApproved || target("won", "bob") != "5" {
			t.Errorf("approved: %+v %v, target %s", d, err, target("won", "bob"))
		}
	})
}
