package score_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

func TestPaceOf(t *testing.T) {
	june := period(t, "2017-06")
	shape := []decimal.Decimal{dec("0.1"), dec("0.3"), dec("0.6"), dec("1")}
	for _, tt := range []struct {
		name string
		in   score.PaceInput
		// method expected forecast gap status elapsed/total
		want string
		rule string
	}{
		{name: "linear, behind", in: score.PaceInput{Period: june, AsOf: date(t, "2017-06-14"), Actual: dec("90"), Target: dec("220"), Additive: true},
			want: "linear 100.00 198.00 -10 behind 10/22",
			rule: "expected = 220 × 10 / 22 working days = 100.00; forecast = 90 × 22 / 10 = 198.00"},
		{name: "linear, ahead", in: score.PaceInput{Period: june, AsOf: date(t, "2017-06-14"), Actual: dec("110.5"), Target: dec("220"), Additive: true},
			want: "linear 100.00 243.10 10.5 ahead 10/22"},
		{name: "linear, exactly on pace", in: score.PaceInput{Period: june, AsOf: date(t, "2017-06-14"), Actual: dec("100"), Target: dec("220"), Additive: true},
			want: "linear 100.00 220.00 0 on_pace 10/22"},
		{name: "weekend as of counts the days before", in: score.PaceInput{Period: june, AsOf: date(t, "2017-06-18"), Actual: dec("110"), Target: dec("220"), Additive: true},
			want: "linear 120.00 201.67 -10 behind 12/22"},
		{name: "before the first working day", in: score.PaceInput{Period: june, AsOf: date(t, "2017-05-31"), Actual: dec("0"), Target: dec("220"), Additive: true},
			want: "linear 0.00 - 0 on_pace 0/22"},
		{name: "after the period", in: score.PaceInput{Period: june, AsOf: date(t, "2017-07-10"), Actual: dec("230"), Target: dec("220"), Additive: true},
			want: "linear 220.00 230.00 10 ahead 22/22"},
		{name: "lower is better, additive: below the expected running total is ahead",
			in:   score.PaceInput{Period: june, AsOf: date(t, "2017-06-14"), Actual: dec("6"), Target: dec("10"), Additive: true, Direction: kpi.LowerIsBetter},
			want: "linear 4.55 13.20 -1.45 behind 10/22"},
		{name: "not additive: the value itself", in: score.PaceInput{Period: june, AsOf: date(t, "2017-06-14"), Actual: dec("2.5"), Target: dec("2"), Direction: kpi.LowerIsBetter},
			want: "value 2 2.5 -0.5 behind 10/22"},
		{name: "not additive, higher is better", in: score.PaceInput{Period: june, AsOf: date(t, "2017-06-14"), Actual: dec("0.31"), Target: dec("0.25")},
			want: "value 0.25 0.31 0.06 ahead 10/22"},
		{name: "shape of past periods", in: score.PaceInput{Period: june, AsOf: date(t, "2017-06-14"), Actual: dec("90"), Target: dec("220"), Additive: true, Shape: shape},
			want: "shape 66.00 300.00 24 ahead 10/22",
			rule: "expected = 220 × share 0.3 after 10 of 22 working days = 66.00; forecast = 90 / 0.3 = 300.00"},
		{name: "no working day in the period: calendar days", in: score.PaceInput{Period: kpi.Period{Grain: kpi.Range, From: date(t, "2017-06-03"), To: date(t, "2017-06-04")},
			AsOf: date(t, "2017-06-03"), Actual: dec("3"), Target: dec("10"), Additive: true},
			want: "linear 5.00 6.00 -2 behind 1/2"},
		{name: "leap day counts", in: score.PaceInput{Period: period(t, "2016-02"), AsOf: date(t, "2016-02-29"), Actual: dec("21"), Target: dec("21"), Additive: true},
			want: "linear 21.00 21.00 0 on_pace 21/21"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := score.PaceOf(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			forecast := p.Forecast.String()
			if p.ForecastNull {
				forecast = "-"
			} else {
				forecast = p.Forecast.StringFixedBank(-p.Forecast.Exponent())
			}
			got := fmt.Sprintf("%s %s %s %s %s %d/%d", p.Method, p.Expected.StringFixedBank(-p.Expected.Exponent()), forecast, p.Gap, p.Status, p.Elapsed, p.Total)
			if got != tt.want {
				t.Errorf("pace = %s, want %s (%s)", got, tt.want, p.Rule)
			}
			if tt.rule != "" && p.Rule != tt.rule {
				t.Errorf("rule = %q, want %q", p.Rule, tt.rule)
			}
		})
	}
	if _, err := score.PaceOf(score.PaceInput{Period: june, Additive: true, Shape: []decimal.Decimal{dec("0.5"), dec("0.9")}}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("shape not ending at 1: error = %v, want invalid", err)
	}
}

func TestCumulativeShape(t *testing.T) {
	ds := func(vs ...string) []decimal.Decimal {
		out := make([]decimal.Decimal, len(vs))
		for i, v := range vs {
			out[i] = dec(v)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		past [][]decimal.Decimal
		want string
	}{
		{"same length", [][]decimal.Decimal{ds("1", "1", "2"), ds("2", "0", "2")}, "[0.375 0.5 1]"},
		{"different lengths", [][]decimal.Decimal{ds("1", "1"), ds("1", "1", "1", "1")}, "[0.375 0.5 0.875 1]"},
		{"rounded to 4 places", [][]decimal.Decimal{ds("1", "1", "1")}, "[0.3333 0.6667 1]"},
		{"empty periods are skipped", [][]decimal.Decimal{ds("0", "0"), ds("1", "3")}, "[0.25 1]"},
		{"no history", [][]decimal.Decimal{ds("0", "0")}, "[]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(score.CumulativeShape(tt.past)); got != tt.want {
				t.Errorf("CumulativeShape = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestWorkingDayValues spreads June 2025 (Whit Monday 9 June a holiday)
// over its 20 working days: Sunday 1 June's 1 counts for Monday 2 (day
// 1); Saturday 7's 2 and the holiday's 4 for Friday 6 (day 5); Tuesday
// 10's 1 is day 6.
func TestWorkingDayValues(t *testing.T) {
	cal := score.Calendar{Holidays: map[kpi.Date]string{date(t, "2025-06-09"): "Whit Monday"}}
	daily := map[kpi.Date]decimal.Decimal{
		date(t, "2025-06-01"): dec("1"), date(t, "2025-06-07"): dec("2"),
		date(t, "2025-06-09"): dec("4"), date(t, "2025-06-10"): dec("1"),
	}
	got := score.WorkingDayValues(period(t, "2025-06"), daily, cal)
	if s := fmt.Sprint(got[:6]); len(got) != 20 || s != "[1 0 0 0 6 1]" {
		t.Errorf("working day values = %v (%d), want [1 0 0 0 6 1 …] (20)", got, len(got))
	}
	weekend := kpi.Period{Grain: kpi.Range, From: date(t, "2025-06-07"), To: date(t, "2025-06-08")}
	if got := score.WorkingDayValues(weekend, daily, cal); got != nil {
		t.Errorf("a weekend: %v, want nil", got)
	}
}
