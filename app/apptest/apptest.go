// Package apptest wires the use cases over a real store for tests: a fresh
// database per test, or the demo company loaded once per test binary and
// shared by the tests that only read it.
package apptest

import (
	"context"
	"sync"
	"testing"

	"attain/app"
	"attain/engine"
	"attain/kpitest"
	"attain/sqldb"
)

// New returns the use cases over db.
func New(db *sqldb.DB) *app.App {
	s := app.Services{
		Workspaces:  sqldb.NewWorkspaceService(db),
		Tokens:      sqldb.NewTokenService(db),
		Org:         sqldb.NewOrgService(db),
		Definitions: sqldb.NewDefinitionService(db),
		Records:     sqldb.NewRecordService(db),
		Audit:       sqldb.NewAuditService(db),
		Targets:     sqldb.NewTargetService(db),
		Statements:  sqldb.NewStatementService(db),
	}
	s.Values = engine.New(engine.Services{Workspaces: s.Workspaces, Org: s.Org, Definitions: s.Definitions, Records: s.Records}, nil)
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
