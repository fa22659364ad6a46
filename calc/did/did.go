// Package did computes a pilot's difference-in-differences: how much more
// (or less) a KPI changed for the people in the pilot than for the people
// of a comparison group over the same weeks, each against their own weeks
// before, with a confidence interval.
//
// Everything is exact decimal arithmetic (divisions rounded to Places
// decimal places, square roots by Newton's method to the same precision)
// except the quantile of Student's t distribution, which is computed in
// float64 (see TQuantile) and then used as a decimal.
package did

import (
	"math"

	"github.com/shopspring/decimal"
)

// Places is the decimal places divisions and square roots are rounded to.
const Places = 16

// Level is the confidence of the interval: 95 %.
var Level = decimal.RequireFromString("0.95")

// Group is what a group's people did: each one's value before and during
// the pilot, in the same order.
type Group struct {
	Before, During []decimal.Decimal
}

// Changes returns during − before of each person.
func (g Group) Changes() []decimal.Decimal {
	out := make([]decimal.Decimal, 0, len(g.During))
	for i := range g.During {
		if i < len(g.Before) {
			out = append(out, g.During[i].Sub(g.Before[i]))
		}
	}
	return out
}

// Summary is one group's numbers: how many people, the mean before and
// during, the mean change and its sample variance (n − 1).
type Summary struct {
	N              int             `json:"n"`
	MeanBefore     decimal.Decimal `json:"mean_before"`
	MeanDuring     decimal.Decimal `json:"mean_during"`
	MeanChange     decimal.Decimal `json:"mean_change"`
	VarianceChange decimal.Decimal `json:"variance_change"`
}

// Result is the estimate and its interval. Estimate is the pilot group's
// mean change minus the comparison group's (without a comparison group:
// the pilot group's mean change alone, a before/after estimate). Low and
// High bound the 95 % interval; Significant says it does not contain 0.
// Valid is false when there are too few people to say (fewer than two in
// a group): then only the estimate is given.
type Result struct {
	Pilot       Summary          `json:"pilot"`
	Comparison  *Summary         `json:"comparison,omitempty"`
	Estimate    decimal.Decimal  `json:"estimate"`
	StdErr      decimal.Decimal  `json:"std_err"`
	DF          decimal.Decimal  `json:"df"`
	T           decimal.Decimal  `json:"t"`
	Low         decimal.Decimal  `json:"low"`
	High        decimal.Decimal  `json:"high"`
	Valid       bool             `json:"valid"`
	Significant bool             `json:"significant"`
	Level       decimal.Decimal  `json:"level"`
	Why         string           `json:"why,omitempty"`
	Percent     *decimal.Decimal `json:"percent,omitempty"` // Estimate as % of the pilot's mean before
}

// Summarize returns a group's numbers.
func Summarize(g Group) Summary {
	ch := g.Changes()
	s := Summary{N: len(ch), MeanBefore: Mean(g.Before[:len(ch)]), MeanDuring: Mean(g.During[:len(ch)]), MeanChange: Mean(ch)}
	s.VarianceChange = Variance(ch)
	return s
}

// Mean is the arithmetic mean, 0 of nothing.
func Mean(xs []decimal.Decimal) decimal.Decimal {
	if len(xs) == 0 {
		return decimal.Zero
	}
	sum := decimal.Zero
	for _, x := range xs {
		sum = sum.Add(x)
	}
	return sum.DivRound(decimal.NewFromInt(int64(len(xs))), Places)
}

// Variance is the sample variance (divided by n − 1), 0 of fewer than two.
func Variance(xs []decimal.Decimal) decimal.Decimal {
	if len(xs) < 2 {
		return decimal.Zero
	}
	m := Mean(xs)
	ss := decimal.Zero
	for _, x := range xs {
		d := x.Sub(m)
		ss = ss.Add(d.Mul(d))
	}
	return ss.DivRound(decimal.NewFromInt(int64(len(xs)-1)), Places)
}

// Sqrt is the square root of x ≥ 0 by Newton's method, to Places places.
func Sqrt(x decimal.Decimal) decimal.Decimal {
	if !x.IsPositive() {
		return decimal.Zero
	}
	two := decimal.NewFromInt(2)
	f, _ := x.Float64()
	r := decimal.NewFromFloat(math.Sqrt(f)) // a start; Newton makes it exact to Places
	if !r.IsPositive() {
		r = x
	}
	eps := decimal.New(1, -Places)
	for range 100 {
		next := r.Add(x.DivRound(r, Places+4)).DivRound(two, Places+4)
		if next.Sub(r).Abs().LessThan(eps) {
			r = next
			break
		}
		r = next
	}
	return r.Round(Places)
}

// Compute compares pilot with comparison (nil: no comparison group, a
// before/after estimate). The interval is Welch's: the standard error
// √(s²p/np + s²c/nc) of the difference of the mean changes, and Student's t
// at the Welch–Satterthwaite degrees of freedom.
func Compute(pilot Group, comparison *Group) Result {
	r := Result{Pilot: Summarize(pilot), Level: Level}
	r.Estimate = r.Pilot.MeanChange
	if !r.Pilot.MeanBefore.IsZero() {
		p := r.Estimate.Mul(decimal.NewFromInt(100)).DivRound(r.Pilot.MeanBefore.Abs(), 2)
		r.Percent = &p
	}
	np := decimal.NewFromInt(int64(r.Pilot.N))
	if r.Pilot.N < 2 {
		r.Why = "fewer than two people in the pilot"
		return r
	}
	vp := r.Pilot.VarianceChange.DivRound(np, Places) // s²p / np
	se2, df := vp, decimal.NewFromInt(int64(r.Pilot.N-1))
	if comparison != nil {
		c := Summarize(*comparison)
		r.Comparison = &c
		r.Estimate = r.Pilot.MeanChange.Sub(c.MeanChange)
		if !r.Pilot.MeanBefore.IsZero() {
			p := r.Estimate.Mul(decimal.NewFromInt(100)).DivRound(r.Pilot.MeanBefore.Abs(), 2)
			r.Percent = &p
		}
		if c.N < 2 {
			r.Why = "fewer than two people in the comparison group"
			return r
		}
		nc := decimal.NewFromInt(int64(c.N))
		vc := c.VarianceChange.DivRound(nc, Places)
		se2 = vp.Add(vc)
		// Welch–Satterthwaite: (vp + vc)² / (vp²/(np−1) + vc²/(nc−1)).
		den := vp.Mul(vp).DivRound(np.Sub(decimal.NewFromInt(1)), Places).Add(vc.Mul(vc).DivRound(nc.Sub(decimal.NewFromInt(1)), Places))
		if den.IsPositive() {
			df = se2.Mul(se2).DivRound(den, Places)
		} else {
			df = np.Add(nc).Sub(decimal.NewFromInt(2))
		}
	}
	r.DF = df
	r.StdErr = Sqrt(se2)
	dff, _ := df.Float64()
	lf, _ := Level.Float64()
	r.T = decimal.NewFromFloat(TQuantile(1-(1-lf)/2, dff)).Round(6)
	half := r.T.Mul(r.StdErr).Round(Places)
	r.Low, r.High = r.Estimate.Sub(half), r.Estimate.Add(half)
	r.Valid = true
	r.Significant = r.Low.IsPositive() || r.High.IsNegative()
	return r
}

// TQuantile is the p-quantile of Student's t distribution with df degrees
// of freedom (df > 0, 0 < p < 1), in float64: the t value below which a
// share p of the distribution lies. It inverts TCDF by bisection.
func TQuantile(p, df float64) float64 {
	if p == 0.5 {
		return 0
	}
	if p < 0.5 {
		return -TQuantile(1-p, df)
	}
	lo, hi := 0.0, 1.0
	for TCDF(hi, df) < p {
		hi *= 2
		if hi > 1e12 {
			return math.Inf(1)
		}
	}
	for range 200 {
		mid := (lo + hi) / 2
		if TCDF(mid, df) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// TCDF is the distribution function of Student's t with df degrees of
// freedom: 1 − ½ I(df/(df+t²); df/2, ½) for t ≥ 0, by symmetry below.
func TCDF(t, df float64) float64 {
	x := df / (df + t*t)
	tail := 0.5 * regIncBeta(x, df/2, 0.5)
	if t >= 0 {
		return 1 - tail
	}
	return tail
}

// regIncBeta is the regularized incomplete beta function I(x; a, b), by
// its continued fraction (Lentz's method).
func regIncBeta(x, a, b float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	la, _ := math.Lgamma(a + b)
	lb, _ := math.Lgamma(a)
	lc, _ := math.Lgamma(b)
	front := math.Exp(la - lb - lc + a*math.Log(x) + b*math.Log(1-x))
	if x > (a+1)/(a+b+2) {
		return 1 - regIncBeta(1-x, b, a)
	}
	const tiny = 1e-300
	f, c, d := 1.0, 1.0, 0.0
	for i := 0; i <= 400; i++ {
		m := float64(i / 2)
		var num float64
		switch {
		case i == 0:
			num = 1
		case i%2 == 0:
			num = (m * (b - m) * x) / ((a + 2*m - 1) * (a + 2*m))
		default:
			num = -((a + m) * (a + b + m) * x) / ((a + 2*m) * (a + 2*m + 1))
		}
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		d = 1 / d
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		cd := c * d
		f *= cd
		if math.Abs(1-cd) < 1e-15 {
			break
		}
	}
	return front * (f - 1) / a
}
