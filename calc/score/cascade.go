package score

import (
	"cmp"
	"fmt"
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

// Statuses of a cascade Check.
const (
	CascadeAgrees     = "agrees"      // the unit's target is the sum of its children's, all there
	CascadeDiffers    = "differs"     // the difference is not 0
	CascadeMissing    = "missing"     // children meant to carry a target have none
	CascadeNoTarget   = "no_target"   // the unit has none, though targets are set below it
	CascadeNotPlanned = "not_planned" // no target in or below the unit: by design, or not yet
)

// Check compares a unit's own target with the sum of its children's.
type Check struct {
	Unit kpi.Subject `json:"unit"`
	// Target is the unit's own target; Null when it has none.
	Target decimal.Decimal `json:"target"`
	Null   bool            `json:"null,omitempty"`
	// Sum adds the targets of the children that have one; Missing lists
	// those meant to carry one that have none, and ByDesign those that by
	// design carry none (a manager, a department that does not sell; see
	// Cascade).
	Sum      decimal.Decimal `json:"sum"`
	Children int             `json:"children"`
	Missing  []kpi.Subject   `json:"missing,omitempty"`
	ByDesign []kpi.Subject   `json:"by_design,omitempty"`
	// Difference is Target − Sum (zero when the unit has no target):
	// positive means the children's targets fall short of the unit's.
	Difference decimal.Decimal `json:"difference"`
	// Agrees is what the difference says: the unit has a target, it is
	// the sum of its children's, and no child meant to carry one lacks it
	// (Status agrees).
	Agrees bool   `json:"agrees"`
	Status string `json:"status"`
	Reason string `json:"reason"` // the status in words
}

// Cascade checks every unit of the trees rooted at roots, parents before
// children: its own target against the sum of its child units' and
// members' targets. carries says whether an employee is meant to carry a
// target of the KPI (their scorecard scores it against their own target,
// and they are employed in the period); nil means everyone. A unit is
// meant to when someone in it is, or a target is set in or below it. A
// child without a target that is not meant to carry one is listed under
// ByDesign, not Missing, and is no disagreement; a unit with no target in
// or below it is not planned. Targets are for one KPI and one period, and
// the check only means something for an additive KPI (see Additive): a
// team's average deal size is not the sum of its people's.
func Cascade(roots []*Node, targets map[kpi.Subject]decimal.Decimal, carries func(employee kpi.Subject) bool) []Check {
	// planned: a target in or below n; meant: someone in n carries.
	planned, meant := map[*Node]bool{}, map[*Node]bool{}
	var mark func(n *Node)
	mark = func(n *Node) {
		_, has := targets[n.Subject]
		planned[n] = has
		if n.Subject.Kind != kpi.SubjectUnit {
			meant[n] = has || carries == nil || carries(n.Subject)
			return
		}
		for _, ch := range n.Children {
			mark(ch)
			planned[n] = planned[n] || planned[ch]
			meant[n] = meant[n] || meant[ch]
		}
		meant[n] = meant[n] || planned[n]
	}
	for _, r := range roots {
		mark(r)
	}
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
			switch t, ok := targets[ch.Subject]; {
			case ok:
				c.Sum = c.Sum.Add(t)
			case meant[ch]:
				c.Missing = append(c.Missing, ch.Subject)
			default:
				c.ByDesign = append(c.ByDesign, ch.Subject)
			}
		}
		if !c.Null {
			c.Difference = c.Target.Sub(c.Sum)
		}
		switch {
		case !planned[n] && !meant[n]:
			c.Status, c.Reason = CascadeNotPlanned, "nobody in it carries a target of this KPI"
		case !planned[n]:
			c.Status, c.Reason = CascadeNotPlanned, "no target is set in it yet"
		case c.Null:
			c.Status, c.Reason = CascadeNoTarget, fmt.Sprintf("no target of its own; its children's add up to %s", c.Sum)
		case len(c.Missing) > 0:
			c.Status, c.Reason = CascadeMissing, fmt.Sprintf("%d of its children meant to carry a target have none", len(c.Missing))
		case !c.Difference.IsZero():
			c.Status, c.Reason = CascadeDiffers, fmt.Sprintf("its target %s is not the %s its children's add up to", c.Target, c.Sum)
		default:
			c.Status, c.Reason = CascadeAgrees, fmt.Sprintf("its target %s is the sum of its children's", c.Target)
		}
		if len(c.ByDesign) > 0 {
			c.Reason += fmt.Sprintf("; %d carry none by design", len(c.ByDesign))
		}
		c.Agrees = c.Status == CascadeAgrees
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
// that are not planned: no target in or below them.
func Disagreements(checks []Check) []Check {
	var out []Check
	for _, c := range checks {
		if c.Status != CascadeAgrees && c.Status != CascadeNotPlanned {
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
