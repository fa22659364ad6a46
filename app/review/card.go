package review

import (
	"context"
	"fmt"
	"math"
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
// A period that has not ended is scored so far (see Card).
func (s *Service) Scorecard(ctx context.Context, subj kpi.Subject, p kpi.Period, template string) (*Card, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	return s.card(ctx, e, subj, p, template, false)
}

// PeriodScorecard returns the card of subj for the whole of period p: in a
// period that has not ended, the actuals so far against the levels of the
// whole period, with no pace: what a bonus statement drafted today pays
// on. A closed period's card is the same as Scorecard's.
func (s *Service) PeriodScorecard(ctx context.Context, subj kpi.Subject, p kpi.Period, template string) (*Card, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	return s.card(ctx, e, subj, p, template, true)
}

func (s *Service) card(ctx context.Context, e *env, subj kpi.Subject, p kpi.Period, template string, whole bool) (*Card, error) {
	return s.cardWith(ctx, e, subj, p, template, whole, nil)
}

// cardWith is card, reading subj's targets from pre when pre holds them.
func (s *Service) cardWith(ctx context.Context, e *env, subj kpi.Subject, p kpi.Period, template string, whole bool, pre *prefetched) (*Card, error) {
	tmpl, by, err := e.templateBy(subj, template, p.From)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(tmpl.Items))
	for i, it := range tmpl.Items {
		names[i] = it.KPI
	}
	periods := history(p)
	from, to := periods[0].From, p.To
	vals, err := s.valuesOf(ctx, pre, kpi.ValueQuery{KPIs: names, Subjects: []kpi.Subject{subj}, Grain: p.Grain, From: from, To: to})
	if err != nil {
		return nil, err
	}
	targets, ok := pre.targetsOf(subj, p, names)
	if !ok {
		if targets, err = s.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: names, Subjects: []kpi.Subject{subj}, Grain: p.Grain, From: from, To: to}); err != nil {
			return nil, err
		}
	}

	card := &Card{AsOf: e.today, PaceMethod: e.pace, State: StateClosed, defs: e.defs, tmpl: tmpl}
	if by != nil {
		card.SetBy = fmt.Sprintf("%s for %s from %s, change %d: %s", by.By, by.Subject, by.Period.From, by.ID, strings.Join(by.Changed, ", "))
	}
	switch {
	case p.From > e.today:
		card.State = StateNotStarted
	case p.To >= e.today:
		card.State = StateOpen
	}
	card.Open = card.State != StateClosed
	linear, err := score.ShareOf(p, e.today, e.cal, nil)
	if err != nil {
		return nil, err
	}
	card.Elapsed, card.WorkingDays = linear.Elapsed, linear.Total
	card.Standing = standing(card, p, linear)

	current, prorations := s.prorate(e, subj, p, targets)
	card.Prorations = prorations
	var actuals []kpi.KPIValue
	for _, v := range vals {
		if samePeriod(v.Period, p) {
			actuals = append(actuals, v)
		}
	}
	in := score.Input{Template: tmpl, KPIs: e.defs, Subject: subj, Period: p, Actuals: actuals, Targets: current}
	var shapes map[string][]decimal.Decimal
	if card.Open && !whole {
		var additive []string // the KPIs whose levels are cut to date
		for _, name := range names {
			if k := e.defs.KPI(name); k != nil && score.Additive(k) {
				additive = append(additive, name)
			}
		}
		var past []kpi.Period
		if e.pace == kpi.PaceShape {
			if shapes, past, err = s.paceShapes(ctx, e, subj, p, additive); err != nil {
				return nil, err
			}
		}
		in.Shares = make(map[string]score.Share, len(additive))
		for _, name := range additive {
			if in.Shares[name], err = e.share(p, e.today, shapes[name], past); err != nil {
				return nil, err
			}
		}
		in.Records = recordSizes(e.defs, additive, vals, p)
		in.Open = true
	}
	if card.Scorecard, err = score.Score(in); err != nil {
		return nil, err
	}
	if whole && card.Open {
		card.Standing += "; scored against the levels of the whole period"
	}
	// The template the card of each period uses, for its thresholds.
	versions := make(map[kpi.Period]*kpi.ScorecardTemplate, len(periods))
	for _, q := range periods {
		if t, err := e.template(subj, template, q.From); err == nil {
			versions[q] = t
		}
	}
	var hired *kpi.Date
	if subj.Kind == kpi.SubjectEmployee {
		if emp := e.employee(subj.ID); emp != nil {
			hired = emp.HiredOn
		}
	}
	// Inside an open period, the earlier periods at the same point.
	var atPrev, atLastYear map[string]kpi.KPIValue
	var prevCut kpi.Period
	if card.Open && !whole && p.Grain != kpi.Range {
		lastYear, _ := score.LastYear(p)
		var ok bool
		if prevCut, ok = score.SamePoint(score.Previous(p), linear.Elapsed, e.cal); ok {
			if atPrev, err = s.valuesOver(ctx, pre, names, subj, prevCut); err != nil {
				return nil, err
			}
		}
		if cut, ok := score.SamePoint(lastYear, linear.Elapsed, e.cal); ok {
			if atLastYear, err = s.valuesOver(ctx, pre, names, subj, cut); err != nil {
				return nil, err
			}
		}
	}
	for i := range card.Items {
		it := &card.Items[i]
		k := e.defs.KPI(it.KPI)
		if card.Open && !whole && !it.ActualNull && it.Status != score.StatusNoTarget && k != nil {
			full := it.Target
			if it.ToDate != nil {
				full = it.ToDate.Target
			}
			sh, ok := in.Shares[it.KPI]
			if !ok {
				sh = linear
			}
			pace := score.PaceWith(score.PaceInput{Period: p, AsOf: e.today, Actual: it.Actual, Target: full,
				Direction: it.Direction, Additive: score.Additive(k)}, sh)
			card.Pace = append(card.Pace, ItemPace{KPI: it.KPI, Pace: pace, Display: paceDisplay(k, pace)})
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
		th := thresholds(versions, it.KPI, targets)
		opt := score.ProgressOptions{Direction: it.Direction, N: HistoryPeriods, Thresholds: th, Hired: hired, KPI: k}
		if card.Open && !whole {
			opt.Open = &score.OpenProgress{AsOf: e.today, Previous: found(atPrev, it.KPI), LastYear: found(atLastYear, it.KPI)}
			if it.Allowance != nil {
				opt.Open.Allowance = *it.Allowance
			}
			if it.Status != score.StatusNoTarget {
				t := it.Threshold
				opt.Open.Threshold = &t
			}
			if t0, ok := th[score.Previous(p)]; ok && opt.Open.Previous != nil {
				if _, additive := in.Shares[it.KPI]; additive {
					sh, err := e.share(score.Previous(p), prevCut.To, shapes[it.KPI], nil)
					if err != nil {
						return nil, err
					}
					t0 = sh.Of(t0)
				}
				opt.Open.PreviousThreshold = &t0
			}
		}
		prog, err := score.ProgressOf(series, opt)
		if err == nil {
			card.Progress = append(card.Progress, prog)
		}
	}
	return card, nil
}

// standing says where a card's period stands: "closed", "open: 4 of 22
// working days passed by 2026-12-04", "not started: ...".
func standing(c *Card, p kpi.Period, sh score.Share) string {
	switch c.State {
	case StateClosed:
		return fmt.Sprintf("closed: %s ended on %s", p.Label(), p.To)
	case StateNotStarted:
		return fmt.Sprintf("not started: %s starts on %s; nothing is expected by %s", p.Label(), p.From, c.AsOf)
	}
	unit := "working days"
	if sh.ByCalendarDays {
		unit = "calendar days"
	}
	return fmt.Sprintf("open: %d of %d %s passed by %s; scored against what was expected by then (%s pace)", sh.Elapsed, sh.Total, unit, c.AsOf, c.PaceMethod)
}

// share is the share of p expected by asOf by the workspace's method: by
// shape when the workspace asks for it and there is one, otherwise linear,
// with the reason when a shape was asked for (past are the periods it is
// read from).
func (e *env) share(p kpi.Period, asOf kpi.Date, shape []decimal.Decimal, past []kpi.Period) (score.Share, error) {
	why := ""
	switch {
	case e.pace != kpi.PaceShape:
	case e.cal.WorkingDays(p.From, p.To) == 0:
		why, shape = "no shape: "+p.Label()+" has no working day", nil
	case shape == nil && len(past) > 0:
		why = fmt.Sprintf("no shape: no records in %s..%s to take one from", past[0].Label(), past[len(past)-1].Label())
	}
	sh, err := score.ShareOf(p, asOf, e.cal, shape)
	sh.Note = why
	return sh, err
}

// recordSizes are the sizes of one record of each additive KPI in names
// for the subject of vals, from its periods before p: 1 for a count; for a
// sum, its total over its records, rounded half to even to 2 places. A sum
// without records before p has none.
func recordSizes(defs *kpi.Definitions, names []string, vals []kpi.KPIValue, p kpi.Period) map[string]decimal.Decimal {
	out := make(map[string]decimal.Decimal, len(names))
	for _, name := range names {
		k := defs.KPI(name)
		if k.Aggregation == kpi.Count {
			out[name] = decimal.NewFromInt(1)
			continue
		}
		sum, n := decimal.Zero, 0
		for _, v := range vals {
			if v.KPI == name && !v.Null && v.Period.To < p.From {
				sum, n = sum.Add(v.Value), n+v.Records
			}
		}
		if n > 0 && sum.IsPositive() {
			out[name] = sum.DivRound(decimal.NewFromInt(int64(n)), 2)
		}
	}
	return out
}

// valuesOver reads subj's values of names over the range r, by KPI.
func (s *Service) valuesOver(ctx context.Context, pre *prefetched, names []string, subj kpi.Subject, r kpi.Period) (map[string]kpi.KPIValue, error) {
	vals, err := s.valuesOf(ctx, pre, kpi.ValueQuery{KPIs: names, Subjects: []kpi.Subject{subj}, Grain: kpi.Range, From: r.From, To: r.To})
	if err != nil {
		return nil, err
	}
	out := make(map[string]kpi.KPIValue, len(vals))
	for _, v := range vals {
		out[v.KPI] = v
	}
	return out, nil
}

func found(m map[string]kpi.KPIValue, name string) *kpi.KPIValue {
	if v, ok := m[name]; ok {
		return &v
	}
	return nil
}

func paceDisplay(k *kpi.KPI, p score.Pace) PaceDisplay {
	d := PaceDisplay{Actual: kpi.Display(k, p.Actual), Expected: kpi.Display(k, p.Expected), Forecast: "-", Gap: kpi.DisplayDelta(k, p.Gap)}
	if !p.ForecastNull {
		d.Forecast = kpi.Display(k, p.Forecast)
	}
	return d
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

// UnitCards returns the scorecard of a unit (with template: "" picks
// one) and of every employee in it (and in the units below) who has a
// template, with everyone's name, reading the targets and values of all
// of them in one query each.
func (s *Service) UnitCards(ctx context.Context, unitID string, p kpi.Period, template string) ([]*Card, map[kpi.Subject]string, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, nil, err
	}
	tc, err := s.team(ctx, e, unitID, p, template, false)
	if err != nil {
		return nil, nil, err
	}
	return append([]*Card{tc.Unit}, tc.People...), tc.Names, nil
}

// ScorecardIf returns the card of subj for p as it would be were the
// scorecard change c in effect as well (whatever its status): what a
// preview of a unit head's change shows. Nothing is stored.
func (s *Service) ScorecardIf(ctx context.Context, subj kpi.Subject, p kpi.Period, template string, c *kpi.LevelChange) (*Card, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	if c != nil {
		cp := *c
		cp.Status, cp.ID = kpi.LevelApplied, math.MaxInt64
		with := *e
		with.levels = append(slices.Clip(e.levels), &cp)
		e = &with
	}
	return s.card(ctx, e, subj, p, template, false)
}
