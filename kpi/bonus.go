package kpi

import "encoding/json"

// BonusPlan is a bonus plan of attain.yaml with whom it applies to. Plan is
// the plan document (package bonus's Plan) as JSON; package bonus parses
// and evaluates it, kpi only stores it.
type BonusPlan struct {
	Name   string           `json:"name"`
	Plan   json.RawMessage  `json:"plan"`
	Assign []PlanAssignment `json:"assign"`
}

// PlanAssignment gives a plan to everyone holding a position, or to one
// employee, from From to To (inclusive; nil: open). An employee's own
// assignment beats their position's.
type PlanAssignment struct {
	Position string `json:"position,omitempty"`
	Employee string `json:"employee,omitempty"`
	From     *Date  `json:"from,omitempty"`
	To       *Date  `json:"to,omitempty"`
}

// Covers reports whether a is in effect on d.
func (a PlanAssignment) Covers(d Date) bool {
	return (a.From == nil || *a.From <= d) && (a.To == nil || d <= *a.To)
}

// BonusPlan returns the named plan or nil.
func (d *Definitions) BonusPlan(name string) *BonusPlan {
	for _, p := range d.BonusPlans {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// PlanOn returns the name of the plan in effect for e on day d, "" if none:
// an assignment to the employee first, then one to their position.
func (d *Definitions) PlanOn(e *Employee, day Date) string {
	pos := ""
	for _, p := range d.BonusPlans {
		for _, a := range p.Assign {
			if !a.Covers(day) {
				continue
			}
			if a.Employee != "" && a.Employee == e.ID {
				return p.Name
			}
			if a.Position != "" && a.Position == e.Position && pos == "" {
				pos = p.Name
			}
		}
	}
	return pos
}
