package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/bench/gen"
	"attain/kpi"
	"attain/sqldb"
)

// BenchmarkPagesLarge renders /team and /heatmap of one department (100
// people) for December 2025 on the generated workload of bench/gen (1,000
// employees in 100 teams, deals over 2025) with ATTAIN_BENCH_PAGES_RECORDS
// records, e.g. 1000000; it is skipped without it. The workload has no
// targets and no bonus plans: every employee gets a scorecard of fixed
// levels (won, days_to_close), so the pages score real cards, but plan
// health and targets are not measured. Loading is not timed. Run it with
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
		{KPI: "won", Weight: d("50"), Basis: kpi.LevelsFixed, Threshold: d("10"), Target: d("20"), Stretch: d("30")},
		{KPI: "days_to_close", Weight: d("50"), Basis: kpi.LevelsFixed, Threshold: d("60"), Target: d("45"), Stretch: d("30")},
	}}}
	if _, err := sqldb.NewDefinitionService(db).ApplyDefinitions(wctx, defs, kpi.ApplyOptions{}); err != nil {
		b.Fatal(err)
	}
	org := gen.Org(c)
	for _, e := range org.Employees {
		e.Position = "rep"
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
	u, err := a.CreateUser(ctx, root, app.UserRequest{Email: "admin@large.example", Role: kpi.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := a.CreateToken(ctx, kpi.Actor{WorkspaceID: ws.ID, Name: "user:" + u.Email, UserID: u.ID, Role: kpi.RoleAdmin}, app.TokenRequest{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	h := (&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler()
	unit := gen.DeptID(0)
	for _, pg := range []struct{ name, path string }{
		{"team", "/team?unit=" + unit + "&period=2025-12"},
		{"heatmap", "/heatmap?unit=" + unit + "&period=2025-12"},
	} {
		get := func() string {
			req := httptest.NewRequest("GET", pg.path, nil)
			req.Header.Set("Authorization", "Bearer "+tok.Secret)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("GET %s = %d: %.300s", pg.path, rec.Code, rec.Body.String())
			}
			return rec.Body.String()
		}
		// The first request loads the engine's state; the page scores cards.
		if body := get(); strings.Count(body, "data-value") < 100 {
			b.Fatalf("GET %s: %d values on the page, want one per person at least", pg.path, strings.Count(body, "data-value"))
		}
		b.Run(pg.name, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			cpu0 := cpuTime()
			for b.Loop() {
				start := time.Now()
				get()
				took = append(took, time.Since(start))
			}
			cpu := cpuTime() - cpu0
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms/median")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(took)), "ms-cpu/op")
		})
	}
}
