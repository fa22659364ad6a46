package bonus_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"attain/calc/bonus"
	"attain/kpi"
)

const validPlan = `name: parse
score:
  kpis:
    - {kpi: revenue, weight: 60}
    - {kpi: quality, weight: 40}
components:
  - id: bonus
    kind: bonus
    target: 1000
    coefficient:
      scale:
        - {from: 80, to: 100, coefficient: 0.5, to_coefficient: 1}
        - {from: 100, coefficient: 1, slope: 1.5}
  - id: commission
    kind: commission
    kpi: revenue
    tiers:
      - {from: 0, to: 10000, rate: 5}
      - {from: 10000, to: 20000, rate: 7}
      - {from: 20000, rate: 10}
  - {id: gate, kind: gate, kpi: quality, min_attainment: 90, applies_to: [bonus]}
limits: {period_cap: 5000, year_cap: 40000}
clawback: {method: prorated, window_days: 90}
`

// problems returns "line column: reason" for every problem of err.
func problems(t *testing.T, err error, file string) []string {
	t.Helper()
	if got, want := kpi.ErrorCode(err), kpi.EINVALID; got != want {
		t.Fatalf("code = %q (%v), want %q", got, err, want)
	}
	var got []string
	for _, p := range kpi.ErrorDetails(err) {
		if p.File != file {
			t.Errorf("problem file = %q, want %q", p.File, file)
		}
		got = append(got, strings.TrimSpace(strings.Join([]string{strconv.Itoa(p.Line), p.Column + ":", p.Reason}, " ")))
	}
	return got
}

func TestParsePlanErrors(t *testing.T) {
	for _, tt := range []struct {
		name     string
		old, new string
		want     []string
	}{
		{"OK", "", "", nil},
		{"UnknownField", "    target: 1000\n", "    target: 1000\n    colour: red\n", []string{
			`10 : unknown field "colour"`,
		}},
		{"TiersNotAscending", "{from: 10000, to: 20000, rate: 7}", "{from: 10000, to: 8000, rate: 7}", []string{
			"19 components[1].tiers[1].to: tiers must be ascending: to 8000 is not above from 10000",
			"20 components[1].tiers[2].from: tiers must be ascending and contiguous: from 20000, want 8000 (the previous tier's to)",
		}},
		{"TiersGap", "{from: 20000, rate: 10}", "{from: 25000, rate: 10}", []string{
			"20 components[1].tiers[2].from: tiers must be ascending and contiguous: from 25000, want 20000 (the previous tier's to)",
		}},
		{"WeightsNot100", "weight: 40}", "weight: 30}", []string{
			"3 score.kpis: weights sum to 90, want 100",
		}},
		{"UnknownKind", "kind: commission", "kind: commision", []string{
			`15 components[1].kind: unknown component kind "commision": want bonus, commission or gate`,
		}},
		{"FieldOfOtherKind", "    target: 1000\n", "    target: 1000\n    rate: 5\n", []string{
			"10 components[0].rate: rate is not used by a bonus component",
		}},
		{"UnknownMethod", "    kpi: revenue\n    tiers:", "    kpi: revenue\n    method: stepped\n    tiers:", []string{
			`17 components[1].method: unknown method "stepped": want marginal, retroactive or running`,
		}},
		{"ScaleNotAscending", "{from: 100, coefficient: 1, slope: 1.5}", "{from: 90, coefficient: 1, slope: 1.5}", []string{
			"13 components[0].coefficient.scale[1].from: rows must be ascending and contiguous: from 90, want 100 (the previous row's to)",
		}},
		{"GateUnknownTarget", "applies_to: [bonus]", "applies_to: [bonuss]", []string{
			`21 components[2].applies_to[0]: no bonus or commission component "bonuss"`,
		}},
		{"ClawbackMethod", "method: prorated", "method: partial", []string{
			`23 clawback.method: unknown clawback method "partial": want full, prorated, share or unserved_months`,
		}},
		{"DuplicateID", "  - {id: gate,", "  - {id: bonus,", []string{
			`21 components[2].id: duplicate component id "bonus"`,
		}},
		{"YAMLSyntax", "    kind: bonus\n", "    kind: bonus: again\n", []string{
			"8 : mapping values are not allowed in this context",
		}},
		{"WrongType", "window_days: 90", "window_days: ninety", []string{
			"23 : cannot unmarshal !!str `ninety` into int",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := validPlan
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("plan has no %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			_, err := bonus.ParsePlan("plan.yaml", []byte(src))
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := problems(t, err, "plan.yaml"); !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

const validInputs = `employee: {id: e1, name: Test Rep, currency: EUR}
period: 2026-03
salary: 4000
kpis:
  - {kpi: revenue, actual: 24500, target: 22000}
  - {kpi: quality, actual: 2.5, target: 3, direction: lower}
reversed:
  - {key: D-1, paid: 100, days_stayed: 10}
  - {key: D-2, paid: 50, won: 2026-01-10, reversed: 2026-03-02}
`

func TestParseInputsErrors(t *testing.T) {
	for _, tt := range []struct {
		name     string
		old, new string
		want     []string
	}{
		{"OK", "", "", nil},
		{"UnknownField", "salary: 4000\n", "salary: 4000\nbonus: 12\n", []string{
			`4 : unknown field "bonus"`,
		}},
		{"BadPeriod", "period: 2026-03", "period: March", []string{
			`2 period: Cannot read period "March": want 2017-06-03, 2017-W22, 2017-06, 2017-Q2, 2017 or 2017-06-01..2017-06-21.`,
		}},
		{"BadDirection", "direction: lower", "direction: down", []string{
			`6 kpis[1].direction: unknown direction "down": want higher or lower`,
		}},
		{"DuplicateReversal", "{key: D-2,", "{key: D-1,", []string{
			"9 reversed[1].key: record D-1 is listed twice",
		}},
		{"NoCurrency", "currency: EUR}", "currency: }", []string{
			"1 employee.currency: the employee needs a currency (ISO 4217, like EUR)",
		}},
		{"BadDate", "won: 2026-01-10", "won: 2026-13-10", []string{
			`9 : not a date (want YYYY-MM-DD): "2026-13-10"`,
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := validInputs
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("inputs have no %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			_, err := bonus.ParseInputs("inputs.yaml", []byte(src))
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := problems(t, err, "inputs.yaml"); !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestEvalMismatch(t *testing.T) {
	plan := mustPlan(t, "name: eur\ncurrency: EUR\ncomponents:\n  - {id: c, kind: commission, kpi: sales, rate: 5}\n")
	for _, tt := range []struct{ name, inputs, want string }{
		{"Currency", "employee: {id: e1, currency: USD}\nperiod: 2026-03\nkpis: [{kpi: sales, actual: 1}]\n", `Plan "eur" has amounts in EUR; employee e1 is paid in USD and the plan states no exchange rate (fx.rates).`},
		{"MissingKPI", "employee: {id: e1, currency: EUR}\nperiod: 2026-03\n", "Commission c pays on KPI sales: the inputs have no actual for it."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bonus.Eval(plan, mustInputs(t, tt.inputs))
			if kpi.ErrorCode(err) != kpi.EINVALID || kpi.ErrorMessage(err) != tt.want {
				t.Errorf("err = %v, want EINVALID %q", err, tt.want)
			}
		})
	}
}
