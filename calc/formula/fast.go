package formula

import (
	"math"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// The fast path: the common filter shapes compiled to closures over the raw
// kpi.Values, with no VM and no allocation per record. It must agree with
// the VM on every record; TestFastPathMatchesVM checks that.

type pred = func(vals []kpi.Value) bool

// fastFilter returns n as a closure, or nil if n is not one of the shapes.
func fastFilter(n *node) pred {
	switch n.op {
	case opLit:
		if b, ok := n.lit.(bool); ok {
			return func([]kpi.Value) bool { return b }
		}
	case opCol:
		if n.typ == tBool {
			i := n.col
			return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && vals[i].N != 0 }
		}
	case opUnary:
		if f := fastFilter(n.args[0]); f != nil {
			return func(vals []kpi.Value) bool { return !f(vals) }
		}
	case opBinary:
		return fastBinary(n)
	}
	return nil
}

func fastBinary(n *node) pred {
	a, b := n.args[0], n.args[1]
	switch n.name {
	case "&&", "||":
		l, r := fastFilter(a), fastFilter(b)
		if l == nil || r == nil {
			return nil
		}
		if n.name == "&&" {
			return func(vals []kpi.Value) bool { return l(vals) && r(vals) }
		}
		return func(vals []kpi.Value) bool { return l(vals) || r(vals) }
	case "in":
		return fastIn(a, b)
	}
	opr := n.name
	if a.op != opCol { // literal on the left: flip
		a, b = b, a
		opr = flip[opr]
	}
	if a.op != opCol || opr == "" {
		return nil
	}
	i := a.col
	if b.op == opNil {
		switch opr {
		case "==":
			return func(vals []kpi.Value) bool { return i >= len(vals) || vals[i].Null }
		case "!=":
			return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null }
		}
		return nil
	}
	if b.op != opLit {
		return nil
	}
	if s, ok := b.lit.(string); ok && a.typ == tString {
		switch opr {
		case "==":
			return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && vals[i].S == s }
		case "!=":
			return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && vals[i].S != s }
		}
		return nil
	}
	if lb, ok := b.lit.(bool); ok && a.typ == tBool {
		if opr != "==" && opr != "!=" {
			return nil
		}
		want := lb == (opr == "==") // whether the column must be true
		// Any N but 0 is true, as in the VM.
		return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && (vals[i].N != 0) == want }
	}
	k, ok := literalN(a, b)
	if !ok {
		return nil
	}
	switch opr {
	case "==":
		return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && vals[i].N == k }
	case "!=":
		return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && vals[i].N != k }
	case "<":
		return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && vals[i].N < k }
	case "<=":
		return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && vals[i].N <= k }
	case ">":
		return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && vals[i].N > k }
	case ">=":
		return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && vals[i].N >= k }
	}
	return nil
}

var flip = map[string]string{"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// literalN returns lit in col's kpi.Value encoding, if it has one exactly.
func literalN(col, lit *node) (int64, bool) {
	switch v := lit.lit.(type) {
	case decimal.Decimal:
		if !col.typ.numeric() {
			return 0, false
		}
		if literalScale(v) > col.scale {
			return 0, false // more places than the column keeps: the VM decides
		}
		c := v.Shift(int32(col.scale)).BigInt()
		return c.Int64(), c.IsInt64()
	case kpi.Date:
		switch col.typ {
		case tDate:
			return int64(v), true
		case tTime:
			return int64(v) * 86400, true
		}
	case tstamp:
		if col.typ == tTime {
			return int64(v), true
		}
	}
	return 0, false
}

func fastIn(x, list *node) pred {
	if x.op != opCol || x.typ != tString {
		return nil
	}
	set := make([]string, 0, len(list.args))
	for _, el := range list.args {
		s, ok := el.lit.(string)
		if el.op != opLit || !ok {
			return nil
		}
		set = append(set, s)
	}
	i := x.col
	if len(set) > 8 {
		m := make(map[string]bool, len(set))
		for _, s := range set {
			m[s] = true
		}
		return func(vals []kpi.Value) bool { return i < len(vals) && !vals[i].Null && m[vals[i].S] }
	}
	return func(vals []kpi.Value) bool {
		if i >= len(vals) || vals[i].Null {
			return false
		}
		for _, s := range set {
			if vals[i].S == s {
				return true
			}
		}
		return false
	}
}

// numFn is a numeric expression without the VM: its value times 10^scale
// of its node, or null. ok is false when an int64 would overflow on the
// way: the VM then computes it (exactly, or fails as it does).
type numFn = func(vals []kpi.Value) (n int64, null, ok bool)

// fastNumber returns n as a closure, or nil if n is not one of the shapes:
// numeric columns and literals, unary minus, +, - and *, and days_between
// of two dates. Their results are exact at the node's scale, as the VM's.
func fastNumber(n *node) numFn {
	if !n.typ.numeric() {
		return nil
	}
	switch n.op {
	case opCol:
		i := n.col
		return func(vals []kpi.Value) (int64, bool, bool) {
			if i >= len(vals) || vals[i].Null {
				return 0, true, true
			}
			return vals[i].N, false, true
		}
	case opLit:
		d, ok := n.lit.(decimal.Decimal)
		if !ok || literalScale(d) > n.scale {
			return nil
		}
		c := d.Shift(int32(n.scale)).BigInt()
		if !c.IsInt64() {
			return nil
		}
		k := c.Int64()
		return func([]kpi.Value) (int64, bool, bool) { return k, false, true }
	case opUnary:
		f := fastNumber(n.args[0])
		if f == nil || n.name != "-" {
			return nil
		}
		return func(vals []kpi.Value) (int64, bool, bool) {
			x, null, ok := f(vals)
			if null || !ok || x == math.MinInt64 {
				return 0, null, ok && x != math.MinInt64
			}
			return -x, false, true
		}
	case opCall:
		if n.name == "days_between" && n.typ == tInt {
			return fastDaysBetween(n.args[0], n.args[1])
		}
	case opBinary:
		return fastArith(n)
	}
	return nil
}

func fastArith(n *node) numFn {
	a, b := n.args[0], n.args[1]
	l, r := fastNumber(a), fastNumber(b)
	if l == nil || r == nil {
		return nil
	}
	switch n.name {
	case "*":
		return func(vals []kpi.Value) (int64, bool, bool) {
			x, null1, ok1 := l(vals)
			y, null2, ok2 := r(vals)
			if !ok1 || !ok2 || null1 || null2 {
				return 0, ok1 && ok2, ok1 && ok2
			}
			p, ok := mul64(x, y)
			return p, false, ok
		}
	case "+", "-":
		la, lb := n.scale-a.scale, n.scale-b.scale // powers of ten to reach n's scale
		if la < 0 || lb < 0 || la >= len(pow10) || lb >= len(pow10) {
			return nil
		}
		ma, mb, sub := pow10[la], pow10[lb], n.name == "-"
		return func(vals []kpi.Value) (int64, bool, bool) {
			x, null1, ok1 := l(vals)
			y, null2, ok2 := r(vals)
			if !ok1 || !ok2 || null1 || null2 {
				return 0, ok1 && ok2, ok1 && ok2
			}
			x, ok1 = mul64(x, ma)
			y, ok2 = mul64(y, mb)
			if !ok1 || !ok2 {
				return 0, false, false
			}
			if sub {
				if y == math.MinInt64 {
					return 0, false, false
				}
				y = -y
			}
			s := x + y
			if (x >= 0) == (y >= 0) && (s >= 0) != (x >= 0) {
				return 0, false, false
			}
			return s, false, true
		}
	}
	return nil
}

// fastDaysBetween is days_between of two dates: the days from a to b.
func fastDaysBetween(a, b *node) numFn {
	da, db := fastDate(a), fastDate(b)
	if da == nil || db == nil {
		return nil
	}
	return func(vals []kpi.Value) (int64, bool, bool) {
		x, ok1 := da(vals)
		y, ok2 := db(vals)
		if !ok1 || !ok2 {
			return 0, true, true
		}
		return int64(y) - int64(x), false, true
	}
}

// fastDate returns a date column or literal as a closure (false: null).
func fastDate(n *node) func(vals []kpi.Value) (kpi.Date, bool) {
	switch {
	case n.op == opCol && n.typ == tDate:
		i := n.col
		return func(vals []kpi.Value) (kpi.Date, bool) {
			if i >= len(vals) || vals[i].Null {
				return 0, false
			}
			return kpi.Date(vals[i].N), true
		}
	case n.op == opLit:
		if d, ok := n.lit.(kpi.Date); ok {
			return func([]kpi.Value) (kpi.Date, bool) { return d, true }
		}
	}
	return nil
}

var pow10 = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// mul64 returns x*y, false if it overflows.
func mul64(x, y int64) (int64, bool) {
	if x == 0 || y == 0 {
		return 0, true
	}
	p := x * y
	if p/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
		return 0, false
	}
	return p, true
}
