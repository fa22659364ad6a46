package review

import (
	"context"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
	"attain/score"
)

// Scorecard returns the card of subj for period p. template names the
// scorecard template for a unit ("" picks one, see env.template); an
// employee's is that of their position. The card uses the version of the
// template in effect on p's first day, and the "fell below threshold" flag
// of each earlier period the version in effect on that period's first day.
func (s *Service) Scorecard(ctx context.Context, subj kpi.Subject, p kpi.Period, template string) (*Card, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	return s.card(ctx, e, subj, p, template)
}

func (s *Service) card(ctx context.Context, e *env, subj kpi.Subject, p kpi.Period, template string) (*Card, error) {
	tmpl, err := e.template(subj, template, p.From)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(tmpl.Items))
	for i, it := range tmpl.Items {
		names[i] = it.KPI
	}
	periods := history(p)
	from, to := periods[0].From, p.To
	vals, err := s.Values.Values(ctx, kpi.ValueQuery{KPIs: names, Subjects: []kpi.Subject{subj}, Grain: p.Grain, From: from, To: to})
	if err != nil {
		return nil, err
	}
	targets, err := s.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: names, Subjects: []kpi.Subject{subj}, Grain: p.Grain, From: from, To: to})
	if err != nil {
		return nil, err
	}

	card := &Card{AsOf: e.today, Open: p.Contains(e.today)}
	current, prorations := s.prorate(e, subj, p, targets)
	card.Prorations = prorations
	var actuals []kpi.KPIValue
	for _, v := range vals {
		if samePeriod(v.Period, p) {
			actuals = append(actuals, v)
		}
	}
	card.Scorecard, err = score.Score(score.Input{Template: tmpl, KPIs: e.defs, Subject: subj, Period: p, Actuals: actuals, Targets: current})
	if err != nil {
		return nil, err
	}
	// The template the card of each period uses, for its thresholds.
	versions := make(map[kpi.Period]*kpi.ScorecardTemplate, len(periods))
	for _, q := range periods {
		if t, err := e.template(subj, template, q.From); err == nil {
			versions[q] = t
		}
	}
	for _, it := range card.Items {
		k := e.defs.KPI(it.KPI)
		if card.Open && !it.ActualNull && it.Status != score.StatusNoTarget && k != nil {
			pace, err := score.PaceOf(score.PaceInput{
				Period: p, AsOf: e.today, Actual: it.Actual, Target: it.Target,
				Direction: it.Direction, Additive: score.Additive(k), Calendar: e.cal,
			})
			if err == nil {
				card.Pace = append(card.Pace, ItemPace{KPI: it.KPI, Pace: pace})
			}
		}
		if p.Grain == kpi.Range {
			continue
		}
		series := score.Series{KPI: it.KPI, Subject: subj}
		for _, v := range vals {
			if v.KPI == it.KPI && v.Period.To <= p.To {
				series.Values = append(series.Values, v)
			}
		}
		prog, err := score.ProgressOf(series, score.ProgressOptions{
			Direction: it.Direction, N: HistoryPeriods, Thresholds: thresholds(versions, it.KPI, targets),
		})
		if err == nil {
			card.Progress = append(card.Progress, prog)
		}
	}
	return card, nil
}

// prorate returns the targets of period p, each cut to the working days
// an employee was there when they were hired or left inside p, or were on
// leave during it.
func (s *Service) prorate(e *env, subj kpi.Subject, p kpi.Period, targets []*kpi.Target) ([]*kpi.Target, []ItemProration) {
	var emp *kpi.Employee
	if subj.Kind == kpi.SubjectEmployee {
		emp = e.employee(subj.ID)
	}
	var out []*kpi.Target
	var notes []ItemProration
	for _, t := range targets {
		if !samePeriod(t.Period, p) {
			continue
		}
		if emp == nil {
			out = append(out, t)
			continue
		}
		active := score.Active(p, emp.HiredOn, emp.LeftOn, emp.Leave)
		if len(active) == 1 && samePeriod(active[0], p) {
			out = append(out, t)
			continue
		}
		pr := score.Prorate(t.Value, p, active, e.cal)
		if why := score.Absence(p, emp.HiredOn, emp.LeftOn, emp.Leave); len(why) > 0 {
			pr.Rule += " (" + strings.Join(why, "; ") + ")"
		}
		cut := *t
		cut.Value = pr.Value
		out = append(out, &cut)
		notes = append(notes, ItemProration{KPI: t.KPI, Full: t.Value, Proration: pr})
	}
	return out, notes
}

// thresholds are the threshold levels of one KPI in each period of
// versions, for the "fell below threshold" flag, each from the template the
// card of that period uses (versions: the version in effect on the period's
// first day): the fixed level, or for a plan-based item the threshold
// percentage of the period's target. A period without a template listing
// the KPI, or without a target for a plan-based item, is not judged.
func thresholds(versions map[kpi.Period]*kpi.ScorecardTemplate, name string, targets []*kpi.Target) map[kpi.Period]decimal.Decimal {
	out := map[kpi.Period]decimal.Decimal{}
	for p, tmpl := range versions {
		i := slices.IndexFunc(tmpl.Items, func(it kpi.ScorecardItem) bool { return it.KPI == name })
		if i < 0 {
			continue
		}
		it := tmpl.Items[i]
		if it.Basis != kpi.LevelsPlan {
			out[p] = it.Threshold
			continue
		}
		for _, t := range targets {
			if t.KPI == name && samePeriod(t.Period, p) {
				out[p] = t.Value.Mul(it.Threshold).Div(decimal.NewFromInt(100))
			}
		}
	}
	return out
}

// UnitCards returns the scorecard of a unit and of every employee in it
// (and in the units below) who has a template, with everyone's name.
func (s *Service) UnitCards(ctx context.Context, unitID string, p kpi.Period, template string) ([]*Card, map[kpi.Subject]string, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, nil, err
	}
	unit := kpi.Subject{Kind: kpi.SubjectUnit, ID: unitID}
	names := map[kpi.Subject]string{}
	for _, u := range e.org.Units {
		if u.ID == unitID {
			names[unit] = u.Name
		}
	}
	if _, ok := names[unit]; !ok {
		return nil, nil, kpi.Errorf(kpi.ENOTFOUND, "Org unit %q not found.", unitID)
	}
	card, err := s.card(ctx, e, unit, p, template)
	if err != nil {
		return nil, nil, err
	}
	cards := []*Card{card}
	for _, emp := range e.members(unitID) {
		subj := kpi.Subject{Kind: kpi.SubjectEmployee, ID: emp.ID}
		c, err := s.card(ctx, e, subj, p, "")
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			continue // no template for the position: nothing to score
		} else if err != nil {
			return nil, nil, err
		}
		names[subj] = emp.Name
		cards = append(cards, c)
	}
	return cards, names, nil
}
