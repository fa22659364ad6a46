package review

import (
	"context"

	"attain/kpi"
)

// prefetched holds the targets the cards of many subjects for one period
// read, from one query instead of one a card: the targets of the KPIs of
// names (the union of the subjects' templates) over the periods a card
// reads (history), in FindTargets' order.
type prefetched struct {
	p       kpi.Period
	names   map[string]bool
	targets map[kpi.Subject][]*kpi.Target
}

// prefetch reads the targets of the cards of subjects for period p (their
// own templates, as an employee's card has it).
func (s *Service) prefetch(ctx context.Context, e *env, subjects []kpi.Subject, p kpi.Period) (*prefetched, error) {
	pre := &prefetched{p: p, names: map[string]bool{}, targets: make(map[kpi.Subject][]*kpi.Target, len(subjects))}
	var names []string
	for _, subj := range subjects {
		pre.targets[subj] = nil
		t, err := e.template(subj, "", p.From)
		if err != nil {
			continue // the card says why
		}
		for _, it := range t.Items {
			if !pre.names[it.KPI] {
				pre.names[it.KPI] = true
				names = append(names, it.KPI)
			}
		}
	}
	if len(names) == 0 || len(subjects) == 0 {
		return pre, nil
	}
	periods := history(p)
	ts, err := s.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: names, Subjects: subjects, Grain: p.Grain, From: periods[0].From, To: p.To})
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		pre.targets[t.Subject] = append(pre.targets[t.Subject], t)
	}
	return pre, nil
}

// targetsOf returns what FindTargets gives for the card of subj for p
// over names, if pre holds it.
func (pre *prefetched) targetsOf(subj kpi.Subject, p kpi.Period, names []string) ([]*kpi.Target, bool) {
	if pre == nil || pre.p != p {
		return nil, false
	}
	all, ok := pre.targets[subj]
	if !ok {
		return nil, false
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		if !pre.names[n] {
			return nil, false
		}
		want[n] = true
	}
	var out []*kpi.Target
	for _, t := range all {
		if want[t.KPI] {
			out = append(out, t)
		}
	}
	return out, true
}
