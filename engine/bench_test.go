package engine_test

import (
	"context"
	"database/sql"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"attain/bench/gen"
	"attain/engine"
	"attain/kpi"
)

// benchConfig is the benchmark workload; ATTAIN_BENCH_RECORDS sets its size.
func benchConfig(tb testing.TB) gen.Config {
	n := 1_000_000
	if s := os.Getenv("ATTAIN_BENCH_RECORDS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			tb.Fatalf("ATTAIN_BENCH_RECORDS: %v", err)
		}
		n = v
	}
	return gen.DefaultConfig(n)
}

// buildGen builds a state of the generated workspace.
func buildGen(tb testing.TB, c gen.Config) *engine.State {
	tb.Helper()
	s, err := engine.Build(gen.Definitions(), gen.Org(c), time.UTC)
	if err != nil {
		tb.Fatal(err)
	}
	for _, h := range s.Health() {
		if h.Err != nil {
			tb.Fatalf("KPI %s broken: %v", h.KPI, h.Err)
		}
	}
	var uerr error
	gen.Each(c, func(d gen.Deal) {
		if err := s.Upsert("deals", d.Record()); err != nil && uerr == nil {
			uerr = err
		}
	})
	if uerr != nil {
		tb.Fatal(uerr)
	}
	return s
}

var bench struct {
	once  sync.Once
	cfg   gen.Config
	state *engine.State
}

func benchState(b *testing.B) (*engine.State, gen.Config) {
	bench.once.Do(func() {
		bench.cfg = benchConfig(b)
		bench.state = buildGen(b, bench.cfg)
	})
	if bench.state == nil {
		b.Fatal("no state")
	}
	return bench.state, bench.cfg
}

func yearQuery(c gen.Config) kpi.ValueQuery {
	return kpi.ValueQuery{Grain: kpi.Month, From: kpi.NewDate(c.Year, 1, 1), To: kpi.NewDate(c.Year, 12, 31)}
}

// BenchmarkValuesAll: every KPI for every employee, team, department and
// the company, per month of the year.
func BenchmarkValuesAll(b *testing.B) {
	s, c := benchState(b)
	q := yearQuery(c)
	b.ResetTimer()
	for b.Loop() {
		vs, err := s.Values(q)
		if err != nil {
			b.Fatal(err)
		}
		if want := 6 * (c.Employees + c.Teams + c.Departments + 1) * 12; len(vs) != want {
			b.Fatalf("%d values, want %d", len(vs), want)
		}
	}
}

// BenchmarkValuesOneEmployeeMonth: every KPI for one employee and month.
func BenchmarkValuesOneEmployeeMonth(b *testing.B) {
	s, c := benchState(b)
	q := kpi.ValueQuery{Subjects: []kpi.Subject{emp(gen.EmployeeID(c.Employees / 2))}, Grain: kpi.Month,
		From: kpi.NewDate(c.Year, 6, 1), To: kpi.NewDate(c.Year, 6, 30)}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Values(q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpsertOne: one changed record, and the next query of its
// employee's month reflecting it.
func BenchmarkUpsertOne(b *testing.B) {
	s, c := benchState(b)
	d := gen.Deals(gen.Config{Records: 1, Employees: c.Employees, Teams: c.Teams, Departments: c.Departments, Year: c.Year, Seed: 7})[0]
	d.ID = "D000000001" // replaces a generated deal
	d.Closed, d.CloseDate = true, kpi.NewDate(c.Year, 6, 15)
	q := kpi.ValueQuery{Subjects: []kpi.Subject{emp(d.Owner)}, Grain: kpi.Month, From: kpi.NewDate(c.Year, 6, 1), To: kpi.NewDate(c.Year, 6, 30)}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d.Stage = []string{gen.Won, gen.Lost}[i%2]
		if err := s.Upsert("deals", d.Record()); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Values(q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild: compile the KPIs and load every record; reports the
// state's heap in MiB.
func BenchmarkBuild(b *testing.B) {
	c := benchConfig(b)
	deals := gen.Deals(c)
	recs := make([]kpi.Record, len(deals))
	for i, d := range deals {
		recs[i] = d.Record()
	}
	deals = nil
	var base, ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	b.ResetTimer()
	for b.Loop() {
		s, err := engine.Build(gen.Definitions(), gen.Org(c), time.UTC)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if err := s.Upsert("deals", r); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		runtime.KeepAlive(s)
		b.StartTimer()
	}
	// The state's own heap: what is live after a GC, less the input records.
	b.ReportMetric(float64(ms.HeapAlloc-base.HeapAlloc)/(1<<20), "state-MiB")
}

// openSQLite loads the generated workspace into plain typed SQLite tables.
func openSQLite(tb testing.TB, c gen.Config) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+tb.TempDir()+"/ref.db?_pragma=journal_mode(off)&_pragma=synchronous(off)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	for _, q := range gen.Schema(gen.SQLite) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			tb.Fatal(err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range gen.EmployeeRows(c) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO employees VALUES (?, ?, ?)`, e[0], e[1], e[2]); err != nil {
			tb.Fatal(err)
		}
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO deals VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		tb.Fatal(err)
	}
	gen.Each(c, func(d gen.Deal) {
		var cl any
		if d.Closed {
			cl = d.CloseDate.String()
		}
		if err == nil {
			_, err = ins.ExecContext(ctx, d.ID, d.Owner, d.Stage, d.Amount, d.EngageDate.String(), cl)
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		tb.Fatal(err)
	}
	return db
}

// BenchmarkReferenceSQLite: the same grid as BenchmarkValuesAll, as plain
// SQL GROUP BY queries on SQLite (loading not timed).
func BenchmarkReferenceSQLite(b *testing.B) {
	c := benchConfig(b)
	db := openSQLite(b, c)
	qs := gen.Queries(gen.SQLite, c)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := gen.RunQueries(ctx, db, qs); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReferenceSQLite checks that the engine and the reference SQL give
// the same numbers on a small generated workspace.
func TestReferenceSQLite(t *testing.T) {
	c := gen.Config{Records: 20_000, Departments: 3, Teams: 7, Employees: 40, Year: 2025, Seed: 3}
	s := buildGen(t, c)
	vs, err := s.Values(yearQuery(c))
	if err != nil {
		t.Fatal(err)
	}
	db := openSQLite(t, c)
	g, err := gen.ReadGrid(context.Background(), db, gen.Queries(gen.SQLite, c))
	if err != nil {
		t.Fatal(err)
	}
	if len(g) < 1000 {
		t.Fatalf("reference grid has %d values", len(g))
	}
	for _, d := range gen.Compare(g, vs, 20) {
		t.Error(d)
	}
}

// TestExplainMatchesValues explains every value of a generated workspace
// (every KPI, subject and month) and checks the explanation's value is the
// one Values returns and, for measures, that its records add up.
func TestExplainMatchesValues(t *testing.T) {
	c := gen.Config{Records: 3_000, Departments: 2, Teams: 4, Employees: 12, Year: 2025, Seed: 5}
	s := buildGen(t, c)
	vs, err := s.Values(yearQuery(c))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		x, err := s.Explain(kpi.ExplainQuery{KPI: v.KPI, Subject: v.Subject, Period: v.Period})
		if err != nil {
			t.Fatal(err)
		}
		if x.Value.Null != v.Null || !x.Value.Value.Equal(v.Value) || x.Value.Records != v.Records {
			t.Errorf("%s %s %s: explain %s (%d), values %s (%d)", v.KPI, v.Subject, v.Period, text(x.Value), x.Value.Records, text(v), v.Records)
			continue
		}
		if x.Formula == "" && len(x.Records) != v.Records {
			t.Errorf("%s %s %s: %d records explained, value from %d", v.KPI, v.Subject, v.Period, len(x.Records), v.Records)
		}
		if v.KPI == "won_value" {
			sum := x.Records
			total := v.Value.Sub(v.Value)
			for _, r := range sum {
				total = total.Add(*r.Value)
			}
			if !total.Equal(v.Value) {
				t.Errorf("%s %s %s: records sum to %s, value %s", v.KPI, v.Subject, v.Period, total, v.Value)
			}
		}
	}
}
