package bonus

import (
	"fmt"
	"strings"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// threshold checks a KPI's (or the score's) attainment and actual against
// a gate's or a multiplier's thresholds: inclusive (≥, ≤), or strict (>,
// <). who names the rule in errors.
type threshold struct {
	kpi                                 string
	minAttainment, minActual, maxActual *decimal.Decimal
	strict                              bool
}

func (e *evaluator) check(who string, t threshold) (ok bool, checks []string, inputs []kpi.LineValue, err error) {
	ge, le := "≥", "≤"
	if t.strict {
		ge, le = ">", "<"
	}
	atLeast := func(v, min decimal.Decimal) bool {
		if t.strict {
			return v.GreaterThan(min)
		}
		return v.GreaterThanOrEqual(min)
	}
	atMost := func(v, max decimal.Decimal) bool {
		if t.strict {
			return v.LessThan(max)
		}
		return v.LessThanOrEqual(max)
	}
	ok = true
	if t.kpi == "score" {
		if e.score == nil {
			return false, nil, nil, invalidf("%s checks the score: the plan weights no KPIs and the inputs have no score.", who)
		}
		inputs = append(inputs, percent("score", *e.score))
		if t.minAttainment != nil {
			pass := atLeast(*e.score, *t.minAttainment)
			ok = ok && pass
			checks = append(checks, fmt.Sprintf("score %s %s %s: %s", p(*e.score), ge, p(*t.minAttainment), yes(pass)))
		}
		return ok, checks, inputs, nil
	}
	k := e.in.KPI(t.kpi)
	if k == nil {
		return false, nil, nil, invalidf("%s checks KPI %s: the inputs have no actual for it.", who, t.kpi)
	}
	inputs = append(inputs, number(t.kpi+" actual", k.Actual))
	if t.minAttainment != nil {
		a, has := e.attain[t.kpi]
		if !has {
			return false, nil, nil, invalidf("%s checks the attainment of KPI %s: the inputs give it no target.", who, t.kpi)
		}
		inputs = append(inputs, percent(t.kpi+" attainment", a))
		pass := atLeast(a, *t.minAttainment)
		ok = ok && pass
		checks = append(checks, fmt.Sprintf("attainment %s %s %s: %s", p(a), ge, p(*t.minAttainment), yes(pass)))
	}
	if t.minActual != nil {
		pass := atLeast(k.Actual, *t.minActual)
		ok = ok && pass
		checks = append(checks, fmt.Sprintf("actual %s %s %s: %s", f(k.Actual), ge, f(*t.minActual), yes(pass)))
	}
	if t.maxActual != nil {
		pass := atMost(k.Actual, *t.maxActual)
		ok = ok && pass
		checks = append(checks, fmt.Sprintf("actual %s %s %s: %s", f(k.Actual), le, f(*t.maxActual), yes(pass)))
	}
	return ok, checks, inputs, nil
}

// multiply applies a part's multipliers that read a KPI or the score (the
// ones that read a record's fields were applied per record), and, for a
// commission, the ramp month's rate.
func (e *evaluator) multiply(c *Component, amt decimal.Decimal) (decimal.Decimal, error) {
	if c.Kind == KindCommission && e.ramp != nil && e.ramp.Rate != nil {
		out := e.money(amt.Mul(*e.ramp.Rate).Div(hundred))
		e.add(kpi.StatementLine{ID: c.ID + ".ramp", Label: label(c) + ": ramp", Inputs: []kpi.LineValue{money("amount", amt), percent("ramp rate", *e.ramp.Rate)},
			Rule: fmt.Sprintf("month %d of tenure pays %s of the rates: %s × %s", e.tenure, p(*e.ramp.Rate), e.m(amt), p(*e.ramp.Rate)), Result: out, Unit: kpi.LineMoney})
		amt = out
	}
	total := decimal.NewFromInt(1)
	var rules []string
	var inputs []kpi.LineValue
	n := 0
	for i, m := range c.Multipliers {
		if m.When != "" {
			continue
		}
		n++
		ok, checks, in, err := e.check(fmt.Sprintf("Multiplier %d of %s", i+1, c.ID), threshold{m.KPI, m.MinAttainment, m.MinActual, m.MaxActual, m.Strict})
		if err != nil {
			return decimal.Zero, err
		}
		inputs = append(inputs, in...)
		if ok {
			total = total.Mul(m.Factor)
		}
		of := ""
		if m.KPI != "score" {
			of = m.KPI + " "
		}
		rules = append(rules, fmt.Sprintf("× %s if %s%s", f(m.Factor), of, strings.Join(checks, ", "+of)))
	}
	if n == 0 {
		return amt, nil
	}
	out := e.money(amt.Mul(total))
	inputs = append([]kpi.LineValue{money("amount", amt)}, append(inputs, factor("multiplier", total))...)
	e.add(kpi.StatementLine{ID: c.ID + ".multiplier", Label: label(c) + ": multiplier", Inputs: inputs,
		Rule: strings.Join(rules, "; ") + fmt.Sprintf("; amount × %s = %s × %s", f(total), e.m(amt), f(total)), Result: out, Unit: kpi.LineMoney})
	return out, nil
}

// rampMonth finds the period's month of tenure and its ramp month: the
// month of the hire date is month 1, the next calendar month month 2.
func (e *evaluator) rampMonth() {
	r := e.plan.Ramp
	if r == nil || e.in.Hired == nil {
		return
	}
	start := max(e.period.From, *e.in.Hired)
	h, s := e.in.Hired.Time(), start.Time()
	e.tenure = (s.Year()-h.Year())*12 + int(s.Month()) - int(h.Month()) + 1
	for i := range r.Months {
		if r.Months[i].Month == e.tenure {
			e.ramp = &r.Months[i]
		}
	}
}

// rampLine writes the month of tenure and what the ramp does in it.
func (e *evaluator) rampLine() {
	r := e.plan.Ramp
	if r == nil {
		return
	}
	if e.in.Hired == nil {
		e.st.Notes = append(e.st.Notes, "the plan ramps by months since hire and the inputs give no hire date: no ramp applied")
		return
	}
	rule := fmt.Sprintf("hired %s: %s is month %d of tenure (the month of the hire date is month 1)", e.in.Hired, e.period.Label(), e.tenure)
	if m := e.ramp; m != nil {
		var what []string
		if m.Guarantee != nil {
			what = append(what, fmt.Sprintf("guarantee %s of the base", p(*m.Guarantee)))
		}
		if m.Draw != nil {
			what = append(what, fmt.Sprintf("recoverable draw %s of the base", p(*m.Draw)))
		}
		if m.Rate != nil {
			what = append(what, fmt.Sprintf("commissions at %s of their rates", p(*m.Rate)))
		}
		if m.Target != nil {
			what = append(what, fmt.Sprintf("targets at %s", p(*m.Target)))
		}
		rule += fmt.Sprintf("; ramp month %d: %s", m.Month, strings.Join(what, ", "))
	} else {
		rule += "; the ramp has no such month: the full plan applies"
	}
	e.add(kpi.StatementLine{ID: "ramp", Label: "Ramp by months since hire", Inputs: []kpi.LineValue{number("month of tenure", decimal.NewFromInt(int64(e.tenure)))},
		Rule: rule, Result: decimal.NewFromInt(int64(e.tenure)), Unit: kpi.LineNumber})
}

// rampBase is what 100 % of a ramp's guarantee or draw is, in the payee's
// currency: the ramp's base, or the period's target bonuses.
func (e *evaluator) rampBase() (decimal.Decimal, string) {
	if b := e.plan.Ramp.Base; b != nil {
		v, conv := e.planMoney(*b)
		return v, "the ramp's base " + e.m(v) + conv
	}
	v := decimal.Zero
	for _, t := range e.bonusTargets {
		v = v.Add(t)
	}
	v, conv := e.planMoney(v)
	return v, "the period's target bonuses " + e.m(v) + conv
}

// guarantee tops the payout up to the ramp month's guarantee (prorated by
// the active share), never above a cap; it is not recovered.
func (e *evaluator) guarantee(net decimal.Decimal, room *decimal.Decimal) decimal.Decimal {
	if e.ramp == nil || e.ramp.Guarantee == nil {
		return net
	}
	base, of := e.rampBase()
	g := base.Mul(*e.ramp.Guarantee).Div(hundred)
	rule := fmt.Sprintf("%s × %s", p(*e.ramp.Guarantee), of)
	if e.fraction != nil {
		g = g.Mul(*e.fraction)
		rule += fmt.Sprintf(" × active share %s", f(*e.fraction))
	}
	g = e.money(g)
	top := decimal.Max(decimal.Zero, g.Sub(net))
	rule = fmt.Sprintf("guarantee %s = %s; earnings %s: top-up max(0, %s − %s)", e.m(g), rule, e.m(net), e.m(g), e.m(net))
	if room != nil && net.Add(top).GreaterThan(*room) {
		top = decimal.Max(decimal.Zero, room.Sub(net))
		rule += fmt.Sprintf(", limited by the cap to %s", e.m(top))
	}
	e.add(kpi.StatementLine{ID: "ramp.guarantee", Label: fmt.Sprintf("Guarantee of ramp month %d, not recovered", e.ramp.Month),
		Inputs: []kpi.LineValue{money("guarantee", g), money("earnings", net)}, Rule: rule, Result: top, Unit: kpi.LineMoney})
	return net.Add(top)
}

// exchange finds the rate the plan's amounts are converted at when its
// currency is not the payee's: the latest stated rate on or before the
// period's end (or start).
func (e *evaluator) exchange(payee string) error {
	pc := strings.ToUpper(e.plan.Currency)
	if pc == "" || pc == payee {
		return nil
	}
	if e.plan.FX == nil {
		return invalidf("Plan %q has amounts in %s; employee %s is paid in %s and the plan states no exchange rate (fx.rates).", e.plan.Name, pc, e.in.Employee.ID, payee)
	}
	asOf := e.period.To
	if e.plan.FX.AsOf == "start" {
		asOf = e.period.From
	}
	var best *StatedRate
	for i, r := range e.plan.FX.Rates {
		if strings.EqualFold(r.Currency, payee) && r.Date <= asOf && (best == nil || r.Date > best.Date) {
			best = &e.plan.FX.Rates[i]
		}
	}
	if best == nil {
		return invalidf("Plan %q has amounts in %s and states no %s rate on or before %s (fx.rates); employee %s is paid in %s.", e.plan.Name, pc, payee, asOf, e.in.Employee.ID, payee)
	}
	e.fx = &kpi.FXRate{From: pc, To: payee, Rate: best.Rate, Date: best.Date}
	return nil
}

// partCurrency is the currency the parts are computed in.
func (e *evaluator) partCurrency() string {
	if e.fx != nil {
		return e.fx.From
	}
	return strings.ToUpper(e.in.Employee.Currency)
}

// convert turns earnings in the plan's currency into the payee's; from
// here on amounts are in the payee's currency.
func (e *evaluator) convert(earned decimal.Decimal) decimal.Decimal {
	in := e.m(earned)
	e.places = e.plan.Rounding.places(e.fx.To)
	out := e.money(earned.Mul(e.fx.Rate))
	e.add(kpi.StatementLine{ID: "fx", Label: fmt.Sprintf("Exchange %s to %s", e.fx.From, e.fx.To),
		Inputs: []kpi.LineValue{money("earned ("+e.fx.From+")", earned), factor("rate", e.fx.Rate)},
		Rule:   fmt.Sprintf("%s %s × %s %s per %s (rate of %s) = %s %s", in, e.fx.From, f(e.fx.Rate), e.fx.To, e.fx.From, e.fx.Date, e.m(out), e.fx.To),
		Result: out, Unit: kpi.LineMoney})
	return out
}

// planMoney converts an amount the plan states into the payee's currency
// when the plan pays in another; conv says so for a rule text.
func (e *evaluator) planMoney(d decimal.Decimal) (v decimal.Decimal, conv string) {
	if e.fx == nil {
		return d, ""
	}
	v = e.plan.Rounding.round(d.Mul(e.fx.Rate), e.plan.Rounding.places(e.fx.To))
	return v, fmt.Sprintf(" (%s %s at %s)", format(d, kpi.LineMoney, e.plan.Rounding.places(e.fx.From)), e.fx.From, f(e.fx.Rate))
}

// trueUp turns the entitlement to date into the period's amount: less what
// earlier periods of the window recognized. A negative true-up pays
// nothing: with negative "carry" the window's next periods make it up;
// with "clawback" it is owed, recovered like a clawback.
func (e *evaluator) trueUp(entitled decimal.Decimal) (amount, owed decimal.Decimal) {
	before := decimal.Zero
	if e.in.TrueUp != nil {
		before = e.in.TrueUp.Before
	}
	t := e.plan.Rounding.round(entitled.Sub(before), e.places)
	tu := &kpi.TrueUp{From: e.window.From, Entitlement: entitled, Before: before, Amount: t, Recognized: before.Add(t)}
	e.st.TrueUp = tu
	e.add(kpi.StatementLine{ID: "true_up", Label: "True-up", Inputs: []kpi.LineValue{money("entitlement to date", entitled), money("recognized before", before)},
		Rule:   fmt.Sprintf("entitlement %s..%s − recognized in the %s's earlier periods = %s − %s", e.window.From, e.window.To, e.plan.TrueUp.ToDate, e.m(entitled), e.m(before)),
		Result: t, Unit: kpi.LineMoney})
	if !t.IsNegative() {
		return t, decimal.Zero
	}
	if e.plan.TrueUp.Negative == NegativeRecover {
		return decimal.Zero, t.Neg()
	}
	tu.Recognized = before
	e.add(kpi.StatementLine{ID: "true_up.negative", Label: "Negative true-up, carried forward", Inputs: []kpi.LineValue{money("true-up", t)},
		Rule:   fmt.Sprintf("nothing is paid; %s stays recognized, so the %s's next periods pay only what their entitlement adds above it", e.m(before), e.plan.TrueUp.ToDate),
		Result: decimal.Zero, Unit: kpi.LineMoney})
	return decimal.Zero, decimal.Zero
}
