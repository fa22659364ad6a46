package review

import (
	"context"

	"attain/kpi"
)

// TeamCards are the cards of a unit's page: the unit's own, its child
// units' and its people's, all scored from one read of their targets and
// values (see prefetch), which Series then answers from as well.
type TeamCards struct {
	Unit *Card
	// Children are the units right below, in the org's order, and
	// ChildCards their cards (nil for a unit no template fits).
	Children   []*kpi.OrgUnit
	ChildCards []*Card
	// People are the cards of the employees in the unit and the units
	// below who have a template, in the org's order.
	People []*Card
	// Names are the unit's and its people's names.
	Names map[kpi.Subject]string
	read  *prefetched
}

// Team returns the cards of a unit, of its child units and of its
// people for period p, each the card Scorecard gives, reading the targets
// and values of all of them in one query each instead of one per card.
func (s *Service) Team(ctx context.Context, unitID string, p kpi.Period) (*TeamCards, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	return s.team(ctx, e, unitID, p, "", true)
}

// team scores the unit's card with template (the rest with their own)
// and, with children, the cards of the units right below it.
func (s *Service) team(ctx context.Context, e *env, unitID string, p kpi.Period, template string, children bool) (*TeamCards, error) {
	unit := kpi.Subject{Kind: kpi.SubjectUnit, ID: unitID}
	tc := &TeamCards{Names: map[kpi.Subject]string{}}
	subjects := []kpi.Subject{unit}
	for _, u := range e.org.Units {
		if u.ID == unitID {
			tc.Names[unit] = u.Name
		}
		if children && u.ParentID == unitID {
			tc.Children = append(tc.Children, u)
			subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID})
		}
	}
	if _, ok := tc.Names[unit]; !ok {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Org unit %q not found.", unitID)
	}
	members := e.members(unitID)
	for _, m := range members {
		subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectEmployee, ID: m.ID})
	}
	pre, err := s.prefetch(ctx, e, subjects, p)
	if err != nil {
		return nil, err
	}
	tc.read = pre
	cards := make([]*Card, len(subjects))
	err = parallel(len(subjects), func(i int) error {
		tmpl := ""
		if i == 0 {
			tmpl = template
		}
		c, err := s.cardWith(ctx, e, subjects[i], p, tmpl, false, pre)
		if i > 0 && kpi.ErrorCode(err) == kpi.ENOTFOUND {
			return nil // no template: nothing to score
		}
		cards[i] = c
		return err
	})
	if err != nil {
		return nil, err
	}
	tc.Unit = cards[0]
	tc.ChildCards = cards[1 : 1+len(tc.Children)]
	for i, c := range cards[1+len(tc.Children):] {
		if c != nil {
			tc.Names[c.Subject] = members[i].Name
			tc.People = append(tc.People, c)
		}
	}
	return tc, nil
}

// Series returns the values and targets of the KPIs names of subjects
// over the periods of p's grain from from to p's end, as Values and
// FindTargets give them, from what the cards read; ok is false when the
// cards did not read all of them (a quarter's cards read fewer than 12
// quarters back), and the caller reads them itself.
func (tc *TeamCards) Series(names []string, subjects []kpi.Subject, from, to kpi.Date) (vals []kpi.KPIValue, targets []*kpi.Target, ok bool) {
	return tc.read.series(names, subjects, from, to)
}
