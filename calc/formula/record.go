package formula

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"attain/kpi"

	"github.com/expr-lang/expr/vm"
	"github.com/shopspring/decimal"
)

// RecordExpr is an expression over one dataset's columns, compiled once and
// evaluated per record. Safe for concurrent use.
type RecordExpr struct {
	src   string
	cols  []kpi.Column // the dataset's columns
	refs  []int        // indexes of the columns used
	keys  []string     // env keys of refs
	root  *node
	scale int
	prog  *vm.Program
	pool  sync.Pool // of *vmState

	fast    func(vals []kpi.Value) bool // filter without the VM, or nil
	fastCol int                         // a plain column reference, or -1
	fastNum numFn                       // a number without the VM (see fastNumber), or nil
}

type vmState struct {
	vm  vm.VM
	env map[string]any
}

type exprKind uint8

const (
	kindFilter exprKind = iota
	kindValue
	kindKey
)

// CompileFilter compiles a boolean expression that selects records.
func CompileFilter(ds *kpi.Dataset, src string) (*RecordExpr, error) {
	return compile(ds, src, kindFilter, true)
}

// CompileValue compiles a numeric expression: a number literal, an integer,
// decimal or money column, arithmetic, days_between...
func CompileValue(ds *kpi.Dataset, src string) (*RecordExpr, error) {
	return compile(ds, src, kindValue, true)
}

// CompileKey compiles an expression of any type, whose canonical text
// identifies a value (for count_distinct).
func CompileKey(ds *kpi.Dataset, src string) (*RecordExpr, error) {
	return compile(ds, src, kindKey, true)
}

// compile compiles src; with fast false everything runs on the VM (for
// tests and benchmarks of the fast path).
func compile(ds *kpi.Dataset, src string, kind exprKind, fast bool) (*RecordExpr, error) {
	if ds == nil {
		return nil, fmt.Errorf("compile %q: no dataset", src)
	}
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Line: 1, Col: 1, Msg: "empty expression"}
	}
	tree, err := parse(src)
	if err != nil {
		return nil, err
	}
	t := &typer{src: src, ds: ds}
	root, err := t.check(tree.Node)
	if err != nil {
		return nil, err
	}
	if _, err := t.digits(root); err != nil {
		return nil, err
	}
	switch {
	case kind == kindFilter && root.typ != tBool:
		return nil, errorAt(src, 0, "a filter must be boolean, not %s", root.typ)
	case kind == kindValue && !root.typ.numeric():
		return nil, errorAt(src, 0, "a value must be a number, not %s", root.typ)
	case kind == kindKey && root.typ == tNil:
		return nil, errorAt(src, 0, "a key cannot be nil")
	}
	prog, err := compileVM(src, root, t.cols)
	if err != nil {
		return nil, fmt.Errorf("compile %q: %w", src, err)
	}
	e := &RecordExpr{
		src:     src,
		cols:    append([]kpi.Column(nil), ds.Columns...),
		refs:    t.cols,
		root:    root,
		scale:   root.scale,
		prog:    prog,
		fastCol: -1,
	}
	for _, i := range e.refs {
		e.keys = append(e.keys, envKey(i))
	}
	e.pool.New = func() any { return &vmState{env: make(map[string]any, len(e.refs))} }
	if fast {
		if root.typ == tBool {
			e.fast = fastFilter(root)
		}
		if root.op == opCol && (kind == kindKey || root.typ.numeric()) {
			e.fastCol = root.col
		}
		if kind == kindValue {
			e.fastNum = fastNumber(root)
		}
	}
	return e, nil
}

// Columns returns the names of the columns the expression uses.
func (e *RecordExpr) Columns() []string {
	names := make([]string, len(e.refs))
	for i, c := range e.refs {
		names[i] = e.cols[c].Name
	}
	return names
}

// Scale returns the decimal places of Number's results.
func (e *RecordExpr) Scale() int { return e.scale }

func (e *RecordExpr) String() string { return e.src }

// run evaluates the expression on the VM.
func (e *RecordExpr) run(vals []kpi.Value) (any, error) {
	st := e.pool.Get().(*vmState)
	for j, i := range e.refs {
		var v any
		if i < len(vals) {
			v = vmValue(e.cols[i], vals[i])
		}
		st.env[e.keys[j]] = v
	}
	out, err := st.vm.Run(e.prog, st.env)
	e.pool.Put(st)
	if err != nil {
		return nil, fmt.Errorf("evaluate %q: %w", e.src, err)
	}
	return out, nil
}

// Bool evaluates a boolean expression on vals, one value per dataset
// column. Null is false.
func (e *RecordExpr) Bool(vals []kpi.Value) (bool, error) {
	if e.fast != nil {
		return e.fast(vals), nil
	}
	if e.root.typ != tBool {
		return false, fmt.Errorf("evaluate %q: %s, not boolean", e.src, e.root.typ)
	}
	out, err := e.run(vals)
	if err != nil {
		return false, err
	}
	b, _ := out.(bool)
	return b, nil
}

// Number evaluates a numeric expression on vals and returns its value times
// 10^Scale(), exactly; null if it is null (a null column in arithmetic, a
// division by zero). A value that does not fit an int64 is an error.
func (e *RecordExpr) Number(vals []kpi.Value) (n int64, null bool, err error) {
	if i := e.fastCol; i >= 0 {
		if i >= len(vals) || vals[i].Null {
			return 0, true, nil
		}
		return vals[i].N, false, nil
	}
	if e.fastNum != nil {
		if n, null, ok := e.fastNum(vals); ok {
			return n, null, nil
		}
	}
	if !e.root.typ.numeric() {
		return 0, false, fmt.Errorf("evaluate %q: %s, not a number", e.src, e.root.typ)
	}
	out, err := e.run(vals)
	if err != nil {
		return 0, false, err
	}
	d, ok := out.(decimal.Decimal)
	if !ok {
		return 0, true, nil
	}
	n, err = scaled(d, e.scale)
	if err != nil {
		return 0, false, fmt.Errorf("evaluate %q: %w", e.src, err)
	}
	return n, false, nil
}

// Key evaluates vals to the canonical text of the value: strings as they
// are, numbers with Scale() places, dates YYYY-MM-DD, timestamps RFC 3339
// UTC, booleans true/false.
func (e *RecordExpr) Key(vals []kpi.Value) (key string, null bool, err error) {
	if i := e.fastCol; i >= 0 {
		if i >= len(vals) || vals[i].Null {
			return "", true, nil
		}
		return kpi.FormatValue(e.cols[i], vals[i]), false, nil
	}
	out, err := e.run(vals)
	if err != nil {
		return "", false, err
	}
	switch v := out.(type) {
	case string:
		return v, false, nil
	case decimal.Decimal:
		return v.StringFixed(int32(e.scale)), false, nil
	case bool:
		return strconv.FormatBool(v), false, nil
	case kpi.Date:
		return v.String(), false, nil
	case tstamp:
		return time.Unix(int64(v), 0).UTC().Format(time.RFC3339), false, nil
	}
	return "", true, nil
}
