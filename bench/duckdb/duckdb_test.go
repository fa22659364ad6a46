// Package duckdb benchmarks the reference SQL of attain/bench/gen on
// DuckDB, to compare with the engine's BenchmarkValuesAll on the same
// generated data. It is a separate module so that the main module does not
// depend on cgo and DuckDB.
package duckdb

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"attain/bench/gen"
	"attain/engine"
	"attain/kpi"
)

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

// open loads the generated workspace into an in-memory DuckDB (bulk COPY
// from a CSV file; not timed).
func open(tb testing.TB, c gen.Config) *sql.DB {
	tb.Helper()
	dir := tb.TempDir()
	path := filepath.Join(dir, "deals.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := gen.WriteDealsCSV(w, c); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	ctx := context.Background()
	for _, q := range gen.Schema(gen.DuckDB) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `COPY deals FROM '`+path+`' (HEADER)`); err != nil {
		tb.Fatal(err)
	}
	var rows []string
	for _, e := range gen.EmployeeRows(c) {
		rows = append(rows, "('"+e[0]+"', '"+e[1]+"', '"+e[2]+"')")
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO employees VALUES `+strings.Join(rows, ", ")); err != nil {
		tb.Fatal(err)
	}
	return db
}

// nativeQueries are the reference queries with DuckDB's median aggregate
// in place of the portable window-function median.
func nativeQueries(c gen.Config) []string {
	qs := gen.Queries(gen.DuckDB, c)
	where := "d.close_date BETWEEN DATE '" + strconv.Itoa(c.Year) + "-01-01' AND DATE '" + strconv.Itoa(c.Year) + "-12-31'"
	for i, l := range gen.Levels {
		qs[2*i+1] = `SELECT '` + l.Kind + `', ` + l.Group + `, ` + gen.DuckDB.Month + `, median(` + gen.DuckDB.Days + `)
FROM deals d JOIN employees e ON e.id = d.owner
WHERE d.stage = 'Won' AND ` + where + `
GROUP BY 2, 3`
	}
	return qs
}

func benchmarkQueries(b *testing.B, qs func(gen.Config) []string) {
	c := benchConfig(b)
	db := open(b, c)
	ctx := context.Background()
	q := qs(c)
	b.ResetTimer()
	for b.Loop() {
		if _, err := gen.RunQueries(ctx, db, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReferenceDuckDB runs the same SQL as the engine's
// BenchmarkReferenceSQLite: the grid of BenchmarkValuesAll.
func BenchmarkReferenceDuckDB(b *testing.B) {
	benchmarkQueries(b, func(c gen.Config) []string { return gen.Queries(gen.DuckDB, c) })
}

// BenchmarkReferenceDuckDBNative uses DuckDB's median() aggregate.
func BenchmarkReferenceDuckDBNative(b *testing.B) {
	benchmarkQueries(b, nativeQueries)
}

// TestReferenceDuckDB checks that DuckDB and the engine agree.
func TestReferenceDuckDB(t *testing.T) {
	c := gen.Config{Records: 20_000, Departments: 3, Teams: 7, Employees: 40, Year: 2025, Seed: 3}
	s, err := engine.Build(gen.Definitions(), gen.Org(c), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	gen.Each(c, func(d gen.Deal) {
		if err := s.Upsert("deals", d.Record()); err != nil {
			t.Fatal(err)
		}
	})
	vs, err := s.Values(kpi.ValueQuery{Grain: kpi.Month, From: kpi.NewDate(c.Year, 1, 1), To: kpi.NewDate(c.Year, 12, 31)})
	if err != nil {
		t.Fatal(err)
	}
	db := open(t, c)
	for name, qs := range map[string][]string{"portable": gen.Queries(gen.DuckDB, c), "native": nativeQueries(c)} {
		g, err := gen.ReadGrid(context.Background(), db, qs)
		if err != nil {
			t.Fatal(err)
		}
		if len(g) < 1000 {
			t.Fatalf("%s: reference grid has %d values", name, len(g))
		}
		for _, d := range gen.Compare(g, vs, 20) {
			t.Errorf("%s: %s", name, d)
		}
	}
}

// TestGroupedQueryDuckDB checks that the one GROUPING SETS query of
// cmd/duckdbref, over the benchmark files loaded as it loads them, gives
// the engine's numbers, per month of the year and for one month.
func TestGroupedQueryDuckDB(t *testing.T) {
	c := gen.Config{Records: 20_000, Departments: 3, Teams: 7, Employees: 40, Year: 2025, Seed: 3}
	dir := t.TempDir()
	fs, err := gen.WriteFiles(dir, c)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", filepath.Join(dir, "deals.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	stmts := append(gen.FileSchema(gen.DuckDB),
		`COPY deals FROM '`+fs.Deals+`' (HEADER)`, `COPY employees FROM '`+fs.Employees+`' (HEADER)`)
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s, err := engine.Build(gen.Definitions(), gen.Org(c), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	gen.Each(c, func(d gen.Deal) { s.Upsert("deals", d.Record()) })
	diffs, err := gen.CompareGrouped(ctx, db, gen.DuckDB, s.Values)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
}
