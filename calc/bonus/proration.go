package bonus

import (
	"fmt"
	"strings"
	"time"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// activeShare is how the active share of the period was counted: the line
// that shows it.
type activeShare struct {
	inputs   []kpi.LineValue
	rule     string
	num, den int // the share as counted (days or months), 0/0 when given
}

// of multiplies d by the share: exactly num / den when counted.
func (sh *activeShare) of(d, fraction decimal.Decimal) decimal.Decimal {
	if sh.den == 0 {
		return d.Mul(fraction)
	}
	return d.Mul(decimal.NewFromInt(int64(sh.num))).DivRound(decimal.NewFromInt(int64(sh.den)), divPrecision)
}

// text writes the share for a rule: 2/3, or the fraction when given.
func (sh *activeShare) text(fraction decimal.Decimal) string {
	if sh.den == 0 {
		return f(fraction)
	}
	return fmt.Sprintf("%d/%d", sh.num, sh.den)
}

func (pr *Proration) convention() string {
	if pr == nil || pr.Convention == "" {
		return WorkingDays
	}
	return pr.Convention
}

// setup computes what the lines read before they are written: the active
// share of the period, the ramp month and a true-up's window.
func (e *evaluator) setup() error {
	if err := e.activeShare(); err != nil {
		return err
	}
	e.rampMonth()
	if t := e.plan.TrueUp; t != nil {
		g := kpi.Year
		if t.ToDate == ToDateQuarter {
			g = kpi.Quarter
		}
		w := kpi.PeriodOf(g, e.period.From)
		e.window = &kpi.Period{Grain: kpi.Range, From: w.From, To: e.period.To}
		if w.From == e.period.From && w.To == e.period.To {
			e.window = &w
		}
	}
	return nil
}

// activeShare computes the active share of the period by the plan's
// proration convention, when the inputs say the period is partial.
func (e *evaluator) activeShare() error {
	a := e.in.Active
	if a == nil {
		return nil
	}
	conv := e.plan.Proration.convention()
	var fr decimal.Decimal
	sh := &activeShare{}
	switch {
	case a.Fraction != nil:
		fr = *a.Fraction
		sh.rule = "given"
	case conv == WorkingDays && a.PeriodDays > 0:
		act, all := decimal.NewFromInt(int64(a.ActiveDays)), decimal.NewFromInt(int64(a.PeriodDays))
		fr = act.DivRound(all, divPrecision)
		sh.inputs = []kpi.LineValue{{Name: "active days", Value: act, Unit: kpi.LineDays}, {Name: "period days", Value: all, Unit: kpi.LineDays}}
		sh.rule = fmt.Sprintf("active days / period days = %d / %d", a.ActiveDays, a.PeriodDays)
		sh.num, sh.den = a.ActiveDays, a.PeriodDays
	default:
		spans, err := e.activeSpans()
		if err != nil {
			return err
		}
		switch conv {
		case WorkingDays:
			off := map[kpi.Date]bool{}
			for _, d := range a.NonWorking {
				off[d] = true
			}
			act := 0
			for _, s := range spans {
				act += workingDays(s.From, s.To, off)
			}
			all := workingDays(e.period.From, e.period.To, off)
			if all == 0 {
				return invalidf("Period %s has no working days: proration needs some.", e.period.Label())
			}
			fr = decimal.NewFromInt(int64(act)).DivRound(decimal.NewFromInt(int64(all)), divPrecision)
			sh.inputs = []kpi.LineValue{{Name: "active working days", Value: decimal.NewFromInt(int64(act)), Unit: kpi.LineDays}, {Name: "period working days", Value: decimal.NewFromInt(int64(all)), Unit: kpi.LineDays}}
			sh.rule = fmt.Sprintf("working days (Monday to Friday, less non-working days: %d listed) active %s / in %s = %d / %d", len(off), spanText(spans), e.period.Label(), act, all)
			sh.num, sh.den = act, all
		case CalendarDays, Days365:
			act := 0
			for _, s := range spans {
				act += int(s.To-s.From) + 1
			}
			all := e.period.Days()
			fr = decimal.NewFromInt(int64(act)).DivRound(decimal.NewFromInt(int64(all)), divPrecision)
			sh.inputs = []kpi.LineValue{{Name: "active calendar days", Value: decimal.NewFromInt(int64(act)), Unit: kpi.LineDays}, {Name: "period calendar days", Value: decimal.NewFromInt(int64(all)), Unit: kpi.LineDays}}
			sh.rule = fmt.Sprintf("calendar days active %s / in %s = %d / %d", spanText(spans), e.period.Label(), act, all)
			sh.num, sh.den = act, all
		case WholeMonths:
			months := periodMonths(e.period)
			if months == nil {
				return invalidf("Proration by whole months needs a month, quarter or year period, not %s.", e.period.Label())
			}
			var whole []string
			for _, m := range months {
				n := 0
				for _, s := range spans {
					lo, hi := max(s.From, m.From), min(s.To, m.To)
					if hi >= lo {
						n += int(hi-lo) + 1
					}
				}
				if n == m.Days() {
					whole = append(whole, m.Label())
				}
			}
			fr = decimal.NewFromInt(int64(len(whole))).DivRound(decimal.NewFromInt(int64(len(months))), divPrecision)
			sh.inputs = []kpi.LineValue{number("whole months active", decimal.NewFromInt(int64(len(whole)))), number("months in the period", decimal.NewFromInt(int64(len(months))))}
			list := "none"
			if len(whole) > 0 {
				list = strings.Join(whole, ", ")
			}
			sh.rule = fmt.Sprintf("whole calendar months active (every day of the month: %s) / months in %s = %d / %d", list, e.period.Label(), len(whole), len(months))
			sh.num, sh.den = len(whole), len(months)
		}
	}
	if a.Reason != "" {
		sh.rule += " (" + a.Reason + ")"
	}
	e.fraction, e.share = &fr, sh
	return nil
}

// activeSpans returns the runs of active days within the period: the
// inputs' spans, or from/to.
func (e *evaluator) activeSpans() ([]kpi.DateSpan, error) {
	a := e.in.Active
	var out []kpi.DateSpan
	clip := func(from, to kpi.Date) {
		from, to = max(from, e.period.From), min(to, e.period.To)
		if to >= from {
			out = append(out, kpi.DateSpan{From: from, To: to})
		}
	}
	switch {
	case len(a.Spans) > 0:
		for _, s := range a.Spans {
			clip(s.From, s.To)
		}
	case a.From != nil || a.To != nil:
		from, to := e.period.From, e.period.To
		if a.From != nil {
			from = *a.From
		}
		if a.To != nil {
			to = *a.To
		}
		clip(from, to)
	default:
		return nil, invalidf("Proration by %s needs the active dates (active.from/to or active.spans), not only a count of working days.", e.plan.Proration.convention())
	}
	return out, nil
}

func spanText(spans []kpi.DateSpan) string {
	if len(spans) == 0 {
		return "none"
	}
	s := ""
	for i, sp := range spans {
		if i > 0 {
			s += ", "
		}
		s += sp.From.String() + ".." + sp.To.String()
	}
	return s
}

// periodMonths returns the calendar months of a month, quarter or year
// period; nil for others.
func periodMonths(p kpi.Period) []kpi.Period {
	switch p.Grain {
	case kpi.Month, kpi.Quarter, kpi.Year:
	default:
		return nil
	}
	var out []kpi.Period
	for m := kpi.PeriodOf(kpi.Month, p.From); m.From <= p.To; m = m.Next() {
		out = append(out, m)
	}
	return out
}

// prorationLine writes the active share.
func (e *evaluator) prorationLine() {
	if e.fraction == nil {
		return
	}
	e.add(kpi.StatementLine{ID: "proration", Label: "Active share of the period", Inputs: e.share.inputs, Rule: e.share.rule, Result: *e.fraction, Unit: kpi.LineFactor})
}

// workingDays counts Monday to Friday in [from, to], less off.
func workingDays(from, to kpi.Date, off map[kpi.Date]bool) int {
	n := 0
	for d := from; d <= to; d++ {
		if wd := d.Weekday(); wd >= 1 && wd <= 5 && !off[d] {
			n++
		}
	}
	return n
}

// yearShare is the share of an annual amount that falls in the period:
// by the split weights, else days / 365 under the days_365 convention,
// else whole months / 12 (a period that is not months: its days / the
// days of its year).
func (e *evaluator) yearShare(c *Component) (decimal.Decimal, string, error) {
	per := e.period
	if len(c.Split) > 0 {
		if per.Grain == kpi.Year {
			return decimal.NewFromInt(1), "the whole year", nil
		}
		m := int(per.From.Time().Month())
		switch {
		case len(c.Split) == 4 && per.Grain == kpi.Quarter:
			q := (m-1)/3 + 1
			w := c.Split[q-1]
			return w.Div(hundred), fmt.Sprintf("split weight of Q%d: %s", q, p(w)), nil
		case len(c.Split) == 12 && (per.Grain == kpi.Month || per.Grain == kpi.Quarter):
			sum := decimal.Zero
			var names []string
			for _, mp := range periodMonths(per) {
				mi := int(mp.From.Time().Month())
				sum = sum.Add(c.Split[mi-1])
				names = append(names, time.Month(mi).String()[:3]+" "+p(c.Split[mi-1]))
			}
			return sum.Div(hundred), "split weights " + strings.Join(names, ", "), nil
		}
		return decimal.Zero, "", invalidf("Component %s splits its annual target in %d weights: period %s is not a %s.", c.ID, len(c.Split), per.Label(), map[int]string{4: "quarter or year", 12: "month, quarter or year"}[len(c.Split)])
	}
	if e.plan.Proration.convention() == Days365 {
		d := decimal.NewFromInt(int64(per.Days()))
		return d.DivRound(decimal.NewFromInt(365), divPrecision), fmt.Sprintf("days of %s / 365 = %d / 365", per.Label(), per.Days()), nil
	}
	if ms := periodMonths(per); ms != nil {
		n := decimal.NewFromInt(int64(len(ms)))
		return n.DivRound(decimal.NewFromInt(12), divPrecision), fmt.Sprintf("months of %s / 12 = %d / 12", per.Label(), len(ms)), nil
	}
	y := kpi.PeriodOf(kpi.Year, per.From)
	return decimal.NewFromInt(int64(per.Days())).DivRound(decimal.NewFromInt(int64(y.Days())), divPrecision),
		fmt.Sprintf("days of %s / days of %s = %d / %d", per.Label(), y.Label(), per.Days(), y.Days()), nil
}
