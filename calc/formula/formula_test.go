package formula

import (
	"errors"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
)

func isKPI(name string) bool {
	return slices.Contains([]string{"won", "lost", "revenue", "deals"}, name)
}

func TestFormulaEval(t *testing.T) {
	d := decimal.RequireFromString
	for _, tt := range []struct {
		src  string
		vals map[string]decimal.Decimal
		want string // or "null"
	}{
		{`won / (won + lost)`, map[string]decimal.Decimal{"won": d("3"), "lost": d("1")}, "0.75"},
		{`won / (won + lost)`, map[string]decimal.Decimal{"won": d("0"), "lost": d("0")}, "null"},
		{`won / (won + lost)`, map[string]decimal.Decimal{"won": d("1")}, "null"}, // lost missing
		{`won / (won + lost)`, map[string]decimal.Decimal{"won": d("1"), "lost": d("2")}, "0.3333333333"},
		{`won / (won + lost)`, map[string]decimal.Decimal{"won": d("2"), "lost": d("1")}, "0.6666666667"},
		{`revenue / 3`, map[string]decimal.Decimal{"revenue": d("0.00000000005")}, "0"},            // tie, to even
		{`revenue / 3`, map[string]decimal.Decimal{"revenue": d("0.00000000045")}, "0.0000000002"}, // tie, to even
		{`revenue - 0.1 * deals`, map[string]decimal.Decimal{"revenue": d("0.3"), "deals": d("2")}, "0.1"},
		{`-revenue + 1000.50`, map[string]decimal.Decimal{"revenue": d("0.50")}, "1000"},
		{`revenue * deals`, map[string]decimal.Decimal{"revenue": d("1234567890.12"), "deals": d("1000000000")}, "1234567890120000000"},
	} {
		t.Run(tt.src, func(t *testing.T) {
			f, err := CompileFormula(tt.src, isKPI)
			if err != nil {
				t.Fatal(err)
			}
			v, null, err := f.Eval(tt.vals)
			if err != nil {
				t.Fatal(err)
			}
			got := v.String()
			if null {
				got = "null"
			}
			if want := tt.want; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func TestFormulaRefs(t *testing.T) {
	f, err := CompileFormula(`won / (won + lost) * revenue`, isKPI)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Refs(), []string{"lost", "revenue", "won"}; !slices.Equal(got, want) {
		t.Errorf("Refs() = %v, want %v", got, want)
	}
	if got, want := f.String(), `won / (won + lost) * revenue`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestFormulaErrors(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{`won / (won + lots)`, `1:14: unknown KPI "lots"`},
		{"won /\n  (won + lots)", `2:10: unknown KPI "lots"`},
		{`won > lost`, `1:5: unsupported operator > in a formula: use + - * /`},
		{`won / `, `1:6: unexpected token EOF`},
		{`lower(won)`, `1:1: unsupported expression lower(won) in a formula: use KPI names, numbers, + - * / and parentheses`},
		{` `, `1:1: empty formula`},
	} {
		t.Run(tt.src, func(t *testing.T) {
			_, err := CompileFormula(tt.src, isKPI)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error = %v, want *formula.Error", err)
			}
			if got, want := err.Error(), tt.want; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}
