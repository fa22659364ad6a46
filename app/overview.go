package app

import (
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/calc/score"
	"attain/kpi"
)

// TrendPeriods is how many periods, up to the one shown, a trend covers.
const TrendPeriods = 12

// TrailingPeriods is how many periods before the one shown a person's own
// trailing average is taken over.
const TrailingPeriods = 3

// PaceCurve is an open period's running total against the plan, by
// working day (see package review).
type PaceCurve = review.PaceCurve

// Trend is one KPI of one subject over the TrendPeriods periods up to the
// one shown, oldest first: its values and targets, and the shown period
// against the subject's own trailing average.
type Trend struct {
	KPI     string             `json:"kpi"`
	Values  []kpi.KPIValue     `json:"values"`
	Targets []*decimal.Decimal `json:"targets"`
	// Trailing is the mean of the TrailingPeriods values before the shown
	// one that exist (TrailingNull without any), rounded half to even to 4
	// places; VsTrailing the shown value's change against it, in %.
	Trailing       decimal.Decimal `json:"trailing"`
	TrailingNull   bool            `json:"trailing_null,omitempty"`
	VsTrailing     decimal.Decimal `json:"vs_trailing"`
	VsTrailingNull bool            `json:"vs_trailing_null,omitempty"`
}

// PersonView is everything a person's scorecard page shows.
type PersonView struct {
	Employee *kpi.Employee           `json:"employee"`
	Card     *Card                   `json:"card"`
	KPIs     map[string]*kpi.KPI     `json:"-"`
	Periods  []kpi.Period            `json:"periods"` // of the trends
	Trends   map[string]*Trend       `json:"trends"`
	Pace     []PaceCurve             `json:"pace,omitempty"`
	Bonus    *BonusSoFar             `json:"bonus,omitempty"`
	Computed time.Time               `json:"computed"`
	Versions kpi.Versions            `json:"versions"`
	Names    map[string]string       `json:"-"` // unit and employee names, for links
	Units    map[string]*kpi.OrgUnit `json:"-"`
}

// BonusSoFar is the payout of a person's statement for the period: a draft
// computed now, or the stored one.
type BonusSoFar struct {
	Payout   decimal.Decimal `json:"payout"`
	Currency string          `json:"currency"`
	Status   string          `json:"status"`
	Plan     string          `json:"plan"`
}

// Person returns what an employee's scorecard page shows for a period.
func (a *App) Person(ctx context.Context, who kpi.Actor, employee, period string) (*PersonView, error) {
	if employee == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "Give the employee.")
	}
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	subj := kpi.Subject{Kind: kpi.SubjectEmployee, ID: employee}
	if ctx, err = a.begin(ctx, who, ReadValues, onSubject(subj, p)); err != nil {
		return nil, err
	}
	v := &PersonView{Computed: a.now()}
	if v.Versions, err = a.svc.Records.Versions(ctx); err != nil {
		return nil, err
	}
	if v.Employee, err = a.svc.Org.FindEmployeeByID(ctx, employee); err != nil {
		return nil, err
	}
	if v.Card, err = a.review.Scorecard(ctx, subj, p, ""); err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	v.KPIs = cardKPIs(defs, v.Card)
	series, err := a.trends(ctx, []kpi.Subject{subj}, names(v.Card), p)
	if err != nil {
		return nil, err
	}
	v.Periods, v.Trends = series.periods, series.of[subj]
	if v.Pace, err = a.review.PaceCurves(ctx, v.Card); err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, who, ReadStatements, onSubject(subj, p)); err == nil {
		st, err := a.payroll.Statement(ctx, employee, p)
		switch {
		case err == nil:
			v.Bonus = &BonusSoFar{Payout: st.Payout, Currency: st.Currency, Status: st.Status, Plan: st.Plan}
		case kpi.ErrorCode(err) == kpi.EINTERNAL:
			return nil, err
		}
	}
	return v, nil
}

// TeamView is everything a unit's page shows: its own card, a row per
// child unit and per person in it or below, and who needs attention.
type TeamView struct {
	Unit      *kpi.OrgUnit    `json:"unit"`
	Path      []*kpi.OrgUnit  `json:"path"` // from the top down to Unit
	Card      *Card           `json:"card"`
	KPIs      []*kpi.KPI      `json:"kpis"` // the columns: every KPI of any row's card
	Periods   []kpi.Period    `json:"periods"`
	Units     []TeamRow       `json:"units"`
	People    []TeamRow       `json:"people"`
	Attention []score.Concern `json:"attention"`
	Computed  time.Time       `json:"computed"`
	Versions  kpi.Versions    `json:"versions"`
}

// TeamRow is one child unit or person of a team view.
type TeamRow struct {
	Subject  kpi.Subject       `json:"subject"`
	Name     string            `json:"name"`
	Position string            `json:"position,omitempty"`
	Card     *Card             `json:"card,omitempty"` // nil: no scorecard template fits
	Trends   map[string]*Trend `json:"trends"`
	// Behind and Declining name the KPIs behind pace and those declining
	// (or fallen below the threshold), for the row's flags.
	Behind    []string `json:"behind,omitempty"`
	Declining []string `json:"declining,omitempty"`
}

// Team returns what a unit's page shows for a period.
func (a *App) Team(ctx context.Context, who kpi.Actor, unit, period string) (*TeamView, error) {
	if unit == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "Give the unit.")
	}
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	subj := kpi.Subject{Kind: kpi.SubjectUnit, ID: unit}
	if ctx, err = a.begin(ctx, who, ReadValues, onSubject(subj, p)); err != nil {
		return nil, err
	}
	v := &TeamView{Computed: a.now()}
	if v.Versions, err = a.svc.Records.Versions(ctx); err != nil {
		return nil, err
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	units := map[string]*kpi.OrgUnit{}
	for _, u := range org.Units {
		units[u.ID] = u
	}
	if v.Unit = units[unit]; v.Unit == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Org unit %q not found.", unit)
	}
	v.Path = pathTo(units, v.Unit)
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	tc, err := a.review.Team(ctx, unit, p)
	if err != nil {
		return nil, err
	}
	v.Card = tc.Unit
	var subjects []kpi.Subject
	var kpiNames []string
	seen := map[string]bool{}
	add := func(row TeamRow) TeamRow {
		subjects = append(subjects, row.Subject)
		if row.Card != nil {
			for _, n := range names(row.Card) {
				if !seen[n] {
					seen[n] = true
					kpiNames = append(kpiNames, n)
				}
			}
		}
		return row
	}
	add(TeamRow{Subject: subj, Card: v.Card})
	for i, u := range tc.Children {
		v.Units = append(v.Units, add(TeamRow{Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}, Name: u.Name, Card: tc.ChildCards[i]}))
	}
	positions := map[string]string{}
	for _, e := range org.Employees {
		positions[e.ID] = e.Position
	}
	for _, c := range tc.People {
		v.People = append(v.People, add(TeamRow{Subject: c.Subject, Name: tc.Names[c.Subject], Position: positions[c.Subject.ID], Card: c}))
	}
	for _, n := range kpiNames {
		if k := defs.KPI(n); k != nil {
			v.KPIs = append(v.KPIs, k)
		}
	}
	// The trends from what the cards read, when it holds them (a month's
	// history does), else read.
	periods, from, to := trendSpan(p)
	var series *series
	if vals, ts, ok := tc.Series(kpiNames, subjects, from, to); ok && len(subjects) > 0 && len(kpiNames) > 0 {
		series = trendsOf(periods, vals, ts)
	} else if series, err = a.trends(ctx, subjects, kpiNames, p); err != nil {
		return nil, err
	}
	v.Periods = series.periods
	v.Attention = nonNil(review.Concerns(defs, append([]*Card{tc.Unit}, tc.People...)))
	for _, rows := range [][]TeamRow{v.Units, v.People} {
		for i := range rows {
			r := &rows[i]
			r.Trends = series.of[r.Subject]
			if r.Card == nil {
				continue
			}
			for _, pc := range r.Card.Pace {
				if pc.Status == score.Behind {
					r.Behind = append(r.Behind, pc.KPI)
				}
			}
			for _, pr := range r.Card.Progress {
				if pr.Declining || pr.FellBelowThreshold {
					r.Declining = append(r.Declining, pr.KPI)
				}
			}
		}
	}
	return v, nil
}

// pathTo is the units from the top down to u. A cycle in the org (a unit
// above itself) ends the path where a unit would come twice.
func pathTo(units map[string]*kpi.OrgUnit, u *kpi.OrgUnit) []*kpi.OrgUnit {
	var path []*kpi.OrgUnit
	seen := map[string]bool{}
	for ; u != nil && !seen[u.ID]; u = units[u.ParentID] {
		seen[u.ID] = true
		path = append(path, u)
	}
	slices.Reverse(path)
	return path
}

// series are the trends of some subjects' KPIs.
type series struct {
	periods []kpi.Period
	of      map[kpi.Subject]map[string]*Trend
}

// trendPeriods returns the TrendPeriods periods up to p, oldest first.
func trendPeriods(p kpi.Period) []kpi.Period {
	periods := make([]kpi.Period, TrendPeriods)
	for i := TrendPeriods - 1; i >= 0; i-- {
		periods[i] = p
		p = score.Previous(p)
	}
	return periods
}

// trendSpan returns the periods a trend shows (only p for a custom range,
// which has no periods before it to speak of) and the days they cover.
func trendSpan(p kpi.Period) (periods []kpi.Period, from, to kpi.Date) {
	periods = trendPeriods(p)
	if p.Grain == kpi.Range {
		return periods[TrendPeriods-1:], p.From, p.To
	}
	return periods, periods[0].From, p.To
}

// trends reads, in one query for values and one for targets, the
// TrendPeriods periods up to p of the subjects' KPIs.
func (a *App) trends(ctx context.Context, subjects []kpi.Subject, kpis []string, p kpi.Period) (*series, error) {
	if len(subjects) == 0 || len(kpis) == 0 {
		return &series{periods: trendPeriods(p), of: map[kpi.Subject]map[string]*Trend{}}, nil
	}
	periods, from, to := trendSpan(p)
	vals, err := a.svc.Values.Values(ctx, kpi.ValueQuery{KPIs: kpis, Subjects: subjects, Grain: p.Grain, From: from, To: to})
	if err != nil {
		return nil, err
	}
	ts, err := a.svc.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: kpis, Subjects: subjects, Grain: p.Grain, From: from, To: to})
	if err != nil {
		return nil, err
	}
	return trendsOf(periods, vals, ts), nil
}

// trendsOf builds the trends over periods from the values and targets
// read for them (a later target of a period over an earlier one).
func trendsOf(periods []kpi.Period, vals []kpi.KPIValue, ts []*kpi.Target) *series {
	out := &series{periods: periods, of: map[kpi.Subject]map[string]*Trend{}}
	index := map[kpi.Period]int{}
	for i, q := range out.periods {
		index[q] = i
	}
	trend := func(s kpi.Subject, k string) *Trend {
		if out.of[s] == nil {
			out.of[s] = map[string]*Trend{}
		}
		t := out.of[s][k]
		if t == nil {
			t = &Trend{KPI: k, Values: make([]kpi.KPIValue, len(out.periods)), Targets: make([]*decimal.Decimal, len(out.periods))}
			for i, q := range out.periods {
				t.Values[i] = kpi.KPIValue{KPI: k, Subject: s, Period: q, Null: true}
			}
			out.of[s][k] = t
		}
		return t
	}
	for _, v := range vals {
		if i, ok := index[v.Period]; ok {
			trend(v.Subject, v.KPI).Values[i] = v
		}
	}
	for _, t := range ts {
		if i, ok := index[t.Period]; ok {
			val := t.Value
			trend(t.Subject, t.KPI).Targets[i] = &val
		}
	}
	for _, bySubject := range out.of {
		for _, t := range bySubject {
			t.trailing()
		}
	}
	return out
}

// trailing sets the trend's trailing average and the last value against it.
func (t *Trend) trailing() {
	n := len(t.Values)
	sum, count := decimal.Zero, 0
	for i := max(0, n-1-TrailingPeriods); i < n-1; i++ {
		if !t.Values[i].Null {
			sum, count = sum.Add(t.Values[i].Value), count+1
		}
	}
	if count == 0 {
		t.TrailingNull, t.VsTrailingNull = true, true
		return
	}
	t.Trailing = sum.DivRound(decimal.NewFromInt(int64(count)), 4)
	last := t.Values[n-1]
	if last.Null || t.Trailing.IsZero() {
		t.VsTrailingNull = true
		return
	}
	t.VsTrailing = last.Value.Sub(t.Trailing).Div(t.Trailing.Abs()).Shift(2).RoundBank(1)
}

// names are the KPIs of a card's items, in order.
func names(c *Card) []string {
	out := make([]string, len(c.Items))
	for i, it := range c.Items {
		out[i] = it.KPI
	}
	return out
}

func cardKPIs(defs *kpi.Definitions, c *Card) map[string]*kpi.KPI {
	out := map[string]*kpi.KPI{}
	for _, it := range c.Items {
		out[it.KPI] = defs.KPI(it.KPI)
	}
	return out
}
