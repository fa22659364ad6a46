package bonus_test

import (
	"fmt"
	"testing"

	"attain/calc/bonus"
	"attain/kpi"
)

// The tests in this file reproduce public worked examples of commission and
// bonus calculations. Each names its source (publisher, page title, URL);
// only the numbers are taken. Where a source's arithmetic is wrong, the
// comment says so and the test asserts the right answer.

func tieredPlan(method, tiers string) string {
	return fmt.Sprintf(`name: tiers
components:
  - id: commission
    kind: commission
    kpi: sales
    method: %s
    tiers: %s
`, method, tiers)
}

func salesInputs(value string) string {
	return inputsHead + "kpis: [{kpi: sales, actual: " + value + "}]\n"
}

func TestWorkedExamplesTiers(t *testing.T) {
	for _, tt := range []struct {
		name   string
		method string
		tiers  string
		value  string
		want   string
	}{
		// MathTutor, "Graduated Commissions" (business math lesson 8.3),
		// https://mathtutor.com/software/business-math-lesson-overviews/lesson-0803.html
		// 6 % on the first 3,000, 8 % on the next 5,000, 10 % above 8,000;
		// sales 9,000: 180 + 400 + 100 = 680.
		{"MathTutorGraduated", bonus.Marginal, "[{from: 0, to: 3000, rate: 6}, {from: 3000, to: 8000, rate: 8}, {from: 8000, rate: 10}]", "9000", "680.00"},

		// SparrowGenie, "The Strategic Advantage of Non-Retroactive Commission: A Complete Guide",
		// https://www.sparrowgenie.com/sales-commission-models/non-retroactive-commission
		// 3 % to 300,000, 5 % to 500,000, 7 % above; 600,000: 9,000 + 10,000 + 7,000.
		{"SparrowGenieNonRetroactive", bonus.Marginal, "[{from: 0, to: 300000, rate: 3}, {from: 300000, to: 500000, rate: 5}, {from: 500000, rate: 7}]", "600000", "26000.00"},

		// salestool, "Tiered Commission Calculator" (marginal example),
		// https://huggingface.co/salestool/TieredCommissionCalculator (salestool.ink)
		// 5 % to 10,000, 7 % to 25,000, 10 % above; 30,000: 500 + 1,050 + 500.
		{"SalestoolMarginal", bonus.Marginal, "[{from: 0, to: 10000, rate: 5}, {from: 10000, to: 25000, rate: 7}, {from: 25000, rate: 10}]", "30000", "2050.00"},

		// Earn Base, "Retroactive Tier Jumping" (glossary),
		// https://www.earnbase.no/glossary/retroactive-tier-jumping
		// 50 % to 100K, 60 % above; 180K: retroactive 108K, incremental 98K.
		{"EarnBaseRetroactive", bonus.Retroactive, "[{from: 0, to: 100000, rate: 50}, {from: 100000, rate: 60}]", "180000", "108000.00"},
		{"EarnBaseIncremental", bonus.Marginal, "[{from: 0, to: 100000, rate: 50}, {from: 100000, rate: 60}]", "180000", "98000.00"},

		// Oracle, "Options for Splitting Attainment Numbers Across Rate Tiers"
		// (Incentive Compensation, "Rate Not Split (Flat Commission)"),
		// https://docs.oracle.com/en/cloud/saas/sales/facmi/options-for-splitting-attainment-numbers-across-rate-tiers.html
		// 1 % to 10,000, 2 % to 50,000, 3 % to 100,000, 4 % above; the
		// highest tier reached applies to the whole amount: 5,000 → 1 %,
		// 15,000 → 2 %, 60,000 → 3 %. (The source's last tier ends at
		// 9,999,999 "to cover all values"; ours is open.)
		{"OracleNotSplit5000", bonus.Retroactive, oracleTiers, "5000", "50.00"},
		{"OracleNotSplit15000", bonus.Retroactive, oracleTiers, "15000", "300.00"},
		{"OracleNotSplit60000", bonus.Retroactive, oracleTiers, "60000", "1800.00"},

		// Oracle, "Equal Tier Values" (Incentive Compensation),
		// https://docs.oracle.com/en/cloud/saas/sales/facmi/equal-tier-values.html
		// A value equal to one tier's To and the next tier's From uses the
		// higher tier: exactly 50,000 is paid at 3 %. This is our rule:
		// tiers are [from, to).
		{"OracleEqualTierValue", bonus.Retroactive, "[{from: 0, to: 25000, rate: 1}, {from: 25000, to: 50000, rate: 2}, {from: 50000, to: 75000, rate: 3}, {from: 75000, rate: 4}]", "50000", "1500.00"},

		// MyTime, "Tiered Commission by Revenue: Amount Above Earned Breakdown",
		// https://help.mytime.com/hc/en-us/articles/360046956372-Tiered-Commission-by-Revenue-Amount-Above-Earned-Breakdown
		// 25 % for 0–499.99, 30 % for 500–2,999.99, 40 % from 3,000.
		// Cycles of 400 → 100, 100 → 25, 5,000 → 1,675.00 agree with us.
		// The source's 1,500 → 424.98 is wrong: its own slices give
		// 499.99 × 25 % + 1,000.01 × 30 % = 124.9975 + 300.003 = 425.0005,
		// and with the tiers as [0, 500) and [500, 3,000) the answer is
		// 500 × 25 % + 1,000 × 30 % = 425.00. We test 425.00.
		{"MyTime400", bonus.Marginal, myTimeTiers, "400", "100.00"},
		{"MyTime100", bonus.Marginal, myTimeTiers, "100", "25.00"},
		{"MyTime1500SourceWrong", bonus.Marginal, myTimeTiers, "1500", "425.00"},
		{"MyTime5000", bonus.Marginal, myTimeTiers, "5000", "1675.00"},

		// Richard Lawrence, "Experiments with scenarios around tiered sales
		// commissions" (GitHub gist), https://gist.github.com/richardlawrence/1138036
		// 10 % up to 5,000, 12 % above: 4,000 → 400; 6,000 → 620; exactly
		// 5,000 → 500 (marginal: the boundary slice is empty either way).
		{"GistFirstTier", bonus.Marginal, "[{from: 0, to: 5000, rate: 10}, {from: 5000, rate: 12}]", "4000", "400.00"},
		{"GistSecondTier", bonus.Marginal, "[{from: 0, to: 5000, rate: 10}, {from: 5000, rate: 12}]", "6000", "620.00"},
		{"GistBoundary", bonus.Marginal, "[{from: 0, to: 5000, rate: 10}, {from: 5000, rate: 12}]", "5000", "500.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := mustEval(t, tieredPlan(tt.method, tt.tiers), salesInputs(tt.value))
			equal(t, "commission", result(t, st, "commission.amount"), tt.want)
			equal(t, "payout", st.Payout, tt.want)
		})
	}
}

const (
	oracleTiers = "[{from: 0, to: 10000, rate: 1}, {from: 10000, to: 50000, rate: 2}, {from: 50000, to: 100000, rate: 3}, {from: 100000, rate: 4}]"
	myTimeTiers = "[{from: 0, to: 500, rate: 25}, {from: 500, to: 3000, rate: 30}, {from: 3000, rate: 40}]"
)

// Hyperbots, "What is accelerator commission?" (glossary, worked example),
// https://www.hyperbots.com/glossary/accelerator-commission
// 5 % up to a 200,000 quota, 8 % above; 260,000: 10,000 + 4,800 = 14,800.
// Tiers are given in % of the quota (basis: attainment).
func TestWorkedExampleAcceleratorAboveQuota(t *testing.T) {
	st := mustEval(t, `name: accelerator
components:
  - id: commission
    kind: commission
    kpi: bookings
    basis: attainment
    tiers: [{from: 0, to: 100, rate: 5}, {from: 100, rate: 8}]
`, inputsHead+"kpis: [{kpi: bookings, actual: 260000, target: 200000}]\n")
	equal(t, "tier 1", result(t, st, "commission.tier1"), "10000.00")
	equal(t, "tier 2", result(t, st, "commission.tier2"), "4800.00")
	equal(t, "payout", st.Payout, "14800.00")
}

// BonusPayCalc, "Bonus payout curve explained (with formula)",
// https://bonuspaycalc.com/guides/bonus-payout-curve-explained.html
// Target bonus 10,000; threshold 70 %; linear to 100 % at target; 2× payout
// rate above 100 %; cap 200 % of target. 85 % → 5,000; 120 % → 14,000. We
// add 160 %: 1 + 2 × 0.6 = 2.2, capped at 2.0 → 20,000.
func TestWorkedExamplePayoutCurveThreshold(t *testing.T) {
	plan := `name: curve
components:
  - id: bonus
    kind: bonus
    target: 10000
    coefficient:
      of: quota
      max: 2
      scale:
        - {from: 70, to: 100, coefficient: 0, to_coefficient: 1}
        - {from: 100, coefficient: 1, slope: 2}
`
	for _, tt := range []struct{ actual, want string }{
		{"69", "0.00"}, {"85", "5000.00"}, {"100", "10000.00"}, {"120", "14000.00"}, {"160", "20000.00"},
	} {
		st := mustEval(t, plan, inputsHead+"kpis: [{kpi: quota, actual: "+tt.actual+", target: 100}]\n")
		equal(t, tt.actual+" %", st.Payout, tt.want)
	}
}

// U.S. SEC EDGAR, exhibit 10.34 to a 2010 filing (CIK 931058), EBITDA bonus
// table, https://www.sec.gov/Archives/edgar/data/931058/000116678910000006/exhibit1034.htm
// Percent of EBITDA → bonus: 80 % zero, 82 % 32.5 %, +3.75 points per
// point to 100 % at 100 %, then +10 points per point to 200 % at 110 %. The
// table is linear between 82, 100 and 110, so a curve by those three points
// reproduces every row. (Between 80 % and 82 % the table says nothing; we
// pay 0 below the first point.)
func TestWorkedExampleCurveByPoints(t *testing.T) {
	plan := `name: ebitda
components:
  - id: bonus
    kind: bonus
    target: 100
    coefficient:
      of: ebitda
      curve: {points: [[82, 0.325], [100, 1], [110, 2]]}
`
	for _, tt := range []struct{ pct, want string }{
		{"80", "0"}, {"82", "0.325"}, {"86", "0.475"}, {"90", "0.625"}, {"98", "0.925"},
		{"100", "1"}, {"101", "1.1"}, {"105", "1.5"}, {"110", "2"}, {"115", "2"},
	} {
		st := mustEval(t, plan, inputsHead+"kpis: [{kpi: ebitda, actual: "+tt.pct+", target: 100}]\n")
		equal(t, tt.pct+" % coefficient", result(t, st, "bonus.coefficient"), tt.want)
	}
}

// BonusPayCalc, "KPI weighting: how to set weights",
// https://bonuspaycalc.com/guides/kpi-weighting.html
// Target 10,000; revenue 60 % at 90 %, retention 25 % at 110 %, quality 15 %
// at 100 %: factor 0.965 → 9,650.
func TestWorkedExampleWeightedKPIs(t *testing.T) {
	st := mustEval(t, `name: weighted
score:
  kpis:
    - {kpi: revenue, weight: 60}
    - {kpi: retention, weight: 25}
    - {kpi: quality, weight: 15}
components:
  - id: bonus
    kind: bonus
    target: 10000
    coefficient:
      scale: [{from: 0, coefficient: 0, slope: 1}]
`, inputsHead+`kpis:
  - {kpi: revenue, actual: 90, target: 100}
  - {kpi: retention, actual: 110, target: 100}
  - {kpi: quality, actual: 100, target: 100}
`)
	equal(t, "score", result(t, st, "score"), "96.5")
	equal(t, "coefficient", result(t, st, "bonus.coefficient"), "0.965")
	equal(t, "payout", st.Payout, "9650.00")
}

// Quesba, "Linking BSC and compensation (LO5): Joan's Fabrics ... balanced
// scorecard" (textbook exercise solution),
// https://quesba.com/questions/linking-bsc-compensation-lo5-joan-s-fabrics-maintaining-balanced-scorecard-385823
// ROA 22 % vs 18.5 % (weight 40), customer satisfaction 90 vs 85 (30),
// discount per sales 4.5 % vs 5 %, lower is better (15), new-SKU sales 26 %
// vs 20 %, capped at 120 % (15); no bonus if any raw score is below 90 %;
// bonus 30 % of salary × the weighted score. The source's table is wrong in
// two places: the discount's raw score 5 / 4.5 is 111.11 %, not 110.00 %,
// and the weighted total of its own rows (47.57 + 31.76 + 16.50 + 18.00) is
// 113.83 %, not 110.83 %. With the right discount score the total is
// 113.9989 %, which agrees with the source's final "30 % × 1.14 = 34.2 %".
func TestWorkedExampleBalancedScorecard(t *testing.T) {
	plan := `name: joans fabrics
score:
  kpis:
    - {kpi: roa, weight: 40}
    - {kpi: satisfaction, weight: 30}
    - {kpi: discount, weight: 15}
    - {kpi: new_sku, weight: 15, cap: 120}
components:
  - {id: roa_gate, kind: gate, kpi: roa, min_attainment: 90}
  - {id: satisfaction_gate, kind: gate, kpi: satisfaction, min_attainment: 90}
  - {id: discount_gate, kind: gate, kpi: discount, min_attainment: 90}
  - {id: new_sku_gate, kind: gate, kpi: new_sku, min_attainment: 90}
  - id: bonus
    kind: bonus
    salary_percent: 30
    coefficient:
      scale: [{from: 0, coefficient: 0, slope: 1}]
`
	in := inputsHead + `salary: 100000
kpis:
  - {kpi: roa, actual: 22, target: 18.5}
  - {kpi: satisfaction, actual: 90, target: 85}
  - {kpi: discount, actual: 4.5, target: 5, direction: lower}
  - {kpi: new_sku, actual: 26, target: 20}
`
	st := mustEval(t, plan, in)
	equal(t, "discount attainment", result(t, st, "kpi.discount").Round(2), "111.11")
	equal(t, "score", result(t, st, "score").Round(4), "113.9989")
	equal(t, "target bonus", result(t, st, "bonus.target"), "30000.00")
	equal(t, "payout", st.Payout, "34199.68") // 30,000 × 1.139989…; the source's 34.2 % is the score rounded to 1.14

	// A raw score below 90 % stops the bonus.
	st = mustEval(t, plan, inputsHead+`salary: 100000
kpis:
  - {kpi: roa, actual: 16, target: 18.5}
  - {kpi: satisfaction, actual: 90, target: 85}
  - {kpi: discount, actual: 4.5, target: 5, direction: lower}
  - {kpi: new_sku, actual: 26, target: 20}
`)
	equal(t, "gate", result(t, st, "roa_gate"), "0")
	equal(t, "payout below the gate", st.Payout, "0.00")
}

// SparrowGenie, "The Strategic Advantage of Capped Commission: A Complete Guide",
// https://www.sparrowgenie.com/sales-commission-models/capped-commission
// 3 % of sales with a monthly cap of 10,000; sales 400,000 earn 12,000,
// paid 10,000.
func TestWorkedExampleCappedCommission(t *testing.T) {
	st := mustEval(t, `name: capped
components:
  - {id: commission, kind: commission, kpi: sales, rate: 3}
limits: {period_cap: 10000}
`, salesInputs("400000"))
	equal(t, "commission", result(t, st, "commission.amount"), "12000.00")
	equal(t, "payout", st.Payout, "10000.00")
}

// drawPlan pays 100 % of a KPI that is the month's commission, so the draw
// examples can give earnings directly.
func drawPlan(amount string, recoverable bool) string {
	return fmt.Sprintf(`name: draw
components:
  - {id: commission, kind: commission, kpi: earned, rate: 100}
draw: {amount: %s, recoverable: %t}
`, amount, recoverable)
}

// runMonths evaluates a plan month by month, carrying the balances.
func runMonths(t *testing.T, plan string, earned []string) (payouts, balances []string) {
	t.Helper()
	p := mustPlan(t, plan)
	carry := kpi.Carry{}
	for i, e := range earned {
		in := mustInputs(t, fmt.Sprintf("employee: {id: e1, currency: USD}\nperiod: 2026-%02d\nkpis: [{kpi: earned, actual: %s}]\n", i+1, e))
		in.CarryIn = carry
		st, err := bonus.Eval(p, in)
		if err != nil {
			t.Fatal(err)
		}
		carry = st.CarryOut
		payouts = append(payouts, st.Payout.StringFixed(2))
		balances = append(balances, st.CarryOut.DrawBalance.StringFixed(2))
	}
	return payouts, balances
}

// Oracle, "Recoverable Draw Scenario" (Siebel Incentive Compensation
// Administration Guide, Plan Design),
// https://docs.oracle.com/cd/E05553_01/books/InCompAdm/InCompAdmPlanDesign8.html
// Draw 2,000 a month; earnings 2,750, 3,000, 1,500, 2,375, 3,000, 2,750 are
// paid 2,750, 3,000, 2,000, 2,000, 2,875, 2,750; the balance owed goes
// 500 after March, 125 after April, 0 after May.
func TestWorkedExampleRecoverableDrawOracle(t *testing.T) {
	pay, bal := runMonths(t, drawPlan("2000", true), []string{"2750", "3000", "1500", "2375", "3000", "2750"})
	if got, want := fmt.Sprint(pay), "[2750.00 3000.00 2000.00 2000.00 2875.00 2750.00]"; got != want {
		t.Errorf("payouts %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(bal), "[0.00 0.00 500.00 125.00 0.00 0.00]"; got != want {
		t.Errorf("balances %s, want %s", got, want)
	}
}

// Xactly, "The Non-Recoverable Draw Against Commission" (blog),
// https://www.xactlycorp.com/blog/non-recoverable-draw/
// Draw 1,500; August commission 500 → paid 1,500, 1,000 owed; September
// 3,000 → paid 2,000 and the balance is 0. Non-recoverable: September pays
// the full 3,000.
func TestWorkedExampleDrawXactly(t *testing.T) {
	pay, bal := runMonths(t, drawPlan("1500", true), []string{"500", "3000"})
	if got, want := fmt.Sprint(pay, bal), "[1500.00 2000.00] [1000.00 0.00]"; got != want {
		t.Errorf("recoverable: payouts and balances %s, want %s", got, want)
	}
	pay, bal = runMonths(t, drawPlan("1500", false), []string{"500", "3000"})
	if got, want := fmt.Sprint(pay, bal), "[1500.00 3000.00] [0.00 0.00]"; got != want {
		t.Errorf("non-recoverable: payouts and balances %s, want %s", got, want)
	}
}

// Zepys, "How to handle refunds and clawbacks with agents",
// https://staging.zepys.com/learn/how-to-handle-refunds-and-clawbacks-with-agents
// A customer on a 12-month contract cancels after 6 months: recover 50 %
// of the commission (prorated). With months as 30 days: window 360, stayed
// 180. The source gives no amount; we use 1,000 paid.
// core8, "Clawbacks and early exit" (commission plan patterns),
// https://docs.core8.co/commission-plan-patterns/clawbacks-and-early-exit
// Earned commission 10,000, early termination claws back 50 %: a −5,000
// adjustment in the period it is recorded. We set it against 6,000 earned
// this period: payout 1,000.
func TestWorkedExampleProratedClawback(t *testing.T) {
	plan := `name: clawback
components:
  - {id: commission, kind: commission, kpi: earned, rate: 100}
clawback: {method: prorated, window_days: 360}
`
	st := mustEval(t, plan, inputsHead+`kpis: [{kpi: earned, actual: 0}]
reversed: [{key: C-1, paid: 1000, days_stayed: 180}]
`)
	equal(t, "zepys recovered", result(t, st, "clawback.C-1"), "-500.00")
	equal(t, "zepys carried out", st.CarryOut.ClawbackBalance, "500.00")

	st = mustEval(t, plan, inputsHead+`kpis: [{kpi: earned, actual: 6000}]
reversed: [{key: D-7, paid: 10000, days_stayed: 180}]
`)
	equal(t, "core8 clawback", result(t, st, "clawback.D-7"), "-5000.00")
	equal(t, "core8 payout", st.Payout, "1000.00")
}

// Proration by days active, from two public calculators:
// Cost Calculator (calculator.city), "Pro-Rated Bonus Calculator",
// https://costcalculator.calculator.city/?p=49935
// joined 1 September, target 10,000: 122 / 365 × 10,000 = 3,342.47.
// The same site's "Pro Rata Bonus Calculator",
// https://costcalculator.calculator.city/pro-rata-bonus-calculator
// gets 3,342.80 for the same case by rounding the daily rate to 27.40 first
// (27.40 × 122); that is wrong by 0.33 — rounding belongs at the end.
// LumoCalculator, "Prorated Bonus Calculator",
// https://lumocalculator.com/business/prorated-bonus-calculator
// joined 1 July: 184 / 365 × 10,000 = 5,041.10.
func TestWorkedExampleProration(t *testing.T) {
	plan := "name: prorated\ncomponents:\n  - {id: bonus, kind: bonus, target: 10000}\n"
	for _, tt := range []struct {
		active, want string
	}{
		{"{active_days: 122, period_days: 365, reason: joined 1 September}", "3342.47"},
		{"{active_days: 184, period_days: 365, reason: joined 1 July}", "5041.10"},
	} {
		st := mustEval(t, plan, "employee: {id: e1, currency: USD}\nperiod: 2025\nactive: "+tt.active+"\n")
		equal(t, tt.active, st.Payout, tt.want)
	}
}
