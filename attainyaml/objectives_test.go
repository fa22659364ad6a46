package attainyaml_test

import (
	"strings"
	"testing"

	"attain/attainyaml"
	"attain/kpi"
)

const objectivesBase = `
datasets:
  - name: deals
    key: id
    owner: rep
    columns:
      - {name: id, type: string}
      - {name: rep, type: string}
      - {name: closed_on, type: date}
kpis:
  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count}
scorecards:
  - name: rep
    position: rep
    items:
      - {kpi: won, weight: 100, basis: fixed, threshold: 1, target: 2, stretch: 3, objective: nope}
`

// TestObjectivesProblems: every problem of the objectives section is
// reported at once, on its line.
func TestObjectivesProblems(t *testing.T) {
	doc := objectivesBase + `objectives:
  - id: a
    title: A
    period: 2026
    parent: b
    measures:
      - {kpi: lost, target: 5, weight: 1}
  - id: b
    title: B
    period: 20x6
    parent: a
  - id: Bad Id
    title: ""
    period: 2026
    measures:
      - {kpi: won, target: -1, weight: 0}
`
	_, err := attainyaml.LoadFile("a.yaml", []byte(doc))
	e, ok := err.(*kpi.Error)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	want := map[string]int{ // column → line (the document starts with an empty line)
		"objectives[a].measures[0].kpi":         23,
		"objectives[1].period":                  26,
		"objectives[a].parent":                  0, // a loop: on the parent's line
		"objectives[Bad Id].id":                 28,
		"objectives[Bad Id].title":              29,
		"objectives[Bad Id].measures[0].weight": 32,
		"objectives[Bad Id].measures[0].target": 32,
		"scorecards[rep].items[0].objective":    16,
	}
	got := map[string]int{}
	for _, p := range e.Details {
		got[p.Column] = p.Line
	}
	for col, line := range want {
		l, ok := got[col]
		switch {
		case !ok:
			t.Errorf("no problem at %s; got %v", col, e.Details)
		case line != 0 && l != line:
			t.Errorf("%s on line %d, want %d", col, l, line)
		}
	}
	// Without an objectives section, an item's objective is not checked.
	if _, err := attainyaml.LoadFile("b.yaml", []byte(objectivesBase)); err != nil && strings.Contains(err.Error(), "objective") {
		t.Errorf("no objectives section: %v", err)
	}
}

// TestGuardrailsOwnership: a guardrail row reads mandatory and a weight
// range; a range outside 0..100, a min above the max and a range on the
// default row are problems; an optional scorecard item is read, and its
// weight is not in the 100.
func TestGuardrailsOwnership(t *testing.T) {
	base := strings.Replace(objectivesBase, ", objective: nope}", "}", 1)
	base = strings.Replace(base, "    owner: rep\n", "    owner: rep\n    time_columns: [closed_on]\n", 1)
	base = strings.Replace(base, "  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count}\n",
		"  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count}\n  - {name: all, unit: count, direction: higher, dataset: deals, aggregation: count}\n", 1)
	base = strings.Replace(base, "stretch: 3}\n", "stretch: 3}\n      - {kpi: all, weight: 10, basis: fixed, threshold: 1, target: 2, stretch: 3, optional: true}\n", 1)
	f, err := attainyaml.LoadFile("a.yaml", []byte(base+`guardrails:
  - {kpi: "", max_change: 10, floor: 80}
  - {kpi: won, max_change: 5, floor: 90, mandatory: true, min_weight: 20, max_weight: 40.5}
`))
	if err != nil {
		t.Fatal(err)
	}
	gs := *f.Strategy.Guardrails
	if len(gs) != 2 || !gs[1].Mandatory || gs[1].MinWeight.String() != "20" || gs[1].MaxWeight.String() != "40.5" || gs[0].MinWeight != nil {
		t.Errorf("guardrails = %+v", gs)
	}
	if it := f.Definitions.Scorecards[0].Items; len(it) != 2 || !it[1].Optional {
		t.Errorf("items = %+v", it)
	}
	// A KPI's row that gives only a weight range keeps the default row's
	// max_change and floor, or the built-in ones without a default row.
	for file, want := range map[string]string{
		"guardrails:\n  - {kpi: \"\", max_change: 7, floor: 70}\n  - {kpi: all, min_weight: 5, max_weight: 15}\n": "7/70",
		"guardrails:\n  - {kpi: all, min_weight: 5, max_weight: 15, floor: 95}\n":                                 "10/95",
	} {
		f, err := attainyaml.LoadFile("c.yaml", []byte(base+file))
		if err != nil {
			t.Fatal(err)
		}
		gs := *f.Strategy.Guardrails
		if g := gs[len(gs)-1]; g.MaxChange.String()+"/"+g.Floor.String() != want || g.MinWeight.String() != "5" {
			t.Errorf("%s: the row of all = %+v, want max_change/floor %s", file, g, want)
		}
	}
	_, err = attainyaml.LoadFile("b.yaml", []byte(base+`guardrails:
  - {kpi: "", max_change: 10, floor: 80, min_weight: 5}
  - {kpi: won, max_change: 5, floor: 90, min_weight: 50, max_weight: 40}
  - {kpi: all, max_change: 5, floor: 90, max_weight: 101}
`))
	e, ok := err.(*kpi.Error)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	got := map[string]bool{}
	for _, p := range e.Details {
		got[p.Column] = true
	}
	for _, col := range []string{"guardrails[0].kpi", "guardrails[1].min_weight", "guardrails[2].max_weight"} {
		if !got[col] {
			t.Errorf("no problem at %s; got %v", col, e.Details)
		}
	}
}
