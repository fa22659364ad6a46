package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"attain/bench/gen"
	"attain/engine"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// savedConfig is a small generated workspace for the saved-state tests.
var savedConfig = gen.Config{Records: 3000, Departments: 2, Teams: 4, Employees: 12, Year: 2025, Seed: 5}

// savedDefinitions are the benchmark KPIs and one of every other
// aggregation, so that every kind of column is saved: counts (flags only),
// values that fit 32 bits and values that do not, distinct keys, and a
// value that fails on a record.
func savedDefinitions() *kpi.Definitions {
	defs := gen.Definitions()
	won := `stage == "Won"`
	add := func(name string, agg kpi.Aggregation, expr, filter string) {
		defs.KPIs = append(defs.KPIs, &kpi.KPI{Name: name, Title: name, Unit: kpi.UnitCount, Direction: kpi.HigherIsBetter,
			Dataset: "deals", Aggregation: agg, Expr: expr, Filter: filter, TimeColumn: "close_date"})
	}
	add("p90_amount", kpi.P90, "amount", won)
	add("min_amount", kpi.Min, "amount", "")
	add("max_amount", kpi.Max, "amount", "")
	add("owners", kpi.CountDistinct, "stage", won)
	add("by_engage", kpi.Count, "", "")
	defs.KPIs[len(defs.KPIs)-1].TimeColumn = "engage_date"
	// Fails (past 64 bits) on the one deal past a million.
	add("huge", kpi.Sum, "amount * 100000000000", "amount > 1000000")
	return defs
}

// savedWorkspace fills a workspace of db with the generated org and
// records, plus a deal too large for 32 bits and a free amount.
func savedWorkspace(t *testing.T, db *sqldb.DB) (context.Context, engine.Services) {
	t.Helper()
	ctx, svc := emptyWorkspace(t, db)
	var recs []kpi.Record
	gen.Each(savedConfig, func(d gen.Deal) { recs = append(recs, d.Record()) })
	recs[7].Values[3].N = 5_000_000_000_00 // 5 billion: past 32 bits, and huge fails
	if _, err := svc.Records.UpsertRecords(ctx, "deals", recs); err != nil {
		t.Fatal(err)
	}
	return ctx, svc
}

// grid is every value of the workspace per month of the year, and of
// queries of a few days: one month, and the weeks of a quarter, as text.
func grid(t *testing.T, ctx context.Context, e *engine.Engine) map[string]string {
	t.Helper()
	g := map[string]string{}
	for _, q := range []kpi.ValueQuery{
		{Grain: kpi.Month, From: kpi.NewDate(2025, 1, 1), To: kpi.NewDate(2025, 12, 31)},
		{Grain: kpi.Month, From: kpi.NewDate(2025, 6, 1), To: kpi.NewDate(2025, 6, 30)},
		{Grain: kpi.Week, From: kpi.NewDate(2025, 7, 1), To: kpi.NewDate(2025, 9, 30)},
	} {
		vs, err := e.Values(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			g[fmt.Sprintf("%s %s %s %s", q.From, v.KPI, v.Subject, v.Period.Label())] = fmt.Sprintf("%s/%d", text(v), v.Records)
		}
	}
	return g
}

func sameGrid(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	bad := 0
	for k, w := range want {
		if got[k] != w {
			if bad++; bad <= 5 {
				t.Errorf("%s: %s = %s, want %s", what, k, got[k], w)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d values differ", what, bad)
	}
}

// logged is an engine whose log is kept, to tell a saved state's load
// from a scan.
type logged struct {
	*engine.Engine
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logged) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logged) log() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newLogged(svc engine.Services, dir string) *logged {
	l := &logged{}
	l.Engine = engine.New(svc, slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelInfo})))
	l.StateDir = dir
	return l
}

// TestSavedState: a state saved by one engine and loaded by the next gives
// the values a scan of the store gives, before and after changes written
// since (new keys that grow the mapped columns, changed and deleted
// records), on SQLite and PostgreSQL, and the two stores agree.
func TestSavedState(t *testing.T) {
	grids := map[string]map[string]string{}
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx, svc := savedWorkspace(t, db)
		dir := t.TempDir()
		scan := grid(t, ctx, engine.New(svc, nil)) // no saved state: a scan

		first := newLogged(svc, dir)
		first.Remap = true
		sameGrid(t, "first engine", grid(t, ctx, first.Engine), scan)
		if err := first.Save(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(first.log(), "state mapped from its file") {
			t.Fatalf("first engine did not map its saved state:\n%s", first.log())
		}
		sameGrid(t, "first engine, mapped", grid(t, ctx, first.Engine), scan)
		second := newLogged(svc, dir)
		sameGrid(t, "loaded state", grid(t, ctx, second.Engine), scan)
		if !strings.Contains(second.log(), "saved state loaded") {
			t.Fatalf("second engine did not load the saved state:\n%s", second.log())
		}
		var h []engine.KPIHealth
		h, err := second.Health(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, kh := range h {
			if kh.KPI == "huge" && (kh.EvalErrors != 1 || kh.LastEvalError == nil) {
				t.Errorf("health of huge after load: %+v", kh)
			}
		}

		// Changes since the save: 300 new deals (past the columns' room),
		// changed ones, deleted ones.
		c := savedConfig
		c.Records, c.Seed = 300, 9
		var recs []kpi.Record
		gen.Each(c, func(d gen.Deal) {
			d.ID = "N" + d.ID
			recs = append(recs, d.Record())
		})
		changed := gen.Deals(savedConfig)[100:140]
		for _, d := range changed {
			d.Stage, d.Closed, d.CloseDate = gen.Won, true, d.EngageDate+3
			d.Amount += 1
			recs = append(recs, d.Record())
		}
		if _, err := svc.Records.UpsertRecords(ctx, "deals", recs); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Records.DeleteRecords(ctx, "deals", []string{"D000000011", "D000000012", "ND000000001"}); err != nil {
			t.Fatal(err)
		}
		scan = grid(t, ctx, engine.New(svc, nil))
		sameGrid(t, "loaded state after changes", grid(t, ctx, second.Engine), scan)
		sameGrid(t, "mapped state after changes", grid(t, ctx, first.Engine), scan)
		if err := second.Save(); err != nil {
			t.Fatal(err)
		}
		third := newLogged(svc, dir)
		sameGrid(t, "state saved after changes", grid(t, ctx, third.Engine), scan)
		if !strings.Contains(third.log(), "saved state loaded") {
			t.Fatalf("third engine did not load the saved state:\n%s", third.log())
		}
		grids[string(db.Dialect())] = scan
	})
	if len(grids) == 2 {
		sameGrid(t, "postgres against sqlite", grids["postgres"], grids["sqlite"])
	}
}

// TestSavedState_Stale: a state is not used for other definitions, for
// another workspace under the same id, or when it is broken.
func TestSavedState_Stale(t *testing.T) {
	db := kpitest.MustOpenDB(t)
	ctx, svc := savedWorkspace(t, db)
	dir := t.TempDir()
	e := newLogged(svc, dir)
	want := grid(t, ctx, e.Engine)
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}

	t.Run("Broken", func(t *testing.T) {
		path := filepath.Join(dir, "workspace-1.state")
		good, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile(path, good, 0o644)
		for _, bad := range [][]byte{good[:len(good)/2], good[:10], append(append([]byte{}, good[:len(good)-3]...), "xyz"...)} {
			if err := os.WriteFile(path, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			l := newLogged(svc, dir)
			sameGrid(t, "broken state", grid(t, ctx, l.Engine), want)
			if strings.Contains(l.log(), "saved state loaded") {
				t.Fatal("a broken state was loaded")
			}
		}
	})
	t.Run("OtherDefinitions", func(t *testing.T) {
		defs := savedDefinitions()
		defs.KPIs[0].Filter = `stage == "Lost"`
		if _, err := svc.Definitions.ApplyDefinitions(ctx, defs, kpi.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		defer svc.Definitions.ApplyDefinitions(ctx, savedDefinitions(), kpi.ApplyOptions{})
		l := newLogged(svc, dir)
		sameGrid(t, "other definitions", grid(t, ctx, l.Engine), grid(t, ctx, engine.New(svc, nil)))
		if strings.Contains(l.log(), "saved state loaded") {
			t.Fatal("the state of other definitions was loaded")
		}
	})
	t.Run("OtherStore", func(t *testing.T) {
		// Another database, the same workspace id and definitions, other
		// records: the state names the first one's workspace.
		ctx2, svc2 := savedWorkspace(t, kpitest.MustOpenDB(t))
		if _, err := svc2.Records.DeleteRecords(ctx2, "deals", []string{"D000000001"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
		l := newLogged(svc2, dir)
		sameGrid(t, "other store", grid(t, ctx2, l.Engine), grid(t, ctx2, engine.New(svc2, nil)))
		if strings.Contains(l.log(), "saved state loaded") {
			t.Fatal("another store's state was loaded")
		}
	})
}
