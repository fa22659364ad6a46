package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

const statementYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Open, Won, Lost]}
      - {name: amount, type: money, non_negative: true}
      - {name: closed_on, type: date}
kpis:
  - {name: won, title: Won deals, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: won_value, title: Won value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
bonus_plans:
  - name: reps
    plan:
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
      limits: {period_cap: 50}
    assign:
      - {position: rep}
`

func TestStatementAPI(t *testing.T) {
	acme, globex := newTestAPI(t)
	acme.must("PUT", "/api/v1/definitions", "application/yaml", statementYAML, 200)
	acme.must("POST", "/api/v1/org/import", "", `{
		"units": [{"id": "co", "name": "Acme"}],
		"employees": [{"id": "ann", "name": "Ann", "unit_id": "co", "position": "rep", "currency": "EUR", "salary": "4000"},
			{"id": "bob", "name": "Bob", "unit_id": "co", "position": "rep", "currency": "EUR"}]
	}`, 200)
	acme.must("POST", "/api/v1/datasets/deals/records", "text/csv", "id;rep;stage;amount;closed_on\nd1;ann;Won;300;2017-06-01\nd2;ann;Won;200;2017-06-20\nd3;bob;Won;100;2017-06-02\n", 200)

	var st struct {
		Status  string `json:"status"`
		Payout  string `json:"payout"`
		Explain []struct {
			Href string `json:"href"`
		} `json:"explain"`
		Inquiries []struct {
			Line, Text, Answer string
		} `json:"inquiries"`
	}
	decode(t, acme.must("GET", "/api/v1/statements/ann/2017-06", "", "", 200), &st)
	// 10 % of 500 = 50, at the cap.
	if st.Status != "draft" || st.Payout != "50" || len(st.Explain) != 1 || !strings.HasPrefix(st.Explain[0].Href, "/api/v1/explain?") {
		t.Fatalf("statement: %+v", st)
	}
	acme.must("GET", st.Explain[0].Href, "", "", 200)

	acme.must("POST", "/api/v1/statements/ann/2017-06/pay", "", "", http.StatusConflict)
	acme.must("POST", "/api/v1/statements/ann/2017-06/approve", "", "", http.StatusForbidden) // it applied the plan
	acme.another("approver").must("POST", "/api/v1/statements/ann/2017-06/approve", "", "", 200)
	decode(t, acme.must("POST", "/api/v1/statements/ann/2017-06/lock", "", "", 200), &st)
	if st.Status != "locked" {
		t.Errorf("after lock: %s", st.Status)
	}
	acme.must("POST", "/api/v1/statements/ann/2017-06/lock", "", "", http.StatusConflict)

	var q struct{ ID int64 }
	decode(t, acme.must("POST", "/api/v1/statements/ann/2017-06/inquiries", "", `{"line": "limit.period_cap", "text": "Why capped?"}`, http.StatusCreated), &q)
	acme.must("POST", "/api/v1/statements/ann/2017-06/inquiries/1/answer", "", `{"text": "The plan caps at 50."}`, 200)
	acme.must("POST", "/api/v1/statements/ann/2017-06/inquiries", "", `{"line": "nope", "text": "?"}`, http.StatusNotFound)
	decode(t, acme.must("GET", "/api/v1/statements/ann/2017-06", "", "", 200), &st)
	if len(st.Inquiries) != 1 || st.Inquiries[0].Answer != "The plan caps at 50." {
		t.Errorf("inquiries: %+v", st.Inquiries)
	}

	var w struct{ Payout, Delta string }
	decode(t, acme.must("POST", "/api/v1/statements/bob/2017-06/what-if", "", `{"changes": [{"kpi": "won_value", "add": "200"}]}`, 200), &w)
	if w.Payout != "30" || w.Delta != "20" {
		t.Errorf("what-if: %+v", w)
	}
	var cost struct {
		Totals []struct{ Currency, Base, Draft, Delta string }
	}
	decode(t, acme.must("POST", "/api/v1/bonus/cost", "", `{"unit": "co", "period": "2017-06",
		"plan": "name: richer\ncomponents:\n  - {id: commission, kind: commission, kpi: won_value, rate: 20}\n"}`, 200), &cost)
	if len(cost.Totals) != 1 || cost.Totals[0].Base != "60" || cost.Totals[0].Draft != "120" {
		t.Errorf("cost: %+v", cost)
	}

	csv := acme.must("GET", "/api/v1/payouts?period=2017-06&format=csv", "", "", 200)
	if !strings.Contains(csv, "ann,Ann,EUR,reps,50.00,locked,2017-06") || !strings.Contains(csv, "bob,Bob,EUR,reps,10.00,draft,2017-06") {
		t.Errorf("payouts csv:\n%s", csv)
	}
	if out := acme.must("GET", "/api/v1/payouts?period=2017-06&format=xlsx", "", "", 200); !strings.HasPrefix(out, "PK") {
		t.Error("payouts xlsx is not a zip")
	}
	if out := acme.must("GET", "/api/v1/statements/ann/2017-06/pdf", "", "", 200); !strings.HasPrefix(out, "%PDF") {
		t.Error("statement pdf is not a PDF")
	}
	globex.must("GET", "/api/v1/statements/ann/2017-06", "", "", http.StatusNotFound)

	var doc map[string]any
	decode(t, acme.must("GET", "/api/v1/openapi.json", "", "", 200), &doc)
	paths, _ := json.Marshal(doc["paths"])
	for _, p := range []string{"/api/v1/payouts", "/api/v1/statements/{employee}/{period}/lock", "/api/v1/bonus/cost"} {
		if !strings.Contains(string(paths), p) {
			t.Errorf("openapi lacks %s", p)
		}
	}
}
