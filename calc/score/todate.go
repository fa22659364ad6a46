package score

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Pace methods: how much of a period's plan is expected by a day inside it.
const (
	MethodLinear = "linear" // by the working days passed
	MethodShape  = "shape"  // by the shape of past periods
	MethodValue  = "value"  // not additive: the value so far against the target itself
)

// Share is the part of a period's plan expected by a day inside it (AsOf):
// the part of its working days passed (linear), or the share of a typical
// past period's total reached by the same point (shape, see
// CumulativeShape).
type Share struct {
	Method string   `json:"method"` // linear or shape
	AsOf   kpi.Date `json:"as_of"`
	// Elapsed and Total count working days (calendar days when the
	// period has no working day: ByCalendarDays).
	Elapsed        int  `json:"elapsed"`
	Total          int  `json:"total"`
	ByCalendarDays bool `json:"by_calendar_days,omitempty"`
	// Shape is the entry of the shape read (method shape).
	Shape *decimal.Decimal `json:"shape,omitempty"`
	// Note says why a shape was asked for and not used ("no shape: ...").
	Note string `json:"note,omitempty"`
}

// ShareOf returns the share of p expected by asOf: with a shape (L entries,
// the last 1) and W working days of p, after e of them the entry number
// ceil(e × L / W), 0 before the first; without one, e / W. A day that is
// not a working day counts the working days before it; a period without a
// working day counts calendar days.
func ShareOf(p kpi.Period, asOf kpi.Date, cal Calendar, shape []decimal.Decimal) (Share, error) {
	if n := len(shape); n > 0 && !shape[n-1].Equal(decimal.NewFromInt(1)) {
		return Share{}, kpi.Errorf(kpi.EINVALID, "A pace shape must end at 1 (the whole period), not %s.", shape[n-1])
	}
	s := Share{Method: MethodLinear, AsOf: asOf}
	s.Elapsed, s.Total, s.ByCalendarDays = calendarShare(p, asOf, cal)
	if len(shape) > 0 {
		s.Method = MethodShape
		v := decimal.Zero
		if s.Elapsed > 0 {
			l, w := len(shape), s.Total
			v = shape[(s.Elapsed*l+w-1)/w-1] // ceil(e × L / W)
		}
		s.Shape = &v
	}
	return s, nil
}

// rat is the share as an exact fraction.
func (s Share) rat() *big.Rat {
	if s.Shape != nil {
		return rat(*s.Shape)
	}
	if s.Total == 0 {
		return new(big.Rat)
	}
	return big.NewRat(int64(s.Elapsed), int64(s.Total))
}

// Of returns v × the share, rounded half to even to DefaultPlaces or v's
// own places, whichever is more: the part of v expected by AsOf.
func (s Share) Of(v decimal.Decimal) decimal.Decimal {
	return roundRat(new(big.Rat).Mul(rat(v), s.rat()), targetPlaces(v))
}

func (s Share) unit() string {
	if s.ByCalendarDays {
		return "calendar days"
	}
	return "working days"
}

// times writes "× 7 / 20 working days" or "× share 0.25 after 7 of 20
// working days".
func (s Share) times() string {
	if s.Shape != nil {
		return fmt.Sprintf("× share %s after %d of %d %s", s.Shape, s.Elapsed, s.Total, s.unit())
	}
	return fmt.Sprintf("× %d / %d %s", s.Elapsed, s.Total, s.unit())
}

// SamePoint returns the last day of q's first elapsed working days (calendar
// days when q has none): the point of q that compares with a period that
// has had elapsed of its own. All of q when it has fewer; false when
// elapsed is 0.
func SamePoint(q kpi.Period, elapsed int, cal Calendar) (kpi.Period, bool) {
	if elapsed <= 0 {
		return kpi.Period{}, false
	}
	cut := kpi.Period{Grain: kpi.Range, From: q.From, To: q.To}
	if cal.WorkingDays(q.From, q.To) == 0 {
		cut.To = min(q.To, q.From+kpi.Date(elapsed-1))
		return cut, true
	}
	n := 0
	for d := q.From; d <= q.To; d++ {
		if cal.IsWorkingDay(d) {
			if n++; n == elapsed {
				cut.To = d
				break
			}
		}
	}
	return cut, true
}

// Allowance is what one more record could still make of a value so far,
// inside a period that has not ended: a value worse than a level by no
// more than that is not a reason for attention yet (see Short). The zero
// Allowance allows nothing: any value worse than the level is short.
type Allowance struct {
	Lower bool `json:"lower,omitempty"` // lower is better
	// Record is the size of one record of an additive KPI: 1 for a
	// count, the subject's average record for a sum.
	Record *decimal.Decimal `json:"record,omitempty"`
	// Day is an additive KPI's target for one working day of the period:
	// the as-of day is not over, and what is left of it may bring as much.
	Day *decimal.Decimal `json:"day,omitempty"`
	// Records is how many records the value so far of a KPI that does not
	// add up rests on; Rate says it is a share of them (a win rate).
	Records int  `json:"records,omitempty"`
	Rate    bool `json:"rate,omitempty"`
	// Open is set inside a period that has not ended; without it nothing
	// is allowed.
	Open bool `json:"open,omitempty"`
}

// Short reports whether v is worse than level by more than one more record
// could make up:
//
//   - additive: worse by more than Record, or than Day if that is more
//     (the rest of the as-of day); without either, worse at all;
//   - a rate of n records: still worse with one more record of the better
//     kind, (v × n + 1) / (n + 1), or (v × n) / (n + 1) where lower is
//     better;
//   - another value of n records where lower is better (an average, a
//     median of durations): still worse with one more record of 0, read as
//     a mean: v × n / (n + 1);
//   - another value where higher is better: one record has no bound, so
//     it is judged as it is.
func (a Allowance) Short(v, level decimal.Decimal) bool {
	sign := 1
	if a.Lower {
		sign = -1
	}
	if sign*v.Cmp(level) >= 0 {
		return false
	}
	if !a.Open {
		return true
	}
	worse := level.Sub(v)
	if a.Lower {
		worse = worse.Neg()
	}
	n := int64(a.Records)
	switch {
	case a.Record != nil || a.Day != nil:
		margin := decimal.Zero
		for _, m := range []*decimal.Decimal{a.Record, a.Day} {
			if m != nil {
				margin = decimal.Max(margin, *m)
			}
		}
		return worse.GreaterThan(margin)
	case a.Rate && !a.Lower:
		best := new(big.Rat).Add(new(big.Rat).Mul(rat(v), big.NewRat(n, 1)), big.NewRat(1, 1))
		best.Quo(best, big.NewRat(n+1, 1))
		return best.Cmp(rat(level)) < 0
	case a.Lower:
		best := new(big.Rat).Mul(rat(v), big.NewRat(n, n+1))
		return best.Cmp(rat(level)) > 0
	}
	return true
}
