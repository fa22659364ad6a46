package review

import (
	"context"

	"attain/calc/score"
	"attain/kpi"
)

// prefetched holds what the cards of many subjects for one period read,
// from one query each instead of one a card: the targets of the KPIs of
// names (the union of the subjects' templates) over the periods a card
// reads (history), in FindTargets' order, and the values of those KPIs
// over the same periods and, inside an open period, over the same point of
// the period before and of last year.
type prefetched struct {
	p       kpi.Period
	names   map[string]bool
	targets map[kpi.Subject][]*kpi.Target
	values  map[valueRange]map[kpi.Subject][]kpi.KPIValue
	span    valueRange // the periods of p's grain read: the cards' history
}

// valueRange is the grain and days of a values query.
type valueRange struct {
	grain    kpi.Grain
	from, to kpi.Date
}

// prefetch reads the targets and values of the cards of subjects for
// period p (their own templates, as an employee's card has it).
func (s *Service) prefetch(ctx context.Context, e *env, subjects []kpi.Subject, p kpi.Period) (*prefetched, error) {
	return s.prefetchFrom(ctx, e, subjects, p, nil)
}

// read is what a caller has read already: the values and targets of
// names for some subjects over the periods of grain from from to to.
type read struct {
	grain    kpi.Grain
	from, to kpi.Date
	names    map[string]bool
	vals     []kpi.KPIValue
	targets  []*kpi.Target
}

// holds reports whether r read names over from … to in grain g.
func (r *read) holds(g kpi.Grain, names []string, from, to kpi.Date) bool {
	if r == nil || r.grain != g || g == kpi.Range || from < r.from || to > r.to {
		return false
	}
	for _, n := range names {
		if !r.names[n] {
			return false
		}
	}
	return true
}

// prefetchFrom is prefetch, taking the values and targets over the
// cards' history from given when it holds them (it must hold every one
// of subjects) instead of reading them again.
func (s *Service) prefetchFrom(ctx context.Context, e *env, subjects []kpi.Subject, p kpi.Period, given *read) (*prefetched, error) {
	pre := &prefetched{p: p, names: map[string]bool{}, targets: make(map[kpi.Subject][]*kpi.Target, len(subjects)),
		values: map[valueRange]map[kpi.Subject][]kpi.KPIValue{}}
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
	pre.span = valueRange{p.Grain, periods[0].From, p.To}
	if given.holds(p.Grain, names, pre.span.from, pre.span.to) {
		pre.take(given)
	} else {
		ts, err := s.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: names, Subjects: subjects, Grain: p.Grain, From: pre.span.from, To: pre.span.to})
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			pre.targets[t.Subject] = append(pre.targets[t.Subject], t)
		}
	}
	var ranges []valueRange
	if _, ok := pre.values[pre.span]; !ok {
		ranges = append(ranges, pre.span)
	}
	if p.Grain != kpi.Range && p.From <= e.today && e.today <= p.To {
		// The cuts card makes of an open period (see cardWith).
		linear, err := score.ShareOf(p, e.today, e.cal, nil)
		if err != nil {
			return nil, err
		}
		lastYear, _ := score.LastYear(p)
		for _, q := range []kpi.Period{score.Previous(p), lastYear} {
			if cut, ok := score.SamePoint(q, linear.Elapsed, e.cal); ok {
				ranges = append(ranges, valueRange{kpi.Range, cut.From, cut.To})
			}
		}
	}
	for _, r := range ranges {
		vals, err := s.Values.Values(ctx, kpi.ValueQuery{KPIs: names, Subjects: subjects, Grain: r.grain, From: r.from, To: r.to})
		if err != nil {
			return nil, err
		}
		of := make(map[kpi.Subject][]kpi.KPIValue, len(subjects))
		for _, subj := range subjects {
			of[subj] = nil
		}
		for _, v := range vals {
			of[v.Subject] = append(of[v.Subject], v)
		}
		pre.values[r] = of
	}
	return pre, nil
}

// take keeps of given what pre's subjects' cards read over pre's span:
// the targets FindTargets and the values Values would give.
func (pre *prefetched) take(given *read) {
	for _, t := range given.targets {
		if _, ok := pre.targets[t.Subject]; ok && pre.names[t.KPI] && t.Period.To >= pre.span.from && t.Period.From <= pre.span.to {
			pre.targets[t.Subject] = append(pre.targets[t.Subject], t)
		}
	}
	of := make(map[kpi.Subject][]kpi.KPIValue, len(pre.targets))
	for subj := range pre.targets {
		of[subj] = nil
	}
	for _, v := range given.vals {
		if _, ok := of[v.Subject]; ok && pre.names[v.KPI] && v.Period.From >= pre.span.from && v.Period.To <= pre.span.to {
			of[v.Subject] = append(of[v.Subject], v)
		}
	}
	pre.values[pre.span] = of
}

// has reports whether pre read subj's data of names.
func (pre *prefetched) has(subj kpi.Subject, names []string) bool {
	if pre == nil {
		return false
	}
	if _, ok := pre.targets[subj]; !ok {
		return false
	}
	for _, n := range names {
		if !pre.names[n] {
			return false
		}
	}
	return true
}

// targetsOf returns what FindTargets gives for the card of subj for p
// over names, if pre holds it.
func (pre *prefetched) targetsOf(subj kpi.Subject, p kpi.Period, names []string) ([]*kpi.Target, bool) {
	if !pre.has(subj, names) || pre.p != p {
		return nil, false
	}
	want := wanted(names)
	var out []*kpi.Target
	for _, t := range pre.targets[subj] {
		if want[t.KPI] {
			out = append(out, t)
		}
	}
	return out, true
}

// valuesOf answers q, a query of one subject's values, from pre when pre
// read them, else from the engine.
func (s *Service) valuesOf(ctx context.Context, pre *prefetched, q kpi.ValueQuery) ([]kpi.KPIValue, error) {
	if len(q.Subjects) == 1 && pre.has(q.Subjects[0], q.KPIs) {
		if of, ok := pre.values[valueRange{q.Grain, q.From, q.To}]; ok {
			want := wanted(q.KPIs)
			var out []kpi.KPIValue
			for _, v := range of[q.Subjects[0]] {
				if want[v.KPI] {
					out = append(out, v)
				}
			}
			return out, nil
		}
	}
	return s.Values.Values(ctx, q)
}

// series returns the values and targets of names for subjects over the
// periods of the grain read from from to to, as Values and FindTargets
// give them (each subject's in their order), if pre read them all: the
// same grain, a span holding from … to, every subject and every name.
func (pre *prefetched) series(names []string, subjects []kpi.Subject, from, to kpi.Date) ([]kpi.KPIValue, []*kpi.Target, bool) {
	if pre == nil || pre.span.grain == kpi.Range || pre.span.grain == "" || from < pre.span.from || to > pre.span.to {
		return nil, nil, false
	}
	of, ok := pre.values[pre.span]
	if !ok {
		return nil, nil, false
	}
	for _, subj := range subjects {
		if !pre.has(subj, names) {
			return nil, nil, false
		}
	}
	want := wanted(names)
	var vals []kpi.KPIValue
	var targets []*kpi.Target
	for _, subj := range subjects {
		for _, v := range of[subj] {
			if want[v.KPI] && v.Period.From >= from && v.Period.To <= to {
				vals = append(vals, v)
			}
		}
		for _, t := range pre.targets[subj] {
			// FindTargets' test: the target's period overlaps from … to.
			if want[t.KPI] && t.Period.To >= from && t.Period.From <= to {
				targets = append(targets, t)
			}
		}
	}
	return vals, targets, true
}

func wanted(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
