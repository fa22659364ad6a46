package score

import (
	"cmp"
	"slices"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Node is a unit or a person in the org tree; a unit's Children are its
// child units and its members.
type Node struct {
	Subject  kpi.Subject `json:"subject"`
	Children []*Node     `json:"children,omitempty"`
}

// Tree builds the org tree of org: the root units, each with its child
// units (by ID) and then its employees (by ID).
func Tree(org *kpi.Org) []*Node {
	nodes := map[string]*Node{}
	for _, u := range org.Units {
		nodes[u.ID] = &Node{Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}}
	}
	units := slices.Clone(org.Units)
	slices.SortFunc(units, func(a, b *kpi.OrgUnit) int { return cmp.Compare(a.ID, b.ID) })
	var roots []*Node
	for _, u := range units {
		if parent, ok := nodes[u.ParentID]; ok && u.ParentID != "" {
			parent.Children = append(parent.Children, nodes[u.ID])
		} else {
			roots = append(roots, nodes[u.ID])
		}
	}
	emps := slices.Clone(org.Employees)
	slices.SortFunc(emps, func(a, b *kpi.Employee) int { return cmp.Compare(a.ID, b.ID) })
	for _, e := range emps {
		if unit, ok := nodes[e.UnitID]; ok {
			unit.Children = append(unit.Children, &Node{Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}})
		}
	}
	return roots
}

// Check compares a unit's own target with the sum of its children's.
type Check struct {
	Unit kpi.Subject `json:"unit"`
	// Target is the unit's own target; Null when it has none.
	Target decimal.Decimal `json:"target"`
	Null   bool            `json:"null,omitempty"`
	// Sum adds the targets of the children that have one; Missing lists
	// those that have none.
	Sum      decimal.Decimal `json:"sum"`
	Children int             `json:"children"`
	Missing  []kpi.Subject   `json:"missing,omitempty"`
	// Difference is Target − Sum (zero when the unit has no target):
	// positive means the children's targets fall short of the unit's.
	Difference decimal.Decimal `json:"difference"`
	Agrees     bool            `json:"agrees"`
}

// Cascade checks every unit of the trees rooted at roots, parents before
// children: its own target against the sum of its child units' and members'
// targets. A unit agrees when it has a target, every child has one, and
// they add up to it exactly. Targets are for one KPI and one period, and
// the check only means something for an additive KPI (see Additive): a
// team's average deal size is not the sum of its people's.
func Cascade(roots []*Node, targets map[kpi.Subject]decimal.Decimal) []Check {
	var out []Check
	var walk func(n *Node)
	walk = func(n *Node) {
		if n.Subject.Kind != kpi.SubjectUnit {
			return
		}
		c := Check{Unit: n.Subject, Children: len(n.Children)}
		t, ok := targets[n.Subject]
		c.Target, c.Null = t, !ok
		for _, ch := range n.Children {
			if t, ok := targets[ch.Subject]; ok {
				c.Sum = c.Sum.Add(t)
			} else {
				c.Missing = append(c.Missing, ch.Subject)
			}
		}
		if !c.Null {
			c.Difference = c.Target.Sub(c.Sum)
		}
		c.Agrees = !c.Null && len(c.Missing) == 0 && c.Difference.IsZero()
		out = append(out, c)
		for _, ch := range n.Children {
			walk(ch)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}

// Disagreements keeps the checks that do not agree, leaving out units
// where nothing is planned at all: no target of their own and none below.
func Disagreements(checks []Check) []Check {
	var out []Check
	for _, c := range checks {
		unplanned := c.Null && len(c.Missing) == c.Children
		if !c.Agrees && !unplanned {
			out = append(out, c)
		}
	}
	return out
}

// Additive reports whether a KPI's values add up across people and days
// (a count or a sum), so that a unit's target can be the sum of its
// members' and pace can compare a running total. Averages, medians,
// percentiles, minima, maxima, distinct counts and formulas do not.
func Additive(k *kpi.KPI) bool {
	agg, ok := kpi.AggregationOf(k.Aggregation)
	return !k.IsFormula() && ok && agg.Additive
}
