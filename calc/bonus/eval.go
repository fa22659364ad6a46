package bonus

import (
	"fmt"
	"strings"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// divPrecision is the places kept by divisions (fractions, interpolation).
const divPrecision = 16

// Eval evaluates plan on in: every line of the calculation, the payout
// and what is carried out. It fails with EINVALID when the plan or the
// inputs are invalid or do not fit each other (a KPI the plan needs is
// missing, the currencies differ and the plan states no rate, a target is
// 0).
func Eval(plan *Plan, in *kpi.BonusInputs) (*kpi.Evaluation, error) {
	if plan == nil || in == nil {
		return nil, kpi.Errorf(kpi.EINVALID, "Evaluate a bonus plan: plan and inputs are required.")
	}
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	if err := ValidateInputs(in); err != nil {
		return nil, err
	}
	ev, err := eval(plan, in)
	if err != nil {
		return nil, err
	}
	if plan.Projection != nil && len(in.Open) > 0 {
		if ev.Projection, err = project(plan, in, ev); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

// eval evaluates a valid plan on valid inputs, without the projection.
func eval(plan *Plan, in *kpi.BonusInputs) (*kpi.Evaluation, error) {
	period, err := kpi.ParsePeriod(in.Period)
	if err != nil {
		return nil, fmt.Errorf("inputs period: %w", err)
	}
	cur := strings.ToUpper(in.Employee.Currency)
	e := &evaluator{
		plan:    plan,
		in:      in,
		period:  period,
		line:    plan.Rounding.scope() == PerLine,
		attain:  map[string]decimal.Decimal{},
		targets: map[string]decimal.Decimal{},
		records: map[string]*recordSet{},
	}
	if err := e.exchange(cur); err != nil {
		return nil, err
	}
	e.places = plan.Rounding.places(e.partCurrency())
	e.st = &kpi.Evaluation{
		Plan:     plan.Name,
		Employee: in.Employee,
		Period:   period,
		Currency: cur,
		Rounding: plan.Rounding.describe(plan.Rounding.places(cur)),
		Places:   plan.Rounding.places(cur),
		FX:       e.fx,
	}
	if err := e.run(); err != nil {
		return nil, err
	}
	return e.st, nil
}

type evaluator struct {
	plan   *Plan
	in     *kpi.BonusInputs
	period kpi.Period
	places int32 // of the amounts being computed: the plan's currency's, then (after an exchange) the payee's
	line   bool  // round per line
	st     *kpi.Evaluation

	attain   map[string]decimal.Decimal // KPI → attainment in %
	targets  map[string]decimal.Decimal // KPI → the target attainment is of (after ramp and proration)
	score    *decimal.Decimal
	fraction *decimal.Decimal // active share of the period, when partial
	share    *activeShare     // how fraction was counted
	ramp     *RampMonth       // this period's month of the ramp, if any
	tenure   int              // months since hire (1: the month of the hire date); 0 unknown
	fx       *kpi.FXRate      // the plan's currency into the payee's
	window   *kpi.Period      // a true-up's window to date
	records  map[string]*recordSet

	bonusTargets []decimal.Decimal // the period's target bonuses, a ramp's base
}

func invalidf(format string, args ...any) error { return kpi.Errorf(kpi.EINVALID, format, args...) }

func (e *evaluator) add(l kpi.StatementLine) { e.st.Lines = append(e.st.Lines, l) }

// money rounds a computed amount when the plan rounds per line.
func (e *evaluator) money(d decimal.Decimal) decimal.Decimal {
	if e.line {
		return e.plan.Rounding.round(d, e.places)
	}
	return d
}

// m, p and f format money, percent and factors for rule texts.
func (e *evaluator) m(d decimal.Decimal) string { return format(d, kpi.LineMoney, e.places) }
func p(d decimal.Decimal) string                { return format(d, kpi.LinePercent, 0) }
func f(d decimal.Decimal) string                { return format(d, kpi.LineNumber, 0) }

func money(name string, v decimal.Decimal) kpi.LineValue {
	return kpi.LineValue{Name: name, Value: v, Unit: kpi.LineMoney}
}
func percent(name string, v decimal.Decimal) kpi.LineValue {
	return kpi.LineValue{Name: name, Value: v, Unit: kpi.LinePercent}
}
func number(name string, v decimal.Decimal) kpi.LineValue {
	return kpi.LineValue{Name: name, Value: v, Unit: kpi.LineNumber}
}
func factor(name string, v decimal.Decimal) kpi.LineValue {
	return kpi.LineValue{Name: name, Value: v, Unit: kpi.LineFactor}
}

func (e *evaluator) run() error {
	if err := e.setup(); err != nil {
		return err
	}
	if err := e.kpis(); err != nil {
		return err
	}
	if err := e.computeScore(); err != nil {
		return err
	}
	e.prorationLine()
	e.rampLine()
	blocked, err := e.gates()
	if err != nil {
		return err
	}
	earned := decimal.Zero
	var parts []string
	for _, c := range e.plan.Components {
		var amt decimal.Decimal
		switch c.Kind {
		case KindBonus:
			amt, err = e.bonus(c)
		case KindCommission:
			amt, err = e.commission(c)
		default:
			continue
		}
		if err != nil {
			return err
		}
		if amt, err = e.multiply(c, amt); err != nil {
			return err
		}
		amt = e.bounds(c, amt)
		if g, ok := blocked[c.ID]; ok {
			e.add(kpi.StatementLine{ID: c.ID + ".gate", Label: label(c) + ": gate " + g, Inputs: []kpi.LineValue{money("amount", amt)},
				Rule: fmt.Sprintf("gate %s failed: %s is not paid", g, c.ID), Result: decimal.Zero, Unit: kpi.LineMoney})
			amt = decimal.Zero
		}
		earned = earned.Add(amt)
		parts = append(parts, fmt.Sprintf("%s %s", c.ID, e.m(amt)))
	}
	what := "Earned before limits"
	if e.window != nil {
		what = "Entitlement to date before limits"
	}
	e.add(kpi.StatementLine{ID: "earned", Label: what, Rule: "sum of the parts: " + strings.Join(parts, " + "), Result: earned, Unit: kpi.LineMoney})
	var owed decimal.Decimal // a negative true-up recovered like a clawback
	if e.window != nil {
		earned, owed = e.trueUp(earned)
	}
	if e.fx != nil {
		earned = e.convert(earned)
	}
	earned, room := e.limits(earned)
	e.st.Earned = earned
	net, err := e.clawbacks(earned, owed)
	if err != nil {
		return err
	}
	net = e.guarantee(net, room)
	payout := e.draw(net, room)
	if !e.line {
		payout = e.plan.Rounding.round(payout, e.places)
		e.st.Recovered = e.plan.Rounding.round(e.st.Recovered, e.places)
		e.st.Earned = e.plan.Rounding.round(e.st.Earned, e.places)
		e.st.CarryOut.DrawBalance = e.plan.Rounding.round(e.st.CarryOut.DrawBalance, e.places)
		e.st.CarryOut.ClawbackBalance = e.plan.Rounding.round(e.st.CarryOut.ClawbackBalance, e.places)
	}
	e.st.Payout = e.plan.Rounding.round(payout, e.places)
	payout = e.st.Payout
	rule := "earned − recovered clawbacks + draw top-up − draw repaid"
	if e.ramp != nil && e.ramp.Guarantee != nil {
		rule = "earned − recovered clawbacks + guarantee top-up + draw top-up − draw repaid"
	}
	if !e.line {
		rule += fmt.Sprintf(", rounded %s to %d places", strings.ReplaceAll(e.plan.Rounding.mode(), "_", "-"), e.places)
	}
	e.add(kpi.StatementLine{ID: "payout", Label: "Payout", Rule: rule, Result: payout, Unit: kpi.LineMoney})
	return nil
}

func label(c *Component) string {
	if c.Label != "" {
		return c.Label
	}
	return c.ID
}

// kpis writes a line per KPI actual and computes attainments, of the
// targets as the ramp and the proration make them (a line each when they
// change one).
func (e *evaluator) kpis() error {
	subj := kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.in.Employee.ID}
	of := e.period
	if e.window != nil {
		of = *e.window
	}
	for _, k := range e.in.KPIs {
		l := kpi.StatementLine{ID: "kpi." + k.KPI, Label: k.KPI, KPI: &kpi.KPIRef{KPI: k.KPI, Subject: subj, Period: of}}
		if e.window != nil {
			l.Label += ", to date"
		}
		l.Inputs = []kpi.LineValue{number("actual", k.Actual)}
		if k.Records > 0 {
			l.Inputs = append(l.Inputs, number("records", decimal.NewFromInt(int64(k.Records))))
		}
		if k.Target == nil {
			l.Rule = "actual, no target"
			l.Result, l.Unit = k.Actual, kpi.LineNumber
			e.add(l)
			continue
		}
		target := e.target(k)
		l.Inputs = append(l.Inputs, number("target", target))
		var a decimal.Decimal
		if k.Direction == kpi.LowerIsBetter {
			if !k.Actual.IsPositive() {
				return invalidf("KPI %s is lower-is-better and its actual is %s: its attainment (target / actual) is unbounded.", k.KPI, k.Actual)
			}
			a = target.Mul(hundred).DivRound(k.Actual, divPrecision)
			l.Rule = fmt.Sprintf("attainment, lower is better: target / actual × 100 = %s / %s × 100", f(target), f(k.Actual))
		} else {
			if !target.IsPositive() {
				return invalidf("KPI %s has target %s: attainment needs a target above 0.", k.KPI, target)
			}
			a = k.Actual.Mul(hundred).DivRound(target, divPrecision)
			l.Rule = fmt.Sprintf("attainment: actual / target × 100 = %s / %s × 100", f(k.Actual), f(target))
		}
		e.attain[k.KPI] = a
		e.targets[k.KPI] = target
		l.Result, l.Unit = a, kpi.LinePercent
		e.add(l)
	}
	return nil
}

// target is k's target as the ramp month and the proration of targets
// make it, with a line when they change it.
func (e *evaluator) target(k kpi.KPIActual) decimal.Decimal {
	t := *k.Target
	var steps []string
	inputs := []kpi.LineValue{number("target", t)}
	if e.ramp != nil && e.ramp.Target != nil {
		t = t.Mul(*e.ramp.Target).Div(hundred)
		steps = append(steps, fmt.Sprintf("× %s (ramp month %d)", p(*e.ramp.Target), e.ramp.Month))
		inputs = append(inputs, percent("ramp", *e.ramp.Target))
	}
	if pr := e.plan.Proration; pr != nil && pr.Targets && e.fraction != nil {
		t = e.share.of(t, *e.fraction)
		steps = append(steps, fmt.Sprintf("× %s (active share)", e.share.text(*e.fraction)))
		inputs = append(inputs, factor("active share", *e.fraction))
	}
	if len(steps) == 0 {
		return t
	}
	if -t.Exponent() > divPrecision {
		t = t.Round(divPrecision)
	}
	e.add(kpi.StatementLine{ID: "target." + k.KPI, Label: k.KPI + ": target", Inputs: inputs,
		Rule: fmt.Sprintf("the full target %s %s", f(*k.Target), strings.Join(steps, " ")), Result: t, Unit: kpi.LineNumber})
	return t
}

func (e *evaluator) computeScore() error {
	if e.plan.Score == nil {
		if e.in.Score != nil {
			s := *e.in.Score
			e.score = &s
			e.add(kpi.StatementLine{ID: "score", Label: "Weighted KPI score", Rule: "from the scorecard (inputs)", Result: s, Unit: kpi.LinePercent})
		}
		return nil
	}
	total := decimal.Zero
	var inputs []kpi.LineValue
	var terms []string
	for _, w := range e.plan.Score.KPIs {
		a, ok := e.attain[w.KPI]
		if !ok {
			return invalidf("Plan %q weights KPI %s: the inputs have no actual and target for it.", e.plan.Name, w.KPI)
		}
		term := fmt.Sprintf("%s × %s", p(w.Weight), p(a))
		if w.Cap != nil && a.GreaterThan(*w.Cap) {
			a = *w.Cap
			term = fmt.Sprintf("%s × %s (capped)", p(w.Weight), p(a))
		}
		inputs = append(inputs, percent(w.KPI+" attainment", a))
		terms = append(terms, term)
		total = total.Add(w.Weight.Mul(a).Div(hundred))
	}
	if e.in.Score != nil {
		e.st.Notes = append(e.st.Notes, fmt.Sprintf("the plan weights KPIs itself; the score %s from the inputs is not used", p(*e.in.Score)))
	}
	e.score = &total
	e.add(kpi.StatementLine{ID: "score", Label: "Weighted KPI score", Inputs: inputs, Rule: "Σ weight × attainment: " + strings.Join(terms, " + "), Result: total, Unit: kpi.LinePercent})
	return nil
}

// gates evaluates every gate and returns the components they block.
func (e *evaluator) gates() (map[string]string, error) {
	blocked := map[string]string{}
	for _, c := range e.plan.Components {
		if c.Kind != KindGate {
			continue
		}
		ok, checks, inputs, err := e.check("Gate "+c.ID, threshold{c.KPI, c.MinAttainment, c.MinActual, c.MaxActual, c.Strict})
		if err != nil {
			return nil, err
		}
		targets := c.AppliesTo
		if len(targets) == 0 {
			for _, o := range e.plan.Components {
				if o.Kind != KindGate {
					targets = append(targets, o.ID)
				}
			}
		}
		res := decimal.NewFromInt(1)
		if !ok {
			res = decimal.Zero
			for _, id := range targets {
				if _, done := blocked[id]; !done {
					blocked[id] = c.ID
				}
			}
		}
		e.add(kpi.StatementLine{ID: c.ID, Label: fmt.Sprintf("%s: gate on %s for %s", label(c), c.KPI, strings.Join(targets, ", ")), Inputs: inputs,
			Rule: strings.Join(checks, "; "), Result: res, Unit: kpi.LinePass})
	}
	return blocked, nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (c *Component) prorated() bool {
	if c.Prorate != nil {
		return *c.Prorate
	}
	return c.Kind == KindBonus
}

// bonus computes target × coefficient (× active share).
func (e *evaluator) bonus(c *Component) (decimal.Decimal, error) {
	var target decimal.Decimal
	switch {
	case c.Target != nil:
		target = *c.Target
	case c.AnnualTarget != nil:
		share, how, err := e.yearShare(c)
		if err != nil {
			return decimal.Zero, err
		}
		target = e.money(c.AnnualTarget.Mul(share))
		e.add(kpi.StatementLine{ID: c.ID + ".target", Label: label(c) + ": target bonus of the period", Inputs: []kpi.LineValue{money("annual target", *c.AnnualTarget), factor("share of the year", share)},
			Rule: fmt.Sprintf("annual target × share of the year (%s) = %s × %s", how, e.m(*c.AnnualTarget), f(share)), Result: target, Unit: kpi.LineMoney})
	default:
		if e.in.Salary == nil {
			return decimal.Zero, invalidf("Component %s is %s %% of salary: the inputs have no salary.", c.ID, c.SalaryPercent)
		}
		target = e.money(e.in.Salary.Mul(*c.SalaryPercent).Div(hundred))
		e.add(kpi.StatementLine{ID: c.ID + ".target", Label: label(c) + ": target bonus", Inputs: []kpi.LineValue{money("salary", *e.in.Salary), percent("salary percent", *c.SalaryPercent)},
			Rule: fmt.Sprintf("salary × percent = %s × %s", e.m(*e.in.Salary), p(*c.SalaryPercent)), Result: target, Unit: kpi.LineMoney})
	}
	e.bonusTargets = append(e.bonusTargets, target)
	coef := decimal.NewFromInt(1)
	if co := c.Coefficient; co != nil {
		var err error
		if coef, err = e.coefficient(c, co); err != nil {
			return decimal.Zero, err
		}
	}
	amt := target.Mul(coef)
	rule := fmt.Sprintf("target × coefficient = %s × %s", e.m(target), f(coef))
	inputs := []kpi.LineValue{money("target", target), {Name: "coefficient", Value: coef, Unit: kpi.LineFactor}}
	if e.fraction != nil && c.prorated() {
		amt = amt.Mul(*e.fraction)
		rule = fmt.Sprintf("target × coefficient × active share = %s × %s × %s", e.m(target), f(coef), f(*e.fraction))
		inputs = append(inputs, kpi.LineValue{Name: "active share", Value: *e.fraction, Unit: kpi.LineFactor})
	}
	amt = e.money(amt)
	e.add(kpi.StatementLine{ID: c.ID + ".amount", Label: label(c), Inputs: inputs, Rule: rule, Result: amt, Unit: kpi.LineMoney})
	return amt, nil
}

// attainmentOf returns the attainment a coefficient or tier basis reads.
func (e *evaluator) attainmentOf(c *Component, of string) (decimal.Decimal, error) {
	if of == "" || of == "score" {
		if e.score == nil {
			return decimal.Zero, invalidf("Component %s reads the score: the plan weights no KPIs and the inputs have no score.", c.ID)
		}
		return *e.score, nil
	}
	a, ok := e.attain[of]
	if !ok {
		return decimal.Zero, invalidf("Component %s reads the attainment of KPI %s: the inputs have no actual and target for it.", c.ID, of)
	}
	return a, nil
}

func (e *evaluator) coefficient(c *Component, co *Coefficient) (decimal.Decimal, error) {
	of := co.Of
	if of == "" {
		of = "score"
	}
	a, err := e.attainmentOf(c, of)
	if err != nil {
		return decimal.Zero, err
	}
	var coef decimal.Decimal
	var rule string
	if len(co.Scale) > 0 {
		coef, rule = scaleAt(co.Scale, a, co.Boundary == BoundaryLower)
	} else {
		coef, rule = curveAt(co.Curve, a)
	}
	if coef.IsNegative() {
		coef, rule = decimal.Zero, rule+"; not below 0"
	}
	if co.Max != nil && coef.GreaterThan(*co.Max) {
		coef, rule = *co.Max, rule+fmt.Sprintf("; capped at the maximum %s", f(*co.Max))
	}
	e.add(kpi.StatementLine{ID: c.ID + ".coefficient", Label: label(c) + ": coefficient", Inputs: []kpi.LineValue{percent(of, a)}, Rule: rule, Result: coef, Unit: kpi.LineFactor})
	return coef, nil
}

// scaleAt reads a scale table at attainment a; rows are [from, to), or
// (from, to] when a value on a boundary belongs to the lower row.
func scaleAt(rows []ScaleRow, a decimal.Decimal, lower bool) (decimal.Decimal, string) {
	if first := rows[0]; first.From != nil && (a.LessThan(*first.From) || lower && a.Equal(*first.From)) {
		if lower && a.Equal(*first.From) {
			return decimal.Zero, fmt.Sprintf("%s is on the first row's start %s, which belongs below it (boundary: lower): 0", p(a), p(*first.From))
		}
		return decimal.Zero, fmt.Sprintf("%s is below the first row (from %s): 0", p(a), p(*first.From))
	}
	for i, r := range rows {
		past := r.To != nil && (a.GreaterThan(*r.To) || !lower && a.Equal(*r.To))
		if past && i < len(rows)-1 {
			continue
		}
		x := a
		over := ""
		if r.To != nil && a.GreaterThanOrEqual(*r.To) && i == len(rows)-1 {
			x = *r.To // above a closed last row: its value at To
			over = fmt.Sprintf("%s is at or above the last row's end %s: value at %s; ", p(a), p(*r.To), p(*r.To))
		}
		return rowAt(i, r, x, over, lower)
	}
	return decimal.Zero, "no row" // unreachable for a valid scale
}

func rowName(i int, r ScaleRow, lower bool) string {
	from, to := "−∞", "∞"
	if r.From != nil {
		from = p(*r.From)
	}
	if r.To != nil {
		to = p(*r.To)
	}
	if lower {
		return fmt.Sprintf("row %d (%s, %s]", i+1, from, to)
	}
	return fmt.Sprintf("row %d [%s, %s)", i+1, from, to)
}

func rowAt(i int, r ScaleRow, x decimal.Decimal, prefix string, lower bool) (decimal.Decimal, string) {
	name := prefix + rowName(i, r, lower)
	switch {
	case r.ToCoefficient != nil:
		span := r.To.Sub(*r.From)
		v := r.Coefficient.Add(r.ToCoefficient.Sub(r.Coefficient).Mul(x.Sub(*r.From)).DivRound(span, divPrecision))
		return v, fmt.Sprintf("%s, linear %s to %s: %s + (%s − %s) × (%s − %s) / (%s − %s)", name, f(r.Coefficient), f(*r.ToCoefficient),
			f(r.Coefficient), f(*r.ToCoefficient), f(r.Coefficient), f(x), f(*r.From), f(*r.To), f(*r.From))
	case r.Slope != nil:
		v := r.Coefficient.Add(r.Slope.Mul(x.Sub(*r.From)).Div(hundred))
		kind := "accelerator"
		if r.Slope.LessThan(decimal.NewFromInt(1)) {
			kind = "decelerator"
		}
		return v, fmt.Sprintf("%s, %s %s× on the excess: %s + %s × (%s − %s) / 100", name, kind, f(*r.Slope), f(r.Coefficient), f(*r.Slope), f(x), f(*r.From))
	}
	return r.Coefficient, fmt.Sprintf("%s: %s", name, f(r.Coefficient))
}

// curveAt reads a payout curve at attainment a.
func curveAt(cv *Curve, a decimal.Decimal) (decimal.Decimal, string) {
	pts := cv.Points
	if a.LessThan(pts[0][0]) {
		return cv.Below, fmt.Sprintf("%s is below the first point %s: %s", p(a), p(pts[0][0]), f(cv.Below))
	}
	for i := 0; i+1 < len(pts); i++ {
		x0, y0, x1, y1 := pts[i][0], pts[i][1], pts[i+1][0], pts[i+1][1]
		if a.GreaterThanOrEqual(x1) {
			continue
		}
		v := y0.Add(y1.Sub(y0).Mul(a.Sub(x0)).DivRound(x1.Sub(x0), divPrecision))
		return v, fmt.Sprintf("between points (%s, %s) and (%s, %s): %s + (%s − %s) × (%s − %s) / (%s − %s)",
			p(x0), f(y0), p(x1), f(y1), f(y0), f(y1), f(y0), f(a), f(x0), f(x1), f(x0))
	}
	last := pts[len(pts)-1]
	v := last[1].Add(cv.AboveSlope.Mul(a.Sub(last[0])).Div(hundred))
	if cv.AboveSlope.IsZero() {
		return v, fmt.Sprintf("at or above the last point (%s, %s): %s", p(last[0]), f(last[1]), f(v))
	}
	return v, fmt.Sprintf("above the last point (%s, %s), slope %s: %s + %s × (%s − %s) / 100", p(last[0]), f(last[1]), f(cv.AboveSlope),
		f(last[1]), f(cv.AboveSlope), f(a), f(last[0]))
}

func (e *evaluator) prorate(c *Component, amt decimal.Decimal) decimal.Decimal {
	if e.fraction == nil || !c.prorated() {
		return amt
	}
	out := e.money(amt.Mul(*e.fraction))
	e.add(kpi.StatementLine{ID: c.ID + ".prorated", Label: label(c) + ": prorated", Inputs: []kpi.LineValue{money("amount", amt), {Name: "active share", Value: *e.fraction, Unit: kpi.LineFactor}},
		Rule: fmt.Sprintf("amount × active share = %s × %s", e.m(amt), f(*e.fraction)), Result: out, Unit: kpi.LineMoney})
	return out
}

// bounds applies a component's floor and cap.
func (e *evaluator) bounds(c *Component, amt decimal.Decimal) decimal.Decimal {
	if c.Floor != nil {
		out := decimal.Max(amt, *c.Floor)
		e.add(kpi.StatementLine{ID: c.ID + ".floor", Label: label(c) + ": floor", Inputs: []kpi.LineValue{money("amount", amt), money("floor", *c.Floor)},
			Rule: fmt.Sprintf("at least the floor: max(%s, %s)", e.m(amt), e.m(*c.Floor)), Result: out, Unit: kpi.LineMoney})
		amt = out
	}
	if c.Cap != nil {
		out := decimal.Min(amt, *c.Cap)
		e.add(kpi.StatementLine{ID: c.ID + ".cap", Label: label(c) + ": cap", Inputs: []kpi.LineValue{money("amount", amt), money("cap", *c.Cap)},
			Rule: fmt.Sprintf("at most the cap: min(%s, %s)", e.m(amt), e.m(*c.Cap)), Result: out, Unit: kpi.LineMoney})
		amt = out
	}
	return amt
}

// limits applies the plan's floor, period cap and year cap. room is what
// the payout may reach at most (nil: no cap).
func (e *evaluator) limits(earned decimal.Decimal) (decimal.Decimal, *decimal.Decimal) {
	l := e.plan.Limits
	var room *decimal.Decimal
	if l.Floor != nil {
		floor, conv := e.planMoney(*l.Floor)
		out := decimal.Max(earned, floor)
		e.add(kpi.StatementLine{ID: "limit.floor", Label: "Floor per period", Inputs: []kpi.LineValue{money("earned", earned), money("floor", floor)},
			Rule: fmt.Sprintf("at least the floor%s: max(%s, %s)", conv, e.m(earned), e.m(floor)), Result: out, Unit: kpi.LineMoney})
		earned = out
	}
	if l.PeriodCap != nil {
		cp, conv := e.planMoney(*l.PeriodCap)
		out := decimal.Min(earned, cp)
		e.add(kpi.StatementLine{ID: "limit.period_cap", Label: "Cap per period", Inputs: []kpi.LineValue{money("earned", earned), money("cap", cp)},
			Rule: fmt.Sprintf("at most the cap%s: min(%s, %s)", conv, e.m(earned), e.m(cp)), Result: out, Unit: kpi.LineMoney})
		earned = out
		room = &cp
	}
	if l.YearCap != nil {
		yc, conv := e.planMoney(*l.YearCap)
		left := decimal.Max(decimal.Zero, yc.Sub(e.in.YTDPaid))
		out := decimal.Min(earned, left)
		e.add(kpi.StatementLine{ID: "limit.year_cap", Label: "Cap per year", Inputs: []kpi.LineValue{money("earned", earned), money("year cap", yc), money("paid this year", e.in.YTDPaid)},
			Rule: fmt.Sprintf("at most what the year cap%s leaves: min(%s, %s − %s)", conv, e.m(earned), e.m(yc), e.m(e.in.YTDPaid)), Result: out, Unit: kpi.LineMoney})
		earned = out
		if room == nil || left.LessThan(*room) {
			room = &left
		}
	}
	return earned, room
}

// clawbacks recovers pay on reversed records (and a negative true-up owed)
// from this period's earnings; what earnings cannot cover is carried out.
func (e *evaluator) clawbacks(earned, owed decimal.Decimal) (decimal.Decimal, error) {
	due := decimal.Zero
	cb := e.plan.Clawback
	for _, r := range e.in.Reversed {
		var ref *kpi.KPIRef
		if r.KPI != "" {
			ref = &kpi.KPIRef{KPI: r.KPI, Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.in.Employee.ID}, Period: e.period}
		}
		l := kpi.StatementLine{ID: "clawback." + r.Key, Label: "Clawback: " + r.Key, KPI: ref, Inputs: []kpi.LineValue{money("paid", r.Paid)}, Unit: kpi.LineMoney}
		if r.Reason != "" {
			l.Label += " (" + r.Reason + ")"
		}
		days := -1
		if r.DaysStayed != nil {
			days = *r.DaysStayed
		} else if r.Won != nil && r.ReversedOn != nil {
			days = int(*r.ReversedOn - *r.Won)
		}
		if days >= 0 {
			l.Inputs = append(l.Inputs, kpi.LineValue{Name: "days stayed", Value: decimal.NewFromInt(int64(days)), Unit: kpi.LineDays})
		}
		var rec decimal.Decimal
		switch {
		case cb == nil:
			l.Rule = "the plan has no clawback: nothing recovered"
		case cb.WindowDays > 0 && days >= cb.WindowDays:
			l.Inputs = append(l.Inputs, kpi.LineValue{Name: "window", Value: decimal.NewFromInt(int64(cb.WindowDays)), Unit: kpi.LineDays})
			l.Rule = fmt.Sprintf("reversed after the %d-day window: nothing recovered", cb.WindowDays)
		case cb.Method == ClawShare:
			rec = e.money(r.Paid.Mul(*cb.Percent).Div(hundred))
			l.Inputs = append(l.Inputs, percent("share", *cb.Percent))
			l.Rule = fmt.Sprintf("share: paid × %s = %s × %s", p(*cb.Percent), e.m(r.Paid), p(*cb.Percent))
		case cb.Method == ClawUnserved:
			months := cb.ContractMonths
			if r.ContractMonths != nil {
				months = *r.ContractMonths
			}
			if months <= 0 {
				return decimal.Zero, invalidf("Reversed record %s: an unserved_months clawback needs the contract's months (contract_months on the record or the plan's clawback).", r.Key)
			}
			if r.Won == nil || r.ReversedOn == nil {
				return decimal.Zero, invalidf("Reversed record %s: an unserved_months clawback needs the won and reversed dates.", r.Key)
			}
			served := min(wholeMonths(*r.Won, *r.ReversedOn), months)
			cm := decimal.NewFromInt(int64(months))
			l.Inputs = append(l.Inputs, number("contract months", cm), number("months served", decimal.NewFromInt(int64(served))))
			rec = e.money(r.Paid.Mul(decimal.NewFromInt(int64(months-served))).DivRound(cm, divPrecision))
			l.Rule = fmt.Sprintf("months not served: paid × (contract months − whole months served %s..%s) / contract months = %s × (%d − %d) / %d",
				r.Won, r.ReversedOn, e.m(r.Paid), months, served, months)
		case cb.Method == ClawProrated:
			if days < 0 {
				return decimal.Zero, invalidf("Reversed record %s: a prorated clawback needs days_stayed, or won and reversed dates.", r.Key)
			}
			w := decimal.NewFromInt(int64(cb.WindowDays))
			l.Inputs = append(l.Inputs, kpi.LineValue{Name: "window", Value: w, Unit: kpi.LineDays})
			rec = e.money(r.Paid.Mul(w.Sub(decimal.NewFromInt(int64(days)))).DivRound(w, divPrecision))
			l.Rule = fmt.Sprintf("prorated: paid × (window − days stayed) / window = %s × (%d − %d) / %d", e.m(r.Paid), cb.WindowDays, days, cb.WindowDays)
		default:
			rec = r.Paid
			l.Rule = "full: what was paid on the record"
			if cb.WindowDays > 0 && days < 0 {
				l.Rule += " (no dates given: taken as within the window)"
			}
		}
		// Never more than was paid on the record.
		rec = decimal.Min(decimal.Max(rec, decimal.Zero), r.Paid)
		l.Result = rec.Neg()
		e.add(l)
		due = due.Add(rec)
	}
	if owed.IsPositive() {
		e.add(kpi.StatementLine{ID: "true_up.recovered", Label: "Negative true-up, recovered like a clawback", Inputs: []kpi.LineValue{money("true-up", owed.Neg())},
			Rule: "the plan recovers a negative true-up like a clawback (true_up.negative: clawback)", Result: owed.Neg(), Unit: kpi.LineMoney})
		due = due.Add(owed)
	}
	if b := e.in.CarryIn.ClawbackBalance; b.IsPositive() {
		e.add(kpi.StatementLine{ID: "clawback.carried_in", Label: "Clawbacks not yet recovered", Rule: "carried in from the last statement", Result: b.Neg(), Unit: kpi.LineMoney})
		due = due.Add(b)
	}
	credit := decimal.Zero
	for _, a := range e.in.Adjustments {
		l := kpi.StatementLine{ID: "adjustment." + a.ID, Label: "Adjustment of " + a.ID, Inputs: []kpi.LineValue{money("amount", a.Amount)}, Result: a.Amount, Unit: kpi.LineMoney}
		if a.Reason != "" {
			l.Label += " (" + a.Reason + ")"
		}
		if a.Amount.IsNegative() {
			l.Rule = "paid too much on a locked statement: recovered from this period's earnings like a clawback"
			due = due.Add(a.Amount.Neg())
		} else {
			l.Rule = "owed on a locked statement: added after this period's limits (its own period applied them)"
			credit = credit.Add(a.Amount)
		}
		e.add(l)
	}
	if due.IsZero() {
		return earned.Add(credit), nil
	}
	rec := decimal.Min(due, decimal.Max(earned, decimal.Zero))
	e.st.Recovered = rec
	e.st.CarryOut.ClawbackBalance = due.Sub(rec)
	e.add(kpi.StatementLine{ID: "clawback.recovered", Label: "Clawbacks recovered now", Inputs: []kpi.LineValue{money("due", due), money("earned", earned)},
		Rule: fmt.Sprintf("at most this period's earnings: min(%s, %s); %s carried out", e.m(due), e.m(earned), e.m(due.Sub(rec))), Result: rec.Neg(), Unit: kpi.LineMoney})
	return earned.Sub(rec).Add(credit), nil
}

// draw applies the draw and the draw balance to net earnings. room bounds
// the top-up: a draw never lifts the payout above a cap.
func (e *evaluator) draw(net decimal.Decimal, room *decimal.Decimal) decimal.Decimal {
	d := e.plan.Draw
	bal := e.in.CarryIn.DrawBalance
	e.st.CarryOut.DrawBalance = bal
	rampDraw := e.ramp != nil && e.ramp.Draw != nil
	if d == nil && !rampDraw && bal.IsZero() {
		return net
	}
	amount, conv := decimal.Zero, ""
	if d != nil {
		amount, conv = e.planMoney(d.Amount)
	}
	if rampDraw {
		base, of := e.rampBase()
		amount = e.money(base.Mul(*e.ramp.Draw).Div(hundred))
		conv = fmt.Sprintf(" (ramp month %d: %s × %s)", e.ramp.Month, p(*e.ramp.Draw), of)
		d = &Draw{Amount: amount, Recoverable: true}
	}
	if net.LessThan(amount) {
		top := amount.Sub(net)
		rule := fmt.Sprintf("earnings below the draw%s: %s − %s", conv, e.m(amount), e.m(net))
		if room != nil && net.Add(top).GreaterThan(*room) {
			top = decimal.Max(decimal.Zero, room.Sub(net))
			rule += fmt.Sprintf(", limited by the cap to %s", e.m(top))
		}
		kind := "non-recoverable (a guarantee, not repaid)"
		if d != nil && d.Recoverable {
			kind = "recoverable (added to the balance owed)"
			e.st.CarryOut.DrawBalance = bal.Add(top)
		}
		e.add(kpi.StatementLine{ID: "draw.topup", Label: "Draw top-up, " + kind, Inputs: []kpi.LineValue{money("draw", amount), money("earnings", net), money("balance owed", bal)},
			Rule: rule, Result: top, Unit: kpi.LineMoney})
		return net.Add(top)
	}
	if !bal.IsPositive() {
		return net
	}
	repay := decimal.Min(bal, net.Sub(amount))
	rule := fmt.Sprintf("repaid from earnings above the draw%s: min(balance %s, %s − %s)", conv, e.m(bal), e.m(net), e.m(amount))
	if d == nil {
		rule = fmt.Sprintf("repaid from earnings: min(balance %s, %s)", e.m(bal), e.m(net))
	}
	e.st.CarryOut.DrawBalance = bal.Sub(repay)
	e.add(kpi.StatementLine{ID: "draw.repaid", Label: "Draw balance repaid", Inputs: []kpi.LineValue{money("draw", amount), money("earnings", net), money("balance owed", bal)},
		Rule: rule + fmt.Sprintf("; %s still owed", e.m(bal.Sub(repay))), Result: repay.Neg(), Unit: kpi.LineMoney})
	return net.Sub(repay)
}

// wholeMonths counts the whole months from a to b: to the same day of a
// later month (Jan 15 to May 10 is 3).
func wholeMonths(a, b kpi.Date) int {
	ta, tb := a.Time(), b.Time()
	n := (tb.Year()-ta.Year())*12 + int(tb.Month()) - int(ta.Month())
	if tb.Day() < ta.Day() {
		n--
	}
	return max(n, 0)
}
