package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// smallStrategy cascades a company objective to the sales department,
// measured by won deals (target 10, weight 2) and days to close (lower is
// better, target 2, weight 1) in June 2025; the rep scorecard's won value
// item serves the company objective. A second objective is measured by nothing and carried by
// nobody.
const smallStrategy = `
objectives:
  - id: grow
    title: Grow
    period: 2025-06
    measures:
      - {kpi: won_value, target: 1000, weight: 1}
  - id: grow-sales
    title: Sales wins more, faster
    period: 2025-06
    unit: sales
    parent: grow
    measures:
      - {kpi: won, target: 10, weight: 2}
      - {kpi: days, target: 2, weight: 1}
  - id: loose
    title: Nobody's
    period: 2025-06
functions:
  sales: sales
guardrails:
  - {kpi: "", max_change: 10, floor: 80}
`

func strategyYAML() string {
	doc := strings.Replace(apptest.SmallYAML, "{kpi: won_value, weight: 30, basis: plan, threshold: 80, stretch: 120}",
		"{kpi: won_value, weight: 30, basis: plan, threshold: 80, stretch: 120, objective: grow}", 1)
	return doc + smallStrategy
}

func TestStrategyRollup(t *testing.T) {
	a, root := apptest.Small(t)
	ctx := context.Background()
	doc := strategyYAML()
	// A dry run says what would change and stores nothing.
	res, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(doc), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if objs, _ := a.Objectives(ctx, root); len(objs) != 0 || !slices.Contains(res.Changes, kpi.Change{Action: "create", Kind: "objective", Name: "grow"}) {
		t.Errorf("dry run: stored %d objectives, changes %+v", len(objs), res.Changes)
	}
	res, err = a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(doc)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) < 4 {
		t.Errorf("changes = %+v, want the objectives, the function and the guardrails", res.Changes)
	}
	v, err := a.Strategy(ctx, root, "2025-06")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Objectives) != 3 {
		t.Fatalf("%d objectives, want 3", len(v.Objectives))
	}
	var sales *app.ObjectiveView
	for _, o := range v.Objectives {
		if o.Objective.ID == "grow-sales" {
			sales = o
		}
	}
	if sales == nil || sales.Progress == nil || sales.Depth != 1 {
		t.Fatalf("grow-sales: %+v", sales)
	}
	// The sales department won 5 deals (bob 3, cy 2): 50 % of 10; their
	// median days to close is 2 (of 1, 2, 3, 1.5, 2.5): 100 % of 2. The
	// month is over, so pace is progress: (2 × 50 + 1 × 100) / 3.
	want := decimal.NewFromInt(2*50 + 100).Div(decimal.NewFromInt(3)).Round(2)
	if !sales.Progress.Progress.Equal(want) || !sales.Progress.Pace.Equal(want) {
		t.Errorf("progress %s, pace %s, want %s", sales.Progress.Progress, sales.Progress.Pace, want)
	}
	// Of the two reps in sales (ann, a team lead, has no scorecard), bob
	// contributes most: won 3 × 2 / 5 → 120, days 2 / 2 → 100:
	// (2 × 120 + 100) / 3; cy: won 2 × 2 / 5 → 80, days 2 / 2 → 100.
	if len(sales.Most) != 2 || sales.Most[0].Subject.ID != "bob" || sales.Most[0].Index.String() != "113.3" || sales.Most[1].Index.String() != "86.7" {
		t.Errorf("most = %+v, want bob at 113.3, then cy at 86.7", sales.Most)
	}
	kinds := map[string]string{}
	for _, g := range v.Gaps {
		kinds[g.Objective+" "+g.Kind] = g.Text
	}
	for _, k := range []string{"loose unmeasured", "loose uncarried", "grow-sales unserved"} {
		if kinds[k] == "" {
			t.Errorf("no gap %q in %v", k, v.Gaps)
		}
	}
	if kinds["grow uncarried"] != "" {
		t.Errorf("grow is carried by grow-sales, yet: %s", kinds["grow uncarried"])
	}
	// A rep sees the objectives but not the department's numbers.
	bob := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:bob", Role: kpi.RoleMember, EmployeeID: "bob"}
	bv, err := a.Strategy(ctx, bob, "2025-06")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range bv.Objectives {
		if !o.Hidden || o.Progress != nil {
			t.Errorf("bob sees the numbers of %s", o.Objective.ID)
		}
	}
	// Unknown objective named by a scorecard item: a clear error.
	_, err = a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(strings.Replace(doc, "objective: grow}", "objective: nope}", 1))})
	if kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("item naming no objective: %v, want invalid", err)
	}
}

// TestLevelGuardrails: ann heads team 1. Her change of bob's target inside
// the guardrail is applied; a bigger one waits for the next level up; one
// below the floor is refused; team 2's target is not hers to change.
func TestLevelGuardrails(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a, root := apptest.SmallOn(t, db)
		ctx := context.Background()
		if _, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(strategyYAML())}); err != nil {
			t.Fatal(err)
		}
		ann := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:ann", Role: kpi.RoleMember, EmployeeID: "ann"}
		set := func(who kpi.Actor, emp, unit, value string) (*kpi.LevelChange, error) {
			return a.SetLevel(ctx, who, app.LevelRequest{KPI: "won", Employee: emp, Unit: unit, Period: "2025-06", Value: decimal.RequireFromString(value), Reason: "test"})
		}
		target := func() string {
			ts, err := a.Targets(ctx, root, app.TargetQuery{KPIs: []string{"won"}, Employees: []string{"bob"}, Period: "2025-06"})
			if err != nil || len(ts) != 1 {
				t.Fatalf("targets: %v %v", ts, err)
			}
			return ts[0].Value.String()
		}
		if c, err := a.SetLevel(ctx, ann, app.LevelRequest{KPI: "won", Employee: "bob", Period: "2025-06", Value: decimal.RequireFromString("5"), DryRun: true}); err != nil ||
			c.Status != kpi.LevelPending || target() != "4" {
			t.Fatalf("dry run: %+v %v, target %s", c, err, target())
		}
		c, err := set(ann, "bob", "", "4.4") // +10 % of 4
		if err != nil || c.Status != kpi.LevelApplied || target() != "4.4" {
			t.Fatalf("inside: %+v %v, target %s", c, err, target())
		}
		c, err = set(ann, "bob", "", "5") // +25 % of the company value 4
		if err != nil || c.Status != kpi.LevelPending || target() != "4.4" {
			t.Fatalf("above max change: %+v %v, target %s", c, err, target())
		}
		if _, err := set(ann, "bob", "", "3"); kpi.ErrorCode(err) != kpi.EINVALID { // below 80 % of 4
			t.Errorf("below the floor: %v, want invalid", err)
		}
		if _, err := set(ann, "", "t2", "3"); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("another team: %v, want forbidden", err)
		}
		if _, err := a.DecideLevel(ctx, ann, c.ID, true); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("ann approves her own: %v, want forbidden", err)
		}
		if d, err := a.DecideLevel(ctx, root, c.ID, true); err != nil || d.Status != kpi.LevelApproved || target() != "5" {
			t.Errorf("approved: %+v %v, target %s", d, err, target())
		}
		pending, err := a.LevelChanges(ctx, ann, kpi.LevelPending)
		if err != nil || len(pending) != 0 {
			t.Errorf("pending after approval: %v %v", pending, err)
		}
	})
}

func TestTasks(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a, root := apptest.SmallOn(t, db)
		ctx := context.Background()
		if _, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(strategyYAML())}); err != nil {
			t.Fatal(err)
		}
		ann := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:ann", Role: kpi.RoleMember, EmployeeID: "ann"}
		bob := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:bob", Role: kpi.RoleMember, EmployeeID: "bob"}
		if _, err := a.CreateTask(ctx, bob, app.TaskRequest{Employee: "bob", Title: "Mine", Due: "2025-06-30"}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("bob sets himself a task: %v, want forbidden", err)
		}
		if _, err := a.CreateTask(ctx, ann, app.TaskRequest{Employee: "bob", Title: "", Due: "30.06.2025"}); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("bad task: %v, want invalid", err)
		}
		tk, err := a.CreateTask(ctx, ann, app.TaskRequest{Employee: "bob", Objective: "grow-sales", Title: "Call ten key accounts", Due: "2099-06-30"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.ChangeTask(ctx, bob, tk.ID, app.TaskChange{Status: kpi.TaskConfirmed}); err == nil {
			t.Errorf("bob confirms before done: no error")
		}
		if tk, err = a.ChangeTask(ctx, bob, tk.ID, app.TaskChange{Status: kpi.TaskDone}); err != nil || !app.OnTime(tk) {
			t.Fatalf("bob marks done: %+v %v", tk, err)
		}
		if _, err := a.ChangeTask(ctx, bob, tk.ID, app.TaskChange{Status: kpi.TaskConfirmed}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("bob confirms his own: %v, want forbidden", err)
		}
		if tk, err = a.ChangeTask(ctx, ann, tk.ID, app.TaskChange{Status: kpi.TaskConfirmed}); err != nil || tk.Status != kpi.TaskConfirmed {
			t.Errorf("ann confirms: %+v %v", tk, err)
		}
		ts, err := a.Tasks(ctx, bob, "")
		if err != nil || len(ts) != 1 {
			t.Errorf("bob's tasks: %v %v", ts, err)
		}
		cy := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:cy", Role: kpi.RoleMember, EmployeeID: "cy"}
		if _, err := a.Tasks(ctx, cy, "bob"); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("cy reads bob's tasks: %v, want forbidden", err)
		}
		v, err := a.Strategy(ctx, root, "2025-06")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range v.Objectives {
			if o.Objective.ID == "grow-sales" && (o.Tasks != 1 || o.TasksDone != 1) {
				t.Errorf("grow-sales tasks %d done %d, want 1 and 1", o.Tasks, o.TasksDone)
			}
		}
	})
}

// taskDataset, taskKPI and taskScorecards add to SmallYAML the tasks
// dataset, a KPI of the tasks confirmed done on time, a rep scorecard
// scoring it and a plan paying 50 a task.
const (
	taskDataset = `  - name: tasks
    key: task_id
    owner: employee
    time_columns: [due]
    columns:
      - {name: task_id, type: string, required: true}
      - {name: employee, type: string, required: true}
      - {name: status, type: string}
      - {name: due, type: date}
      - {name: done_on, type: date}
      - {name: on_time, type: boolean}
`
	taskKPI        = "  - {name: tasks_on_time, unit: count, direction: higher, dataset: tasks, aggregation: count, filter: 'on_time && status == \"confirmed\"'}\n"
	taskScorecards = `scorecards:
  - name: rep
    position: rep
    items:
      - {kpi: won, weight: 40, basis: plan, threshold: 80, stretch: 120}
      - {kpi: won_value, weight: 30, basis: plan, threshold: 80, stretch: 120}
      - {kpi: tasks_on_time, weight: 30, basis: fixed, threshold: 1, target: 2, stretch: 3}
bonus_plans:
  - name: reps
    plan:
      currency: EUR
      components:
        - {id: tasks, kind: commission, kpi: tasks_on_time, rate: 5000}
    assign:
      - {position: rep}
`
)

// TestTaskKPI: a task confirmed done on time is a record of the tasks
// dataset, so a KPI counts it, a scorecard scores it and a bonus statement
// pays it.
func TestTaskKPI(t *testing.T) {
	a, root := apptest.Small(t)
	ctx := context.Background()
	doc := strings.Replace(apptest.SmallYAML, "kpis:\n", taskDataset+"kpis:\n"+taskKPI, 1)
	doc = doc[:strings.Index(doc, "scorecards:")] + taskScorecards + doc[strings.Index(doc, "targets:"):]
	if _, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(doc)}); err != nil {
		t.Fatal(err)
	}
	ann := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:ann", Role: kpi.RoleMember, EmployeeID: "ann"}
	bob := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:bob", Role: kpi.RoleMember, EmployeeID: "bob"}
	for _, due := range []string{"2025-06-20", "2025-06-27"} {
		tk, err := a.CreateTask(ctx, ann, app.TaskRequest{Employee: "bob", Title: "Visit a key account", Due: due})
		if err != nil {
			t.Fatal(err)
		}
		// Done on its due day, as if the clock said so.
		a.Now = func() time.Time { d, _ := kpi.ParseDate(due); return d.Time().Add(12 * time.Hour) }
		if _, err := a.ChangeTask(ctx, bob, tk.ID, app.TaskChange{Status: kpi.TaskDone}); err != nil {
			t.Fatal(err)
		}
		if due == "2025-06-20" { // only the first is confirmed
			if _, err := a.ChangeTask(ctx, ann, tk.ID, app.TaskChange{Status: kpi.TaskConfirmed}); err != nil {
				t.Fatal(err)
			}
		}
	}
	a.Now = nil
	card, err := a.Scorecard(ctx, root, app.ScorecardRequest{Employee: "bob", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range card.Items {
		if it.KPI == "tasks_on_time" {
			found = true
			if !it.Actual.Equal(decimal.NewFromInt(1)) {
				t.Errorf("tasks on time = %s, want 1 (one confirmed on time)", it.Actual)
			}
		}
	}
	if !found {
		t.Fatalf("no tasks_on_time item in %+v", card.Items)
	}
	st, err := a.Statement(ctx, root, app.StatementRef{Employee: "bob", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	// 5000 % of 1 task: 50.
	if !st.Payout.Equal(decimal.NewFromInt(50)) {
		t.Errorf("payout = %s, want 50 for one task on time", st.Payout)
	}
}
