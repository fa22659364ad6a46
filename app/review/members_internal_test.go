package review

import (
	"testing"

	"attain/kpi"
)

// TestMembersCycle: a unit's members are found, and the walk up ends, when
// the org has a cycle (a unit above itself) that the unit is not in.
func TestMembersCycle(t *testing.T) {
	e := &env{org: kpi.Org{
		Units: []*kpi.OrgUnit{{ID: "a", ParentID: "b"}, {ID: "b", ParentID: "a"}, {ID: "c", ParentID: "b"}, {ID: "d"}},
		Employees: []*kpi.Employee{
			{ID: "x", UnitID: "c"}, {ID: "y", UnitID: "d"}, {ID: "z", UnitID: "a"}},
	}}
	e.indexOrg()
	for unit, want := range map[string]int{"a": 2, "b": 2, "c": 1, "d": 1, "none": 0} {
		if got := e.members(unit); len(got) != want {
			t.Errorf("members of %s: %d, want %d", unit, len(got), want)
		}
	}
}
