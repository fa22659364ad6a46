package review

import (
	"context"

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
	for _, subj := range subjects {
		cards := make([]*Card, len(periods))
		for i, p := range periods {
			tmpl := tmpls[subj][i]
			if tmpl == nil {
				continue
			}
			if p.To >= e.today {
				c, err := s.card(ctx, e, subj, p, "", whole)
				if err != nil {
					return nil, err
				}
				cards[i] = c
				continue
			}
			k := key{subj, p.From}
			var actuals []kpi.KPIValue
			for _, v := range valsOf[k] {
				if samePeriod(v.Period, p) {
					actuals = append(actuals, v)
				}
			}
			current, prorations := s.prorate(e, subj, p, targetsOf[k])
			sc, err := score.Score(score.Input{Template: tmpl, KPIs: e.defs, Subject: subj, Period: p, Actuals: actuals, Targets: current})
			if err != nil {
				return nil, err
			}
			cards[i] = &Card{Scorecard: sc, AsOf: e.today, State: StateClosed, PaceMethod: e.pace, Prorations: prorations, defs: e.defs}
		}
		out[subj] = cards
	}
	return out, nil
}
