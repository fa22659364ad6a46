package formula

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"attain/kpi"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"github.com/shopspring/decimal"
)

// The VM path: a checked node tree is rewritten into an expr AST in which
// every operator whose meaning differs from expr's (decimal arithmetic,
// comparisons with null, dates) is a call of one of the functions below,
// then checked and compiled by expr. Values in the VM are nil (null),
// string, bool, decimal.Decimal (integers too), kpi.Date and tstamp.

// compileVM compiles n into an expr program over an env map whose keys are
// envKey(column index).
func compileVM(src string, n *node, cols []int) (*vm.Program, error) {
	env := make(map[string]any, len(cols))
	for _, i := range cols {
		env[envKey(i)] = nil
	}
	config := conf.CreateNew()
	opts := []expr.Option{expr.Env(env), expr.DisableAllBuiltins()}
	for name, fn := range runtimeFuncs {
		opts = append(opts, expr.Function(name, fn))
	}
	for _, o := range opts {
		o(config)
	}
	config.Check()
	tree := &parser.Tree{Node: n.expr(), Source: file.NewSource(src)}
	if _, err := checker.Check(tree, config); err != nil {
		return nil, err
	}
	return compiler.Compile(tree, config)
}

func envKey(col int) string { return "c" + strconv.Itoa(col) }

func call(name string, args ...ast.Node) ast.Node {
	return &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: args}
}

// truth makes a boolean that may be null (a column, ?:, ??) a plain bool.
func truth(n *node) ast.Node {
	if n.op == opCol || n.op == opCond || (n.op == opBinary && n.name == "??") {
		return call("_truth", n.expr())
	}
	return n.expr()
}

func (n *node) expr() ast.Node {
	switch n.op {
	case opCol:
		return &ast.IdentifierNode{Value: envKey(n.col)}
	case opLit:
		return &ast.ConstantNode{Value: n.lit}
	case opNil:
		return &ast.NilNode{}
	case opList:
		arr := &ast.ArrayNode{}
		for _, a := range n.args {
			arr.Nodes = append(arr.Nodes, a.expr())
		}
		return arr
	case opCond:
		return &ast.ConditionalNode{Cond: truth(n.args[0]), Exp1: n.args[1].expr(), Exp2: n.args[2].expr()}
	case opUnary:
		if n.name == "!" {
			return &ast.UnaryNode{Operator: "!", Node: truth(n.args[0])}
		}
		return call("_neg", n.args[0].expr())
	case opCall:
		args := make([]ast.Node, len(n.args))
		for i, a := range n.args {
			args[i] = a.expr()
		}
		return call("_"+n.name, args...)
	}
	a, b := n.args[0], n.args[1]
	switch n.name {
	case "&&", "||":
		return &ast.BinaryNode{Operator: n.name, Left: truth(a), Right: truth(b)}
	case "??":
		return &ast.BinaryNode{Operator: "??", Left: a.expr(), Right: b.expr()}
	case "==", "!=":
		var x *node
		if a.op == opNil {
			x = b
		} else if b.op == opNil {
			x = a
		}
		if x != nil {
			if x.op == opNil { // nil == nil
				return &ast.BoolNode{Value: n.name == "=="}
			}
			if n.name == "==" {
				return call("_isnil", x.expr())
			}
			return &ast.UnaryNode{Operator: "!", Node: call("_isnil", x.expr())}
		}
	case "+":
		if n.typ == tString {
			return call("_concat", a.expr(), b.expr())
		}
	}
	return call(binaryFuncs[n.name], a.expr(), b.expr())
}

var binaryFuncs = map[string]string{
	"==": "_eq", "!=": "_ne", "<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge",
	"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "in": "_in",
	"contains": "_contains", "startsWith": "_startsWith", "endsWith": "_endsWith",
}

// compare orders a and b; ok is false if either is null or they do not
// compare.
func compare(a, b any) (c int, ok bool) {
	switch a := a.(type) {
	case string:
		if b, ok := b.(string); ok {
			return strings.Compare(a, b), true
		}
	case decimal.Decimal:
		if b, ok := b.(decimal.Decimal); ok {
			return a.Cmp(b), true
		}
	case bool:
		if b, ok := b.(bool); ok {
			switch {
			case a == b:
				return 0, true
			case b:
				return -1, true
			}
			return 1, true
		}
	case kpi.Date, tstamp:
		x, ok1 := seconds(a)
		y, ok2 := seconds(b)
		if ok1 && ok2 {
			return cmpInt(x, y), true
		}
	}
	return 0, false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func seconds(v any) (int64, bool) {
	switch v := v.(type) {
	case kpi.Date:
		return int64(v) * 86400, true
	case tstamp:
		return int64(v), true
	}
	return 0, false
}

func cmpFunc(pred func(int) bool) func(...any) (any, error) {
	return func(p ...any) (any, error) {
		c, ok := compare(p[0], p[1])
		return ok && pred(c), nil
	}
}

func decFunc(f func(a, b decimal.Decimal) any) func(...any) (any, error) {
	return func(p ...any) (any, error) {
		a, ok1 := p[0].(decimal.Decimal)
		b, ok2 := p[1].(decimal.Decimal)
		if !ok1 || !ok2 {
			return nil, nil
		}
		return f(a, b), nil
	}
}

func strFunc(f func(a, b string) bool) func(...any) (any, error) {
	return func(p ...any) (any, error) {
		a, ok1 := p[0].(string)
		b, ok2 := p[1].(string)
		return ok1 && ok2 && f(a, b), nil
	}
}

func str1Func(f func(string) any) func(...any) (any, error) {
	return func(p ...any) (any, error) {
		if s, ok := p[0].(string); ok {
			return f(s), nil
		}
		return nil, nil
	}
}

// between returns b − a in seconds; ok is false if either is null.
func between(p []any) (secs int64, dates bool, ok bool) {
	a, ok1 := seconds(p[0])
	b, ok2 := seconds(p[1])
	_, d1 := p[0].(kpi.Date)
	_, d2 := p[1].(kpi.Date)
	return b - a, d1 && d2, ok1 && ok2
}

var runtimeFuncs = map[string]func(...any) (any, error){
	"_truth": func(p ...any) (any, error) { b, _ := p[0].(bool); return b, nil },
	"_isnil": func(p ...any) (any, error) { return p[0] == nil, nil },
	"_eq":    cmpFunc(func(c int) bool { return c == 0 }),
	"_ne":    cmpFunc(func(c int) bool { return c != 0 }),
	"_lt":    cmpFunc(func(c int) bool { return c < 0 }),
	"_le":    cmpFunc(func(c int) bool { return c <= 0 }),
	"_gt":    cmpFunc(func(c int) bool { return c > 0 }),
	"_ge":    cmpFunc(func(c int) bool { return c >= 0 }),
	"_in": func(p ...any) (any, error) {
		for _, v := range p[1].([]any) {
			if c, ok := compare(p[0], v); ok && c == 0 {
				return true, nil
			}
		}
		return false, nil
	},
	"_add": decFunc(func(a, b decimal.Decimal) any { return a.Add(b) }),
	"_sub": decFunc(func(a, b decimal.Decimal) any { return a.Sub(b) }),
	"_mul": decFunc(func(a, b decimal.Decimal) any { return a.Mul(b) }),
	"_div": decFunc(func(a, b decimal.Decimal) any {
		if q, ok := divRound(a, b, divScale); ok {
			return q
		}
		return nil // division by zero is null
	}),
	"_neg": func(p ...any) (any, error) {
		if d, ok := p[0].(decimal.Decimal); ok {
			return d.Neg(), nil
		}
		return nil, nil
	},
	"_abs": func(p ...any) (any, error) {
		if d, ok := p[0].(decimal.Decimal); ok {
			return d.Abs(), nil
		}
		return nil, nil
	},
	"_concat": func(p ...any) (any, error) {
		a, ok1 := p[0].(string)
		b, ok2 := p[1].(string)
		if !ok1 || !ok2 {
			return nil, nil
		}
		return a + b, nil
	},
	"_contains":   strFunc(strings.Contains),
	"_startsWith": strFunc(strings.HasPrefix),
	"_endsWith":   strFunc(strings.HasSuffix),
	"_lower":      str1Func(func(s string) any { return strings.ToLower(s) }),
	"_upper":      str1Func(func(s string) any { return strings.ToUpper(s) }),
	"_trim":       str1Func(func(s string) any { return strings.TrimSpace(s) }),
	"_len":        str1Func(func(s string) any { return decimal.NewFromInt(int64(utf8.RuneCountInString(s))) }),
	"_days_between": func(p ...any) (any, error) {
		secs, dates, ok := between(p)
		switch {
		case !ok:
			return nil, nil
		case dates:
			return decimal.NewFromInt(secs / 86400), nil
		}
		q, _ := divRound(decimal.NewFromInt(secs), decimal.NewFromInt(86400), divScale)
		return q, nil
	},
	"_hours_between": func(p ...any) (any, error) {
		secs, _, ok := between(p)
		if !ok {
			return nil, nil
		}
		q, _ := divRound(decimal.NewFromInt(secs), decimal.NewFromInt(3600), divScale)
		return q, nil
	},
}

// vmValue is a cell as the VM sees it.
func vmValue(c kpi.Column, v kpi.Value) any {
	if v.Null {
		return nil
	}
	switch c.Type {
	case kpi.Integer:
		return decimal.NewFromInt(v.N)
	case kpi.Decimal, kpi.Money:
		return unscaled(v.N, kpi.ColumnScale(c))
	case kpi.Boolean:
		return v.N != 0
	case kpi.DateType:
		return kpi.Date(v.N)
	case kpi.Timestamp:
		return tstamp(v.N)
	}
	return v.S
}
