package bonus_test

import (
	"slices"
	"strings"
	"testing"

	"attain/calc/bonus"
	"attain/kpi"

	"github.com/shopspring/decimal"
)

// Our own cases for rules no public example above pins down.

func TestDecelerator(t *testing.T) {
	// Marginal tiers whose rate drops above 50,000: 10 % then 4 %.
	st := mustEval(t, tieredPlan(bonus.Marginal, "[{from: 0, to: 50000, rate: 10}, {from: 50000, rate: 4}]"), salesInputs("80000"))
	equal(t, "commission", st.Payout, "6200.00") // 5,000 + 30,000 × 4 %
	// A scale row with slope below 1: above 150 % each point adds 0.25 %.
	st = mustEval(t, `name: d
components:
  - id: bonus
    kind: bonus
    target: 1000
    coefficient:
      of: q
      scale: [{from: 100, to: 150, coefficient: 1, to_coefficient: 2}, {from: 150, coefficient: 2, slope: 0.25}]
`, inputsHead+"kpis: [{kpi: q, actual: 190, target: 100}]\n")
	equal(t, "coefficient", result(t, st, "bonus.coefficient"), "2.1")
	if r := st.Line("bonus.coefficient").Rule; !strings.Contains(r, "decelerator") {
		t.Errorf("rule %q does not name the decelerator", r)
	}
}

func TestGateFloorAndComponentCap(t *testing.T) {
	plan := `name: g
components:
  - {id: bonus, kind: bonus, target: 1000, floor: 200}
  - {id: commission, kind: commission, kpi: sales, rate: 10, cap: 1500}
  - {id: quality, kind: gate, kpi: errors, max_actual: 3, applies_to: [bonus]}
`
	st := mustEval(t, plan, inputsHead+"kpis: [{kpi: sales, actual: 20000}, {kpi: errors, actual: 2}]\n")
	equal(t, "passed", st.Payout, "2500.00") // 1,000 + min(2,000, 1,500)
	st = mustEval(t, plan, inputsHead+"kpis: [{kpi: sales, actual: 20000}, {kpi: errors, actual: 4}]\n")
	equal(t, "gated: the floor does not beat the gate", st.Payout, "1500.00")
	equal(t, "gate line", result(t, st, "bonus.gate"), "0")
}

func TestProrationByWorkingDays(t *testing.T) {
	// March 2026 has 22 weekdays; 20 March is a holiday: 21. Hired on
	// Monday 16 March: 16–19, 23–27, 30–31 = 11 working days.
	st := mustEval(t, "name: p\ncomponents:\n  - {id: bonus, kind: bonus, target: 2100}\n",
		inputsHead+"active: {from: 2026-03-16, non_working: [2026-03-20]}\n")
	equal(t, "fraction", result(t, st, "proration").Mul(decimal.NewFromInt(21)).Round(10), "11")
	equal(t, "payout", st.Payout, "1100.00")
}

func TestRoundingModes(t *testing.T) {
	// 0.125 × 100 = 12.5 cents: half up 0.13, half even 0.12.
	for _, tt := range []struct{ mode, want string }{{"half_up", "0.13"}, {"half_even", "0.12"}} {
		st := mustEval(t, "name: r\nrounding: {mode: "+tt.mode+"}\ncomponents:\n  - {id: c, kind: commission, kpi: sales, rate: 0.125}\n", salesInputs("100"))
		equal(t, tt.mode, st.Payout, tt.want)
	}
	// JPY has no minor unit.
	st := mustEval(t, "name: y\ncomponents:\n  - {id: c, kind: commission, kpi: sales, rate: 3}\n", "employee: {id: e, currency: JPY}\nperiod: 2026-03\nkpis: [{kpi: sales, actual: 1234}]\n")
	equal(t, "JPY", st.Payout, "37")
}

func TestClawbackFullWindowAndDraw(t *testing.T) {
	plan := `name: c
components:
  - {id: c, kind: commission, kpi: sales, rate: 10}
clawback: {method: full, window_days: 90}
draw: {amount: 1000, recoverable: false}
limits: {year_cap: 10000}
`
	st := mustEval(t, plan, inputsHead+`ytd_paid: 9500
kpis: [{kpi: sales, actual: 3000}]
reversed:
  - {key: A, paid: 200, days_stayed: 30}
  - {key: B, paid: 900, days_stayed: 91}
`)
	equal(t, "inside the window", result(t, st, "clawback.A"), "-200")
	equal(t, "outside the window", result(t, st, "clawback.B"), "0")
	// 300 earned, capped by the year at 500 left; 200 recovered; the
	// guarantee tops up to 1,000 but never past the 500 the year cap leaves.
	equal(t, "payout", st.Payout, "500")
}

func TestWhatIf(t *testing.T) {
	plan := mustPlan(t, `name: w
components:
  - id: bonus
    kind: bonus
    target: 1000
    coefficient: {of: processing_days, curve: {points: [[80, 0], [150, 1.5]]}}
  - {id: c, kind: commission, kpi: won_value, rate: 5}
`)
	in := mustInputs(t, inputsHead+`kpis:
  - {kpi: won_deals, actual: 4}
  - {kpi: won_value, actual: 20000}
  - {kpi: processing_days, actual: 3, target: 3, direction: lower}
`)
	changes := append(bonus.AddRecords("won_deals", 3, "won_value", decimal.NewFromInt(10000)), bonus.SetActual("processing_days", decimal.NewFromInt(2)))
	base, changed, err := bonus.WhatIf(plan, in, changes)
	if err != nil {
		t.Fatal(err)
	}
	// Base: processing at 100 % of target reads the curve at 1.5 × 20 / 70.
	equal(t, "base", base.Payout, "1428.57") // 1,000 × 0.428571… + 20,000 × 5 %
	// 3 more deals worth 10,000 and 2 days: attainment 3 / 2 = 150 %.
	equal(t, "changed", changed.Payout, "3000.00") // 1,000 × 1.5 + 30,000 × 5 %
	equal(t, "deals", result(t, changed, "kpi.won_deals"), "7")
	equal(t, "inputs untouched", in.KPI("won_value").Actual, "20000")

	// A KPI neither in the inputs nor read by the plan would change
	// nothing: an error, not ignored.
	_, _, err = bonus.WhatIf(plan, in, []bonus.Change{bonus.SetActual("lost_deals", decimal.NewFromInt(2))})
	if kpi.ErrorCode(err) != kpi.EINVALID || kpi.ErrorMessage(err) != "What-if change 1: lost_deals is neither in the inputs nor read by the plan (it reads processing_days and won_value)." {
		t.Errorf("unknown KPI: %v", err)
	}
}

// A plan paying on the inputs' score: WhatIf keeps the score and says so;
// WhatIfRescored takes the caller's recomputed score and its rule.
func TestWhatIfRescored(t *testing.T) {
	plan := mustPlan(t, `name: w
components:
  - {id: bonus, kind: bonus, target: 1000, coefficient: {of: score, scale: [{from: 0, coefficient: 0, slope: 1}]}}
`)
	in := mustInputs(t, inputsHead+`score: 92.5
kpis:
  - {kpi: processing_days, actual: 5, direction: lower}
`)
	changes := []bonus.Change{bonus.SetActual("processing_days", decimal.NewFromInt(2))}

	_, kept, err := bonus.WhatIf(plan, in, changes)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "kept", kept.Payout, "925.00") // 1,000 × 0.925
	if !slices.Contains(kept.Notes, "what-if: the score comes from the scorecard (inputs) and is not recomputed from the changed KPIs") {
		t.Errorf("notes: %q", kept.Notes)
	}

	_, changed, err := bonus.WhatIfRescored(plan, in, changes, &bonus.Rescored{Score: decimal.NewFromInt(115), Rule: "rescored"})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "rescored", changed.Payout, "1150.00") // 1,000 × 1.15
	if l := changed.Line("score"); l == nil || l.Rule != "rescored" {
		t.Errorf("score line: %+v", l)
	}
	if !slices.Contains(changed.Notes, "what-if: score 92.5 % → 115 % (rescored)") {
		t.Errorf("notes: %q", changed.Notes)
	}
	equal(t, "inputs untouched", *in.Score, "92.5")
}

func TestTeamCost(t *testing.T) {
	current := mustPlan(t, "name: current\ncomponents:\n  - {id: c, kind: commission, kpi: sales, rate: 5}\n")
	draft := mustPlan(t, "name: draft\ncomponents:\n  - {id: c, kind: commission, kpi: sales, tiers: [{from: 0, to: 10000, rate: 4}, {from: 10000, rate: 8}]}\n")
	team := []*kpi.BonusInputs{
		mustInputs(t, "employee: {id: a, currency: EUR}\nperiod: 2026-03\nkpis: [{kpi: sales, actual: 8000}]\n"),
		mustInputs(t, "employee: {id: b, currency: EUR}\nperiod: 2026-03\nkpis: [{kpi: sales, actual: 30000}]\n"),
	}
	d, err := bonus.CompareTeamCost(current, draft, team)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "a delta", d.People[0].Delta, "-80.00") // 320 − 400
	equal(t, "b delta", d.People[1].Delta, "500.00") // 400 + 1,600 − 1,500
	equal(t, "total draft", d.Totals[0].Draft, "2320.00")
	equal(t, "total delta", d.Totals[0].Delta, "420.00")
}

// TestBoundaryRule pins the rule stated in docs/bonus.md: tiers are
// [from, to); a value equal to to is in the next tier.
func TestBoundaryRule(t *testing.T) {
	tiers := "[{from: 0, to: 10000, rate: 5}, {from: 10000, to: 20000, rate: 7}, {from: 20000, rate: 10}]"
	for _, tt := range []struct{ method, value, want string }{
		{bonus.Retroactive, "19999.99", "1400.00"}, // 7 %
		{bonus.Retroactive, "20000", "2000.00"},    // 10 %: the boundary belongs to tier 3
		{bonus.Retroactive, "24500", "2450.00"},
		{bonus.Marginal, "20000", "1200.00"}, // 500 + 700 + 0
		{bonus.Marginal, "24500", "1650.00"},
	} {
		st := mustEval(t, tieredPlan(tt.method, tiers), salesInputs(tt.value))
		equal(t, tt.method+" "+tt.value, st.Payout, tt.want)
	}
}
