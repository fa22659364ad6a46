package formula

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// FormulaScale is the number of decimal places a formula's quotients are
// rounded to (half to even).
const FormulaScale = 10

// Formula is an expression over other KPIs' values, e.g. `won / (won + lost)`.
// Safe for concurrent use.
type Formula struct {
	src   string
	root  *fnode
	refs  []string
	depth int // while compiling: of the node being checked
}

// fnode is a checked formula: a KPI name, a number, or an operator.
type fnode struct {
	op   string // "ref", "num", "neg", "+", "-", "*", "/"
	name string
	num  decimal.Decimal
	args []*fnode
}

// CompileFormula compiles src, in which every name must be a KPI (isKPI
// reports which are). Numbers, + - * / and parentheses are allowed.
func CompileFormula(src string, isKPI func(name string) bool) (*Formula, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Line: 1, Col: 1, Msg: "empty formula"}
	}
	tree, err := parse(src)
	if err != nil {
		return nil, err
	}
	f := &Formula{src: src}
	if f.root, err = f.check(tree.Node, isKPI); err != nil {
		return nil, err
	}
	slices.Sort(f.refs)
	f.refs = slices.Compact(f.refs)
	return f, nil
}

func (f *Formula) check(an ast.Node, isKPI func(string) bool) (*fnode, error) {
	loc := an.Location()
	if err := nest(f.src, &f.depth, loc.From); err != nil {
		return nil, err
	}
	defer func() { f.depth-- }()
	switch an := an.(type) {
	case *ast.IdentifierNode:
		if isKPI == nil || !isKPI(an.Value) {
			return nil, errorAt(f.src, loc.From, "unknown KPI %q", an.Value)
		}
		f.refs = append(f.refs, an.Value)
		return &fnode{op: "ref", name: an.Value}, nil
	case *ast.IntegerNode:
		return &fnode{op: "num", num: decimal.NewFromInt(int64(an.Value))}, nil
	case *ast.FloatNode:
		return &fnode{op: "num", num: literalDecimal(f.src, loc, an.Value)}, nil
	case *ast.UnaryNode:
		x, err := f.check(an.Node, isKPI)
		if err != nil {
			return nil, err
		}
		switch an.Operator {
		case "+":
			return x, nil
		case "-":
			return &fnode{op: "neg", args: []*fnode{x}}, nil
		}
		return nil, errorAt(f.src, loc.From, "unsupported operator %s in a formula", an.Operator)
	case *ast.BinaryNode:
		switch an.Operator {
		case "+", "-", "*", "/":
		default:
			return nil, errorAt(f.src, loc.From, "unsupported operator %s in a formula: use + - * /", an.Operator)
		}
		a, err := f.check(an.Left, isKPI)
		if err != nil {
			return nil, err
		}
		b, err := f.check(an.Right, isKPI)
		if err != nil {
			return nil, err
		}
		return &fnode{op: an.Operator, args: []*fnode{a, b}}, nil
	}
	return nil, errorAt(f.src, loc.From, "unsupported expression %s in a formula: use KPI names, numbers, + - * / and parentheses", an.String())
}

// Refs returns the KPI names the formula uses, sorted, each once.
func (f *Formula) Refs() []string { return slices.Clone(f.refs) }

func (f *Formula) String() string { return f.src }

// Eval computes the formula from the values of its KPIs. A name missing
// from vals is null, null propagates, and a division by zero is null.
func (f *Formula) Eval(vals map[string]decimal.Decimal) (v decimal.Decimal, null bool, err error) {
	v, ok := eval(f.root, vals)
	return v, !ok, nil
}

func eval(n *fnode, vals map[string]decimal.Decimal) (decimal.Decimal, bool) {
	switch n.op {
	case "ref":
		v, ok := vals[n.name]
		return v, ok
	case "num":
		return n.num, true
	case "neg":
		v, ok := eval(n.args[0], vals)
		return v.Neg(), ok
	}
	a, ok := eval(n.args[0], vals)
	if !ok {
		return decimal.Decimal{}, false
	}
	b, ok := eval(n.args[1], vals)
	if !ok {
		return decimal.Decimal{}, false
	}
	switch n.op {
	case "+":
		return a.Add(b), true
	case "-":
		return a.Sub(b), true
	case "*":
		return a.Mul(b), true
	case "/":
		return divRound(a, b, FormulaScale)
	}
	panic(fmt.Sprintf("formula: unknown op %q", n.op))
}
