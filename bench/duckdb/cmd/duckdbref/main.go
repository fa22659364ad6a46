// Command duckdbref is the DuckDB reference of docs/performance.md, as
// whole processes a user would run beside Attain's:
//
//	duckdbref load DIR                  # DIR/deals.csv, employees.csv → DIR/deals.duckdb
//	duckdbref query DIR 2025-06         # open the file, one GROUPING SETS query, rows as CSV
//	duckdbref query DIR 2025            # the same per month of the year
//
// DIR is what `go run ./bench/cmd/benchdata` writes.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"attain/bench/gen"
	"attain/kpi"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "duckdbref:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 2 && args[0] == "load":
		return load(args[1])
	case len(args) == 3 && args[0] == "query":
		return query(args[1], args[2])
	}
	return fmt.Errorf("usage: duckdbref load DIR | duckdbref query DIR PERIOD (2025-06, or 2025 for its months)")
}

func load(dir string) error {
	path := filepath.Join(dir, "deals.duckdb")
	os.Remove(path)
	os.Remove(path + ".wal")
	start := time.Now()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	stmts := gen.FileSchema(gen.DuckDB)
	stmts = append(stmts,
		fmt.Sprintf(`COPY deals FROM '%s' (HEADER)`, filepath.Join(dir, "deals.csv")),
		fmt.Sprintf(`COPY employees FROM '%s' (HEADER)`, filepath.Join(dir, "employees.csv")),
		`CHECKPOINT`)
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%w\n%s", err, q)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM deals`).Scan(&n); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Printf("deals: %d loaded in %.2fs (%.0f records/s)\n", n, took.Seconds(), float64(n)/took.Seconds())
	return nil
}

func query(dir, period string) error {
	p, err := kpi.ParsePeriod(period)
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", filepath.Join(dir, "deals.duckdb")+"?access_mode=READ_ONLY")
	if err != nil {
		return err
	}
	defer db.Close()
	q := gen.GroupedQuery(gen.DuckDB, p.From, p.To, p.Grain == kpi.Year)
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, q)
	}
	defer rows.Close()
	return gen.WriteRows(os.Stdout, rows)
}
