package review

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
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
	var shapes map[string][]decimal.Decimal
	var past []kpi.Period
	if card.Open {
		var additive []string // the KPIs that get a pace by shape
		for _, it := range card.Items {
			if k := e.defs.KPI(it.KPI); k != nil && score.Additive(k) && !it.ActualNull && it.Status != score.StatusNoTarget {
				additive = append(additive, it.KPI)
			}
		}
		if shapes, past, err = s.paceShapes(ctx, e, subj, p, additive); err != nil {
			return nil, err
		}
	}
	var hired *kpi.Date
	if subj.Kind == kpi.SubjectEmployee {
		if emp := e.employee(subj.ID); emp != nil {
			hired = emp.HiredOn
		}
	}
	for _, it := range card.Items {
		k := e.defs.KPI(it.KPI)
		if card.Open && !it.ActualNull && it.Status != score.StatusNoTarget && k != nil {
			in := score.PaceInput{
				Period: p, AsOf: e.today, Actual: it.Actual, Target: it.Target,
				Direction: it.Direction, Additive: score.Additive(k), Calendar: e.cal,
			}
			pace, err := score.PaceOf(in)
			if err == nil {
				ip := ItemPace{KPI: it.KPI, Pace: pace}
				if in.Additive {
					ip.Shape = shapePace(in, shapes[it.KPI], past, e.cal)
				}
				card.Pace = append(card.Pace, ip)
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
			Direction: it.Direction, N: HistoryPeriods, Thresholds: thresholds(versions, it.KPI, targets), Hired: hired,
		})
		if err == nil {
			card.Progress = append(card.Progress, prog)
		}
	}
	return card, nil
}

// paceShapes reads subj's daily values of the additive KPIs in names over
// the PacePeriods periods before p, in one query, and returns the shape of
// each KPI that has one (score.CumulativeShape), and the periods read.
func (s *Service) paceShapes(ctx context.Context, e *env, subj kpi.Subject, p kpi.Period, names []string) (map[string][]decimal.Decimal, []kpi.Period, error) {
	past := make([]kpi.Period, PacePeriods)
	q := p
	for i := len(past) - 1; i >= 0; i-- {
		q = score.Previous(q)
		past[i] = q
	}
	if len(names) == 0 {
		return nil, past, nil
	}
	vals, err := s.Values.Values(ctx, kpi.ValueQuery{KPIs: names, Subjects: []kpi.Subject{subj}, Grain: kpi.Day, From: past[0].From, To: past[len(past)-1].To})
	if err != nil {
		return nil, nil, err
	}
	daily := make(map[string]map[kpi.Date]decimal.Decimal, len(names))
	for _, v := range vals {
		if v.Null {
			continue
		}
		if daily[v.KPI] == nil {
			daily[v.KPI] = map[kpi.Date]decimal.Decimal{}
		}
		daily[v.KPI][v.Period.From] = v.Value
	}
	shapes := make(map[string][]decimal.Decimal, len(names))
	for _, name := range names {
		days := make([][]decimal.Decimal, len(past))
		for i, q := range past {
			days[i] = score.WorkingDayValues(q, daily[name], e.cal)
		}
		if sh := score.CumulativeShape(days); sh != nil {
			shapes[name] = sh
		}
	}
	return shapes, past, nil
}

// shapePace is the pace of in by shape, or, without a shape or a working
// day in the period to spread it over, the linear pace with the reason
// first in its rule.
func shapePace(in score.PaceInput, shape []decimal.Decimal, past []kpi.Period, cal score.Calendar) *score.Pace {
	why := ""
	switch {
	case cal.WorkingDays(in.Period.From, in.Period.To) == 0:
		why = "no shape: " + in.Period.Label() + " has no working day"
	case shape == nil:
		why = fmt.Sprintf("no shape: no records in %s..%s to take one from", past[0].Label(), past[len(past)-1].Label())
	default:
		in.Shape = shape
	}
	pace, err := score.PaceOf(in)
	if err != nil {
		return nil
	}
	if why != "" {
		pace.Rule = why + ", so linear: " + pace.Rule
	}
	return &pace
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
