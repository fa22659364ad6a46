package sqldb_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

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
	if _, err := sqldb.NewDefinitionService(db).ApplyDefinitions(ctx, testDefinitions(), kpi.ApplyOptions{}); err != nil {
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
			changes, err := s.ApplyDefinitions(ctx, testDefinitions(), kpi.ApplyOptions{DryRun: true})
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
			changes, err := s.ApplyDefinitions(ctx, testDefinitions(), kpi.ApplyOptions{})
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
				changes, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{})
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
			changes, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{})
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
			_, err := s.ApplyDefinitions(ctx, &kpi.Definitions{}, kpi.ApplyOptions{})
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

func testScorecards() ([]*kpi.ScorecardTemplate, *kpi.Calendar) {
	d := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	return []*kpi.ScorecardTemplate{
			{Name: "reps", Position: "rep", Items: []kpi.ScorecardItem{
				{KPI: "won", Weight: d("60"), Basis: kpi.LevelsFixed, Threshold: d("8"), Target: d("10"), Stretch: d("12")},
				{KPI: "revenue", Weight: d("40"), Basis: kpi.LevelsPlan, Threshold: d("80"), Stretch: d("120"),
					Curve: kpi.Curve{Kind: kpi.CurveSteps, Steps: []kpi.Step{{Achievement: d("80"), Score: d("50")}, {Achievement: d("100"), Score: d("100")}}}},
			}},
			{Name: "leads", Position: "lead", Missing: kpi.MissingZero, Items: []kpi.ScorecardItem{
				{KPI: "revenue", Weight: d("100"), Basis: kpi.LevelsPlan, Threshold: d("90"), Stretch: d("110"), Curve: kpi.Curve{Kind: kpi.CurveCapped, Cap: d("130")}},
			}},
		}, &kpi.Calendar{
			Weekend:  []time.Weekday{time.Friday, time.Saturday},
			Holidays: []kpi.Holiday{{Date: kpi.NewDate(2025, 1, 1), Name: "New Year"}, {Date: kpi.NewDate(2025, 12, 25)}},
		}
}

func TestDefinitionService_ScorecardsCalendar(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewDefinitionService(db)
		rs := sqldb.NewRecordService(db)
		mustDefinitions(t, ctx, db)

		t.Run("RoundTrip", func(t *testing.T) {
			d := testDefinitions()
			d.Scorecards, d.Calendar = testScorecards()
			changes, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := []kpi.Change{{Action: "create", Kind: "scorecard", Name: "reps"}, {Action: "create", Kind: "scorecard", Name: "leads"}, {Action: "create", Kind: "calendar", Name: "workspace"}}
			if !reflect.DeepEqual(changes, want) {
				t.Errorf("changes = %v, want %v", changes, want)
			}
			got, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Scorecards, d.Scorecards) {
				t.Errorf("scorecards = %+v, want %+v", got.Scorecards, d.Scorecards)
			}
			if !reflect.DeepEqual(got.Calendar, d.Calendar) {
				t.Errorf("calendar = %+v, want %+v", got.Calendar, d.Calendar)
			}
		})
		t.Run("Idempotent", func(t *testing.T) {
			v0, _ := rs.Versions(ctx)
			stored, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			d := testDefinitions()
			d.Scorecards, d.Calendar = testScorecards()
			for _, d := range []*kpi.Definitions{d, stored} {
				changes, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if len(changes) != 0 {
					t.Errorf("changes = %v, want none", changes)
				}
			}
			if v1, _ := rs.Versions(ctx); v1.Definitions != v0.Definitions {
				t.Errorf("definitions version = %d, want %d", v1.Definitions, v0.Definitions)
			}
		})
		t.Run("UpdateDelete", func(t *testing.T) {
			d := testDefinitions()
			d.Scorecards, _ = testScorecards()
			d.Scorecards = d.Scorecards[:1]
			d.Scorecards[0].Missing = kpi.MissingZero
			changes, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := []kpi.Change{{Action: "delete", Kind: "calendar", Name: "workspace"}, {Action: "delete", Kind: "scorecard", Name: "leads"}, {Action: "update", Kind: "scorecard", Name: "reps"}}
			if !reflect.DeepEqual(changes, want) {
				t.Errorf("changes = %v, want %v", changes, want)
			}
			got, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Calendar != nil || len(got.Scorecards) != 1 || got.Scorecards[0].Missing != kpi.MissingZero {
				t.Errorf("definitions = calendar %+v, scorecards %+v", got.Calendar, got.Scorecards)
			}
		})
	})
}

func TestDefinitionService_Revisions(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewDefinitionService(db)
		audit := sqldb.NewAuditService(db)
		mustDefinitions(t, ctx, db)
		from := func(s string) *kpi.Date {
			d, err := kpi.ParseDate(s)
			if err != nil {
				t.Fatal(err)
			}
			return &d
		}
		revisions := func(t *testing.T) string {
			t.Helper()
			defs, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range defs.Revisions {
				if r.KPI.UpdatedAt.IsZero() {
					t.Errorf("revision %s until %s has no UpdatedAt", r.KPI.Name, r.Until)
				}
				out = append(out, fmt.Sprintf("%s<=%s:%s", r.KPI.Name, r.Until, r.KPI.Filter+r.KPI.Expr))
			}
			return strings.Join(out, " ")
		}

		t.Run("NoEffectiveDate", func(t *testing.T) {
			d := testDefinitions()
			d.KPIs[0].Filter = `stage == "Won" || stage == "Open"`
			if _, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{Reason: "count open deals too"}); err != nil {
				t.Fatal(err)
			}
			if got := revisions(t); got != "" {
				t.Errorf("revisions = %q, want none", got)
			}
			entries, err := audit.FindAuditEntries(ctx, "kpi", "won", 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Action != "update" || entries[0].Reason != "count open deals too" {
				t.Errorf("audit = %+v, want an update with the reason", entries)
			}
		})
		t.Run("DryRun", func(t *testing.T) {
			d := testDefinitions()
			changes, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{DryRun: true, EffectiveFrom: from("2025-04-01")})
			if err != nil {
				t.Fatal(err)
			}
			if want := []kpi.Change{{Action: "update", Kind: "kpi", Name: "won"}}; !reflect.DeepEqual(changes, want) {
				t.Errorf("changes = %v, want %v", changes, want)
			}
			if got := revisions(t); got != "" {
				t.Errorf("dry run kept revisions %q", got)
			}
		})
		t.Run("EffectiveFrom", func(t *testing.T) {
			// won changes back; revenue stays: only won keeps a revision.
			d := testDefinitions()
			if _, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{EffectiveFrom: from("2025-04-01"), Reason: "Q2 rules"}); err != nil {
				t.Fatal(err)
			}
			if got, want := revisions(t), `won<=2025-03-31:stage == "Won" || stage == "Open"`; got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
			entries, err := audit.FindAuditEntries(ctx, "kpi_revision", "won", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Reason != "Q2 rules" || !strings.Contains(entries[0].New, `"until":"2025-03-31"`) {
				t.Errorf("audit = %+v, want one kpi_revision entry until 2025-03-31 with the reason", entries)
			}
			// Applying the same definitions again keeps nothing more.
			changes, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{EffectiveFrom: from("2025-05-01")})
			if err != nil || len(changes) != 0 {
				t.Errorf("apply again = %v, %v; want no changes", changes, err)
			}
			if got, want := revisions(t), `won<=2025-03-31:stage == "Won" || stage == "Open"`; got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
		})
		t.Run("UpdateAndDelete", func(t *testing.T) {
			d := testDefinitions()
			d.KPIs[0].Filter = `stage == "Lost"`
			d.KPIs = d.KPIs[:1] // revenue deleted
			if _, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{EffectiveFrom: from("2025-07-01")}); err != nil {
				t.Fatal(err)
			}
			want := `revenue<=2025-06-30:amount won<=2025-03-31:stage == "Won" || stage == "Open" won<=2025-06-30:stage == "Won"`
			if got := revisions(t); got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
		})
		t.Run("KeptWithoutEffectiveDate", func(t *testing.T) {
			d := testDefinitions()
			d.KPIs = d.KPIs[:1]
			d.KPIs[0].Filter = `stage == "Open"`
			if _, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			want := `revenue<=2025-06-30:amount won<=2025-03-31:stage == "Won" || stage == "Open" won<=2025-06-30:stage == "Won"`
			if got := revisions(t); got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
		})
		t.Run("SameDay", func(t *testing.T) {
			// From 2025-07-01 again: the definition applied above was never
			// in effect, so no revision is kept for it.
			d := testDefinitions()
			d.KPIs = d.KPIs[:1]
			d.KPIs[0].Filter = `stage != "Lost"`
			if _, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{EffectiveFrom: from("2025-07-01")}); err != nil {
				t.Fatal(err)
			}
			want := `revenue<=2025-06-30:amount won<=2025-03-31:stage == "Won" || stage == "Open" won<=2025-06-30:stage == "Won"`
			if got := revisions(t); got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
		})
		t.Run("ErrBeforeLastRevision", func(t *testing.T) {
			v0, _ := sqldb.NewRecordService(db).Versions(ctx)
			d := testDefinitions()
			for _, dry := range []bool{true, false} {
				_, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{DryRun: dry, EffectiveFrom: from("2025-06-15")})
				wantCode(t, err, kpi.ECONFLICT)
				if msg := kpi.ErrorMessage(err); !strings.Contains(msg, `"won"`) || !strings.Contains(msg, "2025-06-30") || !strings.Contains(msg, "2025-07-01") {
					t.Errorf("message %q does not name the KPI, the last revision's end and the first possible day", msg)
				}
			}
			if v1, _ := sqldb.NewRecordService(db).Versions(ctx); v1 != v0 {
				t.Errorf("versions = %+v, want unchanged %+v", v1, v0)
			}
		})
	})
}

// TestDefinitionService_ScorecardRevisions keeps earlier versions of
// scorecard templates by the same rules as the KPI revisions.
func TestDefinitionService_ScorecardRevisions(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewDefinitionService(db)
		audit := sqldb.NewAuditService(db)
		from := func(s string) *kpi.Date {
			d, err := kpi.ParseDate(s)
			if err != nil {
				t.Fatal(err)
			}
			return &d
		}
		// defs are testDefinitions with the templates reps, weighted won
		// and revenue, and leads with the missing rule missing (no leads if
		// missing is "").
		defs := func(won, revenue string, missing kpi.MissingRule) *kpi.Definitions {
			d := testDefinitions()
			d.Scorecards, _ = testScorecards()
			d.Scorecards[0].Items[0].Weight = decimal.RequireFromString(won)
			d.Scorecards[0].Items[1].Weight = decimal.RequireFromString(revenue)
			if missing == "" {
				d.Scorecards = d.Scorecards[:1]
			} else {
				d.Scorecards[1].Missing = missing
			}
			return d
		}
		// revisions writes the stored scorecard revisions as
		// "name<=until:weights/missing".
		revisions := func(t *testing.T) string {
			t.Helper()
			got, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Revisions) != 0 {
				t.Errorf("kpi revisions = %d, want none", len(got.Revisions))
			}
			var out []string
			for _, r := range got.ScorecardRevisions {
				var ws []string
				for _, it := range r.Template.Items {
					ws = append(ws, it.KPI+" "+it.Weight.String())
				}
				out = append(out, fmt.Sprintf("%s<=%s:%s/%s", r.Template.Name, r.Until, strings.Join(ws, ","), r.Template.Missing))
			}
			return strings.Join(out, " ")
		}
		if _, err := s.ApplyDefinitions(ctx, defs("60", "40", kpi.MissingZero), kpi.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}

		t.Run("NoEffectiveDate", func(t *testing.T) {
			if _, err := s.ApplyDefinitions(ctx, defs("70", "30", kpi.MissingZero), kpi.ApplyOptions{Reason: "fix the weights"}); err != nil {
				t.Fatal(err)
			}
			if got := revisions(t); got != "" {
				t.Errorf("revisions = %q, want none", got)
			}
			entries, err := audit.FindAuditEntries(ctx, "scorecard", "reps", 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Action != "update" || entries[0].Reason != "fix the weights" {
				t.Errorf("audit = %+v, want an update with the reason", entries)
			}
		})
		t.Run("DryRun", func(t *testing.T) {
			changes, err := s.ApplyDefinitions(ctx, defs("50", "50", kpi.MissingZero), kpi.ApplyOptions{DryRun: true, EffectiveFrom: from("2025-04-01")})
			if err != nil {
				t.Fatal(err)
			}
			if want := []kpi.Change{{Action: "update", Kind: "scorecard", Name: "reps"}}; !reflect.DeepEqual(changes, want) {
				t.Errorf("changes = %v, want %v", changes, want)
			}
			if got := revisions(t); got != "" {
				t.Errorf("dry run kept revisions %q", got)
			}
		})
		t.Run("EffectiveFrom", func(t *testing.T) {
			// reps changes; leads stays: only reps keeps a revision.
			d := defs("50", "50", kpi.MissingZero)
			if _, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{EffectiveFrom: from("2025-04-01"), Reason: "Q2 weights"}); err != nil {
				t.Fatal(err)
			}
			if got, want := revisions(t), "reps<=2025-03-31:won 70,revenue 30/"; got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
			entries, err := audit.FindAuditEntries(ctx, "scorecard_revision", "reps", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Action != "create" || entries[0].Reason != "Q2 weights" ||
				!strings.Contains(entries[0].New, `"until":"2025-03-31"`) || !strings.Contains(entries[0].New, `"template":{"name":"reps"`) {
				t.Errorf("audit = %+v, want one scorecard_revision entry of reps until 2025-03-31 with the reason", entries)
			}
			// The kept version is the stored one, whole.
			got, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := defs("70", "30", kpi.MissingZero).Scorecards[0]
			if !reflect.DeepEqual(got.ScorecardRevisions[0].Template, want) {
				t.Errorf("revision = %+v, want %+v", got.ScorecardRevisions[0].Template, want)
			}
			// Applying the same definitions again keeps nothing more.
			changes, err := s.ApplyDefinitions(ctx, d, kpi.ApplyOptions{EffectiveFrom: from("2025-05-01")})
			if err != nil || len(changes) != 0 {
				t.Errorf("apply again = %v, %v; want no changes", changes, err)
			}
			if got, want := revisions(t), "reps<=2025-03-31:won 70,revenue 30/"; got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
		})
		t.Run("UpdateAndDelete", func(t *testing.T) {
			changes, err := s.ApplyDefinitions(ctx, defs("40", "60", ""), kpi.ApplyOptions{EffectiveFrom: from("2025-07-01")})
			if err != nil {
				t.Fatal(err)
			}
			if want := []kpi.Change{{Action: "delete", Kind: "scorecard", Name: "leads"}, {Action: "update", Kind: "scorecard", Name: "reps"}}; !reflect.DeepEqual(changes, want) {
				t.Errorf("changes = %v, want %v", changes, want)
			}
			want := "leads<=2025-06-30:revenue 100/zero reps<=2025-03-31:won 70,revenue 30/ reps<=2025-06-30:won 50,revenue 50/"
			if got := revisions(t); got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
		})
		t.Run("KeptWithoutEffectiveDate", func(t *testing.T) {
			if _, err := s.ApplyDefinitions(ctx, defs("30", "70", ""), kpi.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			want := "leads<=2025-06-30:revenue 100/zero reps<=2025-03-31:won 70,revenue 30/ reps<=2025-06-30:won 50,revenue 50/"
			if got := revisions(t); got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
		})
		t.Run("SameDay", func(t *testing.T) {
			// From 2025-07-01 again: the version applied above was never in
			// effect, so no revision is kept for it.
			if _, err := s.ApplyDefinitions(ctx, defs("20", "80", ""), kpi.ApplyOptions{EffectiveFrom: from("2025-07-01")}); err != nil {
				t.Fatal(err)
			}
			want := "leads<=2025-06-30:revenue 100/zero reps<=2025-03-31:won 70,revenue 30/ reps<=2025-06-30:won 50,revenue 50/"
			if got := revisions(t); got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
		})
		t.Run("ErrBeforeLastRevision", func(t *testing.T) {
			v0, _ := sqldb.NewRecordService(db).Versions(ctx)
			for _, dry := range []bool{true, false} {
				_, err := s.ApplyDefinitions(ctx, defs("10", "90", ""), kpi.ApplyOptions{DryRun: dry, EffectiveFrom: from("2025-06-15")})
				wantCode(t, err, kpi.ECONFLICT)
				if got, want := kpi.ErrorMessage(err), `Scorecard template "reps" has an earlier version in effect until 2025-06-30; a change to it cannot take effect before 2025-07-01.`; got != want {
					t.Errorf("message = %q, want %q", got, want)
				}
			}
			if v1, _ := sqldb.NewRecordService(db).Versions(ctx); v1 != v0 {
				t.Errorf("versions = %+v, want unchanged %+v", v1, v0)
			}
			want := "leads<=2025-06-30:revenue 100/zero reps<=2025-03-31:won 70,revenue 30/ reps<=2025-06-30:won 50,revenue 50/"
			if got := revisions(t); got != want {
				t.Errorf("revisions = %q, want %q", got, want)
			}
		})
		t.Run("Recreated", func(t *testing.T) {
			// leads comes back from 2025-09-01: its revision stays, and the
			// new version is in effect after it.
			if _, err := s.ApplyDefinitions(ctx, defs("20", "80", kpi.MissingExclude), kpi.ApplyOptions{EffectiveFrom: from("2025-09-01")}); err != nil {
				t.Fatal(err)
			}
			got, err := s.FindDefinitions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct{ day, want string }{
				{"2025-06-30", "zero"}, {"2025-07-01", "exclude"}, {"2025-09-01", "exclude"},
			} {
				if tmpl := got.ScorecardNamed("leads", *from(tt.day)); tmpl == nil || string(tmpl.Missing) != tt.want {
					t.Errorf("leads on %s = %+v, want missing %s", tt.day, tmpl, tt.want)
				}
			}
		})
	})
}
