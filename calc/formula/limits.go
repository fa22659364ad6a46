package formula

import (
	"errors"
	"fmt"

	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/shopspring/decimal"
)

// Limits of a record expression or a formula, checked when it compiles, so
// that no definition can make an evaluation slow or a compile deep. The
// language has no loops, no user functions and no way to grow a value
// except by its operators, so the work of one evaluation is bounded by the
// number of nodes times the work of one operator on numbers of at most
// MaxDigits digits (and strings no longer than the cells and literals they
// are made of): the slowest expression within these limits takes well under
// a millisecond per record (BenchmarkWorstCase).
const (
	MaxLength = 4096 // bytes of source
	MaxNodes  = 500  // names, literals, operators and calls
	MaxDepth  = 100  // operators, calls and parentheses inside one another
	MaxDigits = 200  // digits a number computed along the way may have (record expressions)
)

// nodeLimitMessage is expr's parse error when a tree passes
// conf.Config.MaxNodes.
const nodeLimitMessage = "compilation failed: expression exceeds maximum allowed nodes"

// parse parses src within MaxLength and MaxNodes.
func parse(src string) (*parser.Tree, error) {
	if len(src) > MaxLength {
		return nil, &Error{Line: 1, Col: 1, Msg: fmt.Sprintf("the expression is %d bytes long; the limit is %d", len(src), MaxLength)}
	}
	tree, err := parser.ParseWithConfig(src, &conf.Config{MaxNodes: MaxNodes})
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) && fe.Message == nodeLimitMessage {
			return nil, errorAt(src, fe.From, "the expression has more than %d names, numbers, operators and calls; the limit is %d", MaxNodes, MaxNodes)
		}
		return nil, parseError(src, err)
	}
	return tree, nil
}

// nest counts one more level of nesting at off, and fails past MaxDepth.
// The caller undoes it with *depth-- when the level is done.
func nest(src string, depth *int, off int) error {
	*depth++
	if *depth > MaxDepth {
		return errorAt(src, off, "the expression nests more than %d levels deep; the limit is %d", MaxDepth, MaxDepth)
	}
	return nil
}

// int64Digits is how many digits an int64 has at most.
const int64Digits = 19

// digits returns how many digits the integer part of n's values can have
// at most (0 for values that are not numbers), and fails at the first node
// whose values could have more than MaxDigits digits in all.
func (c *typer) digits(n *node) (int, error) {
	args := make([]int, len(n.args))
	for i, a := range n.args {
		d, err := c.digits(a)
		if err != nil {
			return 0, err
		}
		args[i] = d
	}
	if !n.typ.numeric() {
		return 0, nil
	}
	ints := 0
	switch n.op {
	case opCol: // an int64 of the column's scale
		ints = max(1, int64Digits-n.scale)
	case opLit:
		if d, ok := n.lit.(decimal.Decimal); ok {
			ints = max(1, d.NumDigits()-n.scale)
		}
	case opUnary:
		ints = args[0]
	case opCond:
		ints = max(args[1], args[2])
	case opCall:
		switch n.name {
		case "abs":
			ints = args[0]
		default: // len, days_between, hours_between: an int64 or less
			ints = int64Digits
		}
	case opBinary:
		a, b := args[0], args[1]
		switch n.name {
		case "+", "-":
			ints = max(a, b) + 1
		case "*":
			ints = a + b
		case "/": // dividing by b's smallest step multiplies by 10^scale
			ints = a + n.args[1].scale + 1
		default: // ??
			ints = max(a, b)
		}
	}
	if ints+n.scale > MaxDigits {
		return 0, c.errorf(n.loc, "a number computed here could have %d digits; the limit is %d", ints+n.scale, MaxDigits)
	}
	return ints, nil
}
