package score

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Change compares a value with an earlier one.
type Change struct {
	Base  kpi.Period      `json:"base"` // the earlier period
	From  decimal.Decimal `json:"from"`
	To    decimal.Decimal `json:"to"`
	Null  bool            `json:"null,omitempty"` // one of the two values is missing
	Delta decimal.Decimal `json:"delta"`          // To − From
	// Pct is Delta / |From| × 100, rounded half to even to 2 places; Null
	// when From is 0 (or the change is Null).
	Pct     decimal.Decimal `json:"pct"`
	PctNull bool            `json:"pct_null,omitempty"`
	// Worse is set when To is worse than From in the KPI's better
	// direction: lower for higher-is-better, higher for lower-is-better.
	Worse bool   `json:"worse,omitempty"`
	Note  string `json:"note,omitempty"`
	// Text is the change written in the KPI's unit (see Change.Display).
	Text string `json:"text"`
}

// ProgressOptions tune ProgressOf.
type ProgressOptions struct {
	Direction kpi.Direction
	// N is how many periods, up to and including the newest, the slope is
	// fitted over; 0 means 6.
	N int
	// Thresholds are the threshold levels per period, for the "fell below
	// threshold" flag; a period without one is not judged.
	Thresholds map[kpi.Period]decimal.Decimal
	// Hired is an employee's hire date: the periods that end before it
	// are left out, as not theirs (a count over them is 0, not a result).
	// The period they were hired in stays.
	Hired *kpi.Date
	// KPI, if given, writes the changes' Text in its unit.
	KPI *kpi.KPI
	// Open is set when the newest period has not ended: its value is the
	// value so far, compared like with like (see OpenProgress).
	Open *OpenProgress
}

// OpenProgress is what the value so far of a period that has not ended is
// compared with: the earlier periods at the same point, and the thresholds
// expected by then.
type OpenProgress struct {
	AsOf kpi.Date
	// Previous and LastYear are the values of the previous period and of
	// the same period last year over as many of their first working days
	// as the newest has had (their Period is that range, see SamePoint);
	// nil when there is none.
	Previous, LastYear *kpi.KPIValue
	// Threshold is the newest period's threshold expected by AsOf, and
	// PreviousThreshold the previous period's at the same point, for the
	// "fell below threshold" flag; nil: not judged.
	Threshold, PreviousThreshold *decimal.Decimal
	// Allowance is what one more record could make of the value so far:
	// the newest is worse than an earlier value (or its threshold) only
	// when it is short of it by more (Allowance.Short).
	Allowance Allowance
}

// Progress is how one KPI of one subject has moved up to its newest period.
type Progress struct {
	KPI     string          `json:"kpi"`
	Subject kpi.Subject     `json:"subject"`
	Period  kpi.Period      `json:"period"` // the newest period of the series
	Value   decimal.Decimal `json:"value"`
	Null    bool            `json:"null,omitempty"`

	VsPrevious Change `json:"vs_previous"`
	VsLastYear Change `json:"vs_last_year"`

	// Slope is the least-squares slope of the values over the last N
	// periods, in the KPI's unit per period, from the exact fraction
	// rounded half to even to 4 places; Null with fewer than 2 values.
	Slope        decimal.Decimal `json:"slope"`
	SlopeNull    bool            `json:"slope_null,omitempty"`
	SlopePeriods int             `json:"slope_periods"` // values the slope is fitted to

	// DeclineStreak counts the consecutive period-on-period declines (in
	// the better direction) that end at the newest period; a missing
	// value ends the streak. Declining is DeclineStreak >= 3.
	DeclineStreak int  `json:"decline_streak"`
	Declining     bool `json:"declining,omitempty"`
	// FellBelowThreshold: the newest value is worse than its period's
	// threshold and the previous period's was at or better than its own.
	FellBelowThreshold bool `json:"fell_below_threshold,omitempty"`
	// SoFar is set when the newest period has not ended: Value is the
	// value so far, the changes compare it with the earlier periods at
	// the same point, and the slope is fitted over the periods before it.
	SoFar bool     `json:"so_far,omitempty"`
	AsOf  kpi.Date `json:"as_of,omitzero"`
}

// ProgressOf reads s up to its newest period (the latest period in it). Its
// earlier periods are found by date, so gaps are seen as missing values;
// so are the periods that end before o.Hired.
func ProgressOf(s Series, o ProgressOptions) (Progress, error) {
	if o.Hired != nil {
		s.Values = slices.DeleteFunc(slices.Clone(s.Values), func(v kpi.KPIValue) bool { return v.Period.To < *o.Hired })
	}
	if len(s.Values) == 0 {
		return Progress{}, kpi.Errorf(kpi.EINVALID, "No values of %s for %s to show progress.", s.KPI, s.Subject)
	}
	n := o.N
	if n == 0 {
		n = 6
	}
	if n < 2 {
		return Progress{}, kpi.Errorf(kpi.EINVALID, "A slope needs at least 2 periods, not %d.", n)
	}
	newest := slices.MaxFunc(s.Values, func(a, b kpi.KPIValue) int { return int(a.Period.From) - int(b.Period.From) })
	sign := 1
	if o.Direction == kpi.LowerIsBetter {
		sign = -1
	}
	pr := Progress{KPI: s.KPI, Subject: s.Subject, Period: newest.Period, Value: newest.Value, Null: newest.Null}
	var atPrev, atLastYear *kpi.KPIValue
	allow := Allowance{Lower: sign < 0}
	if o.Open != nil {
		pr.SoFar, pr.AsOf = true, o.Open.AsOf
		atPrev, atLastYear = o.Open.Previous, o.Open.LastYear
		allow = o.Open.Allowance
		allow.Lower = sign < 0
	}

	change := func(base kpi.Period, note string, old kpi.KPIValue, ok bool) Change {
		c := Change{Base: base, To: newest.Value, Note: note}
		if !ok || newest.Null {
			c.Null, c.PctNull = true, true
			if o.Hired != nil && base.To < *o.Hired {
				c.Note = strings.TrimPrefix(c.Note+"; before the hire date "+o.Hired.String(), "; ")
			}
			c.Text = c.Display(o.KPI)
			return c
		}
		c.From = old.Value
		c.Delta = newest.Value.Sub(old.Value)
		c.Worse = sign*c.Delta.Sign() < 0
		if o.Open != nil {
			c.Worse = allow.Short(newest.Value, old.Value)
		}
		if old.Value.IsZero() {
			c.PctNull = true
			c.Note = strings.TrimPrefix(c.Note+"; previous value is 0: no percentage", "; ")
		} else {
			c.Pct = roundRat(new(big.Rat).Mul(ratio(c.Delta, old.Value.Abs()), big.NewRat(100, 1)), 2)
		}
		c.Text = c.Display(o.KPI)
		return c
	}
	// sameAs compares with an earlier period at the same point of an open
	// newest period, or with all of it.
	sameAs := func(base kpi.Period, note string, at *kpi.KPIValue) Change {
		if o.Open == nil {
			old, ok := s.find(base)
			return change(base, note, old, ok)
		}
		if at == nil {
			return change(base, note, kpi.KPIValue{}, false)
		}
		if at.Period.To < base.To {
			note = strings.TrimPrefix(note+"; at the same point: "+at.Period.Label(), "; ")
		}
		if o.Hired != nil && at.Period.To < *o.Hired {
			return change(at.Period, note, kpi.KPIValue{}, false)
		}
		return change(at.Period, note, *at, !at.Null)
	}
	ly, lyNote := LastYear(newest.Period)
	pr.VsPrevious = sameAs(Previous(newest.Period), "", atPrev)
	pr.VsLastYear = sameAs(ly, lyNote, atLastYear)

	// Least squares over x = 0..n-1, oldest first, skipping missing
	// values; in an open period over the n periods before it, since its
	// value so far would pull the line down.
	end := newest.Period.Next()
	if o.Open != nil {
		end = newest.Period
	}
	var xs []int64
	var ys []*big.Rat
	for i, per := range window(end, n) {
		if v, ok := s.find(per); ok {
			xs = append(xs, int64(i))
			ys = append(ys, rat(v.Value))
		}
	}
	pr.SlopePeriods = len(xs)
	if slope := leastSquares(xs, ys); slope != nil {
		pr.Slope = roundRat(slope, 4)
	} else {
		pr.SlopeNull = true
	}

	// Decline streak, walking back from the newest period; in an open
	// period the first step compares with the previous period at the
	// same point.
	cur := newest
	for first := true; !cur.Null; first = false {
		prev, ok := s.find(Previous(cur.Period))
		if first && o.Open != nil {
			if atPrev == nil || atPrev.Null || !allow.Short(cur.Value, atPrev.Value) {
				break
			}
			pr.DeclineStreak++
			cur = prev
			continue
		}
		if !ok || sign*cur.Value.Cmp(prev.Value) >= 0 {
			break
		}
		pr.DeclineStreak++
		cur = prev
	}
	pr.Declining = pr.DeclineStreak >= 3

	if o.Open != nil {
		t1, t0 := o.Open.Threshold, o.Open.PreviousThreshold
		pr.FellBelowThreshold = !newest.Null && atPrev != nil && !atPrev.Null && t1 != nil && t0 != nil &&
			allow.Short(newest.Value, *t1) && sign*atPrev.Value.Cmp(*t0) >= 0
	} else if prev, ok := s.find(Previous(newest.Period)); ok && !newest.Null {
		t1, ok1 := o.Thresholds[newest.Period]
		t0, ok0 := o.Thresholds[prev.Period]
		pr.FellBelowThreshold = ok1 && ok0 && sign*newest.Value.Cmp(t1) < 0 && sign*prev.Value.Cmp(t0) >= 0
	}
	return pr, nil
}

// leastSquares returns the exact slope (kΣxy − ΣxΣy) / (kΣx² − (Σx)²), or
// nil with fewer than two points.
func leastSquares(xs []int64, ys []*big.Rat) *big.Rat {
	k := int64(len(xs))
	if k < 2 {
		return nil
	}
	var sx, sxx int64
	sy, sxy := new(big.Rat), new(big.Rat)
	for i, x := range xs {
		sx += x
		sxx += x * x
		sy.Add(sy, ys[i])
		sxy.Add(sxy, new(big.Rat).Mul(big.NewRat(x, 1), ys[i]))
	}
	num := new(big.Rat).Sub(new(big.Rat).Mul(big.NewRat(k, 1), sxy), new(big.Rat).Mul(big.NewRat(sx, 1), sy))
	den := big.NewRat(k*sxx-sx*sx, 1)
	return num.Quo(num, den)
}

func (c Change) String() string {
	if c.Null {
		return "no comparison"
	}
	s := fmt.Sprintf("%s → %s (%s", c.From, c.To, c.Delta)
	if !c.PctNull {
		s += fmt.Sprintf(", %s %%", fixed(c.Pct, 2))
	}
	return s + ")"
}

// Display writes the change in k's unit (kpi.Display; nil k: as a plain
// number): "12 → 9 (-3, -25.0 %)", "45.0 % → 33.3 % (-11.7 points)".
// The percentage of a change of a percentage is left out: its points say
// it.
func (c Change) Display(k *kpi.KPI) string {
	if c.Null {
		return "no comparison"
	}
	s := fmt.Sprintf("%s → %s (%s", kpi.Display(k, c.From), kpi.Display(k, c.To), kpi.DisplayDelta(k, c.Delta))
	if !c.PctNull && (k == nil || k.Unit != kpi.UnitPercent) {
		s += ", " + kpi.Grouped(c.Pct, kpi.PercentPlaces) + " %"
	}
	return s + ")"
}
