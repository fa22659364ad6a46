package kpi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Grain is the length of a period.
type Grain string

const (
	Day     Grain = "day"
	Week    Grain = "week" // ISO 8601 week, Monday to Sunday
	Month   Grain = "month"
	Quarter Grain = "quarter"
	Year    Grain = "year"
	Range   Grain = "range" // a custom range, From..To inclusive
)

// Grains lists the calendar grains in order.
var Grains = []Grain{Day, Week, Month, Quarter, Year}

// ParseGrain checks s names a grain.
func ParseGrain(s string) (Grain, error) {
	switch g := Grain(s); g {
	case Day, Week, Month, Quarter, Year, Range:
		return g, nil
	}
	return "", Errorf(EINVALID, "Unknown period grain %q: want day, week, month, quarter, year or range.", s)
}

// Period is a closed range of civil dates [From, To] with the grain that cut it.
type Period struct {
	Grain Grain `json:"grain"`
	From  Date  `json:"from"`
	To    Date  `json:"to"`
}

// Contains reports whether d falls in p.
func (p Period) Contains(d Date) bool { return d >= p.From && d <= p.To }

// Days returns the number of days in p.
func (p Period) Days() int { return int(p.To-p.From) + 1 }

// Next returns the period of the same grain that follows p.
func (p Period) Next() Period {
	if p.Grain == Range {
		return Period{Grain: Range, From: p.To + 1, To: p.To + 1 + (p.To - p.From)}
	}
	return PeriodOf(p.Grain, p.To+1)
}

// Label names p the way people write it: 2017-06-03, 2017-W22, 2017-06,
// 2017-Q2, 2017, or 2017-06-01..2017-06-21 for a range.
func (p Period) Label() string {
	t := p.From.Time()
	switch p.Grain {
	case Day:
		return p.From.String()
	case Week:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		return t.Format("2006-01")
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	case Year:
		return t.Format("2006")
	}
	return p.From.String() + ".." + p.To.String()
}

func (p Period) String() string { return p.Label() }

// PeriodOf returns the period of grain g that contains d.
func PeriodOf(g Grain, d Date) Period {
	t := d.Time()
	y, m, _ := t.Date()
	switch g {
	case Week:
		from := d - Date((int(d.Weekday())+6)%7)
		return Period{Grain: Week, From: from, To: from + 6}
	case Month:
		from := NewDate(y, m, 1)
		return Period{Grain: Month, From: from, To: NewDate(y, m+1, 1) - 1}
	case Quarter:
		qm := time.Month((int(m)-1)/3*3 + 1)
		return Period{Grain: Quarter, From: NewDate(y, qm, 1), To: NewDate(y, qm+3, 1) - 1}
	case Year:
		return Period{Grain: Year, From: NewDate(y, 1, 1), To: NewDate(y+1, 1, 1) - 1}
	}
	return Period{Grain: Day, From: d, To: d}
}

// CountPeriods returns how many periods Periods(g, from, to) would cut,
// without cutting them: what a query is about to ask for.
func CountPeriods(g Grain, from, to Date) int64 {
	if to < from {
		return 0
	}
	first, last := PeriodOf(g, from), PeriodOf(g, to)
	months := func(d Date) int64 {
		y, m, _ := d.Time().Date()
		return int64(y)*12 + int64(m) - 1
	}
	switch g {
	case Range:
		return 1
	case Day:
		return int64(to-from) + 1
	case Week:
		return int64(last.From-first.From)/7 + 1
	case Month:
		return months(last.From) - months(first.From) + 1
	case Quarter:
		return (months(last.From)-months(first.From))/3 + 1
	case Year:
		return (months(last.From)-months(first.From))/12 + 1
	}
	return int64(len(Periods(g, from, to)))
}

// Periods cuts [from, to] into the periods of grain g that touch it. For
// Range it returns the one range.
func Periods(g Grain, from, to Date) []Period {
	if to < from {
		return nil
	}
	if g == Range {
		return []Period{{Grain: Range, From: from, To: to}}
	}
	var ps []Period
	for p := PeriodOf(g, from); p.From <= to; p = p.Next() {
		ps = append(ps, p)
	}
	return ps
}

// ParsePeriod reads a period label: 2017-06-03, 2017-W22, 2017-06, 2017-Q2,
// 2017 or FROM..TO.
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	bad := Errorf(EINVALID, "Cannot read period %q: want 2017-06-03, 2017-W22, 2017-06, 2017-Q2, 2017 or 2017-06-01..2017-06-21.", s)
	if from, to, ok := strings.Cut(s, ".."); ok {
		f, err1 := ParseDate(from)
		t, err2 := ParseDate(to)
		if err1 != nil || err2 != nil || t < f {
			return Period{}, bad
		}
		return Period{Grain: Range, From: f, To: t}, nil
	}
	if d, err := ParseDate(s); err == nil {
		return PeriodOf(Day, d), nil
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return PeriodOf(Month, NewDate(t.Year(), t.Month(), 1)), nil
	}
	if ys, ws, ok := strings.Cut(s, "-W"); ok {
		y, err1 := strconv.Atoi(ys)
		w, err2 := strconv.Atoi(ws)
		if err1 != nil || err2 != nil || len(ys) != 4 || w < 1 || w > 53 {
			return Period{}, bad
		}
		// ISO week 1 is the week with 4 January in it.
		p := PeriodOf(Week, NewDate(y, 1, 4)+Date(7*(w-1)))
		if gy, _ := p.From.Time().ISOWeek(); gy != y {
			return Period{}, bad // week 53 of a year that has 52
		}
		return p, nil
	}
	if ys, qs, ok := strings.Cut(s, "-Q"); ok {
		y, err1 := strconv.Atoi(ys)
		q, err2 := strconv.Atoi(qs)
		if err1 != nil || err2 != nil || len(ys) != 4 || q < 1 || q > 4 {
			return Period{}, bad
		}
		return PeriodOf(Quarter, NewDate(y, time.Month(3*q-2), 1)), nil
	}
	if y, err := strconv.Atoi(s); err == nil && len(s) == 4 {
		return PeriodOf(Year, NewDate(y, 1, 1)), nil
	}
	return Period{}, bad
}

// UnmarshalJSON reads a period written as an object {"grain", "from", "to"}
// or as its label ("2026-06", "2026-Q3", "2026-06-01..2026-06-21").
func (p *Period) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var label string
		if err := json.Unmarshal(b, &label); err != nil {
			return err
		}
		v, err := ParsePeriod(label)
		if err != nil {
			return err
		}
		*p = v
		return nil
	}
	type plain Period // without this method
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.To < v.From {
		return Errorf(EINVALID, "Period %s..%s ends before it starts.", v.From, v.To)
	}
	*p = Period(v)
	return nil
}
