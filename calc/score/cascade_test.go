package score_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

func TestCascade(t *testing.T) {
	org := &kpi.Org{
		Units: []*kpi.OrgUnit{
			{ID: "team-b", ParentID: "sales"},
			{ID: "sales"},
			{ID: "team-a", ParentID: "sales"},
		},
		Employees: []*kpi.Employee{
			{ID: "e2", UnitID: "team-a"}, {ID: "e1", UnitID: "team-a"},
			{ID: "e3", UnitID: "team-b"}, {ID: "e4", UnitID: "team-b"},
		},
	}
	unit := func(id string) kpi.Subject { return kpi.Subject{Kind: kpi.SubjectUnit, ID: id} }
	emp := func(id string) kpi.Subject { return kpi.Subject{Kind: kpi.SubjectEmployee, ID: id} }
	targets := map[kpi.Subject]decimal.Decimal{
		unit("sales"):  dec("1000"),
		unit("team-a"): dec("600"),
		unit("team-b"): dec("400"),
		emp("e1"):      dec("300"),
		emp("e2"):      dec("300"),
		emp("e3"):      dec("250"), // e4 has none
	}
	roots := score.Tree(org)
	if len(roots) != 1 || len(roots[0].Children) != 2 || roots[0].Children[0].Subject != unit("team-a") ||
		roots[0].Children[0].Children[0].Subject != emp("e1") {
		t.Fatalf("tree = %+v", roots)
	}
	var got []string
	for _, c := range score.Cascade(roots, targets, nil) {
		got = append(got, fmt.Sprintf("%s %s/%s diff %s missing %v agrees %t", c.Unit.ID, c.Target, c.Sum, c.Difference, c.Missing, c.Agrees))
	}
	want := []string{
		"sales 1000/1000 diff 0 missing [] agrees true",
		"team-a 600/600 diff 0 missing [] agrees true",
		"team-b 400/250 diff 150 missing [employee:e4] agrees false",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Cascade =\n%s\nwant\n%s", got, want)
	}

	targets[unit("sales")] = dec("1100")
	delete(targets, unit("team-a"))
	var bad []string
	for _, c := range score.Disagreements(score.Cascade(roots, targets, nil)) {
		bad = append(bad, fmt.Sprintf("%s null %t diff %s", c.Unit.ID, c.Null, c.Difference))
	}
	if got, want := fmt.Sprint(bad), "[sales null false diff 700 team-a null true diff 0 team-b null false diff 150]"; got != want {
		t.Errorf("Disagreements = %s, want %s", got, want)
	}

	// A unit where nothing is planned, neither its own target nor any
	// below, is not a disagreement; its parent still sees the gap.
	delete(targets, emp("e1"))
	delete(targets, emp("e2"))
	bad = nil
	for _, c := range score.Disagreements(score.Cascade(roots, targets, nil)) {
		bad = append(bad, fmt.Sprintf("%s missing %v", c.Unit.ID, c.Missing))
	}
	if got, want := fmt.Sprint(bad), "[sales missing [unit:team-a] team-b missing [employee:e4]]"; got != want {
		t.Errorf("Disagreements without team-a's plan = %s, want %s", got, want)
	}
}

// TestCascadeByDesign: a manager (m, in team-a) and a department that does
// not sell (ops) carry no target by design; they are listed as such, not
// as missing, and team-a agrees as its difference says.
func TestCascadeByDesign(t *testing.T) {
	org := &kpi.Org{
		Units: []*kpi.OrgUnit{{ID: "co"}, {ID: "sales", ParentID: "co"}, {ID: "team-a", ParentID: "sales"}, {ID: "ops", ParentID: "co"}},
		Employees: []*kpi.Employee{
			{ID: "e1", UnitID: "team-a"}, {ID: "e2", UnitID: "team-a"}, {ID: "m", UnitID: "team-a"},
			{ID: "o1", UnitID: "ops"}, {ID: "boss", UnitID: "co"},
		},
	}
	unit := func(id string) kpi.Subject { return kpi.Subject{Kind: kpi.SubjectUnit, ID: id} }
	emp := func(id string) kpi.Subject { return kpi.Subject{Kind: kpi.SubjectEmployee, ID: id} }
	targets := map[kpi.Subject]decimal.Decimal{
		unit("co"): dec("660"), unit("sales"): dec("600"), unit("team-a"): dec("600"),
		emp("e1"): dec("300"), emp("e2"): dec("300"),
	}
	sellers := map[string]bool{"e1": true, "e2": true}
	carries := func(s kpi.Subject) bool { return sellers[s.ID] }
	var got []string
	for _, c := range score.Cascade(score.Tree(org), targets, carries) {
		got = append(got, fmt.Sprintf("%s %s diff %s missing %v by design %v agrees %t: %s", c.Unit.ID, c.Status, c.Difference, c.Missing, c.ByDesign, c.Agrees, c.Reason))
	}
	want := []string{
		"co differs diff 60 missing [] by design [unit:ops employee:boss] agrees false: its target 660 is not the 600 its children's add up to; 2 carry none by design",
		"ops not_planned diff 0 missing [] by design [employee:o1] agrees false: nobody in it carries a target of this KPI; 1 carry none by design",
		"sales agrees diff 0 missing [] by design [] agrees true: its target 600 is the sum of its children's",
		"team-a agrees diff 0 missing [] by design [employee:m] agrees true: its target 600 is the sum of its children's; 1 carry none by design",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Cascade =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// e2 is meant to carry one: without it, team-a is missing it.
	delete(targets, emp("e2"))
	var bad []string
	for _, c := range score.Disagreements(score.Cascade(score.Tree(org), targets, carries)) {
		bad = append(bad, fmt.Sprintf("%s %s %v", c.Unit.ID, c.Status, c.Missing))
	}
	if got, want := fmt.Sprint(bad), "[co differs [] team-a missing [employee:e2]]"; got != want {
		t.Errorf("Disagreements = %s, want %s", got, want)
	}
}

func TestAdditive(t *testing.T) {
	for _, tt := range []struct {
		k    kpi.KPI
		want bool
	}{
		{kpi.KPI{Aggregation: kpi.Count}, true},
		{kpi.KPI{Aggregation: kpi.Sum}, true},
		{kpi.KPI{Aggregation: kpi.Avg}, false},
		{kpi.KPI{Aggregation: kpi.Median}, false},
		{kpi.KPI{Aggregation: kpi.CountDistinct}, false},
		{kpi.KPI{Formula: "won / (won + lost)"}, false},
	} {
		if got := score.Additive(&tt.k); got != tt.want {
			t.Errorf("Additive(%+v) = %t, want %t", tt.k, got, tt.want)
		}
	}
}
