package app_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/demo"
	"attain/kpi"
	"attain/kpitest"
)

// libraryWorkspace is a fresh workspace with the definitions of file
// applied.
func libraryWorkspace(t *testing.T, source string, yaml []byte) (*app.App, kpi.Actor) {
	t.Helper()
	a := apptest.New(kpitest.MustOpenDB(t))
	ctx := context.Background()
	ws := &kpi.Workspace{Slug: "lib", Name: "Lib", TimeZone: "UTC"}
	if err := a.CreateWorkspace(ctx, ws); err != nil {
		t.Fatal(err)
	}
	who := kpi.Actor{WorkspaceID: ws.ID, Name: "test", Role: kpi.RoleAdmin}
	if _, err := a.Apply(ctx, who, app.ApplyRequest{Source: source, YAML: yaml}); err != nil {
		t.Fatal(err)
	}
	return a, who
}

// TestLibraryDemo: every entry of a function the demo has applies cleanly
// to the demo's datasets as they are (its columns have the library's
// names and values).
func TestLibraryDemo(t *testing.T) {
	a, who := libraryWorkspace(t, "demo/attain.yaml", demo.Config)
	ctx := context.Background()
	es, err := a.Library(ctx, who, "")
	if err != nil || len(es) < 3 {
		t.Fatalf("library: %v %v", es, err)
	}
	// The demo has no service desk: that entry needs a dataset of tickets
	// (TestLibraryServiceDesk).
	notInDemo := map[string]string{"service-desk": "tickets"}
	for _, e := range es {
		res, err := a.ApplyLibrary(ctx, who, app.LibraryRequest{Entry: e.ID, Currency: "EUR", Position: "library " + e.ID})
		if ds, ok := notInDemo[e.ID]; ok {
			if !strings.Contains(problemsText(err), "map it with --map "+ds+"=YOUR_DATASET") {
				t.Errorf("apply %s: %v %s, want the dataset %s named", e.ID, err, problemsText(err), ds)
			}
			continue
		}
		if err != nil {
			t.Errorf("apply %s: %v", e.ID, err)
			continue
		}
		if e.ID == "order-processing-manager" && !slices.Contains(res.Kept, "requests_processed") {
			t.Errorf("%s: kept %v, want the demo's requests_processed kept", e.ID, res.Kept)
		}
	}
	defs, err := a.Definitions(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"on_time_share", "error_rate"} {
		if defs.KPI(name) == nil {
			t.Errorf("no KPI %s after applying the order-processing entry", name)
		}
	}
	if tm := defs.Scorecard("library order-processing-manager"); tm == nil || len(tm.Items) != 4 {
		t.Errorf("library template: %+v", tm)
	}
}

// TestLibraryMaven maps the sales pipeline entry onto the Maven CRM
// example's own columns; without the mapping, each missing column is
// named.
func TestLibraryMaven(t *testing.T) {
	yaml, err := os.ReadFile("../examples/maven/attain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, who := libraryWorkspace(t, "maven.yaml", yaml)
	ctx := context.Background()
	_, err = a.ApplyLibrary(ctx, who, app.LibraryRequest{Entry: "sales-pipeline"})
	var ke *kpi.Error
	if kpi.ErrorCode(err) != kpi.EINVALID || !errorAs(err, &ke) || len(ke.Details) != 4 {
		t.Fatalf("unmapped: %v, want 4 problems (stage, amount, created_at, closed_at)", err)
	}
	if !strings.Contains(ke.Details[0].Reason, "--map amount=YOUR_COLUMN") {
		t.Errorf("problem: %+v", ke.Details[0])
	}
	res, err := a.ApplyLibrary(ctx, who, app.LibraryRequest{Entry: "sales-pipeline", Currency: "USD", Position: "sales agent",
		Map: map[string]string{"stage": "deal_stage", "amount": "close_value", "created_at": "engage_date", "closed_at": "close_date"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Kept, "won_value") || !slices.Contains(res.Kept, "win_rate") {
		t.Errorf("kept %v, want Maven's won_value and win_rate", res.Kept)
	}
	k, err := a.KPI(ctx, who, "median_days_to_close")
	if err != nil {
		t.Fatal(err)
	}
	if k.Expr != "days_between(engage_date, close_date)" || k.Filter != `deal_stage == "Won"` || k.TimeColumn != "close_date" {
		t.Errorf("mapped KPI: %+v", k)
	}
	if _, err := a.ApplyLibrary(ctx, who, app.LibraryRequest{Entry: "sales-pipeline", Map: map[string]string{"stage": "nope", "amount": "close_value", "created_at": "engage_date", "closed_at": "close_date"}}); kpi.ErrorCode(err) != kpi.EINVALID ||
		!strings.Contains(kpi.ErrorMessage(err)+problemsText(err), `no column "nope"`) {
		t.Errorf("a wrong column: %v", err)
	}
}

func errorAs(err error, target **kpi.Error) bool {
	e, ok := err.(*kpi.Error)
	if ok {
		*target = e
	}
	return ok
}

func problemsText(err error) string {
	var ke *kpi.Error
	if !errorAs(err, &ke) {
		return ""
	}
	var b strings.Builder
	for _, p := range ke.Details {
		b.WriteString(p.Reason + "\n")
	}
	return b.String()
}
