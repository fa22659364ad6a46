package web

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// strategyMatrixSetup makes what the strategy routes of the matrix act
// on: two level changes by ann waiting for approval (1: bob's won target
// of July 2025, 2: team 1's, neither with a company value yet) and a task
// for bob (1). July, not June: whoever sets bob's June targets may not
// approve his June statement, which the matrix does.
func strategyMatrixSetup(t *testing.T, a *app.App, root kpi.Actor) {
	t.Helper()
	ctx := context.Background()
	ann := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:ann@small.example", Role: kpi.RoleMember, EmployeeID: "ann"}
	for _, r := range []app.LevelRequest{
		{KPI: "won", Employee: "bob", Period: "2025-07", Value: decimal.NewFromInt(6), Reason: "setup"},
		{KPI: "won", Unit: "t1", Period: "2025-07", Value: decimal.NewFromInt(6), Reason: "setup"},
	} {
		c, err := a.SetLevel(ctx, ann, r)
		if err != nil || c.Status != kpi.LevelPending {
			t.Fatalf("setup level change: %+v %v", c, err)
		}
	}
	if _, err := a.CreateTask(ctx, root, app.TaskRequest{Employee: "bob", Title: "Setup task", Due: "2025-06-30"}); err != nil {
		t.Fatal(err)
	}
}

// TestStrategyPage shows an objective's progress as the API computes it,
// the measures' values in data-value attributes, and the gaps.
func TestStrategyPage(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	doc := apptest.SmallYAML + `
objectives:
  - id: sales-wins
    title: Sales wins more
    period: 2025-06
    unit: sales
    measures:
      - {kpi: won, target: 10, weight: 2}
      - {kpi: days, target: 2, weight: 1}
  - id: loose
    title: Nobody's
    period: 2025-06
`
	if _, err := a.Apply(ctx, admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(doc)}); err != nil {
		t.Fatal(err)
	}
	tok, err := a.CreateToken(ctx, admin, app.TokenRequest{Name: "pages", Integration: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	get := func(path string) string {
		t.Helper()
		body, _ := bearerGet(t, srv, tok.Secret, path)
		return body
	}
	var v app.StrategyView
	if err := json.Unmarshal([]byte(get("/api/v1/strategy?period=2025-06")), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Objectives) != 2 || v.Objectives[1].Progress == nil {
		t.Fatalf("API: %+v", v.Objectives)
	}
	// Objectives come by id: loose, then sales-wins.
	want := v.Objectives[1].Progress.Progress.String()
	if want != "66.67" { // (2 × 5/10 + 1 × 2/2) / 3 in %
		t.Errorf("API progress = %s, want 66.67", want)
	}
	page := get("/strategy?period=2025-06")
	for _, s := range []string{`data-progress="` + want + `"`, `data-value="5"`, `data-value="50"`, `data-gap="uncarried"`, "Sales wins more", "66.67\u00a0%"} {
		if !strings.Contains(page, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
}

// TestLibraryForm applies a library entry from the strategy page: a dry
// run lists what it would create; a wrong column is named, the mapping
// typed kept in the form.
func TestLibraryForm(t *testing.T) {
	a, admin := apptest.Small(t)
	tok, err := a.CreateToken(context.Background(), admin, app.TokenRequest{Name: "pages", Integration: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	post := func(form string) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/strategy/library", strings.NewReader(form))
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	status, body := post("entry=sales-pipeline&map=closed_at%3Dclosed_on%2C+created_at%3Dclosed_on&dry_run=true")
	if status != 200 || !strings.Contains(body, "Would create kpi deals_won") || !strings.Contains(body, "create kpi median_days_to_close") || !strings.Contains(body, "Kept your own won_value") {
		t.Errorf("dry run: %d %s", status, body[strings.Index(body, `id="library"`):])
	}
	status, body = post("entry=sales-pipeline&map=closed_at%3Dnope")
	if status != 400 || !strings.Contains(body, "no column &#34;nope&#34;") || !strings.Contains(body, `value="closed_at=nope"`) {
		t.Errorf("a wrong column: %d %s", status, body[strings.Index(body, `id="library"`):])
	}
	// Value mappings: their problems are shown at their field, what was
	// typed kept.
	for _, tc := range []struct{ values, want string }{
		{"stage:Wonn=Won", `stage Wonn: entry sales-pipeline relies on the values Won, Lost of stage, not &#34;Wonn&#34;`},
		{"stage:Won=Closed Won\nstage:Lost=Lost", `deals.stage Closed Won: the entry&#39;s stage value Won would be &#34;Closed Won&#34;, but column stage of deals allows only Won, Lost`},
		{"stage=Won", `stage=Won: want COLUMN:THEIRS=OURS`},
	} {
		status, body = post("entry=sales-pipeline&map=closed_at%3Dclosed_on%2C+created_at%3Dclosed_on&dry_run=true&values=" + url.QueryEscape(tc.values))
		lib := body[strings.Index(body, `id="library"`):]
		field := lib[strings.Index(lib, `id="lb-values"`):]
		if status != 400 || !strings.Contains(field, `aria-invalid="true"`) || !strings.Contains(field, template.HTMLEscapeString(tc.values)+"</textarea>") ||
			!strings.Contains(field[:strings.Index(field, "</ul>")], tc.want) {
			t.Errorf("values %q: %d %s", tc.values, status, lib)
		}
	}
	status, body = post("entry=sales-pipeline&map=closed_at%3Dclosed_on%2C+created_at%3Dclosed_on&dry_run=true&values=stage%3ALost%3DLost")
	if status != 200 || !strings.Contains(body, "Would create kpi deals_won") {
		t.Errorf("a value mapping: %d %s", status, body[strings.Index(body, `id="library"`):])
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/library/sales-pipeline", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var d struct {
		ID    string
		Needs []struct {
			Dataset string
			Values  map[string][]string
		}
		KPIs       []struct{ Name, Filter string }
		Scorecards []struct{ Name string }
	}
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil || d.ID != "sales-pipeline" || len(d.Needs) != 1 || strings.Join(d.Needs[0].Values["stage"], ",") != "Won,Lost" ||
		len(d.KPIs) != 5 || d.KPIs[0].Filter != `stage == "Won"` || len(d.Scorecards) != 1 {
		t.Errorf("GET /api/v1/library/sales-pipeline: %v %+v", err, d)
	}
}
