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

// TestPutTargetsGuardrails: PUT /api/v1/targets by a unit head (ann,
// head of t1) meets the guardrails (default 10 %, floor 80 %) against
// bob's June won target of 4: 4.4 is 200 and stored; 5 is 202, pointing
// at the pending level changes, and not stored; 3 is 400 with the floor
// 3.2. An admin's 3 is 200 as asked.
func TestPutTargetsGuardrails(t *testing.T) {
	a, root := apptest.Small(t)
	tokens := apptest.People(t, a, root)
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	put := func(who, value string) (int, string, string) {
		t.Helper()
		body := `{"targets": [{"kpi": "won", "subject": {"kind": "employee", "id": "bob"}, "period": "2025-06", "value": "` + value + `"}], "reason": "api"}`
		req, _ := http.NewRequest("PUT", srv.URL+"/api/v1/targets", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokens[who])
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Location"), string(b)
	}
	target := func() string {
		ts, err := a.Targets(context.Background(), root, app.TargetQuery{KPIs: []string{"won"}, Employees: []string{"bob"}, Period: "2025-06"})
		if err != nil || len(ts) != 1 {
			t.Fatalf("targets: %v %v", ts, err)
		}
		return ts[0].Value.String()
	}
	status, _, body := put("ann", "4.4")
	var ts []kpi.Target
	if err := json.Unmarshal([]byte(body), &ts); status != 200 || err != nil || len(ts) != 1 || ts[0].Value.String() != "4.4" || target() != "4.4" {
		t.Fatalf("inside: %d %s", status, body)
	}
	status, loc, body := put("ann", "5")
	if status != http.StatusAccepted || loc != "/api/v1/levels?status=pending" || strings.TrimSpace(body) != "[]" || target() != "4.4" {
		t.Errorf("above: %d %q %s, target %s", status, loc, body, target())
	}
	pending, err := a.LevelChanges(context.Background(), root, kpi.LevelPending)
	if err != nil || len(pending) != 1 || pending[0].New.String() != "5" || pending[0].Subject.ID != "bob" {
		t.Errorf("pending: %+v %v", pending, err)
	}
	if status, _, body := put("ann", "3"); status != http.StatusBadRequest || !strings.Contains(body, "3.2") || target() != "4.4" {
		t.Errorf("below the floor: %d %s, target %s", status, body, target())
	}
	if status, _, body := put("admin", "3"); status != 200 || target() != "3" {
		t.Errorf("admin: %d %s, target %s", status, body, target())
	}
}

// TestPutGuardrailsDefaults: a KPI's row that leaves max_change and floor
// out takes the default row's, as in attain.yaml; without a default row,
// 10 and 80.
func TestPutGuardrailsDefaults(t *testing.T) {
	a, root := apptest.Small(t)
	tokens := apptest.People(t, a, root)
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	for body, want := range map[string]string{
		`[{"kpi": "", "max_change": "7", "floor": "70"}, {"kpi": "won", "min_weight": "5"}]`: "7/70",
		`[{"kpi": "won", "floor": "95"}]`: "10/95",
	} {
		req, _ := http.NewRequest("PUT", srv.URL+"/api/v1/guardrails", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokens["admin"])
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		gs, err := a.Guardrails(context.Background(), root)
		if res.StatusCode != http.StatusNoContent || err != nil {
			t.Fatalf("%s: %d %v", body, res.StatusCode, err)
		}
		if g := gs[len(gs)-1]; g.KPI != "won" || g.MaxChange.String()+"/"+g.Floor.String() != want {
			t.Errorf("%s: won's row = %+v, want max_change/floor %s", body, g, want)
		}
	}
}
