package app

import (
	"testing"

	"attain/kpi"
)

// TestOrgCycle: a unit's path and its members stop on a cycle in the org
// (a unit above itself) instead of looping.
func TestOrgCycle(t *testing.T) {
	units := []*kpi.OrgUnit{
		{ID: "a", ParentID: "b"},
		{ID: "b", ParentID: "a"},
		{ID: "c", ParentID: "b"},
		{ID: "d"},
	}
	byID := map[string]*kpi.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	path := pathTo(byID, byID["c"])
	var got []string
	for _, u := range path {
		got = append(got, u.ID)
	}
	if len(got) != 3 || got[2] != "c" {
		t.Errorf("path to c = %v, want the cycle's two units, then c", got)
	}
	org := &kpi.Org{Units: units, Employees: []*kpi.Employee{
		{ID: "x", Name: "X", UnitID: "c"}, {ID: "y", Name: "Y", UnitID: "d"}, {ID: "z", Name: "Z", UnitID: "a"}}}
	for unit, want := range map[string]int{"a": 2, "c": 1, "d": 1} {
		if got := unitMembers(org, unit); len(got) != want {
			t.Errorf("members of %s: %d, want %d", unit, len(got), want)
		}
	}
}
