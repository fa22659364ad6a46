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
