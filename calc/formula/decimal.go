package formula

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"
)

// divRound returns a/b rounded half to even to places decimal places; ok is
// false when b is zero.
func divRound(a, b decimal.Decimal, places int32) (q decimal.Decimal, ok bool) {
	if b.IsZero() {
		return decimal.Decimal{}, false
	}
	return roundRat(new(big.Rat).Quo(a.Rat(), b.Rat()), places), true
}

// roundRat rounds r half to even to places decimal places.
func roundRat(r *big.Rat, places int32) decimal.Decimal {
	num := new(big.Int).Mul(r.Num(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil))
	den := r.Denom() // always positive
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Sign() != 0 {
		twice := new(big.Int).Abs(rem)
		twice.Lsh(twice, 1)
		c := twice.Cmp(den)
		if c > 0 || (c == 0 && q.Bit(0) == 1) {
			if num.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	return decimal.NewFromBigInt(q, -places)
}

// scaled returns d times 10^scale as an int64, rounding half to even if d
// has more places, and an error if it does not fit.
func scaled(d decimal.Decimal, scale int) (int64, error) {
	if -d.Exponent() > int32(scale) {
		d = d.RoundBank(int32(scale))
	}
	c := d.Shift(int32(scale)).BigInt()
	if !c.IsInt64() {
		return 0, fmt.Errorf("value %s overflows int64 at scale %d", d.String(), scale)
	}
	return c.Int64(), nil
}

// unscaled returns n / 10^scale.
func unscaled(n int64, scale int) decimal.Decimal { return decimal.New(n, -int32(scale)) }
