package review

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"attain/calc/score"
	"attain/kpi"
)

// Grid returns the cards of many subjects over many periods of one grain
// (a heat map's rows and columns), reading the values and targets of all
// of them in one query each. A closed period's card is scored from those
// exactly as Scorecard scores it (the same template version, the same
// prorated targets); an open period's, or one not started, is Scorecard's
// own, scored to date. Only the cards' scores are filled: no pace and no
// progress. With whole, an open period is scored as PeriodScorecard
// scores it (against the levels of the whole period, what a statement
// drafted today pays on). A subject without a template in a period has a
// nil card there.
func (s *Service) Grid(ctx context.Context, subjects []kpi.Subject, periods []kpi.Period, whole bool) (map[kpi.Subject][]*Card, error) {
	out := make(map[kpi.Subject][]*Card, len(subjects))
	if len(subjects) == 0 || len(periods) == 0 {
		return out, nil
	}
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	tmpls := make(map[kpi.Subject][]*kpi.ScorecardTemplate, len(subjects))
	var names []string
	seen := map[string]bool{}
	for _, subj := range subjects {
		ts := make([]*kpi.ScorecardTemplate, len(periods))
		for i, p := range periods {
			t, err := e.template(subj, "", p.From)
			if kpi.ErrorCode(err) == kpi.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, err
			}
			ts[i] = t
			for _, it := range t.Items {
				if !seen[it.KPI] {
					seen[it.KPI] = true
					names = append(names, it.KPI)
				}
			}
		}
		tmpls[subj] = ts
	}
	grain := periods[0].Grain
	from, to := periods[0].From, periods[0].To
	for _, p := range periods {
		from, to = min(from, p.From), max(to, p.To)
		if p.To >= e.today && grain != kpi.Range {
			// An open period's card reads its history too: read it here,
			// once for all (see prefetchFrom).
			from = min(from, history(p)[0].From)
		}
	}
	var vals []kpi.KPIValue
	var targets []*kpi.Target
	if len(names) > 0 {
		if vals, err = s.Values.Values(ctx, kpi.ValueQuery{KPIs: names, Subjects: subjects, Grain: grain, From: from, To: to}); err != nil {
			return nil, err
		}
		if targets, err = s.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: names, Subjects: subjects, Grain: grain, From: from, To: to}); err != nil {
			return nil, err
		}
	}
	type key struct {
		subj kpi.Subject
		from kpi.Date
	}
	valsOf := map[key][]kpi.KPIValue{}
	for _, v := range vals {
		k := key{v.Subject, v.Period.From}
		valsOf[k] = append(valsOf[k], v)
	}
	targetsOf := map[key][]*kpi.Target{}
	for _, t := range targets {
		k := key{t.Subject, t.Period.From}
		targetsOf[k] = append(targetsOf[k], t)
	}
	// The closed periods' cards are scored from what was read, the open
	// ones' are whole reviews of their own: each a few at once.
	type job struct {
		subj kpi.Subject
		i    int
	}
	var open, closed []job
	for _, subj := range subjects {
		if _, twice := out[subj]; twice {
			continue
		}
		out[subj] = make([]*Card, len(periods))
		for i, p := range periods {
			switch {
			case tmpls[subj][i] == nil:
			case p.To >= e.today:
				open = append(open, job{subj, i})
			default:
				closed = append(closed, job{subj, i})
			}
		}
	}
	err = parallel(len(closed), func(j int) error {
		subj, i := closed[j].subj, closed[j].i
		p, k := periods[i], key{subj, periods[i].From}
		var actuals []kpi.KPIValue
		for _, v := range valsOf[k] {
			if samePeriod(v.Period, p) {
				actuals = append(actuals, v)
			}
		}
		current, prorations := s.prorate(e, subj, p, targetsOf[k])
		sc, err := score.Score(score.Input{Template: tmpls[subj][i], KPIs: e.defs, Subject: subj, Period: p, Actuals: actuals, Targets: current})
		if err != nil {
			return err
		}
		out[subj][i] = &Card{Scorecard: sc, AsOf: e.today, State: StateClosed, PaceMethod: e.pace, Prorations: prorations, defs: e.defs}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Their history from what was read above; the cuts of an open
	// period in one query each.
	given := &read{grain: grain, from: from, to: to, names: seen, vals: vals, targets: targets}
	pres := map[int]*prefetched{}
	for _, o := range open {
		if pres[o.i] == nil {
			var subjs []kpi.Subject
			for _, o2 := range open {
				if o2.i == o.i {
					subjs = append(subjs, o2.subj)
				}
			}
			if pres[o.i], err = s.prefetchFrom(ctx, e, subjs, periods[o.i], given); err != nil {
				return nil, err
			}
		}
	}
	opened := make([]*Card, len(open))
	err = parallel(len(open), func(j int) error {
		c, err := s.cardWith(ctx, e, open[j].subj, periods[open[j].i], "", whole, pres[open[j].i])
		opened[j] = c
		return err
	})
	if err != nil {
		return nil, err
	}
	for j, o := range open {
		out[o.subj][o.i] = opened[j]
	}
	return out, nil
}

// parallel runs fn for 0 … n−1 on a few goroutines (as many as there are
// CPUs, at most 4) and returns the first error; every call has returned
// by then.
func parallel(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), 4, n)
	if workers <= 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				mu.Lock()
				stop := first != nil
				mu.Unlock()
				if stop {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return first
}

// Parallel is parallel for the use cases: fn for 0 … n−1 on a few
// goroutines, the first error returned once all have stopped.
func Parallel(n int, fn func(i int) error) error { return parallel(n, fn) }
