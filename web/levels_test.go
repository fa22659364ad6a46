package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestScorecardLevelsAPI: ann (heads team 1) previews and sets bob's
// scorecard through the API (200 with the effect, then 201), a mandatory
// KPI switched off is refused with the item and field named, the change
// shows in what is in effect; on the form a weight that is no number is
// named at its field with what was typed kept.
func TestScorecardLevelsAPI(t *testing.T) {
	a, root := apptest.Small(t)
	ctx := context.Background()
	if _, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.OwnershipYAML())}); err != nil {
		t.Fatal(err)
	}
	tokens := apptest.People(t, a, root)
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	call := func(method, path, ctype, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokens["ann"])
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	const inside = `{"employee": "bob", "from": "2025-06", "items": [{"kpi": "deals", "on": true}, {"kpi": "won_value", "weight": "20"}], "reason": "api"%s}`
	status, body := call("POST", "/api/v1/levels/scorecard", "application/json", strings.Replace(inside, "%s", `, "dry_run": true`, 1))
	var res app.ScorecardLevelResult
	if err := json.Unmarshal([]byte(body), &res); status != 200 || err != nil || res.Change.Status != kpi.LevelApplied || len(res.Effect) != 1 || res.Effect[0].After.String() != "40" {
		t.Fatalf("dry run: %d %s", status, body)
	}
	if status, body = call("POST", "/api/v1/levels/scorecard", "application/json", strings.Replace(inside, "%s", "", 1)); status != 201 || !strings.Contains(body, `"status": "applied"`) {
		t.Fatalf("set: %d %s", status, body)
	}
	status, body = call("POST", "/api/v1/levels/scorecard", "application/json", `{"employee": "bob", "from": "2025-06", "items": [{"kpi": "won", "on": false}, {"kpi": "days", "weight": "70"}]}`)
	if status != 400 || !strings.Contains(body, `"column": "items[won].on"`) || !strings.Contains(body, "mandatory") {
		t.Errorf("mandatory off: %d %s", status, body)
	}
	status, body = call("GET", "/api/v1/levels/scorecard?employee=bob&period=2025-06", "", "")
	var v app.ScorecardLevels
	if err := json.Unmarshal([]byte(body), &v); status != 200 || err != nil || v.Change == nil || len(v.History) != 1 || v.Items[3].Off {
		t.Errorf("in effect: %d %s", status, body)
	}
	page := "subject=employee:bob&from=2025-07&scorecard=rep&reason=form"
	for _, k := range []string{"won", "won_value", "days", "deals"} {
		page += "&item=" + k + "&on." + k + "=true&weight." + k + "=25&threshold." + k + "=80&stretch." + k + "=120"
	}
	status, body = call("POST", "/strategy/scorecard", "application/x-www-form-urlencoded", strings.Replace(page, "weight.won_value=25", "weight.won_value=2x5", 1))
	if status != 400 || !strings.Contains(body, "&#34;2x5&#34; is not a number.") || !strings.Contains(body, `value="2x5"`) || !strings.Contains(body, `value="form"`) {
		t.Errorf("form with a weight that is no number: %d %s", status, body[strings.Index(body, `id="scorecard"`):])
	}
}
