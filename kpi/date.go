package kpi

import (
	"time"
)

// Date is a civil date, stored as days since 1970-01-01. Dates carry no time
// zone: a timestamp becomes a Date by reading it in the workspace's zone.
type Date int32

const dateLayout = "2006-01-02"

// The dates Attain accepts in records and queries: a date outside them is
// a typo (0001-01-01, 9999-12-31 as "no date") more likely than a fact, and
// a query over millennia of days would ask for millions of values.
var (
	MinDate = NewDate(1900, time.January, 1)
	MaxDate = NewDate(2199, time.December, 31)
)

// CheckDate returns an error (EINVALID) when d is outside MinDate..MaxDate.
func CheckDate(d Date) error {
	if d < MinDate || d > MaxDate {
		return Errorf(EINVALID, "%s is outside the dates Attain accepts, %s to %s.", d, MinDate, MaxDate)
	}
	return nil
}

// NewDate returns the Date of year, month and day (normalised like time.Date).
func NewDate(year int, month time.Month, day int) Date {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	return Date(t.Unix() / 86400)
}

// DateOf returns the civil date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return NewDate(y, m, d)
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return 0, Errorf(EINVALID, "not a date (want YYYY-MM-DD): %q", s)
	}
	return NewDate(t.Date()), nil
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// In returns midnight of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	y, m, dd := d.Time().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

func (d Date) String() string { return d.Time().Format(dateLayout) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return time.Weekday((int(d)%7 + 7 + 4) % 7) }

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
