package kpi_test

import (
	"encoding/json"
	"testing"

	"attain/kpi"
)

func TestParsePeriod(t *testing.T) {
	d := func(s string) kpi.Date {
		v, err := kpi.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		in       string
		from, to string
		label    string
	}{
		{"2017-06-03", "2017-06-03", "2017-06-03", "2017-06-03"},
		{"2017-06", "2017-06-01", "2017-06-30", "2017-06"},
		{"2016-02", "2016-02-01", "2016-02-29", "2016-02"}, // leap year
		{"2017-Q4", "2017-10-01", "2017-12-31", "2017-Q4"},
		{"2017", "2017-01-01", "2017-12-31", "2017"},
		{"2015-W53", "2015-12-28", "2016-01-03", "2015-W53"}, // ISO week 53 across new year
		{"2021-W01", "2021-01-04", "2021-01-10", "2021-W01"},
		{"2017-06-01..2017-06-21", "2017-06-01", "2017-06-21", "2017-06-01..2017-06-21"},
	} {
		p, err := kpi.ParsePeriod(tt.in)
		if err != nil {
			t.Errorf("ParsePeriod(%q): %v", tt.in, err)
			continue
		}
		if p.From != d(tt.from) || p.To != d(tt.to) || p.Label() != tt.label {
			t.Errorf("ParsePeriod(%q) = %v..%v %q, want %v..%v %q", tt.in, p.From, p.To, p.Label(), tt.from, tt.to, tt.label)
		}
	}
	for _, bad := range []string{"2017-13", "2017-W54", "2021-W53", "2017-Q5", "17", "2017-06-21..2017-06-01", "June"} {
		if _, err := kpi.ParsePeriod(bad); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("ParsePeriod(%q) error = %v, want invalid", bad, err)
		}
	}
}

func TestPeriods(t *testing.T) {
	from, _ := kpi.ParseDate("2016-12-15")
	to, _ := kpi.ParseDate("2017-02-01")
	var got []string
	for _, p := range kpi.Periods(kpi.Month, from, to) {
		got = append(got, p.Label())
	}
	if want := "[2016-12 2017-01 2017-02]"; fmtList(got) != want {
		t.Errorf("months = %v, want %v", got, want)
	}
	if n := len(kpi.Periods(kpi.Week, from, to)); n != 8 {
		t.Errorf("weeks = %d, want 8", n)
	}
	if got := kpi.NewDate(2017, 1, 1).Weekday().String(); got != "Sunday" {
		t.Errorf("weekday = %s", got)
	}
	if got := kpi.NewDate(1969, 12, 31).Weekday().String(); got != "Wednesday" {
		t.Errorf("weekday before epoch = %s", got)
	}
}

func fmtList(s []string) string {
	out := "["
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out + "]"
}

func TestPeriodJSON(t *testing.T) {
	var got struct{ A, B kpi.Period }
	if err := json.Unmarshal([]byte(`{"A": "2026-Q3", "B": {"grain": "range", "from": "2026-06-01", "to": "2026-06-21"}}`), &got); err != nil {
		t.Fatal(err)
	}
	if got.A.Label() != "2026-Q3" || got.B.Label() != "2026-06-01..2026-06-21" {
		t.Errorf("got %v and %v", got.A, got.B)
	}
	for _, bad := range []string{`"June"`, `{"grain": "range", "from": "2026-06-21", "to": "2026-06-01"}`} {
		var p kpi.Period
		if err := json.Unmarshal([]byte(bad), &p); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestCountPeriods: the count agrees with the periods cut, and takes no
// time or memory over millennia.
func TestCountPeriods(t *testing.T) {
	from, to := kpi.NewDate(2015, 12, 31), kpi.NewDate(2017, 3, 2)
	for _, g := range append(kpi.Grains, kpi.Range) {
		if got, want := kpi.CountPeriods(g, from, to), int64(len(kpi.Periods(g, from, to))); got != want {
			t.Errorf("CountPeriods(%s) = %d, want %d", g, got, want)
		}
	}
	if got := kpi.CountPeriods(kpi.Day, kpi.NewDate(1, 1, 1), kpi.NewDate(9999, 12, 31)); got != 3652059 {
		t.Errorf("days 0001..9999 = %d, want 3652059", got)
	}
	if got := kpi.CountPeriods(kpi.Month, to, from); got != 0 {
		t.Errorf("backwards = %d, want 0", got)
	}
	for _, d := range []kpi.Date{kpi.NewDate(1, 1, 1), kpi.NewDate(9999, 12, 31), kpi.MinDate - 1, kpi.MaxDate + 1} {
		if kpi.ErrorCode(kpi.CheckDate(d)) != kpi.EINVALID {
			t.Errorf("CheckDate(%s) = nil, want invalid", d)
		}
	}
	if err := kpi.CheckDate(kpi.NewDate(2026, 12, 4)); err != nil {
		t.Error(err)
	}
}
