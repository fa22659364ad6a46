package main_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// TestBonusEvalExamples runs the worked examples of docs/bonus.md through
// `attain bonus eval --format json` and checks the figures the document
// states, line by line. Each example's plan and inputs are printed in the
// document as they are in calc/bonus/testdata (a variant's inputs are told
// in words).
func TestBonusEvalExamples(t *testing.T) {
	const dir = "../../calc/bonus/testdata/"
	doc, err := os.ReadFile("../../docs/bonus.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string // the example's plan
		inputs string // its inputs, when not NAME.inputs.yaml
		want   map[string]string
	}{
		{"per_record", "", map[string]string{"deals.record.D-1": "750", "deals.record.D-2": "240", "deals.record.D-3": "450", "payout": "1440"}},
		{"per_record_tiers", "", map[string]string{"deals.record.D-1": "500", "deals.record.D-2": "120", "payout": "620"}},
		{"running", "", map[string]string{"commission.record.D-1": "660", "commission.record.D-2": "1200", "commission.record.D-3": "400", "payout": "2260"}},
		{"amount_table", "", map[string]string{"quota_bonus.amount": "1250", "payout": "1250"}},
		{"amount_table", "amount_table.beyond", map[string]string{"quota_bonus.amount": "1500"}},
		{"boundary", "", map[string]string{"commission.amount": "500", "over_quota": "0", "quota_bonus.gate": "0", "payout": "500"}},
		{"multiplier", "", map[string]string{"commission.amount": "1200", "commission.multiplier": "1500", "commission.cap": "1400", "win_rate_gate": "1", "payout": "1400"}},
		{"clawback_share", "", map[string]string{"clawback.D-8": "-240", "payout": "260"}},
		{"clawback_unserved", "", map[string]string{"clawback.D-7": "-450", "payout": "50"}},
		{"proration", "", map[string]string{"bonus.target": "3000", "target.won_value": "20000", "kpi.won_value": "110", "bonus.coefficient": "1.1", "payout": "2200"}},
		{"true_up", "", map[string]string{"earned": "6600", "true_up": "2600", "payout": "2600", "recognized": "6600"}},
		{"true_up", "true_up.negative", map[string]string{"earned": "4500", "true_up": "-2100", "payout": "0", "recognized": "6600"}},
		{"ramp", "", map[string]string{"commission.ramp": "480", "ramp.guarantee": "520", "payout": "1000"}},
		{"fx", "", map[string]string{"commission.amount": "1200", "fx": "1301.04", "limit.period_cap": "1084.2", "payout": "1084.2"}},
		{"projection", "", map[string]string{"payout": "900", "projection.value": "13000", "projection.payout": "1880", "projection.earnings": "980"}},
	} {
		inputs := tt.inputs
		if inputs == "" {
			inputs = tt.name
		}
		t.Run(inputs, func(t *testing.T) {
			shown := []string{tt.name + ".plan.yaml", inputs + ".inputs.yaml"}
			if tt.inputs != "" {
				shown = shown[:1] // a variant the document tells in words
			}
			for _, f := range shown {
				if b := shownYAML(t, dir+f); !strings.Contains(string(doc), b) {
					t.Errorf("docs/bonus.md does not show %s as it is:\n%s", f, b)
				}
			}
			out := attain(t, t.TempDir(), "bonus", "eval", "--plan", dir+tt.name+".plan.yaml", "--inputs", dir+inputs+".inputs.yaml", "--format", "json")
			var got struct {
				Statement struct {
					Payout decimal.Decimal `json:"payout"`
					Lines  []struct {
						ID     string          `json:"id"`
						Result decimal.Decimal `json:"result"`
					} `json:"lines"`
					TrueUp *struct {
						Recognized decimal.Decimal `json:"recognized"`
					} `json:"true_up"`
					Projection *struct {
						Payout   decimal.Decimal `json:"payout"`
						Earnings decimal.Decimal `json:"earnings"`
						Lines    []struct {
							ID     string          `json:"id"`
							Result decimal.Decimal `json:"result"`
						} `json:"lines"`
					} `json:"projection"`
				} `json:"statement"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			lines := map[string]decimal.Decimal{"payout": got.Statement.Payout}
			for _, l := range got.Statement.Lines {
				lines[l.ID] = l.Result
			}
			if tu := got.Statement.TrueUp; tu != nil {
				lines["recognized"] = tu.Recognized
			}
			if pj := got.Statement.Projection; pj != nil {
				for _, l := range pj.Lines {
					lines[l.ID] = l.Result
				}
			}
			for id, want := range tt.want {
				v, ok := lines[id]
				if !ok {
					t.Errorf("no line %s", id)
					continue
				}
				if !v.Equal(decimal.RequireFromString(want)) {
					t.Errorf("%s = %s, want %s (docs/bonus.md)", id, v, want)
				}
			}
		})
	}
}

// shownYAML is a testdata file as the document shows it: without its
// leading comment.
func shownYAML(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
		lines = lines[1:]
	}
	return "```yaml\n" + strings.Join(lines, "\n") + "\n```"
}
