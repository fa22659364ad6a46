// Package apptest wires the use cases over a real store for tests: a fresh
// database per test, or the demo company loaded once per test binary and
// shared by the tests that only read it.
package apptest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"attain/app"
	"attain/engine"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// New returns the use cases over db; opts set up the engine (its limits).
func New(db *sqldb.DB, opts ...func(*engine.Engine)) *app.App {
	s := app.Services{
		Workspaces:  sqldb.NewWorkspaceService(db),
		Tokens:      sqldb.NewTokenService(db),
		Org:         sqldb.NewOrgService(db),
		Definitions: sqldb.NewDefinitionService(db),
		Records:     sqldb.NewRecordService(db),
		Audit:       sqldb.NewAuditService(db),
		Targets:     sqldb.NewTargetService(db),
		Statements:  sqldb.NewStatementService(db),
		ImportJobs:  sqldb.NewImportJobService(db),
		Users:       sqldb.NewUserService(db),
		Personal:    sqldb.NewPersonalDataService(db),
		Strategy:    sqldb.NewStrategyService(db),
		Sessions:    sqldb.NewSessionService(db),
		Throttle:    sqldb.NewSessionService(db),
		ResetLinks:  sqldb.NewUserService(db),
		Notify:      sqldb.NewNotifyService(db),
		Pilots:      sqldb.NewPilotService(db),
		Meetings:    sqldb.NewMeetingService(db),
		Awards:      sqldb.NewAwardService(db),
	}
	e := engine.New(engine.Services{Workspaces: s.Workspaces, Org: s.Org, Definitions: s.Definitions, Records: s.Records}, nil)
	for _, o := range opts {
		o(e)
	}
	s.Values = e
	return app.New(s, nil)
}

// DemoWorld is the demo loaded once: its store, its use cases and what
// loading it reported. Tests must not change it.
type DemoWorld struct {
	DB     *sqldb.DB
	App    *app.App
	Report *app.DemoReport
}

var demo struct {
	once  sync.Once
	world *DemoWorld
	err   error
}

// Demo returns the demo company, loaded on first use into an in-memory
// SQLite database that lives as long as the test binary.
func Demo(tb testing.TB) *DemoWorld {
	tb.Helper()
	if testing.Short() {
		tb.Skip("loads the demo")
	}
	demo.once.Do(func() {
		db, err := sqldb.Open(context.Background(), ":memory:", nil)
		if err != nil {
			demo.err = err
			return
		}
		a := New(db)
		rep, err := a.LoadDemo(context.Background(), 1)
		demo.world, demo.err = &DemoWorld{DB: db, App: a, Report: rep}, err
	})
	if demo.err != nil {
		tb.Fatalf("load the demo: %v", demo.err)
	}
	return demo.world
}

// Fresh returns the use cases over a fresh in-memory SQLite database.
func Fresh(tb testing.TB) (*app.App, *sqldb.DB) {
	tb.Helper()
	db := kpitest.MustOpenDB(tb)
	return New(db), db
}

// SmallYAML is the workspace Small applies: deals won or lost; won
// (count), won_value (sum), days (median, lower is better); the "rep"
// scorecard against each person's targets; June 2025's targets.
const SmallYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Won, Lost]}
      - {name: amount, type: money}
      - {name: closed_on, type: date}
      - {name: days, type: decimal, scale: 1}
kpis:
  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: won_value, unit: money, currency: EUR, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
  - {name: days, unit: duration, time_unit: days, direction: lower, dataset: deals, aggregation: median, expr: days, filter: 'stage == "Won"'}
scorecards:
  - name: rep
    position: rep
    items:
      - {kpi: won, weight: 40, basis: plan, threshold: 80, stretch: 120}
      - {kpi: won_value, weight: 30, basis: plan, threshold: 80, stretch: 120}
      - {kpi: days, weight: 30, basis: fixed, threshold: 3, target: 2, stretch: 1}
targets:
  - {kpi: won, period: 2025-06, employee: bob, value: 4}
  - {kpi: won_value, period: 2025-06, employee: bob, value: 400}
  - {kpi: won, period: 2025-06, employee: cy, value: 2}
  - {kpi: won_value, period: 2025-06, employee: cy, value: 200}
`

// SmallDeals are the deals of Small, as CSV: bob won 3 deals worth 300 in
// June 2025 and lost one; cy won 2 worth 500.
const SmallDeals = `id,rep,stage,amount,closed_on,days
d1,bob,Won,100,2025-06-02,1.0
d2,bob,Won,100,2025-06-10,2.0
d3,bob,Won,100,2025-06-20,3.0
d4,bob,Lost,50,2025-06-21,
d5,cy,Won,200,2025-06-05,1.5
d6,cy,Won,300,2025-06-25,2.5
`

// Small returns the use cases over a fresh database holding one small
// workspace, "small": co → sales → t1 (headed by ann; ann and bob) and t2
// (cy), bob and cy reporting to ann; SmallYAML applied and SmallDeals
// imported. It returns who acts there as an administrator would.
func Small(tb testing.TB) (*app.App, kpi.Actor) {
	tb.Helper()
	return SmallOn(tb, kpitest.MustOpenDB(tb))
}

// SmallOn is Small over db (SQLite or PostgreSQL).
func SmallOn(tb testing.TB, db *sqldb.DB) (*app.App, kpi.Actor) {
	tb.Helper()
	a := New(db)
	ctx := context.Background()
	ws := &kpi.Workspace{Slug: "small", Name: "Small", TimeZone: "Europe/Berlin"}
	if err := a.CreateWorkspace(ctx, ws); err != nil {
		tb.Fatal(err)
	}
	who := kpi.Actor{WorkspaceID: ws.ID, Name: "test", Role: kpi.RoleAdmin}
	units := []*kpi.OrgUnit{{ID: "co", Name: "Co", Kind: "company"}, {ID: "sales", Name: "Sales", Kind: "department", ParentID: "co"},
		{ID: "t1", Name: "Team 1", Kind: "team", ParentID: "sales", HeadID: "ann"}, {ID: "t2", Name: "Team 2", Kind: "team", ParentID: "sales"}}
	emps := []*kpi.Employee{{ID: "ann", Name: "Ann", UnitID: "t1", Position: "team lead"},
		{ID: "bob", Name: "Bob", UnitID: "t1", ManagerID: "ann", Position: "rep"},
		{ID: "cy", Name: "Cy", UnitID: "t2", ManagerID: "ann", Position: "rep"}}
	if _, err := a.ImportOrg(ctx, who, units, emps); err != nil {
		tb.Fatal(err)
	}
	if _, err := a.Apply(ctx, who, app.ApplyRequest{Source: "small.yaml", YAML: []byte(SmallYAML)}); err != nil {
		tb.Fatal(err)
	}
	if _, err := a.ImportRecords(ctx, who, app.ImportRequest{Dataset: "deals", File: "deals.csv", Body: strings.NewReader(SmallDeals)}); err != nil {
		tb.Fatal(err)
	}
	return a, who
}

// People adds to the small workspace the people every access test needs,
// each a user with an API token, and returns the tokens by name: admin,
// finance, auditor (no employees); bob and cy (reps), ann (heads t1, bob's
// and cy's manager) and dan (heads t2, which cy is in, but manages nobody
// of t1). It also adds zed (in t2) and an empty unit, to delete.
func People(tb testing.TB, a *app.App, root kpi.Actor) map[string]string {
	tb.Helper()
	ctx := context.Background()
	if _, err := a.ImportOrg(ctx, root, []*kpi.OrgUnit{{ID: "t2", Name: "Team 2", Kind: "team", ParentID: "sales", HeadID: "dan"}, {ID: "empty", Name: "Empty", ParentID: "co"}},
		[]*kpi.Employee{{ID: "dan", Name: "Dan", UnitID: "t2", Position: "team lead"}, {ID: "zed", Name: "Zed", UnitID: "t2"}}); err != nil {
		tb.Fatal(err)
	}
	tokens := map[string]string{}
	for _, p := range []struct {
		name, employee string
		role           kpi.Role
	}{{"admin", "", kpi.RoleAdmin}, {"finance", "", kpi.RoleFinance}, {"auditor", "", kpi.RoleAuditor},
		{"bob", "bob", kpi.RoleMember}, {"cy", "cy", kpi.RoleMember}, {"ann", "ann", kpi.RoleMember}, {"dan", "dan", kpi.RoleMember}} {
		u, err := a.CreateUser(ctx, root, app.UserRequest{Email: p.name + "@small.example", EmployeeID: p.employee, Role: p.role})
		if err != nil {
			tb.Fatal(err)
		}
		who := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:" + u.Email, UserID: u.ID, EmployeeID: p.employee, Role: p.role}
		tok, err := a.CreateToken(ctx, who, app.TokenRequest{Name: "people"})
		if err != nil {
			tb.Fatal(err)
		}
		tokens[p.name] = tok.Secret
	}
	return tokens
}

// OwnershipYAML is SmallYAML with an optional KPI on the rep scorecard (all
// deals, fixed levels 2/4/6), guardrails that make won mandatory (weight
// 30–50) and give won_value a range of 20–40 (days has none), and a bonus
// plan paying 1,000 × score / 100.
func OwnershipYAML() string {
	doc := strings.Replace(SmallYAML, "kpis:\n", "kpis:\n  - {name: deals, unit: count, direction: higher, dataset: deals, aggregation: count}\n", 1)
	doc = strings.Replace(doc, "      - {kpi: days, weight: 30, basis: fixed, threshold: 3, target: 2, stretch: 1}\n",
		"      - {kpi: days, weight: 30, basis: fixed, threshold: 3, target: 2, stretch: 1}\n      - {kpi: deals, weight: 10, basis: fixed, threshold: 2, target: 4, stretch: 6, optional: true}\n", 1)
	return doc + `
guardrails:
  - {kpi: "", max_change: 10, floor: 80}
  - {kpi: won, max_change: 10, floor: 80, mandatory: true, min_weight: 30, max_weight: 50}
  - {kpi: won_value, max_change: 10, floor: 80, min_weight: 20, max_weight: 40}
bonus_plans:
  - name: reps
    plan:
      currency: EUR
      components:
        - id: bonus
          kind: bonus
          target: 1000
          coefficient:
            of: score
            scale:
              - {from: 0, coefficient: 0, slope: 1}
    assign:
      - {position: rep}
`
}
