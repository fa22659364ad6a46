package score

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Calendar says which days are worked in a workspace: every day except the
// weekend days and the holidays.
type Calendar struct {
	// Weekend lists the days of the week nobody works. Nil means Saturday
	// and Sunday; an empty, non-nil slice means every day is a working day.
	Weekend []time.Weekday
	// Holidays are the workspace's non-working dates, with their names.
	Holidays map[kpi.Date]string
}

// IsWorkingDay reports whether d is neither a weekend day nor a holiday.
func (c Calendar) IsWorkingDay(d kpi.Date) bool {
	if _, ok := c.Holidays[d]; ok {
		return false
	}
	weekend := c.Weekend
	if weekend == nil {
		weekend = []time.Weekday{time.Saturday, time.Sunday}
	}
	return !slices.Contains(weekend, d.Weekday())
}

// WorkingDays counts the working days in [from, to], both included; 0 when
// to is before from.
func (c Calendar) WorkingDays(from, to kpi.Date) int {
	n := 0
	for d := from; d <= to; d++ {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// Active returns the spans of p in which a person is there: from hired (or
// the start of p) to left (or the end of p), both days included, minus the
// leave periods. Nil hired or left means no bound. The spans are sorted and
// do not overlap; none means the person is not there at all in p.
func Active(p kpi.Period, hired, left *kpi.Date, leave []kpi.Period) []kpi.Period {
	span := kpi.Period{Grain: kpi.Range, From: p.From, To: p.To}
	if hired != nil && *hired > span.From {
		span.From = *hired
	}
	if left != nil && *left < span.To {
		span.To = *left
	}
	if span.To < span.From {
		return nil
	}
	spans := []kpi.Period{span}
	for _, l := range normalize(span, leave) {
		var next []kpi.Period
		for _, s := range spans {
			if l.To < s.From || l.From > s.To {
				next = append(next, s)
				continue
			}
			if l.From > s.From {
				next = append(next, kpi.Period{Grain: kpi.Range, From: s.From, To: l.From - 1})
			}
			if l.To < s.To {
				next = append(next, kpi.Period{Grain: kpi.Range, From: l.To + 1, To: s.To})
			}
		}
		spans = next
	}
	return spans
}

// Absence says why a person is not there all of p, for a proration's rule:
// "hired 2017-06-16", "left 2017-06-13", "minus leave 2026-06-01..2026-06-14,
// 2026-06-22..2026-06-23" (the leave periods that overlap p, as written).
// Nil when there is no reason.
func Absence(p kpi.Period, hired, left *kpi.Date, leave []kpi.Period) []string {
	var why, away []string
	if hired != nil && *hired > p.From {
		why = append(why, "hired "+hired.String())
	}
	if left != nil && *left < p.To {
		why = append(why, "left "+left.String())
	}
	for _, l := range leave {
		if l.From <= p.To && l.To >= p.From {
			away = append(away, l.From.String()+".."+l.To.String())
		}
	}
	if len(away) > 0 {
		why = append(why, "minus leave "+strings.Join(away, ", "))
	}
	return why
}

// normalize clips spans to p, sorts them and merges the ones that overlap or
// touch.
func normalize(p kpi.Period, spans []kpi.Period) []kpi.Period {
	var out []kpi.Period
	for _, s := range spans {
		s = kpi.Period{Grain: kpi.Range, From: max(s.From, p.From), To: min(s.To, p.To)}
		if s.To >= s.From {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b kpi.Period) int { return int(a.From) - int(b.From) })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.From <= merged[n-1].To+1 {
			merged[n-1].To = max(merged[n-1].To, s.To)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// Proration is a target cut down to the part of a period a person is there.
type Proration struct {
	Value decimal.Decimal `json:"value"`
	// ByCalendarDays is set when the period has no working day at all and
	// the days below count calendar days instead.
	ByCalendarDays    bool `json:"by_calendar_days,omitempty"`
	WorkingDays       int  `json:"working_days"`        // days in the period
	ActiveWorkingDays int  `json:"active_working_days"` // days of them the person is there
	// Rule is the calculation written out: "120 × 14 / 21 working days of
	// 2017-06 = 80.00".
	Rule string `json:"rule"`
}

// Prorate cuts full, the target for the whole of p, to the working days of p
// covered by active (the spans the person is there, see Active; they are
// clipped to p and may overlap):
//
//	value = full × active working days / working days of p
//
// rounded half to even to DefaultPlaces or full's own places, whichever is
// more. Counts are not rounded to whole numbers. When p has no working day
// at all (a weekend, a holiday week), calendar days stand in for working
// days, so the target is kept rather than lost. A pilot window inside a
// month is prorated the same way, with the window as the active span.
func Prorate(full decimal.Decimal, p kpi.Period, active []kpi.Period, cal Calendar) Proration {
	spans := normalize(p, active)
	unit := "working days"
	total := cal.WorkingDays(p.From, p.To)
	count := func(s kpi.Period) int { return cal.WorkingDays(s.From, s.To) }
	pr := Proration{}
	if total == 0 {
		pr.ByCalendarDays = true
		unit = "calendar days (the period has no working day)"
		total = p.Days()
		count = func(s kpi.Period) int { return s.Days() }
	}
	n := 0
	for _, s := range spans {
		n += count(s)
	}
	pl := targetPlaces(full)
	pr.WorkingDays, pr.ActiveWorkingDays = total, n
	pr.Value = roundRat(mulFrac(full, int64(n), int64(total)), pl)
	pr.Rule = fmt.Sprintf("%s × %d / %d %s of %s = %s", full, n, total, unit, p.Label(), fixed(pr.Value, pl))
	return pr
}

// calendarShare returns the exact fraction of p's working days in
// [p.From, asOf], falling back to calendar days when p has none, and the
// elapsed and total counts.
func calendarShare(p kpi.Period, asOf kpi.Date, cal Calendar) (elapsed, total int, byCalendar bool) {
	end := min(asOf, p.To)
	total = cal.WorkingDays(p.From, p.To)
	if total > 0 {
		return cal.WorkingDays(p.From, end), total, false
	}
	return max(0, int(end-p.From)+1), p.Days(), true
}
