package review

import (
	"context"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

// PaceCurve is an open period's running total of one additive KPI, by
// working day, beside the running total its plan expects by each day, by
// the workspace's pace method: what a pace chart draws.
type PaceCurve struct {
	KPI      string            `json:"kpi"`
	Method   string            `json:"method"`
	Days     []kpi.Date        `json:"days"`     // the period's working days
	Expected []decimal.Decimal `json:"expected"` // the running total expected at the end of each
	Actual   []decimal.Decimal `json:"actual"`   // the running total, for the days up to the card's AsOf
	Target   decimal.Decimal   `json:"target"`
	// Remaining working days after AsOf, and what is needed on each of
	// them, evenly, to reach the target; NeededNull when it is reached or
	// no working day is left.
	Remaining  int             `json:"remaining"`
	Needed     decimal.Decimal `json:"needed"`
	NeededNull bool            `json:"needed_null,omitempty"`
}

// PaceCurves returns the curves of the card's additive items with a pace:
// those of an open period.
func (s *Service) PaceCurves(ctx context.Context, card *Card) ([]PaceCurve, error) {
	var names []string
	target := map[string]decimal.Decimal{}
	for _, p := range card.Pace {
		if p.Method != score.MethodValue {
			names = append(names, p.KPI)
			target[p.KPI] = p.Target
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	p := card.Period
	var shapes map[string][]decimal.Decimal
	var past []kpi.Period
	if e.pace == kpi.PaceShape {
		if shapes, past, err = s.paceShapes(ctx, e, card.Subject, p, names); err != nil {
			return nil, err
		}
	}
	var days []kpi.Date
	for d := p.From; d <= p.To; d++ {
		if e.cal.IsWorkingDay(d) {
			days = append(days, d)
		}
	}
	vals, err := s.Values.Values(ctx, kpi.ValueQuery{KPIs: names, Subjects: []kpi.Subject{card.Subject}, Grain: kpi.Day, From: p.From, To: min(p.To, card.AsOf)})
	if err != nil {
		return nil, err
	}
	daily := map[string]map[kpi.Date]decimal.Decimal{}
	for _, v := range vals {
		if !v.Null {
			if daily[v.KPI] == nil {
				daily[v.KPI] = map[kpi.Date]decimal.Decimal{}
			}
			daily[v.KPI][v.Period.From] = v.Value
		}
	}
	var out []PaceCurve
	for _, name := range names {
		c := PaceCurve{KPI: name, Method: score.MethodLinear, Days: days, Target: target[name]}
		for _, d := range days {
			sh, err := e.share(p, d, shapes[name], past)
			if err != nil {
				return nil, err
			}
			c.Method = sh.Method
			c.Expected = append(c.Expected, sh.Of(c.Target))
		}
		run := decimal.Zero
		for i, v := range score.WorkingDayValues(p, daily[name], e.cal) {
			if days[i] > card.AsOf {
				break
			}
			run = run.Add(v)
			c.Actual = append(c.Actual, run)
		}
		c.Remaining = len(days) - len(c.Actual)
		short := c.Target.Sub(run)
		if c.Remaining > 0 && short.IsPositive() {
			c.Needed = short.DivRound(decimal.NewFromInt(int64(c.Remaining)), 2)
		} else {
			c.NeededNull = true
		}
		out = append(out, c)
	}
	return out, nil
}

// Concerns ranks the people of cards by what their cards show, most urgent
// first, by the rules of Attention.
func Concerns(defs *kpi.Definitions, cards []*Card) []score.Concern {
	var signals []score.Signal
	for _, c := range cards {
		if c.Subject.Kind == kpi.SubjectEmployee {
			signals = append(signals, cardSignals(defs, c)...)
		}
	}
	return score.Attention(signals)
}
