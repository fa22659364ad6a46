package sqldb_test

import (
	"context"
	"testing"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

func dealsDataset() *kpi.Dataset {
	return &kpi.Dataset{
		Name: "deals",
		Columns: []kpi.Column{
			{Name: "id", Type: kpi.String, Required: true},
			{Name: "owner", Type: kpi.String},
			{Name: "stage", Type: kpi.String, Values: []string{"Open", "Won", "Lost"}},
			{Name: "amount", Type: kpi.Money},
			{Name: "closed_on", Type: kpi.DateType},
		},
		Key: "id", Owner: "owner", TimeColumns: []string{"closed_on"},
	}
}

func testDefinitions() *kpi.Definitions {
	return &kpi.Definitions{
		Datasets: []*kpi.Dataset{dealsDataset()},
		KPIs: []*kpi.KPI{
			{Name: "won", Title: "Deals won", Unit: kpi.UnitCount, Direction: kpi.HigherIsBetter, Dataset: "deals", Aggregation: kpi.Count, Filter: `stage == "Won"`, TimeColumn: "closed_on"},
			{Name: "revenue", Title: "Revenue", Unit: kpi.UnitMoney, Direction: kpi.HigherIsBetter, Currency: "EUR", Dataset: "deals", Aggregation: kpi.Sum, Expr: "amount", TimeColumn: "closed_on"},
		},
	}
}

// mustDefinitions applies testDefinitions.
func mustDefinitions(t testing.TB, ctx context.Context, db *sqldb.DB) {
	t.Helper()
	if _, err := sqldb.NewDefinitionService(db).ApplyDefinitions(ctx, testDefinitions(), false); err != nil {
		t.Fatalf("apply definitions: %v", err)
	}
}

func TestDefinitionService(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewDefinitionService(db)
		audit := sqldb.NewAuditService(db)
		rs := sqldb.NewRecordService(db)

		t.Run("DryRun", func(t *testing.T) {
			changes, err := s.ApplyDefinitions(ctx, testDefinitions(), true)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(changes), 3; got != want {
				t.Errorf("changes = %v, want %d", changes, want)
			}
			defs, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(defs.Datasets)+len(defs.KPIs) != 0 {
				t.Errorf("dry run stored %+v", defs)
			}
		})
		t.Run("Create", func(t *testing.T) {
			changes, err := s.ApplyDefinitions(ctx, testDefinitions(), false)
			if err != nil {
				t.Fatal(err)
			}
			want := []kpi.Change{{Action: "create", Kind: "dataset", Name: "deals"}, {Action: "create", Kind: "kpi", Name: "won"}, {Action: "create", Kind: "kpi", Name: "revenue"}}
			if len(changes) != len(want) {
				t.Fatalf("changes = %v, want %v", changes, want)
			}
			for i := range want {
				if changes[i] != want[i] {
					t.Errorf("change %d = %v, want %v", i, changes[i], want[i])
				}
			}
			defs, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(defs.Datasets[0].Columns), 5; got != want || defs.Datasets[0].UpdatedAt.IsZero() {
				t.Errorf("deals = %+v, want %d columns and UpdatedAt", defs.Datasets[0], want)
			}
			if got, want := defs.KPIs[0].Name+","+defs.KPIs[1].Name, "won,revenue"; got != want {
				t.Errorf("kpi order = %s, want %s", got, want)
			}
			if v, _ := rs.Versions(ctx); v.Definitions != 1 {
				t.Errorf("definitions version = %d, want 1", v.Definitions)
			}
		})
		t.Run("Idempotent", func(t *testing.T) {
			before, err := audit.FindAuditEntries(ctx, "", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			// What FindDefinitions returns (with UpdatedAt) applies as no change.
			defs, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []*kpi.Definitions{testDefinitions(), defs} {
				changes, err := s.ApplyDefinitions(ctx, d, false)
				if err != nil {
					t.Fatal(err)
				}
				if len(changes) != 0 {
					t.Errorf("second apply changes = %v, want none", changes)
				}
			}
			after, err := audit.FindAuditEntries(ctx, "", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(after), len(before); got != want {
				t.Errorf("audit entries = %d, want %d", got, want)
			}
			if v, _ := rs.Versions(ctx); v.Definitions != 1 {
				t.Errorf("definitions version = %d, want 1", v.Definitions)
			}
		})
		t.Run("UpdateDelete", func(t *testing.T) {
			d := testDefinitions()
			d.KPIs[1].Title = "Turnover"
			d.KPIs = d.KPIs[1:]
			changes, err := s.ApplyDefinitions(ctx, d, false)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(changes), 2; got != want || changes[0] != (kpi.Change{Action: "delete", Kind: "kpi", Name: "won"}) || changes[1] != (kpi.Change{Action: "update", Kind: "kpi", Name: "revenue"}) {
				t.Errorf("changes = %v, want delete won, update revenue", changes)
			}
			entries, err := audit.FindAuditEntries(ctx, "kpi", "revenue", 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Action != "update" || entries[0].Old == "" || entries[0].New == "" || entries[0].Actor != "tester" {
				t.Errorf("audit = %+v, want an update with old and new by tester", entries)
			}
			if v, _ := rs.Versions(ctx); v.Definitions != 2 {
				t.Errorf("definitions version = %d, want 2", v.Definitions)
			}
		})
		t.Run("ErrDatasetHasRecords", func(t *testing.T) {
			if _, err := rs.UpsertRecords(ctx, "deals", []kpi.Record{deal("d1", "e1", "Won", 100)}); err != nil {
				t.Fatal(err)
			}
			_, err := s.ApplyDefinitions(ctx, &kpi.Definitions{}, false)
			wantCode(t, err, kpi.ECONFLICT)
			if msg := kpi.ErrorMessage(err); !contains(msg, "deals") {
				t.Errorf("message %q does not name the dataset", msg)
			}
			defs, err := s.FindDefinitions(ctx)
			if err != nil || len(defs.Datasets) != 1 || len(defs.KPIs) != 1 {
				t.Errorf("definitions after refused apply = %+v, %v", defs, err)
			}
		})
		t.Run("ErrNoWorkspace", func(t *testing.T) {
			_, err := s.FindDefinitions(context.Background())
			wantCode(t, err, kpi.EUNAUTHORIZED)
		})
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
