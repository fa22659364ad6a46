package main

import (
	"strings"
	"testing"
)

// scoreStatementYAML pays reps a 1,000 bonus × the scorecard's score / 100
// and 10 % commission on won value; the rep scorecard weights won deals 70
// (of a target; threshold 80 %, stretch 120 %) and the median processing
// days 30 (lower is better: threshold 6, target 4, stretch 2).
const scoreStatementYAML = `
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
      - {name: days, type: decimal, scale: 1}
kpis:
  - {name: won, title: Won deals, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: won_value, title: Won value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
  - {name: processing_days, title: Processing time, unit: duration, time_unit: days, direction: lower, dataset: deals, aggregation: median, expr: days, filter: 'stage == "Won"'}
scorecards:
  - name: rep
    position: rep
    items:
      - {kpi: won, weight: 70, basis: plan, threshold: 80, stretch: 120}
      - {kpi: processing_days, weight: 30, basis: fixed, threshold: 6, target: 4, stretch: 2}
bonus_plans:
  - name: reps
    plan:
      components:
        - {id: bonus, kind: bonus, target: 1000, coefficient: {of: score, scale: [{from: 0, coefficient: 0, slope: 1}]}}
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
    assign:
      - {position: rep}
`

// The what-if of a statement whose bonus pays on the scorecard's score
// rescores the card: ann won 5 of 5 deals (100) in a median of 5 days
// (50 + 50 × (5 − 6) / (4 − 6) = 75): score 92.50, bonus 925, commission
// 1,000. At 2 days (150): score 115.00, bonus 1,150, payout 2,150.
func TestStatementWhatIfScoreAPI(t *testing.T) {
	acme, _ := newTestAPI(t)
	acme.must("PUT", "/api/v1/definitions", "application/yaml", scoreStatementYAML, 200)
	acme.must("POST", "/api/v1/org/import", "", `{
		"units": [{"id": "co", "name": "Acme"}],
		"employees": [{"id": "ann", "name": "Ann", "unit_id": "co", "position": "rep", "currency": "EUR"}]
	}`, 200)
	acme.must("PUT", "/api/v1/targets", "", `{"targets": [
		{"kpi": "won", "subject": {"kind": "employee", "id": "ann"}, "period": {"grain": "month", "from": "2017-06-01", "to": "2017-06-30"}, "value": "5"}]}`, 200)
	acme.must("POST", "/api/v1/datasets/deals/records", "text/csv", "id;rep;stage;amount;closed_on;days\n"+
		"d1;ann;Won;1000;2017-06-01;3\nd2;ann;Won;1000;2017-06-02;5\nd3;ann;Won;2000;2017-06-05;5\nd4;ann;Won;2000;2017-06-06;6\nd5;ann;Won;4000;2017-06-07;8\n", 200)
	approver := acme.another("approver")
	approver.must("POST", "/api/v1/statements/ann/2017-06/approve", "", "", 200)
	approver.must("POST", "/api/v1/statements/ann/2017-06/lock", "", "", 200)

	var w struct {
		Payout, Delta string
		Score         struct {
			Was, Score, Rule string
			Rescored         bool
			Scorecard        struct {
				Total string
				Items []struct {
					KPI   string
					Score string
					Notes []string
				}
			}
		}
		WhatIf struct {
			Notes []string
		} `json:"what_if"`
	}
	decode(t, acme.must("POST", "/api/v1/statements/ann/2017-06/what-if", "", `{"changes": [{"kpi": "processing_days", "set": "2"}]}`, 200), &w)
	if w.Payout != "2150" || w.Delta != "225" || w.Score.Was != "92.5" || w.Score.Score != "115" || !w.Score.Rescored || w.Score.Scorecard.Total != "115" {
		t.Errorf("what-if: %+v", w)
	}
	if want := "scorecard rep rescored with the what-if actuals: (70 × 100.00 + 30 × 150.00) / 100 = 115.00"; w.Score.Rule != want {
		t.Errorf("score rule: %s", w.Score.Rule)
	}
	if items := w.Score.Scorecard.Items; len(items) != 2 || items[1].Score != "150" || !strings.Contains(strings.Join(items[1].Notes, "\n"), "what-if: processing_days 5 → 2") {
		t.Errorf("rescored items: %+v", items)
	}
	if !strings.Contains(strings.Join(w.WhatIf.Notes, "\n"), "what-if: score 92.5 % → 115 %") {
		t.Errorf("notes: %q", w.WhatIf.Notes)
	}

	var st struct{ Status, Payout string }
	decode(t, acme.must("GET", "/api/v1/statements/ann/2017-06", "", "", 200), &st)
	if st.Status != "locked" || st.Payout != "1925" {
		t.Errorf("the locked statement after a what-if: %+v", st)
	}
}
