package bonus_test

import (
	"os"
	"strings"
	"testing"

	"attain/calc/bonus"
	"attain/kpi"

	"github.com/shopspring/decimal"
)

// inputsHead is the employee and period most tests evaluate.
const inputsHead = "employee: {id: e1, name: Test Rep, currency: USD}\nperiod: 2026-03\n"

func mustPlan(tb testing.TB, src string) *bonus.Plan {
	tb.Helper()
	p, err := bonus.ParsePlan("plan.yaml", []byte(src))
	if err != nil {
		tb.Fatalf("plan: %v\n%s", err, src)
	}
	return p
}

func mustInputs(tb testing.TB, src string) *kpi.BonusInputs {
	tb.Helper()
	in, err := bonus.ParseInputs("inputs.yaml", []byte(src))
	if err != nil {
		tb.Fatalf("inputs: %v\n%s", err, src)
	}
	return in
}

func mustEval(tb testing.TB, plan, inputs string) *kpi.Evaluation {
	tb.Helper()
	st, err := bonus.Eval(mustPlan(tb, plan), mustInputs(tb, inputs))
	if err != nil {
		tb.Fatalf("eval: %v", err)
	}
	return st
}

// result returns the result of line id, failing when there is none.
func result(tb testing.TB, st *kpi.Evaluation, id string) decimal.Decimal {
	tb.Helper()
	l := st.Line(id)
	if l == nil {
		var ids []string
		for _, l := range st.Lines {
			ids = append(ids, l.ID)
		}
		tb.Fatalf("no line %s; lines: %s", id, strings.Join(ids, ", "))
	}
	return l.Result
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func equal(tb testing.TB, what string, got decimal.Decimal, want string) {
	tb.Helper()
	if !got.Equal(dec(want)) {
		tb.Errorf("%s = %s, want %s", what, got, want)
	}
}

// evalPlan reads a plan file.
func evalPlan(tb testing.TB, file string) *bonus.Plan {
	tb.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	return mustPlan(tb, string(b))
}
