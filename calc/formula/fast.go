package formula

import (
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
