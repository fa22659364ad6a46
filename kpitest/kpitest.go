// Package kpitest holds helpers for tests that need a store.
package kpitest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"attain/sqldb"
)

// PostgresEnv names the variable that holds a PostgreSQL DSN for tests.
const PostgresEnv = "ATTAIN_TEST_POSTGRES"

// MustOpenDB opens a fresh SQLite database in memory, closed when tb ends.
func MustOpenDB(tb testing.TB) *sqldb.DB {
	tb.Helper()
	db, err := sqldb.Open(context.Background(), ":memory:", nil)
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// MustOpenPostgres opens the PostgreSQL database named by ATTAIN_TEST_POSTGRES
// in a schema of its own (attain_test_<random>), dropped when tb ends, so
// tests and parallel runs do not see each other's rows. Without the
// variable the test is skipped.
func MustOpenPostgres(tb testing.TB) *sqldb.DB {
	tb.Helper()
	db, err := sqldb.Open(context.Background(), PostgresDSN(tb), nil)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// PostgresDSN makes a schema of its own (attain_test_<random>) in the
// database named by ATTAIN_TEST_POSTGRES, dropped when tb ends, and
// returns a DSN that works in it: for tests that open the database more
// than once, as several servers do. Without the variable the test is
// skipped.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		tb.Skip("set " + PostgresEnv + "=postgres://root@127.0.0.1:5432/test?sslmode=disable to run the PostgreSQL store tests")
	}
	ctx := context.Background()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	schema := "attain_test_" + hex.EncodeToString(b[:])
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to postgres: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Dialects runs fn as a subtest on a fresh SQLite database and, when
// ATTAIN_TEST_POSTGRES is set, on a fresh PostgreSQL schema.
func Dialects(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	for _, d := range []struct {
		name string
		open func(testing.TB) *sqldb.DB
	}{{"sqlite", MustOpenDB}, {"postgres", MustOpenPostgres}} {
		t.Run(d.name, func(t *testing.T) { fn(t, d.open(t)) })
	}
}
