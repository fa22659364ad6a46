package attainyaml_test

import (
	"strings"
	"testing"

	"attain/attainyaml"
	"attain/kpi"
)

const plansBase = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string}
      - {name: rep, type: string}
      - {name: amount, type: money}
      - {name: closed_on, type: date}
kpis:
  - {name: won_value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount}
`

func TestBonusPlans(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		defs, err := attainyaml.Load("attain.yaml", []byte(plansBase+`
bonus_plans:
  - name: reps
    plan:
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
    assign:
      - {position: rep, to: 2026-03-15}
      - {employee: ann, from: 2026-01-01}
  - name: reps-2026
    plan:
      name: Reps from mid-March
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 12}
    assign:
      - {position: rep, from: 2026-03-16}
`))
		if err != nil {
			t.Fatal(err)
		}
		if len(defs.BonusPlans) != 2 || !strings.Contains(string(defs.BonusPlans[0].Plan), `"name":"reps"`) {
			t.Fatalf("plans: %+v", defs.BonusPlans)
		}
		rep := &kpi.Employee{ID: "bob", Position: "rep"}
		ann := &kpi.Employee{ID: "ann", Position: "rep"}
		d := func(s string) kpi.Date { v, _ := kpi.ParseDate(s); return v }
		for _, c := range []struct {
			emp  *kpi.Employee
			day  string
			want string
		}{{rep, "2026-03-15", "reps"}, {rep, "2026-03-16", "reps-2026"}, {ann, "2026-03-16", "reps"}, {&kpi.Employee{ID: "x", Position: "intern"}, "2026-03-01", ""}} {
			if got := defs.PlanOn(c.emp, d(c.day)); got != c.want {
				t.Errorf("plan of %s on %s = %q, want %q", c.emp.ID, c.day, got, c.want)
			}
		}
		out, err := attainyaml.Marshal(defs)
		if err != nil {
			t.Fatal(err)
		}
		again, err := attainyaml.Load("again.yaml", out)
		if err != nil {
			t.Fatalf("marshalled file does not load: %v\n%s", err, out)
		}
		if string(again.BonusPlans[1].Plan) != string(defs.BonusPlans[1].Plan) {
			t.Errorf("round trip: %s, want %s", again.BonusPlans[1].Plan, defs.BonusPlans[1].Plan)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := attainyaml.Load("attain.yaml", []byte(plansBase+`
bonus_plans:
  - name: reps
    plan:
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
        - {id: gate, kind: gate, kpi: win_rate, min_actual: 20}
    assign:
      - {position: rep}
      - {position: rep, from: 2026-01-01}
      - {position: lead, employee: ann}
  - name: broken
    plan:
      components:
        - {id: c, kind: commission, kpi: won_value, tiers: [{from: 0, to: 10, rate: 1}, {from: 20, rate: 2}]}
    assign:
      - {employee: "a b"}
`))
		if kpi.ErrorCode(err) != kpi.EINVALID {
			t.Fatalf("err = %v", err)
		}
		msg := err.Error()
		for _, want := range []string{
			"attain.yaml:17: column bonus_plans[reps].plan value \"win_rate\": the plan reads KPI win_rate, which is not defined",
			"attain.yaml:23: column bonus_plans[reps].assign[1] value \"position rep\": overlaps the assignment of position rep to plan reps",
			"bonus_plans[reps].assign[2]: an assignment names a position or an employee, one of them",
			"attain.yaml:28: column bonus_plans[broken].plan.components[0].tiers[1].from",
			"bonus_plans[broken].assign[0].employee value \"a b\": not an employee id",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("error lacks %q:\n%s", want, msg)
			}
		}
	})
}

// The conditions of per-record rules and a projection's expressions are
// checked against the KPI's dataset when attain.yaml is read, each problem
// on its own line with the place in the expression.
func TestBonusPlanRecordRules(t *testing.T) {
	_, err := attainyaml.Load("attain.yaml", []byte(plansBase+`  - {name: margin, unit: percent, direction: higher, formula: won_value / won_value}
bonus_plans:
  - name: reps
    plan:
      components:
        - id: deals
          kind: commission
          kpi: won_value
          per: record
          rate: 5
          rates:
            - {when: 'amount > 1000', rate: 6}
            - {when: 'product == "X"', rate: 7}
          multipliers:
            - {factor: 2, when: 'amount >'}
        - {id: ratio, kind: commission, kpi: margin, per: record, rate: 1}
      projection: {kpi: won_value, open: 'stage == "Open"', value: amount, stage: stage}
      clawback: {method: unserved_months, contract_field: term}
    assign:
      - {position: rep}
`))
	if kpi.ErrorCode(err) != kpi.EINVALID {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`attain.yaml:26: column bonus_plans[reps].plan.components[0].rates[1].when value "product == \"X\"": on the records of won_value (dataset deals): 1:1:`,
		`attain.yaml:28: column bonus_plans[reps].plan.components[0].multipliers[0].when value "amount >": on the records of won_value (dataset deals): 1:8:`,
		`attain.yaml:29: column bonus_plans[reps].plan.components[1].kpi value "margin": KPI margin is a formula, with no records of its own`,
		`attain.yaml:30: column bonus_plans[reps].plan.projection.open value "stage == \"Open\"": on dataset deals: 1:1:`,
		`attain.yaml:30: column bonus_plans[reps].plan.projection.stage value "stage": dataset deals has no column stage`,
		`attain.yaml:31: column bonus_plans[reps].plan.clawback.contract_field value "term": dataset deals (of KPI won_value) has no column term`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "rates[0]") {
		t.Errorf("a valid condition is reported:\n%s", msg)
	}
}
