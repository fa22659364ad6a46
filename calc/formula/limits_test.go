package formula

import (
	"errors"
	"math"
	"strings"
	"testing"

	"attain/kpi"
)

// TestLimits: an expression past a limit does not compile; the error says
// which limit, and where.
func TestLimits(t *testing.T) {
	list := `deal_stage in ["a"` + strings.Repeat(`, "a"`, MaxNodes) + `]`
	deepFormula := strings.Repeat("won + (", MaxDepth) + "won" + strings.Repeat(")", MaxDepth)
	deepFilter := strings.Repeat("!(", MaxDepth) + "won" + strings.Repeat(")", MaxDepth)
	product := func(n int) string { return "close_value" + strings.Repeat(" * close_value", n-1) }
	for _, c := range []struct {
		name, src string
		formula   bool
		want      string // the message
		col       int    // of the error, 0: any
	}{
		{name: "LongFilter", src: `deal_stage == "` + strings.Repeat("x", MaxLength) + `"`, want: "the expression is 4112 bytes long; the limit is 4096", col: 1},
		{name: "LongFormula", formula: true, src: "won" + strings.Repeat(" + won", 700), want: "the expression is 4203 bytes long; the limit is 4096", col: 1},
		{name: "Nodes", src: list, want: "the expression has more than 500 names, numbers, operators and calls; the limit is 500"},
		{name: "NodesFormula", formula: true, src: "won" + strings.Repeat("+1", MaxNodes), want: "the expression has more than 500 names, numbers, operators and calls; the limit is 500"},
		{name: "Depth", src: deepFilter, want: "the expression nests more than 100 levels deep; the limit is 100", col: 2*MaxDepth + 1},
		{name: "DepthFormula", formula: true, src: deepFormula, want: "the expression nests more than 100 levels deep; the limit is 100", col: 7*(MaxDepth-1) + 1}, // the left won of the 100th +
		// money: 17 digits before the point, 2 after; the 10th * makes 11 × 19
		{name: "Digits", src: product(11), want: "a number computed here could have 209 digits; the limit is 200", col: 11 + 9*14 + 2},
		{name: "DigitsOfScale", src: "close_value * 0." + strings.Repeat("0", 200) + "1", want: "a number computed here could have 202 digits; the limit is 200", col: 15},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.formula {
				_, err = CompileFormula(c.src, isKPI)
			} else {
				_, err = CompileValue(deals, c.src)
				if c.name == "Depth" || c.name == "Nodes" || c.name == "LongFilter" {
					_, err = CompileFilter(deals, c.src)
				}
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if fe.Msg != c.want || fe.Line != 1 || (c.col > 0 && fe.Col != c.col) {
				t.Errorf("err = %d:%d: %s\nwant 1:%d: %s", fe.Line, fe.Col, fe.Msg, c.col, c.want)
			}
		})
	}
	// Just within the limits, all compile.
	for _, src := range []string{
		product(10),
		strings.Repeat("!(", MaxDepth-2) + "won" + strings.Repeat(")", MaxDepth-2),
		`deal_stage in ["a"` + strings.Repeat(`, "a"`, MaxNodes-4) + `]`, // a name, in, a list of 497 strings: 500 nodes
		worstCase(),
	} {
		if _, err := CompileKey(deals, src); err != nil {
			t.Errorf("%.40s...: %v", src, err)
		}
	}
}

// worstCase is about the slowest record expression within the limits (of
// the shapes tried: chains of products, of quotients, balanced products):
// the most sums that fit of quotients of two k-fold products of the largest
// integers, so that every division works on two numbers of nearly
// MaxDigits digits.
func worstCase() string {
	k := (MaxDigits - 20) / int64Digits // a quotient has 19k + 1 digits before the point, 6 after; each + adds one
	product := "(qty" + strings.Repeat(" * qty", k-1) + ")"
	term := "(" + product + " / " + product + ")"
	terms := min(MaxDigits-(int64Digits*k+7)+1, (MaxNodes+1)/(4*k)) // a term is 4k − 1 nodes, and a +
	return term + strings.Repeat(" + "+term, terms-1)
}

// BenchmarkWorstCase evaluates worstCase on the largest values beside a
// common value expression (the reference), to show that what the limits
// let through costs microseconds, not seconds, per record.
func BenchmarkWorstCase(b *testing.B) {
	vals := make([]kpi.Value, len(deals.Columns))
	for i := range vals {
		vals[i] = kpi.Value{Null: true}
	}
	vals[4] = kpi.Value{N: 123456}        // close_value 1234.56
	vals[5] = kpi.Value{N: math.MaxInt64} // qty
	for _, c := range []struct{ name, src string }{
		{"Reference", "close_value * qty / 100"},
		{"WorstCase", worstCase()},
	} {
		e, err := CompileKey(deals, c.src)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := e.run(vals); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
