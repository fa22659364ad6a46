package attainyaml_test

import (
	"strconv"
	"strings"
	"testing"

	"attain/attainyaml"
	"attain/calc/formula"
	"attain/kpi"
)

// TestExpressionLimits: an expression past a limit of calc/formula is a
// problem of its KPI, on its line, saying which limit; the value shown is
// cut short.
func TestExpressionLimits(t *testing.T) {
	for _, c := range []struct {
		name, old, new string
		want           string // line, column, reason
		value          string
	}{
		{"Digits", "    expr: close_value\n", "    expr: close_value" + strings.Repeat(" * close_value", 10) + "\n",
			"40 kpis[revenue].expr 1:139: a number computed here could have 209 digits; the limit is 200", ""},
		{"Length", `filter: deal_stage == "Lost"`, `filter: deal_stage == "` + strings.Repeat("x", formula.MaxLength) + `"`,
			"31 kpis[lost_deals].filter 1:1: the expression is 4112 bytes long; the limit is 4096", `deal_stage == "` + strings.Repeat("x", 85) + "…"},
		{"Depth", "formula: won_deals / (won_deals + lost_deals)", "formula: " + strings.Repeat("-(", 150) + "won_deals" + strings.Repeat(")", 150),
			"67 kpis[win_rate].formula 1:201: the expression nests more than 100 levels deep; the limit is 100", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := readExample(t)
			if !strings.Contains(src, c.old) {
				t.Fatalf("example has no %q", c.old)
			}
			_, err := attainyaml.Load("attain.yaml", []byte(strings.Replace(src, c.old, c.new, 1)))
			probs := kpi.ErrorDetails(err)
			if kpi.ErrorCode(err) != kpi.EINVALID || len(probs) != 1 {
				t.Fatalf("err = %v, want one problem", err)
			}
			p := probs[0]
			if got := strings.Join([]string{strconv.Itoa(p.Line), p.Column, p.Reason}, " "); got != c.want {
				t.Errorf("problem = %s\nwant      %s", got, c.want)
			}
			if c.value != "" && p.Value != c.value {
				t.Errorf("value = %q, want %q", p.Value, c.value)
			}
		})
	}
}
