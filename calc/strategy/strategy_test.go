package strategy_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/strategy"
	"attain/kpi"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestRollup checks an objective's progress against the weighted mean
// worked out by hand: a count at 80 % of its target (weight 2), a
// lower-is-better average at 2 days against 1.5 (75 %, weight 1), and a
// KPI with no value, left out.
func TestRollup(t *testing.T) {
	lines := []strategy.Line{
		{KPI: "won", Direction: kpi.HigherIsBetter, Additive: true, Target: d("100"), Weight: d("2"), Actual: d("40")},
		{KPI: "days", Direction: kpi.LowerIsBetter, Target: d("1.5"), Weight: d("1"), Actual: d("2")},
		{KPI: "nps", Direction: kpi.HigherIsBetter, Target: d("50"), Weight: d("5"), Null: true},
	}
	// Half the period has passed: 50 of 100 won are due, 40 is 80 % of pace.
	p := strategy.Rollup(lines, strategy.Share{Elapsed: 10, Total: 20})
	// progress: (2 × 40 + 1 × 75) / 3 = 51.666… → 51.67
	if got, want := p.Progress.String(), "51.67"; got != want {
		t.Errorf("progress = %s, want %s", got, want)
	}
	// pace: (2 × 80 + 1 × 75) / 3 = 78.333… → 78.33
	if got, want := p.Pace.String(), "78.33"; got != want {
		t.Errorf("pace = %s, want %s", got, want)
	}
	if got := p.Lines[0].Expected.String(); got != "50" {
		t.Errorf("expected = %s, want 50", got)
	}
	if len(p.Missing) != 1 || p.Missing[0] != "nps" {
		t.Errorf("missing = %v, want [nps]", p.Missing)
	}
	// Closed: pace equals progress; over target caps at 150.
	lines[0].Actual = d("400")
	p = strategy.Rollup(lines, strategy.Share{Elapsed: 20, Total: 20})
	// (2 × 150 + 1 × 75) / 3 = 125
	if p.Progress.String() != "125" || p.Pace.String() != "125" {
		t.Errorf("closed: progress %s pace %s, want 125 and 125", p.Progress, p.Pace)
	}
	// Nothing measurable.
	p = strategy.Rollup(lines[2:], strategy.Share{Elapsed: 20, Total: 20})
	if !p.ProgressNull || !p.PaceNull {
		t.Errorf("no values: progress %v/%v, want null", p.Progress, p.ProgressNull)
	}
	if a, ok := strategy.Achievement(d("0"), d("2"), kpi.LowerIsBetter); !ok || !a.Equal(strategy.Cap) {
		t.Errorf("lower-is-better at zero = %s, want the cap", a)
	}
}

func TestContributions(t *testing.T) {
	lines := []strategy.Line{
		{KPI: "won", Additive: true, Direction: kpi.HigherIsBetter, Weight: d("1"), Actual: d("10")},
		{KPI: "days", Direction: kpi.LowerIsBetter, Weight: d("1"), Actual: d("2")},
	}
	ms := []strategy.Member{
		{Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "a"}, Values: map[string]decimal.Decimal{"won": d("6"), "days": d("1")}},
		{Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "b"}, Values: map[string]decimal.Decimal{"won": d("4"), "days": d("4")}},
		{Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "c"}, Values: map[string]decimal.Decimal{}},
	}
	got := strategy.Contributions(lines, ms)
	// a: won 6 × 3 / 10 = 180, days 2 / 1 = 200 → 190; b: 120 and 50 → 85.
	if len(got) != 2 || got[0].Subject.ID != "a" || got[0].Index.String() != "190" || got[1].Index.String() != "85" {
		t.Errorf("contributions = %+v", got)
	}
}
