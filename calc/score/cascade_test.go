package score_test

import (
	"fmt"
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
	for _, c := range score.Cascade(roots, targets) {
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
	for _, c := range score.Disagreements(score.Cascade(roots, targets)) {
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
	for _, c := range score.Disagreements(score.Cascade(roots, targets)) {
		bad = append(bad, fmt.Sprintf("%s missing %v", c.Unit.ID, c.Missing))
	}
	if got, want := fmt.Sprint(bad), "[sales missing [unit:team-a] team-b missing [employee:e4]]"; got != want {
		t.Errorf("Disagreements without team-a's plan = %s, want %s", got, want)
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
