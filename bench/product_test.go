// Package bench_test measures the product path end to end, on the real
// stores: a CSV file imported through ingest into SQLite (and PostgreSQL when
// ATTAIN_TEST_POSTGRES is set), and queries through the cached engine on top
// of the store, which checks the store's versions before every query.
package bench_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"attain/bench/gen"
	"attain/engine"
	"attain/ingest"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"

	_ "modernc.org/sqlite"
)

func benchRecords() int {
	if n, err := strconv.Atoi(os.Getenv("ATTAIN_BENCH_RECORDS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// writeCSV writes the generated deals as the CSV a CRM would export.
func writeCSV(tb testing.TB, c gen.Config) string {
	tb.Helper()
	fs, err := gen.WriteFiles(tb.TempDir(), c)
	if err != nil {
		tb.Fatal(err)
	}
	return fs.Deals
}

type services struct {
	ctx     context.Context
	org     *sqldb.OrgService
	records *sqldb.RecordService
	engine  *engine.Engine
}

// newWorkspace makes a workspace with the benchmark's org and definitions.
func newWorkspace(tb testing.TB, db *sqldb.DB, c gen.Config) services {
	tb.Helper()
	ctx := context.Background()
	wss := sqldb.NewWorkspaceService(db)
	ws := kpi.Workspace{Slug: fmt.Sprintf("bench-%p", tb), Name: "bench", TimeZone: "UTC"}
	if err := wss.CreateWorkspace(ctx, &ws); err != nil {
		tb.Fatal(err)
	}
	ctx = kpi.NewContextWithWorkspace(ctx, ws.ID)
	s := services{ctx: ctx, org: sqldb.NewOrgService(db), records: sqldb.NewRecordService(db)}
	defs := sqldb.NewDefinitionService(db)
	if _, err := defs.ApplyDefinitions(ctx, gen.Definitions(), kpi.ApplyOptions{}); err != nil {
		tb.Fatal(err)
	}
	org := gen.Org(c)
	if _, err := s.org.ImportOrg(ctx, org.Units, org.Employees); err != nil {
		tb.Fatal(err)
	}
	s.engine = engine.New(engine.Services{Workspaces: wss, Org: s.org, Definitions: defs, Records: s.records}, nil)
	return s
}

// importFile is what `attain import deals FILE` does.
func (s services) importFile(tb testing.TB, path string) kpi.ImportResult {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	known, err := ingest.KnownEmployees(s.ctx, s.org)
	if err != nil {
		tb.Fatal(err)
	}
	rd, err := ingest.NewCSVReader(bufio.NewReaderSize(f, 1<<20), gen.Dataset(), ingest.Options{File: "deals.csv", KnownOwner: known, StoreChecksKeys: true})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := s.records.ImportRecords(s.ctx, "deals", rd)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

type dialect struct {
	name string
	open func(testing.TB) *sqldb.DB
}

func dialects() []dialect {
	ds := []dialect{{"sqlite", openSQLiteFile}}
	if os.Getenv(kpitest.PostgresEnv) != "" {
		ds = append(ds, dialect{"postgres", kpitest.MustOpenPostgres})
	}
	return ds
}

// openSQLiteFile opens the embedded default as a user gets it: a file in a
// data directory (WAL), not an in-memory database.
func openSQLiteFile(tb testing.TB) *sqldb.DB {
	tb.Helper()
	db, err := sqldb.Open(context.Background(), filepath.Join(tb.TempDir(), "attain.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkImportCSV: CSV file → validated records → store, one
// transaction, as `attain import` runs it. Reports records/s.
func BenchmarkImportCSV(b *testing.B) {
	c := gen.DefaultConfig(benchRecords())
	path := writeCSV(b, c)
	for _, d := range dialects() {
		b.Run(d.name, func(b *testing.B) {
			db := d.open(b)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := newWorkspace(b, db, c)
				b.StartTimer()
				if res := s.importFile(b, path); res.Created != c.Records {
					b.Fatalf("created %d, want %d", res.Created, c.Records)
				}
			}
			b.ReportMetric(float64(c.Records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// loaded is a workspace with the benchmark's records imported and the
// engine warmed up.
func loaded(b *testing.B, d dialect, c gen.Config) services {
	b.Helper()
	db := d.open(b)
	s := newWorkspace(b, db, c)
	s.importFile(b, writeCSV(b, c))
	if err := s.engine.Refresh(s.ctx); err != nil {
		b.Fatal(err)
	}
	return s
}

func scorecardQuery(c gen.Config) kpi.ValueQuery {
	p, _ := kpi.ParsePeriod(fmt.Sprintf("%d-06", c.Year))
	return kpi.ValueQuery{
		Subjects: []kpi.Subject{{Kind: kpi.SubjectEmployee, ID: gen.EmployeeID(7)}},
		Grain:    p.Grain, From: p.From, To: p.To,
	}
}

// BenchmarkScorecardQuery: one employee, one month, every KPI, through the
// engine on the store (a versions check, then the computation).
func BenchmarkScorecardQuery(b *testing.B) {
	c := gen.DefaultConfig(benchRecords())
	for _, d := range dialects() {
		b.Run(d.name, func(b *testing.B) {
			s := loaded(b, d, c)
			q := scorecardQuery(c)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.engine.Values(s.ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpsertThenQuery: change one record in the store, then ask for
// the owner's month; the answer must reflect the change.
func BenchmarkUpsertThenQuery(b *testing.B) {
	c := gen.DefaultConfig(benchRecords())
	for _, d := range dialects() {
		b.Run(d.name, func(b *testing.B) {
			s := loaded(b, d, c)
			q := scorecardQuery(c)
			q.KPIs = []string{"won"}
			before, err := s.engine.Values(s.ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			rec := gen.Deal{ID: "bench-upsert", Owner: gen.EmployeeID(7), Stage: gen.Won, Amount: 100,
				EngageDate: q.From, CloseDate: q.From + 1, Closed: true}.Record()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec.Values[3].N = int64(100 + i) // a new amount each time: a real update
				if _, err := s.records.UpsertRecords(s.ctx, "deals", []kpi.Record{rec}); err != nil {
					b.Fatal(err)
				}
				vals, err := s.engine.Values(s.ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if got, want := vals[0].Records, before[0].Records+1; got != want {
					b.Fatalf("won records = %d after the upsert, want %d", got, want)
				}
			}
		})
	}
}

// TestProductPath runs the benchmarks' path once on a small workspace, so
// the benchmark code is checked by the ordinary test run.
func TestProductPath(t *testing.T) {
	c := gen.DefaultConfig(2000)
	s := newWorkspace(t, kpitest.MustOpenDB(t), c)
	path := writeCSV(t, c)
	if res := s.importFile(t, path); res.Created != c.Records {
		t.Fatalf("created %d, want %d", res.Created, c.Records)
	}
	if res := s.importFile(t, path); res.Unchanged != c.Records {
		t.Fatalf("re-import: %+v, want all unchanged", res)
	}
	vals, err := s.engine.Values(s.ctx, scorecardQuery(c))
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != len(gen.Definitions().KPIs) {
		t.Fatalf("%d values, want one per KPI", len(vals))
	}
}

// BenchmarkImportReferenceSQLite is the plain-SQL reference for
// BenchmarkImportCSV/sqlite, in the same run: the same CSV file read with
// encoding/csv and inserted, unvalidated, into a plain typed table with one
// prepared INSERT per row in one transaction. Reports records/s.
func BenchmarkImportReferenceSQLite(b *testing.B) {
	c := gen.DefaultConfig(benchRecords())
	path := writeCSV(b, c)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(b.TempDir(), "ref.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range gen.Schema(gen.SQLite) {
			if _, err := db.Exec(q); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		n, err := gen.InsertCSV(db, path, `INSERT INTO deals VALUES (?, ?, ?, ?, ?, ?)`, 5)
		if err != nil {
			b.Fatal(err)
		}
		if n != c.Records {
			b.Fatalf("inserted %d, want %d", n, c.Records)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(c.Records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPreview: what `attain apply --dry-run` adds to compute the
// numbers after a change (won counting lost deals too, from 1 May): a
// throwaway state from a fresh scan of the store, then won and win_rate for
// the company and its departments over three months. For comparison,
// Cached is the same query on the cached state.
func BenchmarkPreview(b *testing.B) {
	c := gen.DefaultConfig(benchRecords())
	defs := gen.Definitions()
	old := *defs.KPIs[0]
	changed := old
	changed.Filter = `stage == "Won" || stage == "Lost"`
	defs.KPIs[0] = &changed
	defs.Revisions = []*kpi.KPIRevision{{KPI: &old, Until: kpi.NewDate(c.Year, 4, 30)}}
	subjects := []kpi.Subject{{Kind: kpi.SubjectUnit, ID: gen.CompanyID}}
	for _, u := range gen.Org(c).Units {
		if u.ParentID == gen.CompanyID {
			subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID})
		}
	}
	q := kpi.ValueQuery{KPIs: []string{"won", "win_rate"}, Subjects: subjects, Grain: kpi.Month,
		From: kpi.NewDate(c.Year, 4, 1), To: kpi.NewDate(c.Year, 6, 30)}
	for _, d := range dialects() {
		s := loaded(b, d, c)
		b.Run(d.name+"/Preview", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := s.engine.Preview(s.ctx, defs, q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(d.name+"/Cached", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := s.engine.Values(s.ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestGroupedQuerySQLite checks that the SQLite reference's one grouped
// statement over the benchmark files gives the engine's numbers, per month
// of the year and for one month.
func TestGroupedQuerySQLite(t *testing.T) {
	c := gen.Config{Records: 20_000, Departments: 3, Teams: 7, Employees: 40, Year: 2025, Seed: 3}
	dir := t.TempDir()
	fs, err := gen.WriteFiles(dir, c)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ref.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range gen.FileSchema(gen.SQLite) {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := gen.InsertCSV(db, fs.Deals, `INSERT INTO deals VALUES (?, ?, ?, ?, ?, ?)`, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := gen.InsertCSV(db, fs.Employees, `INSERT INTO employees (id, name, dept, team) VALUES (?, ?, ?, ?)`, -1); err != nil {
		t.Fatal(err)
	}
	s, err := engine.Build(gen.Definitions(), gen.Org(c), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	gen.Each(c, func(d gen.Deal) { s.Upsert("deals", d.Record()) })
	diffs, err := gen.CompareGrouped(context.Background(), db, gen.SQLite, s.Values)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}
