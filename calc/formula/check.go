package formula

import (
	"fmt"
	"strconv"
	"time"

	"attain/kpi"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/shopspring/decimal"
)

// typ is the static type of a record expression.
type typ uint8

const (
	tNil typ = iota
	tString
	tInt
	tDec
	tBool
	tDate
	tTime // timestamp
	tList
)

func (t typ) String() string {
	return [...]string{"nil", "string", "integer", "decimal", "boolean", "date", "timestamp", "list"}[t]
}

func (t typ) numeric() bool  { return t == tInt || t == tDec }
func (t typ) temporal() bool { return t == tDate || t == tTime }

// class groups the types that compare with each other.
func (t typ) class() typ {
	switch t {
	case tInt, tDec:
		return tDec
	case tDate, tTime:
		return tTime
	}
	return t
}

func columnType(t kpi.ColumnType) typ {
	switch t {
	case kpi.Integer:
		return tInt
	case kpi.Decimal, kpi.Money:
		return tDec
	case kpi.Boolean:
		return tBool
	case kpi.DateType:
		return tDate
	case kpi.Timestamp:
		return tTime
	}
	return tString
}

type op uint8

const (
	opCol op = iota
	opLit
	opNil
	opUnary  // name: "!", "-"
	opBinary // name: the operator
	opCall   // name: the function
	opList
	opCond
)

// node is a checked record expression: typed, with the decimal scale of
// numeric results.
type node struct {
	op    op
	name  string
	typ   typ
	scale int
	col   int // opCol: index in the dataset
	lit   any // opLit: string, decimal.Decimal, bool, kpi.Date or tstamp
	args  []*node
	loc   file.Location
}

// tstamp is a timestamp value at run time: Unix seconds.
type tstamp int64

// typer turns expr's AST into nodes, resolving columns and types.
type typer struct {
	src   string
	ds    *kpi.Dataset
	cols  []int // columns referenced, in order of first use
	depth int   // of the node being checked
}

func (c *typer) errorf(loc file.Location, format string, args ...any) error {
	return errorAt(c.src, loc.From, format, args...)
}

func (c *typer) useColumn(i int) {
	for _, j := range c.cols {
		if j == i {
			return
		}
	}
	c.cols = append(c.cols, i)
}

func (c *typer) check(an ast.Node) (*node, error) {
	loc := an.Location()
	if err := nest(c.src, &c.depth, loc.From); err != nil {
		return nil, err
	}
	defer func() { c.depth-- }()
	switch an := an.(type) {
	case *ast.IdentifierNode:
		i := c.ds.ColumnIndex(an.Value)
		if i < 0 {
			return nil, c.errorf(loc, "unknown column %q in dataset %s", an.Value, c.ds.Name)
		}
		c.useColumn(i)
		col := c.ds.Columns[i]
		return &node{op: opCol, name: an.Value, typ: columnType(col.Type), scale: kpi.ColumnScale(col), col: i, loc: loc}, nil
	case *ast.NilNode:
		return &node{op: opNil, typ: tNil, loc: loc}, nil
	case *ast.StringNode:
		return &node{op: opLit, typ: tString, lit: an.Value, loc: loc}, nil
	case *ast.BoolNode:
		return &node{op: opLit, typ: tBool, lit: an.Value, loc: loc}, nil
	case *ast.IntegerNode:
		return &node{op: opLit, typ: tInt, lit: decimal.NewFromInt(int64(an.Value)), loc: loc}, nil
	case *ast.FloatNode:
		d := literalDecimal(c.src, loc, an.Value)
		return &node{op: opLit, typ: tDec, lit: d, scale: literalScale(d), loc: loc}, nil
	case *ast.UnaryNode:
		x, err := c.check(an.Node)
		if err != nil {
			return nil, err
		}
		switch an.Operator {
		case "!", "not":
			if x.typ != tBool {
				return nil, c.errorf(loc, "operator %s needs a boolean, not %s", an.Operator, x.typ)
			}
			return &node{op: opUnary, name: "!", typ: tBool, args: []*node{x}, loc: loc}, nil
		case "-", "+":
			if !x.typ.numeric() {
				return nil, c.errorf(loc, "operator %s needs a number, not %s", an.Operator, x.typ)
			}
			if an.Operator == "+" {
				return x, nil
			}
			return &node{op: opUnary, name: "-", typ: x.typ, scale: x.scale, args: []*node{x}, loc: loc}, nil
		}
		return nil, c.errorf(loc, "unsupported operator %s", an.Operator)
	case *ast.BinaryNode:
		return c.binary(an)
	case *ast.ConditionalNode:
		cond, err := c.check(an.Cond)
		if err != nil {
			return nil, err
		}
		if cond.typ != tBool {
			return nil, c.errorf(cond.loc, "condition must be boolean, not %s", cond.typ)
		}
		a, b, err := c.pair(an.Exp1, an.Exp2)
		if err != nil {
			return nil, err
		}
		t, scale, ok := unify(a, b)
		if !ok {
			return nil, c.errorf(loc, "branches of ?: have different types: %s and %s", a.typ, b.typ)
		}
		return &node{op: opCond, typ: t, scale: scale, args: []*node{cond, a, b}, loc: loc}, nil
	case *ast.CallNode:
		id, ok := an.Callee.(*ast.IdentifierNode)
		if !ok {
			return nil, c.errorf(loc, "unsupported call")
		}
		return c.call(id.Value, an.Arguments, loc)
	case *ast.BuiltinNode:
		return c.call(an.Name, an.Arguments, loc)
	case *ast.ArrayNode:
		return nil, c.errorf(loc, "a list is only allowed after in")
	}
	return nil, c.errorf(loc, "unsupported expression %s", an.String())
}

func (c *typer) pair(l, r ast.Node) (a, b *node, err error) {
	if a, err = c.check(l); err != nil {
		return nil, nil, err
	}
	if b, err = c.check(r); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

// unify returns the type of a value that is either a or b.
func unify(a, b *node) (typ, int, bool) {
	switch {
	case a.typ == tNil:
		return b.typ, b.scale, b.typ != tList
	case b.typ == tNil:
		return a.typ, a.scale, a.typ != tList
	case a.typ == b.typ:
		return a.typ, max(a.scale, b.scale), true
	case a.typ.class() != b.typ.class():
		return 0, 0, false
	case a.typ.numeric():
		return tDec, max(a.scale, b.scale), true
	}
	return tTime, 0, true
}

func (c *typer) binary(an *ast.BinaryNode) (*node, error) {
	loc := an.Location()
	opr := an.Operator
	if opr == "in" {
		return c.in(an)
	}
	a, b, err := c.pair(an.Left, an.Right)
	if err != nil {
		return nil, err
	}
	bin := func(t typ, scale int) *node {
		return &node{op: opBinary, name: opr, typ: t, scale: scale, args: []*node{a, b}, loc: loc}
	}
	switch opr {
	case "&&", "and", "||", "or":
		if a.typ != tBool || b.typ != tBool {
			return nil, c.errorf(loc, "operator %s needs booleans, not %s and %s", opr, a.typ, b.typ)
		}
		if opr == "and" {
			opr = "&&"
		} else if opr == "or" {
			opr = "||"
		}
		return bin(tBool, 0), nil
	case "==", "!=":
		if a.typ == tNil || b.typ == tNil || a.typ.class() == b.typ.class() {
			return bin(tBool, 0), nil
		}
		return nil, c.errorf(loc, "cannot compare %s %s %s", a.typ, opr, b.typ)
	case "<", "<=", ">", ">=":
		ok := a.typ.class() == b.typ.class() && (a.typ.numeric() || a.typ.temporal() || a.typ == tString)
		if !ok {
			return nil, c.errorf(loc, "cannot compare %s %s %s", a.typ, opr, b.typ)
		}
		return bin(tBool, 0), nil
	case "+", "-", "*", "/":
		if opr == "+" && a.typ == tString && b.typ == tString {
			return bin(tString, 0), nil
		}
		if !a.typ.numeric() || !b.typ.numeric() {
			return nil, c.errorf(loc, "operator %s needs numbers, not %s and %s", opr, a.typ, b.typ)
		}
		t := tInt
		if a.typ == tDec || b.typ == tDec {
			t = tDec
		}
		switch opr {
		case "*":
			return bin(t, a.scale+b.scale), nil
		case "/":
			return bin(tDec, divScale), nil
		}
		return bin(t, max(a.scale, b.scale)), nil
	case "contains", "startsWith", "endsWith":
		if a.typ != tString || b.typ != tString {
			return nil, c.errorf(loc, "operator %s needs strings, not %s and %s", opr, a.typ, b.typ)
		}
		return bin(tBool, 0), nil
	case "??":
		t, scale, ok := unify(a, b)
		if !ok {
			return nil, c.errorf(loc, "operator ?? needs values of one type, not %s and %s", a.typ, b.typ)
		}
		return bin(t, scale), nil
	}
	return nil, c.errorf(loc, "unsupported operator %s", opr)
}

func (c *typer) in(an *ast.BinaryNode) (*node, error) {
	loc := an.Location()
	x, err := c.check(an.Left)
	if err != nil {
		return nil, err
	}
	arr, ok := an.Right.(*ast.ArrayNode)
	if !ok {
		return nil, c.errorf(an.Right.Location(), "in needs a list: x in [a, b]")
	}
	if x.typ == tNil {
		return nil, c.errorf(x.loc, "nil in a list is always false")
	}
	list := &node{op: opList, typ: tList, loc: arr.Location()}
	for _, e := range arr.Nodes {
		el, err := c.check(e)
		if err != nil {
			return nil, err
		}
		if el.typ.class() != x.typ.class() {
			return nil, c.errorf(el.loc, "list of in holds %s, want %s like %s", el.typ, x.typ, x.name)
		}
		list.args = append(list.args, el)
	}
	return &node{op: opBinary, name: "in", typ: tBool, args: []*node{x, list}, loc: loc}, nil
}

func (c *typer) call(name string, args []ast.Node, loc file.Location) (*node, error) {
	var xs []*node
	for _, a := range args {
		x, err := c.check(a)
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
	}
	want := func(n int, t func(typ) bool, what string) error {
		if len(xs) != n {
			return c.errorf(loc, "%s takes %d argument(s), not %d", name, n, len(xs))
		}
		for _, x := range xs {
			if !t(x.typ) {
				return c.errorf(x.loc, "%s needs %s, not %s", name, what, x.typ)
			}
		}
		return nil
	}
	call := func(t typ, scale int) *node {
		return &node{op: opCall, name: name, typ: t, scale: scale, args: xs, loc: loc}
	}
	isString := func(t typ) bool { return t == tString }
	switch name {
	case "days_between", "hours_between":
		if err := want(2, typ.temporal, "dates or timestamps"); err != nil {
			return nil, err
		}
		if name == "days_between" && xs[0].typ == tDate && xs[1].typ == tDate {
			return call(tInt, 0), nil
		}
		return call(tDec, divScale), nil
	case "date", "timestamp":
		if err := want(1, isString, "a string"); err != nil {
			return nil, err
		}
		if xs[0].op != opLit {
			return nil, c.errorf(xs[0].loc, "%s needs a string literal", name)
		}
		s := xs[0].lit.(string)
		if name == "date" {
			d, err := kpi.ParseDate(s)
			if err != nil {
				return nil, c.errorf(xs[0].loc, "%v", err)
			}
			return &node{op: opLit, typ: tDate, lit: d, loc: loc}, nil
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, c.errorf(xs[0].loc, "not a timestamp (want RFC 3339, 2017-06-01T10:00:00Z): %q", s)
		}
		return &node{op: opLit, typ: tTime, lit: tstamp(t.Unix()), loc: loc}, nil
	case "lower", "upper", "trim":
		if err := want(1, isString, "a string"); err != nil {
			return nil, err
		}
		return call(tString, 0), nil
	case "len":
		if err := want(1, isString, "a string"); err != nil {
			return nil, err
		}
		return call(tInt, 0), nil
	case "abs":
		if err := want(1, typ.numeric, "a number"); err != nil {
			return nil, err
		}
		return call(xs[0].typ, xs[0].scale), nil
	}
	return nil, c.errorf(loc, "unknown function %s", name)
}

// divScale is the scale of a quotient and of the time differences that
// are not whole days.
const divScale = 6

// literalDecimal reads a number literal exactly from its source text, so
// 1000.50 is 1000.50 and not a float.
func literalDecimal(src string, loc file.Location, f float64) decimal.Decimal {
	rs := []rune(src)
	if loc.From >= 0 && loc.To <= len(rs) && loc.From < loc.To {
		if d, err := decimal.NewFromString(string(rs[loc.From:loc.To])); err == nil && d.InexactFloat64() == f {
			return d
		}
	}
	d, _ := decimal.NewFromString(strconv.FormatFloat(f, 'f', -1, 64))
	return d
}

func literalScale(d decimal.Decimal) int { return max(0, -int(d.Exponent())) }

func (n *node) String() string { return fmt.Sprintf("%v %s %s", n.op, n.name, n.typ) }
