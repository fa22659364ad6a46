package bonus_test

import (
	"strings"
	"testing"

	"attain/calc/bonus"
	"attain/kpi"
)

// Cases of the rules of docs/bonus.md beyond its worked examples (those
// are the golden files in testdata/, run through the binary by
// cmd/attain's TestBonusEvalExamples).

func TestParsePlanRuleErrors(t *testing.T) {
	for _, tt := range []struct {
		name, plan string
		want       []string
	}{
		{"RunningPerRecord", `name: x
components:
  - {id: c, kind: commission, kpi: v, per: record, method: running, tiers: [{from: 0, rate: 1}]}
`, []string{"3 components[0].method: running tiers follow the running total of the records, per: record tiers each record on its own value: choose one"}},
		{"RatesNeedPerRecord", `name: x
components:
  - id: c
    kind: commission
    kpi: v
    rate: 1
    rates:
      - {when: 'a == "b"', rate: 2}
`, []string{"8 components[0].rates[0]: rates by a record's fields need per: record"}},
		{"TierRateAndAmount", `name: x
components:
  - {id: c, kind: commission, kpi: v, tiers: [{from: 0, to: 10, rate: 1, amount: 5}, {from: 10, amount: 9}]}
`, []string{"3 components[0].tiers[0]: a tier has a rate or an amount, not both"}},
		{"MixedTable", `name: x
components:
  - {id: c, kind: commission, kpi: v, tiers: [{from: 0, to: 10, amount: 5}, {from: 10, rate: 9}]}
`, []string{"3 components[0].tiers[1]: the tiers of a table all have rates or all have amounts"}},
		{"ProRataNeedsAmounts", `name: x
components:
  - {id: c, kind: commission, kpi: v, pro_rata: true, tiers: [{from: 0, rate: 1}]}
`, []string{"3 components[0].pro_rata: pro_rata is for tiers with amounts"}},
		{"Boundary", `name: x
components:
  - {id: c, kind: commission, kpi: v, boundary: middle, rate: 1}
`, []string{`3 components[0].boundary: unknown boundary "middle": want upper (a value on a boundary is in the upper tier) or lower`}},
		{"MultiplierWhenNeedsRecords", `name: x
components:
  - id: c
    kind: commission
    kpi: v
    rate: 1
    multipliers:
      - {factor: 2, when: 'x > 1'}
`, []string{"8 components[0].multipliers[0].when: when reads a record's fields: it needs per: record or method: running"}},
		{"MultiplierNeedsCondition", `name: x
components:
  - {id: b, kind: bonus, target: 100, multipliers: [{factor: 2}]}
`, []string{"3 components[0].multipliers[0]: a multiplier needs a condition: when (a record's fields), or kpi (or score) with min_attainment, min_actual or max_actual"}},
		{"Split", `name: x
components:
  - {id: b, kind: bonus, annual_target: 1000, split: [20, 30, 30]}
`, []string{"3 components[0].split: split has 3 weights: want 4 (quarters) or 12 (months)"}},
		{"SplitSum", `name: x
components:
  - {id: b, kind: bonus, annual_target: 1000, split: [20, 30, 30, 30]}
`, []string{"3 components[0].split: split weights sum to 110, want 100"}},
		{"Convention", `name: x
proration: {convention: weeks}
components: [{id: b, kind: bonus, target: 1}]
`, []string{`2 proration.convention: unknown convention "weeks": want working_days, calendar_days, days_365 or months`}},
		{"TrueUp", `name: x
true_up: {to_date: month, negative: forgive}
components: [{id: b, kind: bonus, target: 1}]
`, []string{`2 true_up.to_date: to_date "month": want year or quarter`, `2 true_up.negative: unknown negative "forgive": want carry or clawback`}},
		{"Ramp", `name: x
components: [{id: b, kind: bonus, target: 1}]
ramp:
  months:
    - {month: 2, guarantee: 100}
    - {month: 1, target: 0}
`, []string{"6 ramp.months[1].month: months must be ascending: 1 after 2", "6 ramp.months[1].target: a target of 0 % leaves no attainment"}},
		{"FX", `name: x
currency: EUR
components: [{id: b, kind: bonus, target: 1}]
fx:
  rates:
    - {currency: US, date: 2026-03-31, rate: 1.1}
    - {currency: GBP, date: 2026-03-31, rate: 0}
`, []string{`6 fx.rates[0].currency: currency "US": want an ISO 4217 code like USD`, "7 fx.rates[1].rate: a rate must be above 0"}},
		{"FXNeedsPlanCurrency", `name: x
components: [{id: b, kind: bonus, target: 1}]
fx: {rates: [{currency: USD, date: 2026-03-31, rate: 1.1}]}
`, []string{"3 fx: exchange rates need the plan's currency"}},
		{"Clawback", `name: x
components: [{id: b, kind: bonus, target: 1}]
clawback: {method: share, percent: 150}
`, []string{"3 clawback.percent: a share clawback needs percent, 0 to 100"}},
		{"Projection", `name: x
components: [{id: b, kind: bonus, target: 1}]
projection: {kpi: v, weighting: hope, stages: {Won: 120}}
`, []string{`3 projection.weighting: unknown weighting "hope": want stage or all`, "3 projection.stages.Won: a probability is 0 to 100 (%)"}},
		{"StrictOnBonus", `name: x
components: [{id: b, kind: bonus, target: 1, strict: true}]
`, []string{"2 components[0].strict: strict is not used by a bonus component"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bonus.ParsePlan("plan.yaml", []byte(tt.plan))
			got := problems(t, err, "plan.yaml")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestRecordConditionErrors(t *testing.T) {
	plan := mustPlan(t, `name: x
components:
  - id: c
    kind: commission
    kpi: v
    per: record
    rate: 1
    rates:
      - {when: 'term_month > 12', rate: 2}
`)
	in := mustInputs(t, inputsHead+`kpis:
  - kpi: v
    actual: 10
    credited: [{key: D-1, date: 2026-03-02, value: 10, fields: {term_months: "24"}}]
`)
	_, err := bonus.Eval(plan, in)
	if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), `Commission c rates[0]: when "term_month > 12" on the records of v: 1:1:`) {
		t.Errorf("err = %v", err)
	}
	in.KPIs[0].Columns = []kpi.Column{{Name: "term_months", Type: kpi.Integer}}
	in.KPIs[0].Credited[0].Fields["term_months"] = "two years"
	if _, err := bonus.Eval(plan, in); kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), `credited record D-1: term_months "two years" is not a whole number`) {
		t.Errorf("err = %v", err)
	}
	in.KPIs[0].Credited = nil
	if _, err := bonus.Eval(plan, in); kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), "the inputs list none (credited)") {
		t.Errorf("err = %v", err)
	}
}

func TestPerRecordAmountsAndTypes(t *testing.T) {
	// A SPIFF: 200 per new-logo deal, 2 % on the others; fields typed from
	// their values (a date compares with a date).
	st := mustEval(t, `name: spiff
components:
  - id: c
    kind: commission
    kpi: v
    per: record
    rate: 2
    rates:
      - {when: 'new_logo && signed >= date("2026-03-10")', amount: 200}
`, inputsHead+`kpis:
  - kpi: v
    actual: 15000
    credited:
      - {key: A, date: 2026-03-02, value: 5000, fields: {new_logo: "true", signed: 2026-03-01}}
      - {key: B, date: 2026-03-12, value: 10000, fields: {new_logo: "true", signed: 2026-03-12}}
`)
	equal(t, "A", result(t, st, "c.record.A"), "100")
	equal(t, "B", result(t, st, "c.record.B"), "200")
	if r := st.Line("c.record.B").Rule; !strings.Contains(r, "(new_logo true, signed 2026-03-12)") {
		t.Errorf("rule %q does not show the fields its condition read", r)
	}
}

func TestAmountTableStepAndBoundary(t *testing.T) {
	table := `name: t
components:
  - id: c
    kind: commission
    kpi: v
    basis: attainment
    %s
    tiers:
      - {from: 0, to: 80, amount: 0}
      - {from: 80, to: 100, amount: 500}
      - {from: 100, amount: 1000}
`
	in := func(actual string) string {
		return inputsHead + "kpis: [{kpi: v, actual: " + actual + ", target: 100}]\n"
	}
	for _, tt := range []struct {
		opt, actual, want string
	}{
		{"", "90", "500"},                 // step: the tier reached
		{"", "100", "1000"},               // on the boundary: the upper tier
		{"boundary: lower", "100", "500"}, // on the boundary: the lower tier
		{"boundary: lower", "80", "0"},
		{"", "79.99", "0"},
		{"pro_rata: true", "90", "750"}, // 500 + (1,000 − 500) × 10 / 20
	} {
		st := mustEval(t, strings.Replace(table, "%s", tt.opt, 1), in(tt.actual))
		equal(t, tt.opt+" at "+tt.actual, st.Payout, tt.want)
	}
}

func TestClosedLastTier(t *testing.T) {
	tiers := "[{from: 0, to: 10000, rate: 5}, {from: 10000, to: 20000, rate: 10}]"
	// Marginal: nothing above 20,000: 500 + 1,000.
	equal(t, "marginal", mustEval(t, tieredPlan(bonus.Marginal, tiers), salesInputs("25000")).Payout, "1500")
	// Retroactive: 10 % on at most 20,000.
	equal(t, "retroactive", mustEval(t, tieredPlan(bonus.Retroactive, tiers), salesInputs("25000")).Payout, "2000")
}

func TestScaleBoundaryLower(t *testing.T) {
	plan := `name: s
components:
  - id: b
    kind: bonus
    target: 1000
    coefficient:
      of: q
      boundary: %s
      scale:
        - {from: 80, to: 100, coefficient: 0.5}
        - {from: 100, coefficient: 1.2}
`
	in := func(a string) string { return inputsHead + "kpis: [{kpi: q, actual: " + a + ", target: 100}]\n" }
	equal(t, "upper at 100", mustEval(t, strings.Replace(plan, "%s", "upper", 1), in("100")).Payout, "1200")
	equal(t, "lower at 100", mustEval(t, strings.Replace(plan, "%s", "lower", 1), in("100")).Payout, "500")
	equal(t, "lower at 80", mustEval(t, strings.Replace(plan, "%s", "lower", 1), in("80")).Payout, "0")
	equal(t, "upper at 80", mustEval(t, strings.Replace(plan, "%s", "upper", 1), in("80")).Payout, "500")
}

func TestStrictGateAndScoreMultiplier(t *testing.T) {
	plan := `name: g
components:
  - id: b
    kind: bonus
    target: 1000
    multipliers:
      - {factor: 1.5, kpi: score, min_attainment: 110, strict: %s}
  - {id: g, kind: gate, kpi: calls, min_actual: 50, strict: %s}
`
	in := inputsHead + "score: 110\nkpis: [{kpi: calls, actual: 50}]\n"
	equal(t, "inclusive", mustEval(t, strings.ReplaceAll(plan, "%s", "false"), in).Payout, "1500")
	equal(t, "strict", mustEval(t, strings.ReplaceAll(plan, "%s", "true"), in).Payout, "0")
}

func TestProrationConventions(t *testing.T) {
	// Q2 2026 has 91 days, 65 weekdays; hired 16 May: 46 calendar days,
	// 32 weekdays, 1 whole month.
	plan := `name: p
proration: {convention: %s}
components:
  - {id: b, kind: bonus, annual_target: 12000}
`
	in := "employee: {id: e1, currency: EUR}\nperiod: 2026-Q2\nactive: {from: 2026-05-16}\n"
	for _, tt := range []struct{ conv, want string }{
		{"working_days", "1476.92"},  // 3,000 × 32 / 65
		{"calendar_days", "1516.48"}, // 3,000 × 46 / 91
		{"days_365", "1512.33"},      // 12,000 × 91 / 365 × 46 / 91 = 12,000 × 46 / 365
		{"months", "1000"},           // 3,000 × 1 / 3
	} {
		st := mustEval(t, strings.Replace(plan, "%s", tt.conv, 1), in)
		equal(t, tt.conv, st.Payout, tt.want)
	}
	// A split by monthly weights: Q2 is April + May + June.
	st := mustEval(t, `name: p
components:
  - {id: b, kind: bonus, annual_target: 12000, split: [5, 5, 10, 10, 10, 5, 5, 10, 10, 10, 10, 10]}
`, "employee: {id: e1, currency: EUR}\nperiod: 2026-Q2\n")
	equal(t, "monthly split", st.Payout, "3000")
	// Leave: two spans.
	st = mustEval(t, strings.Replace(plan, "%s", "calendar_days", 1), "employee: {id: e1, currency: EUR}\nperiod: 2026-04\nactive: {spans: [{from: 2026-04-01, to: 2026-04-10}, {from: 2026-04-21, to: 2026-04-30}]}\n")
	equal(t, "spans", st.Payout, "666.67") // 1,000 × 20 / 30
	if _, err := bonus.Eval(mustPlan(t, strings.Replace(plan, "%s", "calendar_days", 1)), mustInputs(t, "employee: {id: e1, currency: EUR}\nperiod: 2026-04\nactive: {active_days: 10, period_days: 22}\n")); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("calendar days from a count of working days: %v", err)
	}
}

func TestRampMonthOne(t *testing.T) {
	// Hired 10 Feb 2026: February is month 1, 14 of its 20 weekdays
	// active; the guarantee is 100 % of 2,000 × 14/20 = 1,400; the quota
	// 50 %.
	st := evalFilesWith(t, "testdata/ramp.plan.yaml", "employee: {id: e1, currency: EUR}\n"+`period: 2026-02
hired: 2026-02-10
active: {from: 2026-02-10}
kpis: [{kpi: won_value, actual: 3000, target: 10000}]
`)
	equal(t, "target", result(t, st, "target.won_value"), "5000")
	equal(t, "guarantee", result(t, st, "ramp.guarantee"), "1100") // 1,400 − 300 earned
	equal(t, "payout", st.Payout, "1400")
	// Month 3: no ramp.
	st = evalFilesWith(t, "testdata/ramp.plan.yaml", "employee: {id: e1, currency: EUR}\n"+"period: 2026-04\nhired: 2026-02-10\nkpis: [{kpi: won_value, actual: 3000}]\n")
	equal(t, "month 3", st.Payout, "300")
}

func TestTrueUpRecoveredLikeAClawback(t *testing.T) {
	st := mustEval(t, `name: t
true_up: {to_date: quarter, negative: clawback}
components: [{id: c, kind: commission, kpi: v, rate: 10}]
`, inputsHead+"kpis: [{kpi: v, actual: 4000}]\ntrue_up: {before: 500}\n")
	equal(t, "true-up", result(t, st, "true_up"), "-100")
	equal(t, "payout", st.Payout, "0")
	equal(t, "owed", st.CarryOut.ClawbackBalance, "100")
	equal(t, "recognized", st.TrueUp.Recognized, "400")
	if st.TrueUp.From != kpi.NewDate(2026, 1, 1) {
		t.Errorf("quarter to date from %s", st.TrueUp.From)
	}
}

func TestExchangeRates(t *testing.T) {
	plan := mustPlan(t, `name: fx
currency: EUR
components: [{id: c, kind: commission, kpi: v, rate: 10}]
draw: {amount: 1000, recoverable: true}
fx:
  as_of: start
  rates:
    - {currency: JPY, date: 2026-02-27, rate: 160.4}
    - {currency: JPY, date: 2026-03-31, rate: 163}
`)
	st, err := bonus.Eval(plan, mustInputs(t, "employee: {id: j1, currency: JPY}\nperiod: 2026-03\nkpis: [{kpi: v, actual: 1234.56}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	// 123.46 EUR × 160.4 = 19,802.98 → 19,803 JPY (no minor unit); the
	// draw 1,000 EUR = 160,400 JPY tops it up.
	equal(t, "converted", result(t, st, "fx"), "19803")
	equal(t, "payout", st.Payout, "160400")
	if st.FX == nil || !st.FX.Rate.Equal(dec("160.4")) || st.FX.Date != kpi.NewDate(2026, 2, 27) {
		t.Errorf("fx = %+v, want the rate of 2026-02-27 (as of the period's start)", st.FX)
	}
	_, err = bonus.Eval(plan, mustInputs(t, "employee: {id: u1, currency: USD}\nperiod: 2026-03\nkpis: [{kpi: v, actual: 1}]\n"))
	if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), "states no USD rate on or before 2026-03-01") {
		t.Errorf("err = %v", err)
	}
}

func TestProjectionWeighting(t *testing.T) {
	plan := `name: p
components: [{id: c, kind: commission, kpi: v, per: record, rate: 10, multipliers: [{factor: 2, when: 'kind == "new"'}]}]
projection: {kpi: v, weighting: %s, stages: {Proposal: 50}}
`
	in := inputsHead + `kpis:
  - kpi: v
    actual: 1000
    credited: [{key: W, date: 2026-03-02, value: 1000, fields: {kind: renewal}}]
open:
  - {key: O-1, value: 1000, stage: Proposal, fields: {kind: new}}
  - {key: O-2, value: 1000, stage: Lead, probability: 10, fields: {kind: renewal}}
`
	// Weighted: O-1 500 × 10 % × 2 = 100, O-2 100 × 10 % = 10.
	st := mustEval(t, strings.Replace(plan, "%s", "stage", 1), in)
	equal(t, "payout", st.Payout, "100")
	equal(t, "projected", st.Projection.Earnings, "110")
	// All: O-1 1,000 × 10 % × 2 = 200, O-2 100.
	st = mustEval(t, strings.Replace(plan, "%s", "all", 1), in)
	equal(t, "projected, all", st.Projection.Earnings, "300")
	equal(t, "payout, all", st.Payout, "100")
}

func TestWhatIfAddsARecord(t *testing.T) {
	plan := mustPlan(t, "name: w\ncomponents: [{id: c, kind: commission, kpi: v, per: record, rate: 10}]\n")
	in := mustInputs(t, inputsHead+"kpis: [{kpi: v, actual: 1000, credited: [{key: A, date: 2026-03-02, value: 1000}]}]\n")
	_, changed, err := bonus.WhatIf(plan, in, bonus.AddRecords("", 0, "v", dec("500")))
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "what-if", changed.Payout, "150")
	equal(t, "what-if record", result(t, changed, "c.record.what-if-1"), "50")
	if len(in.KPIs[0].Credited) != 1 {
		t.Errorf("the what-if changed the inputs' records")
	}
}

func evalFilesWith(t *testing.T, planFile, inputs string) *kpi.Evaluation {
	t.Helper()
	plan := evalPlan(t, planFile)
	st, err := bonus.Eval(plan, mustInputs(t, inputs))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestNoRecords(t *testing.T) {
	plan := "name: n\ncomponents: [{id: c, kind: commission, kpi: v, per: record, rate: 10}]\nprojection: {kpi: v, weighting: all}\n"
	// An actual of 0 needs no records; an empty list is no records, in a
	// projection too.
	equal(t, "no records", mustEval(t, plan, inputsHead+"kpis: [{kpi: v, actual: 0}]\n").Payout, "0")
	st := mustEval(t, plan, inputsHead+"kpis: [{kpi: v, actual: 0, credited: []}]\nopen: [{key: O, value: 100}]\n")
	equal(t, "projected", st.Projection.Earnings, "10")
}

func TestRampDrawAndRunningOnAttainment(t *testing.T) {
	// Month 2 of the ramp: a recoverable draw of 60 % of the target
	// bonuses (1,000): 600; earnings 250 → 350 topped up and owed.
	st := mustEval(t, `name: r
components:
  - {id: b, kind: bonus, target: 1000, coefficient: {of: v, scale: [{from: 0, coefficient: 0, slope: 1}]}}
ramp:
  months:
    - {month: 2, draw: 60}
`, "employee: {id: e1, currency: USD}\nperiod: 2026-03\nhired: 2026-02-27\nkpis: [{kpi: v, actual: 25, target: 100}]\n")
	equal(t, "top-up", result(t, st, "draw.topup"), "350")
	equal(t, "owed", st.CarryOut.DrawBalance, "350")
	equal(t, "payout", st.Payout, "600")
	// Running tiers in % of a 10,000 target: 5 % to 100 %, 10 % above;
	// 6,000 then 6,000: 300, then 4,000 × 5 % + 2,000 × 10 % = 400.
	st = mustEval(t, `name: a
components:
  - {id: c, kind: commission, kpi: v, method: running, basis: attainment, tiers: [{from: 0, to: 100, rate: 5}, {from: 100, rate: 10}]}
`, inputsHead+`kpis:
  - kpi: v
    actual: 12000
    target: 10000
    credited: [{key: A, date: 2026-03-02, value: 6000}, {key: B, date: 2026-03-09, value: 6000}]
`)
	equal(t, "A", result(t, st, "c.record.A"), "300")
	equal(t, "B", result(t, st, "c.record.B"), "400")
}
