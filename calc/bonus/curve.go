package bonus

import "github.com/shopspring/decimal"

// CurvePoint is the payout of a plan's target bonuses at one attainment:
// Payout in % of the target bonus (100: the target bonus is paid).
type CurvePoint struct {
	Attainment decimal.Decimal `json:"attainment"`
	Payout     decimal.Decimal `json:"payout"`
}

// PayoutCurve evaluates the plan's bonus components at each attainment
// (in %: the score, or the KPI attainment a coefficient reads), by the
// same scale or curve, floor at 0 and maximum as a statement applies:
// their coefficients, weighted by their target bonuses when a plan has
// several (a salary percent weighs as that percent), × 100. Gates,
// proration, caps and commissions are the person's, not the curve's, and
// are left out. ok is false when the plan has no bonus component: its
// payout does not follow attainment.
func PayoutCurve(plan *Plan, at []decimal.Decimal) (points []CurvePoint, ok bool) {
	type part struct {
		weight decimal.Decimal
		co     *Coefficient
	}
	var parts []part
	total := decimal.Zero
	for _, c := range plan.Components {
		if c.Kind != KindBonus {
			continue
		}
		w := decimal.NewFromInt(1)
		switch {
		case c.Target != nil:
			w = *c.Target
		case c.AnnualTarget != nil:
			w = *c.AnnualTarget
		case c.SalaryPercent != nil:
			w = *c.SalaryPercent
		}
		parts = append(parts, part{w, c.Coefficient})
		total = total.Add(w)
	}
	if len(parts) == 0 {
		return nil, false
	}
	if total.IsZero() {
		total = decimal.NewFromInt(int64(len(parts)))
		for i := range parts {
			parts[i].weight = decimal.NewFromInt(1)
		}
	}
	points = make([]CurvePoint, len(at))
	for i, a := range at {
		sum := decimal.Zero
		for _, pt := range parts {
			sum = sum.Add(pt.weight.Mul(CoefficientAt(pt.co, a)))
		}
		points[i] = CurvePoint{Attainment: a, Payout: sum.Mul(hundred).DivRound(total, divPrecision)}
	}
	return points, true
}

// CoefficientAt is a coefficient's value at attainment a (in %), as a
// statement computes it; no coefficient is 1.
func CoefficientAt(co *Coefficient, a decimal.Decimal) decimal.Decimal {
	if co == nil {
		return decimal.NewFromInt(1)
	}
	var coef decimal.Decimal
	switch {
	case len(co.Scale) > 0:
		coef, _ = scaleAt(co.Scale, a, co.Boundary == BoundaryLower)
	case co.Curve != nil && len(co.Curve.Points) > 0:
		coef, _ = curveAt(co.Curve, a)
	default:
		return decimal.NewFromInt(1)
	}
	if coef.IsNegative() {
		coef = decimal.Zero
	}
	if co.Max != nil && coef.GreaterThan(*co.Max) {
		coef = *co.Max
	}
	return coef
}
