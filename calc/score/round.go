package score

import (
	"cmp"
	"math/big"
	"slices"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// DefaultPlaces is how many decimal places a computed target keeps at least:
// cents for money, and hundredths for counts (a prorated target of 13.33
// deals is kept as such; a score compares against it exactly).
const DefaultPlaces = 2

// places returns the decimal places d is written with: 2 for 1.50, 0 for 12.
func places(d decimal.Decimal) int32 {
	return max(0, -d.Exponent())
}

// targetPlaces is the rounding of a value derived from d: DefaultPlaces or
// d's own places, whichever is more.
func targetPlaces(d decimal.Decimal) int32 {
	return max(DefaultPlaces, places(d))
}

func pow10(n int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// roundRat rounds r half to even at p decimal places.
func roundRat(r *big.Rat, p int32) decimal.Decimal {
	p = max(p, 0)
	num := new(big.Int).Mul(r.Num(), pow10(p))
	den := r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int)) // q truncated towards zero
	twice := new(big.Int).Abs(m)
	twice.Lsh(twice, 1)
	if c := twice.Cmp(den); c > 0 || (c == 0 && q.Bit(0) == 1) {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return decimal.NewFromBigInt(q, -p)
}

// rat returns d as an exact fraction.
func rat(d decimal.Decimal) *big.Rat { return d.Rat() }

// ratio returns the exact fraction a / b; b must not be zero.
func ratio(a, b decimal.Decimal) *big.Rat {
	return new(big.Rat).Quo(rat(a), rat(b))
}

// mulRat returns d × n / m exactly; m must not be zero.
func mulFrac(d decimal.Decimal, n, m int64) *big.Rat {
	r := new(big.Rat).Mul(rat(d), big.NewRat(n, 1))
	return r.Quo(r, big.NewRat(m, 1))
}

// Split divides total into parts proportional to weights that add up
// exactly to total, each a whole number of units of 10^-p (p is raised to
// total's own places if it has more). It rounds by largest remainder: every
// part first gets the whole units of its exact share, then the units left
// over go one each to the parts with the largest fractional remainders (ties
// to the larger weight, then to the earlier part). Weights must not be
// negative and must not all be zero.
func Split(total decimal.Decimal, weights []decimal.Decimal, p int32) ([]decimal.Decimal, error) {
	if len(weights) == 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "Nothing to split %s between.", total)
	}
	sum := decimal.Zero
	for _, w := range weights {
		if w.IsNegative() {
			return nil, kpi.Errorf(kpi.EINVALID, "Cannot split by a negative share (%s).", w)
		}
		sum = sum.Add(w)
	}
	if sum.IsZero() {
		return nil, kpi.Errorf(kpi.EINVALID, "Cannot split %s by shares that are all zero.", total)
	}
	p = max(p, places(total), 0)
	// Whole units of 10^-p to hand out, as a positive integer.
	units := total.Abs().Shift(p).BigInt()
	type part struct {
		i     int
		whole *big.Int
		rem   *big.Rat
	}
	parts := make([]part, len(weights))
	left := new(big.Int).Set(units)
	for i, w := range weights {
		exact := new(big.Rat).Mul(new(big.Rat).SetInt(units), ratio(w, sum))
		whole := new(big.Int).Quo(exact.Num(), exact.Denom()) // floor: exact >= 0
		rem := new(big.Rat).Sub(exact, new(big.Rat).SetInt(whole))
		parts[i] = part{i, whole, rem}
		left.Sub(left, whole)
	}
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := parts[b].rem.Cmp(parts[a].rem); c != 0 {
			return c
		}
		if c := weights[b].Cmp(weights[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for k := 0; left.Sign() > 0; k++ {
		parts[order[k]].whole.Add(parts[order[k]].whole, big.NewInt(1))
		left.Sub(left, big.NewInt(1))
	}
	out := make([]decimal.Decimal, len(parts))
	for i, pt := range parts {
		v := decimal.NewFromBigInt(pt.whole, -p)
		if total.IsNegative() {
			v = v.Neg()
		}
		out[i] = v
	}
	return out, nil
}

// fixed writes d with p decimal places, for explanations.
func fixed(d decimal.Decimal, p int32) string { return d.StringFixedBank(p) }

// show writes d with the places it carries: 100.00 stays "100.00".
func show(d decimal.Decimal) string { return d.StringFixedBank(places(d)) }

// showLevel writes a level computed as a percentage of ref (80 % of 4.50
// is 3.6000 exactly) with no more places than it needs, and at least as
// many as ref: 3.60.
func showLevel(d, ref decimal.Decimal) string {
	return d.StringFixedBank(max(places(decimal.RequireFromString(d.String())), places(ref)))
}
