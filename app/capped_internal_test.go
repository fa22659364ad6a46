package app

import (
	"testing"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// TestCapped: which statement lines count as hitting a cap.
func TestCapped(t *testing.T) {
	d := decimal.RequireFromString
	money := func(n, v string) kpi.LineValue { return kpi.LineValue{Name: n, Value: d(v)} }
	tests := []struct {
		name string
		line kpi.StatementLine
		want bool
	}{
		{"component cap took 10 off", kpi.StatementLine{ID: "bonus.cap", Inputs: []kpi.LineValue{money("amount", "30"), money("cap", "20")}, Result: d("20")}, true},
		{"component cap not reached", kpi.StatementLine{ID: "bonus.cap", Inputs: []kpi.LineValue{money("amount", "15"), money("cap", "20")}, Result: d("15")}, false},
		{"period cap", kpi.StatementLine{ID: "limit.period_cap", Inputs: []kpi.LineValue{money("earned", "1200"), money("cap", "1000")}, Result: d("1000")}, true},
		{"year cap not reached", kpi.StatementLine{ID: "limit.year_cap", Inputs: []kpi.LineValue{money("earned", "100"), money("year cap", "5000"), money("paid this year", "0")}, Result: d("100")}, false},
		{"maximum coefficient", kpi.StatementLine{ID: "bonus.coefficient", Rule: "between points (100 %, 1) and (150 %, 2): 1.8; capped at the maximum 1.5", Result: d("1.5")}, true},
		{"flat top of a curve", kpi.StatementLine{ID: "bonus.coefficient", Rule: "at or above the last point (130 %, 1.6): 1.6", Result: d("1.6")}, true},
		{"on the curve", kpi.StatementLine{ID: "bonus.coefficient", Rule: "between points (70 %, 0.4) and (100 %, 1): 0.8", Result: d("0.8")}, false},
		{"attainment cap", kpi.StatementLine{ID: "score", Rule: "50 % × 120 % (capped)"}, true},
	}
	for _, tt := range tests {
		st := &kpi.Statement{Sections: []*kpi.StatementSection{{Evaluation: &kpi.Evaluation{Lines: []kpi.StatementLine{tt.line}}}}}
		if got := capped(st); got != tt.want {
			t.Errorf("%s: capped %v, want %v", tt.name, got, tt.want)
		}
	}
}
