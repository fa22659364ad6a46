package bonus_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"attain/calc/bonus"
	"attain/kpi"

	"github.com/shopspring/decimal"
)

// The property tests run a seeded generator of plans and inputs, so a
// failure names its seed and iteration and is reproducible.

const propertyRuns = 2000

func ptr(d decimal.Decimal) *decimal.Decimal { return &d }

// cents returns a random amount in [0, max) with 2 places.
func cents(r *rand.Rand, max int64) decimal.Decimal { return decimal.New(r.Int64N(max*100), -2) }

// randomTiers returns contiguous tiers from 0 with non-decreasing rates.
func randomTiers(r *rand.Rand) []bonus.Tier {
	n := 1 + r.IntN(4)
	var ts []bonus.Tier
	from := decimal.Zero
	rate := decimal.New(r.Int64N(500), -2) // 0 to 5 %
	for i := 0; i < n; i++ {
		t := bonus.Tier{From: from, Rate: ptr(rate)}
		if i < n-1 {
			to := from.Add(decimal.NewFromInt(1 + r.Int64N(50000)))
			t.To = &to
			from = to
		}
		ts = append(ts, t)
		rate = rate.Add(decimal.New(r.Int64N(500), -2))
	}
	return ts
}

// randomScale returns a monotone scale: a threshold, a linear row, an
// accelerator or decelerator row.
func randomScale(r *rand.Rand) []bonus.ScaleRow {
	th := decimal.NewFromInt(50 + r.Int64N(40))
	c0 := decimal.New(r.Int64N(100), -2)
	c1 := c0.Add(decimal.New(r.Int64N(100), -2))
	return []bonus.ScaleRow{
		{From: &th, To: ptr(decimal.NewFromInt(100)), Coefficient: c0, ToCoefficient: &c1},
		{From: ptr(decimal.NewFromInt(100)), Coefficient: c1, Slope: ptr(decimal.New(r.Int64N(300), -2))},
	}
}

// randomPlan returns a valid plan with every money part; caps, clawbacks
// and draws are each present or not.
func randomPlan(r *rand.Rand) *bonus.Plan {
	method := bonus.Marginal
	if r.IntN(2) == 0 {
		method = bonus.Retroactive
	}
	p := &bonus.Plan{
		Name: "random",
		Components: []*bonus.Component{
			{ID: "bonus", Kind: bonus.KindBonus, Target: ptr(cents(r, 5000)), Coefficient: &bonus.Coefficient{Of: "score", Scale: randomScale(r)}},
			{ID: "commission", Kind: bonus.KindCommission, KPI: "sales", Method: method, Tiers: randomTiers(r)},
		},
	}
	if r.IntN(3) > 0 {
		p.Limits.PeriodCap = ptr(cents(r, 20000))
	}
	if r.IntN(3) > 0 {
		p.Limits.YearCap = ptr(cents(r, 60000))
	}
	if r.IntN(2) == 0 {
		p.Clawback = &bonus.Clawback{Method: bonus.ClawProrated, WindowDays: 1 + r.IntN(365)}
	} else {
		p.Clawback = &bonus.Clawback{Method: bonus.ClawFull, WindowDays: r.IntN(2) * 90}
	}
	if r.IntN(3) == 0 {
		p.Draw = &bonus.Draw{Amount: cents(r, 3000).Add(decimal.NewFromInt(1)), Recoverable: r.IntN(2) == 0}
	}
	if r.IntN(2) == 0 {
		p.Rounding.Mode = bonus.HalfEven
	}
	return p
}

func randomInputs(r *rand.Rand) *kpi.BonusInputs {
	in := &kpi.BonusInputs{
		Employee: kpi.Payee{ID: "e1", Currency: "USD"},
		Period:   "2026-03",
		Score:    ptr(decimal.New(r.Int64N(20000), -2)), // 0 to 200 %
		KPIs:     []kpi.KPIActual{{KPI: "sales", Actual: cents(r, 120000)}},
		YTDPaid:  cents(r, 50000),
		CarryIn:  kpi.Carry{DrawBalance: cents(r, 2000).Mul(decimal.NewFromInt(int64(r.IntN(2)))), ClawbackBalance: cents(r, 500).Mul(decimal.NewFromInt(int64(r.IntN(2))))},
	}
	for i := range r.IntN(4) {
		days := r.IntN(400)
		in.Reversed = append(in.Reversed, kpi.Reversal{Key: fmt.Sprintf("R-%d", i), Paid: cents(r, 3000), DaysStayed: &days})
	}
	if r.IntN(4) == 0 {
		in.Active = &kpi.ActiveShare{ActiveDays: r.IntN(23), PeriodDays: 22}
	}
	return in
}

func eval(t *testing.T, p *bonus.Plan, in *kpi.BonusInputs, seed uint64, i int) *kpi.Evaluation {
	t.Helper()
	st, err := bonus.Eval(p, in)
	if err != nil {
		t.Fatalf("seed %d run %d: %v", seed, i, err)
	}
	return st
}

func TestPropertyPayoutWithinCaps(t *testing.T) {
	const seed = 1
	r := rand.New(rand.NewPCG(seed, 2))
	for i := range propertyRuns {
		p, in := randomPlan(r), randomInputs(r)
		st := eval(t, p, in, seed, i)
		if st.Payout.IsNegative() {
			t.Fatalf("run %d: negative payout %s", i, st.Payout)
		}
		if c := p.Limits.PeriodCap; c != nil && st.Payout.GreaterThan(*c) {
			t.Fatalf("run %d: payout %s above the period cap %s", i, st.Payout, c)
		}
		if c := p.Limits.YearCap; c != nil {
			room := decimal.Max(decimal.Zero, c.Sub(in.YTDPaid))
			if st.Payout.GreaterThan(room) {
				t.Fatalf("run %d: payout %s + %s paid this year is above the year cap %s", i, st.Payout, in.YTDPaid, c)
			}
		}
	}
}

func TestPropertyMonotone(t *testing.T) {
	const seed = 3
	r := rand.New(rand.NewPCG(seed, 4))
	for i := range propertyRuns {
		p, in := randomPlan(r), randomInputs(r)
		base := eval(t, p, in, seed, i)

		better := in.Clone()
		better.Score = ptr(in.Score.Add(decimal.New(r.Int64N(5000), -2)))
		if st := eval(t, p, better, seed, i); st.Payout.LessThan(base.Payout) {
			t.Fatalf("run %d: score %s → %s lowered the payout %s → %s", i, in.Score, better.Score, base.Payout, st.Payout)
		}
		more := in.Clone()
		more.KPIs[0].Actual = in.KPIs[0].Actual.Add(cents(r, 30000))
		if st := eval(t, p, more, seed, i); st.Payout.LessThan(base.Payout) {
			t.Fatalf("run %d: value %s → %s lowered the payout %s → %s", i, in.KPIs[0].Actual, more.KPIs[0].Actual, base.Payout, st.Payout)
		}
	}
}

func TestPropertyClawbackNeverAboveWhatWasPaid(t *testing.T) {
	const seed = 5
	r := rand.New(rand.NewPCG(seed, 6))
	for i := range propertyRuns {
		p, in := randomPlan(r), randomInputs(r)
		st := eval(t, p, in, seed, i)
		paid := in.CarryIn.ClawbackBalance
		for _, rv := range in.Reversed {
			paid = paid.Add(rv.Paid)
			if got := st.Line("clawback." + rv.Key).Result.Neg(); got.GreaterThan(rv.Paid) || got.IsNegative() {
				t.Fatalf("run %d: record %s recovers %s of %s paid", i, rv.Key, got, rv.Paid)
			}
		}
		if st.Recovered.Add(st.CarryOut.ClawbackBalance).GreaterThan(paid) {
			t.Fatalf("run %d: recovered %s + carried %s, more than the %s paid", i, st.Recovered, st.CarryOut.ClawbackBalance, paid)
		}
	}
}

func TestPropertyMarginalNotAboveRetroactive(t *testing.T) {
	const seed = 7
	r := rand.New(rand.NewPCG(seed, 8))
	for i := range propertyRuns {
		tiers := randomTiers(r)
		value := cents(r, 200000)
		pay := func(method string) decimal.Decimal {
			p := &bonus.Plan{Name: "t", Components: []*bonus.Component{{ID: "c", Kind: bonus.KindCommission, KPI: "sales", Method: method, Tiers: tiers}}}
			in := &kpi.BonusInputs{Employee: kpi.Payee{ID: "e", Currency: "EUR"}, Period: "2026-03", KPIs: []kpi.KPIActual{{KPI: "sales", Actual: value}}}
			return eval(t, p, in, seed, i).Payout
		}
		if m, rt := pay(bonus.Marginal), pay(bonus.Retroactive); m.GreaterThan(rt) {
			t.Fatalf("run %d: value %s: marginal %s > retroactive %s", i, value, m, rt)
		}
	}
}

func TestPropertyRoundingScopes(t *testing.T) {
	const seed = 9
	r := rand.New(rand.NewPCG(seed, 10))
	half := decimal.New(5, -3)
	for i := range propertyRuns {
		p, in := randomPlan(r), randomInputs(r)
		p.Rounding.Scope = bonus.PerLine
		line := eval(t, p, in, seed, i)
		p.Rounding.Scope = bonus.PerStatement
		stmt := eval(t, p, in, seed, i)
		bound := half.Mul(decimal.NewFromInt(int64(len(line.Lines))))
		if d := line.Payout.Sub(stmt.Payout).Abs(); d.GreaterThan(bound) {
			t.Fatalf("run %d: per line %s vs per statement %s differ by %s > %d lines × 0.005", i, line.Payout, stmt.Payout, d, len(line.Lines))
		}
		if -line.Payout.Exponent() > 2 || -stmt.Payout.Exponent() > 2 {
			t.Fatalf("run %d: payout not rounded to cents: %s, %s", i, line.Payout, stmt.Payout)
		}
	}
}

// credits splits value into n credited records of whole cents, dated in
// March 2026 in random order.
func credits(r *rand.Rand, value decimal.Decimal, n int) []kpi.Credited {
	out := make([]kpi.Credited, n)
	left := value
	for i := range out {
		v := left
		if i < n-1 {
			v = decimal.New(r.Int64N(left.Shift(2).IntPart()+1), -2)
		}
		left = left.Sub(v)
		out[i] = kpi.Credited{Key: fmt.Sprintf("R-%03d", i), Date: kpi.NewDate(2026, 3, 1+r.IntN(31)), Value: v}
	}
	return out
}

func commissionPlan(c *bonus.Component) *bonus.Plan {
	c.ID, c.Kind, c.KPI = "c", bonus.KindCommission, "sales"
	return &bonus.Plan{Name: "p", Rounding: bonus.Rounding{Scope: bonus.PerStatement}, Components: []*bonus.Component{c}}
}

func salesOn(value decimal.Decimal, recs []kpi.Credited) *kpi.BonusInputs {
	return &kpi.BonusInputs{Employee: kpi.Payee{ID: "e", Currency: "EUR"}, Period: "2026-03",
		KPIs: []kpi.KPIActual{{KPI: "sales", Actual: value, Credited: recs}}}
}

// With one record, paying per record and paying on the period's total are
// the same thing: a flat rate, tiers (marginal or retroactive) or an
// amount table, and a running total from zero.
func TestPropertyOneRecordAgrees(t *testing.T) {
	const seed = 11
	r := rand.New(rand.NewPCG(seed, 12))
	for i := range propertyRuns {
		value := cents(r, 200000)
		recs := credits(r, value, 1)
		tiers := randomTiers(r)
		method := []string{bonus.Marginal, bonus.Retroactive}[r.IntN(2)]
		period := commissionPlan(&bonus.Component{Method: method, Tiers: tiers})
		record := commissionPlan(&bonus.Component{Method: method, Tiers: tiers, Per: bonus.PerRecord})
		in := salesOn(value, recs)
		if a, b := eval(t, period, in, seed, i).Payout, eval(t, record, in, seed, i).Payout; !a.Equal(b) {
			t.Fatalf("run %d: value %s, %s tiers: per period %s, per record %s", i, value, method, a, b)
		}
		if method == bonus.Marginal {
			running := commissionPlan(&bonus.Component{Method: bonus.Running, Tiers: tiers})
			if a, b := eval(t, period, in, seed, i).Payout, eval(t, running, in, seed, i).Payout; !a.Equal(b) {
				t.Fatalf("run %d: value %s: marginal %s, running %s", i, value, a, b)
			}
		}
		rate := ptr(decimal.New(r.Int64N(1500), -2))
		flat := commissionPlan(&bonus.Component{Rate: rate})
		flatRec := commissionPlan(&bonus.Component{Rate: rate, Per: bonus.PerRecord})
		if a, b := eval(t, flat, in, seed, i).Payout, eval(t, flatRec, in, seed, i).Payout; !a.Equal(b) {
			t.Fatalf("run %d: value %s at %s %%: per period %s, per record %s", i, value, rate, a, b)
		}
	}
}

// Running-total tiers never pay more than retroactive tiers on the same
// total (rates rising with the tiers), and, starting from zero, pay
// exactly what marginal tiers pay on the total: the record that crosses a
// boundary is split at it.
func TestPropertyRunningNotAboveRetroactive(t *testing.T) {
	const seed = 13
	r := rand.New(rand.NewPCG(seed, 14))
	for i := range propertyRuns {
		value := cents(r, 200000)
		tiers := randomTiers(r)
		in := salesOn(value, credits(r, value, 1+r.IntN(20)))
		running := eval(t, commissionPlan(&bonus.Component{Method: bonus.Running, Tiers: tiers}), in, seed, i).Payout
		retro := eval(t, commissionPlan(&bonus.Component{Method: bonus.Retroactive, Tiers: tiers}), in, seed, i).Payout
		marginal := eval(t, commissionPlan(&bonus.Component{Method: bonus.Marginal, Tiers: tiers}), in, seed, i).Payout
		if running.GreaterThan(retro) {
			t.Fatalf("run %d: value %s in %d records: running %s > retroactive %s", i, value, len(in.KPIs[0].Credited), running, retro)
		}
		if !running.Equal(marginal) {
			t.Fatalf("run %d: value %s: running %s, marginal %s", i, value, running, marginal)
		}
	}
}

// Over a plan year of monthly true-ups, what was paid less what the
// employee still owes at the year's end is the year's entitlement less the
// clawbacks of reversed records (negative true-ups recovered like
// clawbacks); carried
// forward instead, what was paid is the highest entitlement to date, the
// year's own when it never fell.
func TestPropertyTrueUpsAddUpToTheYear(t *testing.T) {
	const seed = 15
	r := rand.New(rand.NewPCG(seed, 16))
	for i := range propertyRuns / 10 {
		negative := []string{bonus.NegativeCarry, bonus.NegativeRecover}[r.IntN(2)]
		tiers := randomTiers(r)
		p := &bonus.Plan{Name: "true-up", TrueUp: &bonus.TrueUpRule{ToDate: bonus.ToDateYear, Negative: negative},
			Components: []*bonus.Component{{ID: "c", Kind: bonus.KindCommission, KPI: "sales", Tiers: tiers}}}
		rising := r.IntN(2) == 0
		if negative == bonus.NegativeRecover {
			p.Clawback = &bonus.Clawback{Method: bonus.ClawFull}
		}
		ytd, before := decimal.Zero, decimal.Zero
		var carry kpi.Carry
		paid, clawed, highest, entitled := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
		for m := 1; m <= 12; m++ {
			step := cents(r, 40000)
			if !rising && r.IntN(3) == 0 {
				step = step.Neg()
			}
			ytd = decimal.Max(decimal.Zero, ytd.Add(step))
			in := &kpi.BonusInputs{Employee: kpi.Payee{ID: "e", Currency: "EUR"}, Period: fmt.Sprintf("2026-%02d", m),
				KPIs: []kpi.KPIActual{{KPI: "sales", Actual: ytd}}, TrueUp: &kpi.TrueUpInput{Before: before}, CarryIn: carry}
			if negative == bonus.NegativeRecover && r.IntN(4) == 0 {
				rv := cents(r, 300)
				in.Reversed = []kpi.Reversal{{Key: fmt.Sprintf("R-%d", m), Paid: rv}}
				clawed = clawed.Add(rv)
			}
			st := eval(t, p, in, seed, i)
			paid = paid.Add(st.Payout)
			before, carry = st.TrueUp.Recognized, st.CarryOut
			entitled = st.TrueUp.Entitlement
			highest = decimal.Max(highest, entitled)
		}
		switch negative {
		case bonus.NegativeRecover:
			if got, want := paid.Sub(carry.ClawbackBalance), entitled.Sub(clawed); !got.Equal(want) {
				t.Fatalf("run %d: paid %s − still owed %s = %s; the year's entitlement %s − clawbacks %s = %s", i, paid, carry.ClawbackBalance, got, entitled, clawed, want)
			}
		default:
			if !paid.Equal(highest) {
				t.Fatalf("run %d: paid %s over the year, the highest entitlement to date was %s", i, paid, highest)
			}
			if rising && !paid.Equal(entitled) {
				t.Fatalf("run %d: entitlement never fell, paid %s, the year's entitlement %s", i, paid, entitled)
			}
		}
	}
}

// Proration by any convention pays more (or the same) the more days were
// worked, and the whole amount for the whole period.
func TestPropertyProrationMonotone(t *testing.T) {
	const seed = 17
	r := rand.New(rand.NewPCG(seed, 18))
	conventions := []string{bonus.WorkingDays, bonus.CalendarDays, bonus.Days365, bonus.WholeMonths}
	periods := []string{"2026-03", "2026-02", "2026-Q2", "2026-Q4", "2027-01"}
	for i := range propertyRuns {
		conv := conventions[r.IntN(len(conventions))]
		period, err := kpi.ParsePeriod(periods[r.IntN(len(periods))])
		if err != nil {
			t.Fatal(err)
		}
		target := cents(r, 20000)
		p := &bonus.Plan{Name: "p", Proration: &bonus.Proration{Convention: conv},
			Components: []*bonus.Component{{ID: "b", Kind: bonus.KindBonus, Target: &target}}}
		if r.IntN(2) == 0 {
			p.Components[0].Target, p.Components[0].AnnualTarget = nil, &target
		}
		pay := func(from kpi.Date) decimal.Decimal {
			in := &kpi.BonusInputs{Employee: kpi.Payee{ID: "e", Currency: "EUR"}, Period: period.Label()}
			if from != period.From {
				in.Active = &kpi.ActiveShare{From: &from}
			}
			return eval(t, p, in, seed, i).Payout
		}
		full := pay(period.From)
		hired := period.From + kpi.Date(r.IntN(period.Days()))
		earlier := period.From + kpi.Date(r.IntN(int(hired-period.From)+1))
		a, b := pay(hired), pay(earlier)
		if b.LessThan(a) {
			t.Fatalf("run %d: %s in %s: hired %s pays %s, hired earlier %s pays %s", i, conv, period.Label(), hired, a, earlier, b)
		}
		if b.GreaterThan(full) {
			t.Fatalf("run %d: %s in %s: part of the period pays %s, more than the whole %s", i, conv, period.Label(), b, full)
		}
		whole := &kpi.BonusInputs{Employee: kpi.Payee{ID: "e", Currency: "EUR"}, Period: period.Label(), Active: &kpi.ActiveShare{From: &period.From, To: &period.To}}
		if got := eval(t, p, whole, seed, i).Payout; !got.Equal(full) {
			t.Fatalf("run %d: %s in %s: active all of it pays %s, not the whole amount %s", i, conv, period.Label(), got, full)
		}
	}
}
