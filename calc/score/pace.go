package score

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// PaceStatus says whether an open period is ahead of or behind its plan.
type PaceStatus string

const (
	Ahead  PaceStatus = "ahead"
	Behind PaceStatus = "behind"
	OnPace PaceStatus = "on_pace"
)

// PaceInput is an open period's state.
type PaceInput struct {
	Period kpi.Period
	AsOf   kpi.Date // the last day Actual includes
	// Actual is the running total to AsOf for an additive KPI, the value
	// of the period so far otherwise (an average, a rate).
	Actual    decimal.Decimal
	Target    decimal.Decimal // for the whole period
	Direction kpi.Direction
	Additive  bool // see Additive
	Calendar  Calendar
	// Shape is optional: the cumulative share of a period's total reached
	// after each working day of a typical past period (see
	// CumulativeShape); its last entry must be 1.
	Shape []decimal.Decimal
}

// Pace is where an open period stands against its target.
type Pace struct {
	Period kpi.Period `json:"period"`
	AsOf   kpi.Date   `json:"as_of"`
	Method string     `json:"method"` // linear, shape, value
	// Elapsed and Total count working days (calendar days when the period
	// has no working day: ByCalendarDays).
	Elapsed        int  `json:"elapsed"`
	Total          int  `json:"total"`
	ByCalendarDays bool `json:"by_calendar_days,omitempty"`

	Actual   decimal.Decimal `json:"actual"`
	Target   decimal.Decimal `json:"target"`
	Expected decimal.Decimal `json:"expected"` // to date
	// Forecast is the value expected at the end of the period at the
	// current rate; Null before the first working day.
	Forecast     decimal.Decimal `json:"forecast"`
	ForecastNull bool            `json:"forecast_null,omitempty"`
	// Gap is how far Actual is ahead of Expected, in the better direction:
	// negative means behind.
	Gap    decimal.Decimal `json:"gap"`
	Status PaceStatus      `json:"status"`
	Rule   string          `json:"rule"`
}

// PaceOf computes pace inside an open period.
//
// For an additive KPI, the expected value to date is target × elapsed /
// total working days (linear), or target × the shape's share at this point
// of the period (shape: with L entries and W working days, after e days the
// entry number ceil(e × L / W)); the forecast is actual × total / elapsed
// (linear) or actual / share (shape). For a non-additive KPI (an average, a
// rate, a median) there is nothing to accumulate: the expected value is the
// target itself and the forecast is the current value (method value).
// Expected and forecast are rounded half to even to DefaultPlaces or the
// places of the target (the actual, for the forecast), whichever is more.
// A Gap of zero is on pace.
func PaceOf(in PaceInput) (Pace, error) {
	sh, err := ShareOf(in.Period, in.AsOf, in.Calendar, in.Shape)
	if err != nil {
		return Pace{}, err
	}
	return PaceWith(in, sh), nil
}

// PaceWith is PaceOf with the share of the period expected by in.AsOf
// already worked out (ShareOf); in.Shape and in.Calendar are not read. A
// share's Note (why there is no shape) starts the rule.
func PaceWith(in PaceInput, sh Share) Pace {
	p := Pace{Period: in.Period, AsOf: in.AsOf, Actual: in.Actual, Target: in.Target,
		Elapsed: sh.Elapsed, Total: sh.Total, ByCalendarDays: sh.ByCalendarDays}
	tp, ap := targetPlaces(in.Target), targetPlaces(in.Actual)
	switch {
	case !in.Additive:
		p.Method = MethodValue
		p.Expected, p.Forecast = in.Target, in.Actual
		p.Rule = fmt.Sprintf("not additive: the value %s is compared with the target %s itself", in.Actual, in.Target)
	case sh.Shape != nil:
		p.Method = MethodShape
		share := *sh.Shape
		p.Expected = sh.Of(in.Target)
		if share.IsPositive() {
			p.Forecast = roundRat(ratio(in.Actual, share), ap)
		} else {
			p.ForecastNull = true
		}
		p.Rule = fmt.Sprintf("expected = %s %s = %s", in.Target, sh.times(), fixed(p.Expected, tp))
		if !p.ForecastNull {
			p.Rule += fmt.Sprintf("; forecast = %s / %s = %s", in.Actual, share, fixed(p.Forecast, ap))
		}
	default:
		p.Method = MethodLinear
		p.Expected = sh.Of(in.Target)
		if p.Elapsed > 0 {
			p.Forecast = roundRat(mulFrac(in.Actual, int64(p.Total), int64(p.Elapsed)), ap)
		} else {
			p.ForecastNull = true
		}
		p.Rule = fmt.Sprintf("expected = %s %s = %s", in.Target, sh.times(), fixed(p.Expected, tp))
		if !p.ForecastNull {
			p.Rule += fmt.Sprintf("; forecast = %s × %d / %d = %s", in.Actual, p.Total, p.Elapsed, fixed(p.Forecast, ap))
		}
	}
	if sh.Note != "" {
		p.Rule = sh.Note + ", so linear: " + p.Rule
	}
	p.Gap = in.Actual.Sub(p.Expected)
	if in.Direction == kpi.LowerIsBetter {
		p.Gap = p.Gap.Neg()
	}
	switch p.Gap.Sign() {
	case 1:
		p.Status = Ahead
	case -1:
		p.Status = Behind
	default:
		p.Status = OnPace
	}
	return p
}

// CumulativeShape averages the cumulative shape of past periods: past[k]
// holds period k's values per working day, in order. With L the most
// working days of any of them, entry i (1..L) is the mean over the periods
// with a positive total of (the period's running total after its day
// ceil(i × m / L), m its working days) / (its total), rounded half to even
// to 4 places; the last entry is 1. Nil when no period has a positive
// total: use the linear pace.
func CumulativeShape(past [][]decimal.Decimal) []decimal.Decimal {
	l := 0
	for _, days := range past {
		l = max(l, len(days))
	}
	sums := make([]*big.Rat, l)
	for i := range sums {
		sums[i] = new(big.Rat)
	}
	used := 0
	for _, days := range past {
		total := decimal.Sum(decimal.Zero, days...)
		if !total.IsPositive() {
			continue
		}
		used++
		m := len(days)
		cum := make([]decimal.Decimal, m)
		run := decimal.Zero
		for j, v := range days {
			run = run.Add(v)
			cum[j] = run
		}
		for i := 1; i <= l; i++ {
			j := (i*m + l - 1) / l
			sums[i-1].Add(sums[i-1], ratio(cum[j-1], total))
		}
	}
	if used == 0 {
		return nil
	}
	out := make([]decimal.Decimal, l)
	for i, s := range sums {
		out[i] = roundRat(s.Quo(s, big.NewRat(int64(used), 1)), 4)
	}
	out[l-1] = decimal.NewFromInt(1)
	return out
}

// WorkingDayValues spreads the daily values of an additive KPI in p over
// p's working days, in order, for CumulativeShape: a non-working day's
// value counts for the working day before it (before p's first working
// day, for the first), as an as-of date on that day counts the working
// days before it; a day without a value adds 0. Nil when p has no working
// day.
func WorkingDayValues(p kpi.Period, daily map[kpi.Date]decimal.Decimal, cal Calendar) []decimal.Decimal {
	var out []decimal.Decimal
	early := decimal.Zero // before the first working day
	for d := p.From; d <= p.To; d++ {
		v := daily[d]
		switch {
		case cal.IsWorkingDay(d):
			out = append(out, early.Add(v))
			early = decimal.Zero
		case len(out) == 0:
			early = early.Add(v)
		default:
			out[len(out)-1] = out[len(out)-1].Add(v)
		}
	}
	return out
}
