// Command sqliteref is the SQLite reference of docs/performance.md (the
// same pure-Go SQLite as Attain's store), as whole processes:
//
//	sqliteref load DIR            # DIR/deals.csv, employees.csv → DIR/deals.sqlite
//	sqliteref query DIR 2025-06   # open the file, one grouped query, rows as CSV
//	sqliteref query DIR 2025      # the same per month of the year
//
// The query runs with a 1 GiB page cache and temporary tables in memory.
// DIR is what `go run ./bench/cmd/benchdata` writes.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite"

	"attain/bench/gen"
	"attain/kpi"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "sqliteref:", err)
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
	return errors.New("usage: sqliteref load DIR | sqliteref query DIR PERIOD (2025-06, or 2025 for its months)")
}

func load(dir string) error {
	path := filepath.Join(dir, "deals.sqlite")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	start := time.Now()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-1048576)")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range gen.FileSchema(gen.SQLite) {
		if _, err := db.Exec(q); err != nil {
			return err
		}
	}
	n, err := gen.InsertCSV(db, filepath.Join(dir, "deals.csv"), `INSERT INTO deals VALUES (?, ?, ?, ?, ?, ?)`, 5)
	if err != nil {
		return err
	}
	if _, err := gen.InsertCSV(db, filepath.Join(dir, "employees.csv"), `INSERT INTO employees (id, name, dept, team) VALUES (?, ?, ?, ?)`, -1); err != nil {
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
	path := filepath.Join(dir, "deals.sqlite")
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=cache_size(-1048576)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return err
	}
	defer db.Close()
	q := gen.GroupedQuery(gen.SQLite, p.From, p.To, p.Grain == kpi.Year)
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, q)
	}
	defer rows.Close()
	return gen.WriteRows(os.Stdout, rows)
}
