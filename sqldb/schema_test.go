package sqldb_test

import (
	"context"
	"slices"
	"testing"

	"attain/kpitest"
	"attain/sqldb"
)

// keyExempt are the tables outside the workspace rule: the workspaces
// themselves (their id is the workspace id, the slug finds one) and the
// applied migrations. Distributed by workspace, both are reference tables.
var keyExempt = []string{"workspaces", "migrations"}

// TestSchema_WorkspaceKeys checks on the migrated schema that every
// table has a primary key and that it and every unique index start with
// workspace_id, so the schema can be distributed by workspace (Citus)
// without a rewrite.
func TestSchema_WorkspaceKeys(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		tables, keys, err := sqldb.LiveKeysForTest(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) < 10 {
			t.Fatalf("only %d tables: %v", len(tables), tables)
		}
		hasPK := map[string]bool{}
		for _, k := range keys {
			if k.Primary {
				hasPK[k.Table] = true
			}
			if slices.Contains(keyExempt, k.Table) {
				continue
			}
			if k.First != "workspace_id" {
				t.Errorf("table %s: %s starts with %s, not workspace_id", k.Table, k.Index, k.First)
			}
		}
		for _, tb := range tables {
			if !hasPK[tb] {
				t.Errorf("table %s has no primary key", tb)
			}
		}
	})
}
