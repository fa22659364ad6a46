package main

import (
	"net/http"
	"strings"
	"testing"

	"attain/app/review"
	"attain/kpi"
)

// apiReviewYAML: won (count) and won_value (sum) on the "rep" scorecard,
// both against the person's target (80 %/120 %), won_value capped.
const apiReviewYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Won, Lost]}
      - {name: amount, type: money}
      - {name: closed_on, type: date}
kpis:
  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: won_value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
scorecards:
  - name: rep
    position: rep
    items:
      - {kpi: won, weight: 60, basis: plan, threshold: 80, stretch: 120}
      - {kpi: won_value, weight: 40, basis: plan, threshold: 80, stretch: 120, curve: {kind: capped}}
`

func TestAPIReview(t *testing.T) {
	acme, _ := newTestAPI(t)
	acme.must("PUT", "/api/v1/definitions", "application/yaml", apiReviewYAML, 200)
	acme.must("POST", "/api/v1/org/import", "", `{
		"units": [{"id": "co", "name": "Acme"}, {"id": "t1", "name": "Team 1", "parent_id": "co"}],
		"employees": [{"id": "ann", "name": "Ann", "unit_id": "t1", "position": "rep"},
		              {"id": "bob", "name": "Bob", "unit_id": "t1", "position": "rep", "manager_id": "ann"},
		              {"id": "eve", "name": "Eve", "unit_id": "t1", "position": "intern", "manager_id": "ann"}]
	}`, 200)
	// ann won 3 deals in May 2025 (100, 100, 250), bob 1 (100).
	acme.must("POST", "/api/v1/datasets/deals/records", "text/csv",
		"id;rep;stage;amount;closed_on\nd1;ann;Won;100;2025-05-05\nd2;ann;Won;100;2025-05-06\nd3;ann;Won;250;2025-05-07\nd4;bob;Won;100;2025-05-08\n", 200)

	t.Run("SetTargets", func(t *testing.T) {
		acme.must("PUT", "/api/v1/targets", "", `{"targets": [
			{"kpi": "won", "subject": {"kind": "employee", "id": "ann"}, "period": {"grain": "month", "from": "2025-05-01", "to": "2025-05-31"}, "value": "4"},
			{"kpi": "won_value", "subject": {"kind": "employee", "id": "ann"}, "period": {"grain": "month", "from": "2025-05-01", "to": "2025-05-31"}, "value": "500"},
			{"kpi": "won", "subject": {"kind": "employee", "id": "bob"}, "period": {"grain": "month", "from": "2025-05-01", "to": "2025-05-31"}, "value": "2"}]}`, 200)
	})

	t.Run("ErrUnknown", func(t *testing.T) {
		out := acme.must("PUT", "/api/v1/targets", "", `{"targets": [
			{"kpi": "won", "subject": {"kind": "employee", "id": "ann"}, "period": {"grain": "month", "from": "2025-06-01", "to": "2025-06-30"}, "value": "5"},
			{"kpi": "nope", "subject": {"kind": "employee", "id": "zed"}, "period": {"grain": "month", "from": "2025-06-01", "to": "2025-06-30"}, "value": "1"}]}`, 400)
		for _, want := range []string{`no KPI \"nope\"`, `no employee \"zed\"`} {
			if !strings.Contains(out, want) {
				t.Errorf("body %s lacks %s", out, want)
			}
		}
		var ts []kpi.Target
		decode(t, acme.must("GET", "/api/v1/targets?period=2025-06", "", "", 200), &ts)
		if len(ts) != 0 {
			t.Errorf("a refused call stored %d target(s) for June", len(ts))
		}
	})

	// ann in May: won 3 of 4, levels 3.2/4/4.8: worse than the threshold,
	// 0; won_value 450 of 500: 90 %, capped: 90. (60 × 0 + 40 × 90) / 100
	// = 36.00.
	t.Run("Scorecard", func(t *testing.T) {
		var c review.Card
		decode(t, acme.must("GET", "/api/v1/scorecard?employee=ann&period=2025-05", "", "", 200), &c)
		if got, want := c.Items[0].Score.String()+" "+c.Items[1].Score.String()+" "+c.Total.String(), "0 90 36"; got != want {
			t.Errorf("scores and total = %s, want %s", got, want)
		}
	})

	// bob: won 1 of 2, threshold 1.6: below (3). ann is his manager; eve
	// has no template.
	t.Run("Attention", func(t *testing.T) {
		var att review.Attention
		decode(t, acme.must("GET", "/api/v1/attention?manager=ann&period=2025-05", "", "", 200), &att)
		if len(att.Concerns) != 1 || att.Concerns[0].Subject.ID != "bob" || att.Concerns[0].Points != 3 {
			t.Errorf("concerns = %+v, want bob with 3 points", att.Concerns)
		}
		if len(att.Skipped) != 1 || att.Skipped[0].Employee != "eve" {
			t.Errorf("skipped = %+v, want eve", att.Skipped)
		}
	})

	t.Run("LockReopenHistory", func(t *testing.T) {
		acme.must("POST", "/api/v1/periods/lock", "", `{"period": "2025-05", "reason": "closed"}`, 204)
		change := `{"targets": [{"kpi": "won", "subject": {"kind": "employee", "id": "bob"}, "period": {"grain": "month", "from": "2025-05-01", "to": "2025-05-31"}, "value": "3"}], "reason": "recount"}`
		acme.must("PUT", "/api/v1/targets", "", change, 409)
		acme.must("POST", "/api/v1/periods/reopen", "", `{"period": "2025-05"}`, 400)
		acme.must("POST", "/api/v1/periods/reopen", "", `{"period": "2025-05", "reason": "recount approved"}`, 204)
		acme.must("PUT", "/api/v1/targets", "", change, 200)

		var hist []kpi.TargetChange
		decode(t, acme.must("GET", "/api/v1/targets/history?employee=bob&kpi=won", "", "", 200), &hist)
		var got []string
		for _, h := range hist {
			old := "-"
			if h.Old != nil {
				old = h.Old.String()
			}
			got = append(got, old+" → "+h.New.String()+" "+h.Reason)
			if h.By == "" {
				t.Errorf("change without who: %+v", h)
			}
		}
		if got, want := strings.Join(got, "; "), "- → 2 ; 2 → 3 recount"; got != want {
			t.Errorf("history = %s, want %s", got, want)
		}
	})

	t.Run("Export", func(t *testing.T) {
		status, body := acme.do("GET", "/api/v1/scorecard/export.xlsx?unit=t1&period=2025-05", "", "")
		if status != 200 || !strings.HasPrefix(body, "PK") {
			t.Fatalf("export = %d, %.40q; want 200 and a zip", status, body)
		}
		req, _ := http.NewRequest("GET", acme.url+"/api/v1/scorecard/export.xlsx?unit=t1&period=2025-05", nil)
		req.Header.Set("Authorization", "Bearer "+acme.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got, want := resp.Header.Get("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"; got != want {
			t.Errorf("content type = %q, want %q", got, want)
		}
	})
}
