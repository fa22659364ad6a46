package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/bench/gen"
	"attain/kpi"
	"attain/sqldb"
)

// largePlan pays reps a target bonus of 1,000 EUR times a coefficient of
// their weighted score, and 1 % of their won value.
const largePlan = `{"name": "reps", "currency": "EUR", "components": [
	{"id": "bonus", "kind": "bonus", "target": 1000, "coefficient": {"of": "score", "curve": {"points": [[80, 0.5], [100, 1], [120, 1.5]]}}},
	{"id": "commission", "kind": "commission", "kpi": "won_value", "rate": 1}],
	"limits": {"period_cap": 100000}}`

// BenchmarkPagesLarge renders every main page on the generated workload of
// bench/gen (1,000 employees in 100 teams in 10 departments, deals over
// 2025) with ATTAIN_BENCH_PAGES_RECORDS records, e.g. 1000000; it is
// skipped without it. Every employee and unit has a target of won deals
// and won value for every month of 2025 (the month's actual times 0.8 to
// 1.25, by person; a unit's the sum of its people's), every employee the
// scorecard "rep" (won and won value against their targets, days to close
// against fixed levels) and the bonus plan largePlan, and the 100 people
// of the first department have locked statements for January to
// November. The clock is 15 December 2025, so December is the open month:
// /me of a rep of that department, /team, /heatmap and /health of the
// department for December (and /health for November, locked), the rep's
// page and December statement, the leaderboard, the targets grid and the
// admin's org page. Loading is not timed. Run it with
//
//	ATTAIN_BENCH_PAGES_RECORDS=1000000 go test ./web -run '^$' -bench PagesLarge -benchtime 10x -timeout 30m
func BenchmarkPagesLarge(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("ATTAIN_BENCH_PAGES_RECORDS"))
	if n <= 0 {
		b.Skip("set ATTAIN_BENCH_PAGES_RECORDS (e.g. 1000000) to run it")
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, filepath.Join(b.TempDir(), "attain.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	a := apptest.New(db)
	a.Now = func() time.Time { return time.Date(2025, 12, 15, 12, 0, 0, 0, time.UTC) }
	ws := &kpi.Workspace{Slug: "large", Name: "Large", TimeZone: "UTC"}
	if err := a.CreateWorkspace(ctx, ws); err != nil {
		b.Fatal(err)
	}
	root := kpi.Actor{WorkspaceID: ws.ID, Name: "bench", Role: kpi.RoleAdmin}
	wctx := kpi.NewContextWithWorkspace(ctx, ws.ID)
	c := gen.DefaultConfig(n)
	defs := gen.Definitions()
	d := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	defs.Scorecards = []*kpi.ScorecardTemplate{{Name: "rep", Position: "rep", Items: []kpi.ScorecardItem{
		{KPI: "won", Weight: d("40"), Basis: kpi.LevelsPlan, Threshold: d("80"), Stretch: d("120")},
		{KPI: "won_value", Weight: d("40"), Basis: kpi.LevelsPlan, Threshold: d("80"), Stretch: d("120")},
		{KPI: "days_to_close", Weight: d("20"), Basis: kpi.LevelsFixed, Threshold: d("60"), Target: d("45"), Stretch: d("30")},
	}}}
	defs.BonusPlans = []*kpi.BonusPlan{{Name: "reps", Plan: json.RawMessage(largePlan), Assign: []kpi.PlanAssignment{{Position: "rep"}}}}
	if _, err := sqldb.NewDefinitionService(db).ApplyDefinitions(wctx, defs, kpi.ApplyOptions{}); err != nil {
		b.Fatal(err)
	}
	org := gen.Org(c)
	for _, e := range org.Employees {
		e.Position, e.Currency = "rep", "EUR"
	}
	if _, err := a.ImportOrg(ctx, root, org.Units, org.Employees); err != nil {
		b.Fatal(err)
	}
	var batch []kpi.Record
	var batches [][]kpi.Record
	gen.Each(c, func(dl gen.Deal) {
		batch = append(batch, dl.Record())
		if len(batch) == 10000 {
			batches, batch = append(batches, batch), nil
		}
	})
	batches = append(batches, batch)
	next := 0
	if _, err := sqldb.NewRecordService(db).UpsertRecordBatches(wctx, "deals", func() ([]kpi.Record, error) {
		if next == len(batches) {
			return nil, io.EOF
		}
		next++
		return batches[next-1], nil
	}); err != nil {
		b.Fatal(err)
	}
	batches = nil
	start := time.Now()
	largeTargets(b, a, root, org)
	dept := gen.DeptID(0)
	largeStatements(b, a, root, org, dept)
	b.Logf("targets and statements: %s", time.Since(start).Round(time.Second))

	users := map[string]*kpi.User{}
	for _, u := range []app.UserRequest{{Email: "admin@large.example", Role: kpi.RoleAdmin},
		{Email: "rep@large.example", Role: kpi.RoleMember, EmployeeID: gen.EmployeeID(0)}} {
		made, err := a.CreateUser(ctx, root, u)
		if err != nil {
			b.Fatal(err)
		}
		users[u.Email] = made
	}
	token := func(email string) string {
		u := users[email]
		who := kpi.Actor{WorkspaceID: ws.ID, Name: "user:" + email, UserID: u.ID, EmployeeID: u.EmployeeID, Role: u.Role}
		tok, err := a.CreateToken(ctx, who, app.TokenRequest{Name: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		return tok.Secret
	}
	h := (&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler()
	admin, rep := "admin@large.example", "rep@large.example"
	q := "?unit=" + dept + "&period=2025-12"
	benchPages(b, h, token, []benchPage{
		{"me", "/me", rep},
		{"team", "/team" + q, admin},
		{"heatmap", "/heatmap" + q, admin},
		{"health", "/health" + q, admin},
		{"health-last-month", "/health?unit=" + dept + "&period=2025-11", admin},
		{"person", "/people/" + gen.EmployeeID(0) + "?period=2025-12", admin},
		{"statement", statementPath(gen.EmployeeID(0), "2025-12"), rep},
		{"leaderboard", "/leaderboard" + q, admin},
		{"targets", "/targets" + q, admin},
		{"admin", "/admin", admin},
	})
}

// largeTargets sets a target of won and won_value for every employee and
// unit and month of 2025: an employee's is the month's actual times a
// factor of 0.8 to 1.25 (by employee), a unit's the sum of its people's.
func largeTargets(b *testing.B, a *app.App, root kpi.Actor, org kpi.Org) {
	ctx := context.Background()
	vals, err := a.Values(ctx, root, app.ValuesRequest{KPIs: []string{"won", "won_value"}, Grain: "month", From: "2025-01-01", To: "2025-12-31"})
	if err != nil {
		b.Fatal(err)
	}
	parent := map[string]string{}
	for _, u := range org.Units {
		parent[u.ID] = u.ParentID
	}
	unitOf := map[string]string{}
	for _, e := range org.Employees {
		unitOf[e.ID] = e.UnitID
	}
	factor := func(id string) decimal.Decimal {
		n, _ := strconv.Atoi(id[1:])
		return decimal.NewFromInt(int64(80 + n*7%46)).Div(decimal.NewFromInt(100))
	}
	type key struct {
		kpi, subj string
		p         kpi.Period
	}
	sums := map[key]decimal.Decimal{}
	var in []kpi.TargetInput
	for _, v := range vals {
		if v.Subject.Kind != kpi.SubjectEmployee || v.Null {
			continue
		}
		t := v.Value.Mul(factor(v.Subject.ID)).Round(0)
		if t.IsZero() {
			t = decimal.NewFromInt(1)
		}
		in = append(in, kpi.TargetInput{KPI: v.KPI, Subject: v.Subject, Period: v.Period, Value: &t})
		for u := unitOf[v.Subject.ID]; u != ""; u = parent[u] {
			k := key{v.KPI, u, v.Period}
			sums[k] = sums[k].Add(t)
		}
	}
	for k, t := range sums {
		in = append(in, kpi.TargetInput{KPI: k.kpi, Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: k.subj}, Period: k.p, Value: &t})
	}
	planner := root
	planner.Name = "planner" // not who approves the statements they pay
	if _, err := a.SetTargets(ctx, planner, in, "bench"); err != nil {
		b.Fatal(err)
	}
}

// largeStatements approves and locks the statements of January to
// November 2025 of the people of unit dept and the units below it.
func largeStatements(b *testing.B, a *app.App, root kpi.Actor, org kpi.Org, dept string) {
	ctx := context.Background()
	in := map[string]bool{dept: true}
	for changed := true; changed; {
		changed = false
		for _, u := range org.Units {
			if in[u.ParentID] && !in[u.ID] {
				in[u.ID], changed = true, true
			}
		}
	}
	for m := time.January; m <= time.November; m++ {
		p := kpi.PeriodOf(kpi.Month, kpi.DateOf(time.Date(2025, m, 1, 0, 0, 0, 0, time.UTC), time.UTC)).Label()
		for _, e := range org.Employees {
			if !in[e.UnitID] {
				continue
			}
			for _, step := range []app.Step{app.Approve, app.Lock} {
				if _, err := a.StepStatement(ctx, root, app.StatementRef{Employee: e.ID, Period: p}, step); err != nil {
					b.Fatalf("%s %s of %s: %v", step, p, e.ID, err)
				}
			}
		}
	}
}
