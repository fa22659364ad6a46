package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
)

// TestPages renders every page template over the small workspace, as a
// signed-in admin, and checks what each must show.
func TestPages(t *testing.T) {
	a, admin := apptest.Small(t)
	tok, err := a.CreateToken(context.Background(), admin, app.TokenRequest{Name: "pages", Integration: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Apply(context.Background(), admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + matrixPlan)}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	get := func(path string, status int) string {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != status {
			t.Fatalf("GET %s = %d, want %d:\n%s", path, res.StatusCode, status, b)
		}
		return string(b)
	}
	pilotsPageFixture(t, a, admin) // a pilot, a comment and a proposal to show
	rendered := map[string]bool{}
	tests := []struct {
		page, path string
		status     int
		want       []string
	}{
		{"person", "/people/bob?period=2025-06", 200, []string{"<h1>Bob</h1>", "3 <small>of 4</small>", "75.0\u00a0% of target", `class="chart bullet"`, `class="chart spark"`, "€300.00"}},
		{"team", "/team?unit=sales&period=2025-06", 200, []string{"<h1>Sales</h1>", `href="/team?unit=t1&amp;period=2025-06"`, `href="/people/cy?period=2025-06"`, "table class=\"sortable\""}},
		{"explain", "/explain?kpi=won&employee=bob&period=2025-06", 200, []string{"d1", "d2", "d3", "count of deals where stage == &#34;Won&#34;"}},
		{"strategy", "/strategy?period=2025-06", 200, []string{"<h1>Strategy</h1>", "No objectives overlap 2025-06"}},
		{"tasks", "/tasks", 200, []string{"<h1>Tasks</h1>", "Set a task"}},
		{"heatmap", "/heatmap?unit=sales&kpi=won&period=2025-06", 200, []string{`<td class="h h2" data-value="75"`, `href="/explain?kpi=won&amp;employee=bob&amp;period=2025-06"`, "Jun 25"}},
		{"health", "/health?unit=co&period=2025-06", 200, []string{"Attainment distribution", `class="chart bars"`}},
		{"pilots", "/pilots", 200, []string{`href="/pilots/1"`, "June trial", "Start a pilot"}},
		{"pilot", "/pilots/1", 200, []string{"<h1>June trial</h1>", "Who gains, who loses", `data-employee="bob"`, "Roll out"}},
		{"meetings", "/meetings?unit=t1&period=2025-06", 200, []string{"Review meeting: Team 1", "Two deals slipped.", "stretch him", "Accept and apply"}},
		{"statement", "/statements/bob/2025-06", 200, []string{"Bonus statement", `data-line="commission.amount"`, `id="payout" data-value="30"`, "€30.00", `name="kpi.won_value"`, "/api/v1/statements/bob/2025-06/pdf"}},
		{"targets", "/targets?unit=t1&kpi=won&period=2025-07&method=average", 200, []string{"<h1>Targets</h1>", `name="t.employee.bob"`, `id="formula"`, "2025-06 actual"}},
		{"admin", "/admin", 200, []string{"Add a unit", `data-unit="t1"`, "Move a person"}},
		{"recognition", "/leaderboard?period=2025-06&metric=won_value", 200, []string{`data-subject="cy" data-place="1"`, `data-value="250">250.0`, `class="medal gold"`, "tied values share a place"}},
		{"recognition", "/leaderboard?period=2025-06&metric=salary", 200, []string{`id="board-problem">metric: &#34;salary&#34; is not a KPI`, `data-subject="cy" data-place="1"`}},
		{"recognition", "/leaderboard/tv?period=2025-06", 200, []string{`<meta http-equiv="refresh" content="60">`, `<body class="tv">`, `data-value="115">115.0`}},
		{"error", "/me", 404, []string{"not an employee"}},
		{"inbox", "/inbox", 200, []string{"<h1>Inbox</h1>", "Nothing unread"}}, // web/notify_test.go: a user's inbox
		{"error", "/people/nobody?period=2025-06", 404, []string{"nobody"}},
	}
	for _, tt := range tests {
		body := get(tt.path, tt.status)
		rendered[tt.page] = true
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q", tt.path, w)
			}
		}
		if strings.Contains(body, "style=") || strings.Contains(body, "<script>") {
			t.Errorf("GET %s has an inline style or script, which the CSP forbids", tt.path)
		}
	}
	for name := range pages {
		if !rendered[name] {
			t.Errorf("template %s is rendered by no test", name)
		}
	}
	if css := get(assets["app.css"].url, 200); !strings.Contains(css, ".tile") {
		t.Error("the stylesheet is not served at its hashed URL")
	}
	get("/static/app.css", 404)   // only the hashed URL: a stale page cannot get a new file
	get("/", http.StatusSeeOther) // to the person's first page
}
