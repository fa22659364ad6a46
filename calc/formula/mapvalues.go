package formula

import (
	"slices"

	"github.com/expr-lang/expr/ast"
)

// MapValues rewrites the string values record expression src compares
// columns with: values[column][value] lists the values to compare that
// column with instead. It works on the parsed expression, so only a
// literal that is compared with the column changes, never another string
// or name: col == "a" becomes col == "x", or col in ["x", "y"] for
// several; col != "a" becomes not (col in [...]); in col in ["a", "b"]
// each value is replaced by its list. A mapped column used any other way
// (an argument of a function, compared with another column) is an error,
// since its values could not be mapped safely. It also returns, per
// column (mapped or not), the string values src compares it with in those
// forms. An expression it does not change is returned as it is.
func MapValues(src string, values map[string]map[string][]string) (string, map[string][]string, error) {
	tree, err := parse(src)
	if err != nil {
		return "", nil, err
	}
	m := &valueMapper{src: src, values: values, seen: map[string][]string{}, handled: map[*ast.IdentifierNode]bool{}}
	ast.Walk(&tree.Node, m)
	// Every use of a mapped column must have been one of the forms above.
	var bad *ast.IdentifierNode
	ast.Find(tree.Node, func(n ast.Node) bool {
		if id, ok := n.(*ast.IdentifierNode); ok && values[id.Value] != nil && !m.handled[id] && !m.callees[id] {
			bad = id
			return true
		}
		return false
	})
	if bad != nil {
		return "", nil, errorAt(src, bad.Location().From, "column %s is used here in a way its values cannot be mapped: compare it with == , != or in", bad.Value)
	}
	if !m.changed {
		return src, m.seen, nil
	}
	return tree.Node.String(), m.seen, nil
}

type valueMapper struct {
	src     string
	values  map[string]map[string][]string
	seen    map[string][]string
	handled map[*ast.IdentifierNode]bool
	callees map[*ast.IdentifierNode]bool
	changed bool
}

// Visit replaces each comparison of a mapped column with string
// literals; ast.Walk calls it on every node after its children.
func (m *valueMapper) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.CallNode:
		if id, ok := x.Callee.(*ast.IdentifierNode); ok {
			if m.callees == nil {
				m.callees = map[*ast.IdentifierNode]bool{}
			}
			m.callees[id] = true
		}
	case *ast.BinaryNode:
		switch x.Operator {
		case "==", "!=":
			id, lit := x.Left, x.Right
			if _, ok := id.(*ast.IdentifierNode); !ok {
				id, lit = lit, id
			}
			col, ok1 := id.(*ast.IdentifierNode)
			s, ok2 := lit.(*ast.StringNode)
			if !ok1 || !ok2 {
				return
			}
			m.handled[col] = true
			to := m.mapped(col.Value, s.Value)
			if len(to) == 1 && to[0] == s.Value {
				return
			}
			m.changed = true
			if len(to) == 1 {
				*n = &ast.BinaryNode{Operator: x.Operator, Left: col, Right: &ast.StringNode{Value: to[0]}}
				return
			}
			in := &ast.BinaryNode{Operator: "in", Left: col, Right: list(to)}
			if x.Operator == "!=" {
				*n = &ast.UnaryNode{Operator: "not", Node: in}
				return
			}
			*n = in
		case "in", "not in":
			col, ok1 := x.Left.(*ast.IdentifierNode)
			arr, ok2 := x.Right.(*ast.ArrayNode)
			if !ok1 || !ok2 {
				return
			}
			if slices.ContainsFunc(arr.Nodes, func(e ast.Node) bool { _, ok := e.(*ast.StringNode); return !ok }) {
				return
			}
			var to []string
			for _, e := range arr.Nodes {
				to = append(to, m.mapped(col.Value, e.(*ast.StringNode).Value)...)
			}
			m.handled[col] = true
			if len(to) != len(arr.Nodes) || !slices.EqualFunc(to, arr.Nodes, func(v string, e ast.Node) bool { return v == e.(*ast.StringNode).Value }) {
				m.changed = true
				x.Right = list(to)
			}
		}
	}
}

// mapped returns what value of column col becomes, and notes that the
// expression compares col with value.
func (m *valueMapper) mapped(col, value string) []string {
	if !slices.Contains(m.seen[col], value) {
		m.seen[col] = append(m.seen[col], value)
	}
	if to, ok := m.values[col][value]; ok && len(to) > 0 {
		return to
	}
	return []string{value}
}

func list(values []string) *ast.ArrayNode {
	arr := &ast.ArrayNode{}
	for _, v := range values {
		arr.Nodes = append(arr.Nodes, &ast.StringNode{Value: v})
	}
	return arr
}
