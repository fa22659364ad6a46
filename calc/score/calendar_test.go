package score_test

import (
	"testing"
	"time"

	"attain/calc/score"
	"attain/kpi"
)

func TestWorkingDays(t *testing.T) {
	xmas := score.Calendar{Holidays: map[kpi.Date]string{kpi.NewDate(2017, 12, 25): "Christmas"}}
	for _, tt := range []struct {
		name   string
		cal    score.Calendar
		period string
		want   int
	}{
		{"June 2017", score.Calendar{}, "2017-06", 22},
		{"February of a leap year", score.Calendar{}, "2016-02", 21},
		{"February of a common year", score.Calendar{}, "2017-02", 20},
		{"holiday on a Monday", xmas, "2017-12", 20},
		{"holiday on a weekend counts once", score.Calendar{Holidays: map[kpi.Date]string{kpi.NewDate(2017, 6, 3): "Sat"}}, "2017-06", 22},
		{"ISO week 53", score.Calendar{Holidays: map[kpi.Date]string{kpi.NewDate(2016, 1, 1): "New Year"}}, "2015-W53", 4},
		{"Friday-Saturday weekend", score.Calendar{Weekend: []time.Weekday{time.Friday, time.Saturday}}, "2017-06", 21},
		{"no weekend", score.Calendar{Weekend: []time.Weekday{}}, "2017-06", 30},
		{"a Sunday", score.Calendar{}, "2017-06-04", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := period(t, tt.period)
			if got := tt.cal.WorkingDays(p.From, p.To); got != tt.want {
				t.Errorf("WorkingDays(%s) = %d, want %d", tt.period, got, tt.want)
			}
		})
	}
	if got := (score.Calendar{}).WorkingDays(date(t, "2017-06-30"), date(t, "2017-06-01")); got != 0 {
		t.Errorf("reversed range = %d, want 0", got)
	}
}

func TestActive(t *testing.T) {
	june := period(t, "2017-06")
	ptr := func(s string) *kpi.Date { d := date(t, s); return &d }
	leave := []kpi.Period{
		{Grain: kpi.Range, From: date(t, "2017-06-12"), To: date(t, "2017-06-16")},
		{Grain: kpi.Range, From: date(t, "2017-06-15"), To: date(t, "2017-06-19")}, // overlaps the first
	}
	for _, tt := range []struct {
		name        string
		hired, left *kpi.Date
		leave       []kpi.Period
		want        string
	}{
		{"whole period", nil, nil, nil, "[2017-06-01..2017-06-30]"},
		{"hired mid-month", ptr("2017-06-16"), nil, nil, "[2017-06-16..2017-06-30]"},
		{"left mid-month, last day included", nil, ptr("2017-06-09"), nil, "[2017-06-01..2017-06-09]"},
		{"hired before, left after", ptr("2016-01-01"), ptr("2018-01-01"), nil, "[2017-06-01..2017-06-30]"},
		{"left before the period", nil, ptr("2017-05-31"), nil, "[]"},
		{"overlapping leave", nil, nil, leave, "[2017-06-01..2017-06-11 2017-06-20..2017-06-30]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := "["
			for i, s := range score.Active(june, tt.hired, tt.left, tt.leave) {
				if i > 0 {
					got += " "
				}
				got += s.Label()
			}
			got += "]"
			if got != tt.want {
				t.Errorf("Active = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestProrate(t *testing.T) {
	span := func(from, to string) kpi.Period {
		return kpi.Period{Grain: kpi.Range, From: date(t, from), To: date(t, to)}
	}
	newYear := score.Calendar{Holidays: map[kpi.Date]string{kpi.NewDate(2016, 1, 1): "New Year"}}
	for _, tt := range []struct {
		name             string
		full             string
		period           kpi.Period
		active           []kpi.Period
		cal              score.Calendar
		want             string
		days, activeDays int
		byCalendar       bool
		rule             string
	}{
		{name: "whole month", full: "120", period: period(t, "2017-06"), active: []kpi.Period{period(t, "2017-06")},
			want: "120.00", days: 22, activeDays: 22, rule: "120 × 22 / 22 working days of 2017-06 = 120.00"},
		{name: "hired on the 16th", full: "120", period: period(t, "2017-06"), active: []kpi.Period{span("2017-06-16", "2017-06-30")},
			want: "60.00", days: 22, activeDays: 11, rule: "120 × 11 / 22 working days of 2017-06 = 60.00"},
		{name: "counts keep 2 places", full: "10", period: period(t, "2017-06"), active: []kpi.Period{span("2017-06-01", "2017-06-07")},
			want: "2.27", days: 22, activeDays: 5},
		{name: "money keeps its scale", full: "1000.005", period: period(t, "2017-06"), active: []kpi.Period{span("2017-06-16", "2017-06-30")},
			want: "500.002", days: 22, activeDays: 11}, // 500.0025 half to even
		{name: "half to even down", full: "0.05", period: span("2017-06-05", "2017-06-06"), active: []kpi.Period{span("2017-06-05", "2017-06-05")},
			want: "0.02", days: 2, activeDays: 1},
		{name: "half to even up", full: "0.15", period: span("2017-06-05", "2017-06-06"), active: []kpi.Period{span("2017-06-05", "2017-06-05")},
			want: "0.08", days: 2, activeDays: 1},
		{name: "not there at all", full: "120", period: period(t, "2017-06"), active: nil,
			want: "0.00", days: 22, activeDays: 0},
		{name: "overlapping spans count once", full: "22", period: period(t, "2017-06"),
			active: []kpi.Period{span("2017-06-01", "2017-06-09"), span("2017-06-05", "2017-06-09"), span("2017-05-01", "2017-06-02")},
			want:   "7.00", days: 22, activeDays: 7},
		{name: "pilot window of 3 weeks", full: "220", period: period(t, "2017-06"), active: []kpi.Period{span("2017-06-05", "2017-06-23")},
			want: "150.00", days: 22, activeDays: 15},
		{name: "leap February", full: "21", period: period(t, "2016-02"), active: []kpi.Period{span("2016-02-29", "2016-02-29")},
			want: "1.00", days: 21, activeDays: 1},
		{name: "ISO week 53 with a holiday", full: "10", period: period(t, "2015-W53"), active: []kpi.Period{span("2015-12-30", "2016-01-10")}, cal: newYear,
			want: "5.00", days: 4, activeDays: 2},
		{name: "no working days: by calendar days", full: "10", period: span("2017-06-03", "2017-06-04"), active: []kpi.Period{span("2017-06-03", "2017-06-03")},
			want: "5.00", days: 2, activeDays: 1, byCalendar: true,
			rule: "10 × 1 / 2 calendar days (the period has no working day) of 2017-06-03..2017-06-04 = 5.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := score.Prorate(dec(tt.full), tt.period, tt.active, tt.cal)
			if !decEqual(got.Value, tt.want) || got.WorkingDays != tt.days || got.ActiveWorkingDays != tt.activeDays || got.ByCalendarDays != tt.byCalendar {
				t.Errorf("Prorate = %s (%d of %d, calendar %t), want %s (%d of %d, calendar %t)",
					got.Value, got.ActiveWorkingDays, got.WorkingDays, got.ByCalendarDays, tt.want, tt.activeDays, tt.days, tt.byCalendar)
			}
			if tt.rule != "" && got.Rule != tt.rule {
				t.Errorf("Rule = %q, want %q", got.Rule, tt.rule)
			}
		})
	}
}
