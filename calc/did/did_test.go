package did_test

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/did"
)

func decs(xs ...float64) []decimal.Decimal {
	out := make([]decimal.Decimal, len(xs))
	for i, x := range xs {
		out[i] = decimal.NewFromFloat(x)
	}
	return out
}

// TestTQuantile checks the t quantile against published table values.
func TestTQuantile(t *testing.T) {
	for _, c := range []struct{ p, df, want float64 }{
		{0.975, 1, 12.7062047},
		{0.975, 4, 2.7764451},
		{0.975, 10, 2.2281389},
		{0.975, 30, 2.0422725},
		{0.95, 7, 1.8945786},
		{0.975, 1e6, 1.9599663},
		{0.025, 10, -2.2281389},
	} {
		if got := did.TQuantile(c.p, c.df); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("TQuantile(%v, %v) = %v, want %v", c.p, c.df, got, c.want)
		}
	}
}

// plain is the difference-in-differences and Welch interval computed the
// plain way, in float64, from the same numbers.
func plain(pb, pd, cb, cd []float64, tq func(float64) float64) (est, lo, hi, df float64) {
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	change := func(b, d []float64) []float64 {
		out := make([]float64, len(b))
		for i := range b {
			out[i] = d[i] - b[i]
		}
		return out
	}
	variance := func(xs []float64) float64 {
		m, s := mean(xs), 0.0
		for _, x := range xs {
			s += (x - m) * (x - m)
		}
		return s / float64(len(xs)-1)
	}
	p, c := change(pb, pd), change(cb, cd)
	est = (mean(pd) - mean(pb)) - (mean(cd) - mean(cb))
	vp, vc := variance(p)/float64(len(p)), variance(c)/float64(len(c))
	se := math.Sqrt(vp + vc)
	df = (vp + vc) * (vp + vc) / (vp*vp/float64(len(p)-1) + vc*vc/float64(len(c)-1))
	tv := tq(df)
	return est, est - tv*se, est + tv*se, df
}

func TestCompute(t *testing.T) {
	pb := []float64{40, 52, 38, 45, 61}
	pd := []float64{48, 60, 41, 55, 66}
	cb := []float64{44, 50, 39, 47, 58, 42}
	cd := []float64{45, 49, 42, 48, 57, 44}
	r := did.Compute(did.Group{Before: decs(pb...), During: decs(pd...)}, &did.Group{Before: decs(cb...), During: decs(cd...)})
	est, lo, hi, df := plain(pb, pd, cb, cd, func(df float64) float64 { return did.TQuantile(0.975, df) })
	// The estimate is exact: mean changes 34/5 − 5/6 = 6.8 − 0.8333…
	if want := decimal.RequireFromString("5.9666666666666667"); !r.Estimate.Equal(want) {
		t.Errorf("estimate = %s, want %s", r.Estimate, want)
	}
	f := func(d decimal.Decimal) float64 { v, _ := d.Float64(); return v }
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"estimate", f(r.Estimate), est}, {"low", f(r.Low), lo}, {"high", f(r.High), hi}, {"df", f(r.DF), df}} {
		if math.Abs(c.got-c.want) > 1e-5 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !r.Valid || r.Significant != (lo > 0 || hi < 0) {
		t.Errorf("valid %v significant %v; interval %v..%v", r.Valid, r.Significant, lo, hi)
	}
	if r.Pilot.N != 5 || r.Comparison.N != 6 {
		t.Errorf("n = %d, %d", r.Pilot.N, r.Comparison.N)
	}

	// Without a comparison group: the pilot's own before/after, one-sample t.
	r = did.Compute(did.Group{Before: decs(pb...), During: decs(pd...)}, nil)
	ch := []float64{8, 8, 3, 10, 5}
	m := 6.8
	s2 := 0.0
	for _, x := range ch {
		s2 += (x - m) * (x - m)
	}
	se := math.Sqrt(s2 / 4 / 5)
	tv := did.TQuantile(0.975, 4)
	if math.Abs(f(r.Low)-(m-tv*se)) > 1e-6 || math.Abs(f(r.High)-(m+tv*se)) > 1e-6 || !r.Estimate.Equal(decimal.RequireFromString("6.8")) {
		t.Errorf("before/after: %s [%s, %s], want %v [%v, %v]", r.Estimate, r.Low, r.High, m, m-tv*se, m+tv*se)
	}
	if !r.Significant {
		t.Errorf("a change of 6.8 ± %.2f is not chance", tv*se)
	}

	// Too few people: an estimate, no interval.
	r = did.Compute(did.Group{Before: decs(1), During: decs(2)}, nil)
	if r.Valid || r.Why == "" {
		t.Errorf("one person: valid %v why %q", r.Valid, r.Why)
	}
}

func TestSqrt(t *testing.T) {
	for _, s := range []string{"2", "0.0004", "12345.678", "1"} {
		x := decimal.RequireFromString(s)
		r := did.Sqrt(x)
		if d := r.Mul(r).Sub(x).Abs(); d.GreaterThan(decimal.New(1, -12)) {
			t.Errorf("Sqrt(%s) = %s; squared off by %s", s, r, d)
		}
	}
}
