package app

import (
	"context"
	"fmt"
	"testing"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// TestCountValues counts the values of a column in the first records of a
// dataset, and stops at the limit, on SQLite and (with
// ATTAIN_TEST_POSTGRES) PostgreSQL.
func TestCountValues(t *testing.T) {
	for _, store := range []struct {
		name string
		open func(testing.TB) *sqldb.DB
	}{{"sqlite", kpitest.MustOpenDB}, {"postgres", kpitest.MustOpenPostgres}} {
		t.Run(store.name, func(t *testing.T) {
			db := store.open(t)
			ctx := context.Background()
			ws := &kpi.Workspace{Slug: "count", Name: "Count", TimeZone: "UTC"}
			if err := sqldb.NewWorkspaceService(db).CreateWorkspace(ctx, ws); err != nil {
				t.Fatal(err)
			}
			ctx = kpi.NewContextWithWorkspace(ctx, ws.ID)
			ds := &kpi.Dataset{Name: "tickets", Key: "id", Owner: "agent", Columns: []kpi.Column{{Name: "id", Type: kpi.String}, {Name: "agent", Type: kpi.String}, {Name: "state", Type: kpi.String}}}
			if _, err := sqldb.NewDefinitionService(db).ApplyDefinitions(ctx, &kpi.Definitions{Datasets: []*kpi.Dataset{ds}}, kpi.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			recs := sqldb.NewRecordService(db)
			var rs []kpi.Record
			for i, s := range []string{"open", "done", "done", "", "done"} {
				rs = append(rs, kpi.Record{Key: fmt.Sprint(i), Owner: "ann", Values: []kpi.Value{{S: fmt.Sprint(i)}, {S: "ann"}, {S: s, Null: s == ""}}})
			}
			if _, err := recs.UpsertRecords(ctx, "tickets", rs); err != nil {
				t.Fatal(err)
			}
			idx := map[string]int{"state": 2}
			counts, read, cut, err := countValues(ctx, recs, "tickets", idx, 10)
			if err != nil || read != 5 || cut || len(counts["state"]) != 2 || counts["state"]["done"] != 3 || counts["state"]["open"] != 1 {
				t.Errorf("all: %v %d %v %v", counts, read, cut, err)
			}
			counts, read, cut, err = countValues(ctx, recs, "tickets", idx, 2)
			if n := counts["state"]["done"] + counts["state"]["open"]; err != nil || read != 2 || !cut || n != 2 {
				t.Errorf("the first 2: %v %d %v %v", counts, read, cut, err)
			}
		})
	}
}
