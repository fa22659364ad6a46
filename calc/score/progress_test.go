package score_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

func TestProgressOf(t *testing.T) {
	declining := []string{"2016-05", "10", "2017-01", "20", "2017-02", "21", "2017-03", "18", "2017-04", "15", "2017-05", "12"}
	for _, tt := range []struct {
		name   string
		values []string
		opt    score.ProgressOptions
		// vs previous, vs last year, slope (n), streak, fell below threshold
		want string
	}{
		{name: "declining three periods in a row", values: declining, opt: score.ProgressOptions{N: 4},
			want: "prev 15→12 -3 -20.00% worse | ly 10→12 2 20.00% | slope -3.0000 (4) | streak 3 declining | fell false"},
		{name: "slope skips a missing period", values: declining, opt: score.ProgressOptions{},
			want: "prev 15→12 -3 -20.00% worse | ly 10→12 2 20.00% | slope -2.2000 (5) | streak 3 declining | fell false"},
		{name: "slope is exact then rounded", values: []string{"2017-03", "1", "2017-04", "1", "2017-05", "2"}, opt: score.ProgressOptions{N: 3},
			want: "prev 1→2 1 100.00% | ly - | slope 0.5000 (3) | streak 0 | fell false"},
		{name: "lower is better: rising is declining", values: []string{"2017-02", "1", "2017-03", "2", "2017-04", "3", "2017-05", "4"},
			opt:  score.ProgressOptions{Direction: kpi.LowerIsBetter},
			want: "prev 3→4 1 33.33% worse | ly - | slope 1.0000 (4) | streak 3 declining | fell false"},
		// x = 1, 3, 4, 5 in 2016-12..2017-05; y = 30, 18, 15, 12: (4×204 − 13×75) / (4×51 − 13²) = −159/35.
		{name: "a null breaks the streak", values: []string{"2017-01", "30", "2017-02", "", "2017-03", "18", "2017-04", "15", "2017-05", "12"},
			want: "prev 15→12 -3 -20.00% worse | ly - | slope -4.5429 (4) | streak 2 | fell false"},
		{name: "a gap breaks the streak", values: []string{"2017-01", "30", "2017-03", "18", "2017-04", "15", "2017-05", "12"},
			want: "prev 15→12 -3 -20.00% worse | ly - | slope -4.5429 (4) | streak 2 | fell false"},
		{name: "previous value zero: no percentage", values: []string{"2017-04", "0", "2017-05", "3"},
			want: "prev 0→3 3 -% | ly - | slope 3.0000 (2) | streak 0 | fell false"},
		{name: "newest null", values: []string{"2017-04", "5", "2017-05", ""},
			want: "prev - | ly - | slope - (1) | streak 0 | fell false"},
		{name: "fell below threshold", values: declining,
			opt:  score.ProgressOptions{Thresholds: map[kpi.Period]decimal.Decimal{period(t, "2017-04"): dec("14"), period(t, "2017-05"): dec("14")}},
			want: "prev 15→12 -3 -20.00% worse | ly 10→12 2 20.00% | slope -2.2000 (5) | streak 3 declining | fell true"},
		{name: "already below threshold", values: declining,
			opt:  score.ProgressOptions{Thresholds: map[kpi.Period]decimal.Decimal{period(t, "2017-04"): dec("16"), period(t, "2017-05"): dec("16")}},
			want: "prev 15→12 -3 -20.00% worse | ly 10→12 2 20.00% | slope -2.2000 (5) | streak 3 declining | fell false"},
		{name: "ISO week 53 follows week 52", values: []string{"2015-W51", "5", "2015-W52", "4", "2015-W53", "3", "2016-W01", "2"},
			want: "prev 3→2 -1 -33.33% worse | ly - | slope -1.0000 (4) | streak 3 declining | fell false"},
		// Hired 15 February 2017: 2016-05 and 2017-01 end before, so they
		// are left out; x = 2..5 (2016-12..2017-05) of 21 18 15 12.
		{name: "periods before the hire date are left out", values: declining, opt: score.ProgressOptions{Hired: ptr(date(t, "2017-02-15"))},
			want: "prev 15→12 -3 -20.00% worse | ly - | slope -3.0000 (4) | streak 3 declining | fell false"},
		{name: "29 February compares with 28 February", values: []string{"2015-02-28", "4", "2016-02-28", "1", "2016-02-29", "6"},
			want: "prev 1→6 5 500.00% | ly 4→6 2 50.00% | slope 5.0000 (2) | streak 0 | fell false"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := score.ProgressOf(series(t, tt.values...), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			slope := "-"
			if !pr.SlopeNull {
				slope = pr.Slope.StringFixedBank(4)
			}
			streak := fmt.Sprint(pr.DeclineStreak)
			if pr.Declining {
				streak += " declining"
			}
			got := fmt.Sprintf("prev %s | ly %s | slope %s (%d) | streak %s | fell %t",
				change(pr.VsPrevious), change(pr.VsLastYear), slope, pr.SlopePeriods, streak, pr.FellBelowThreshold)
			if got != tt.want {
				t.Errorf("progress\n got %s\nwant %s", got, tt.want)
			}
		})
	}
	if _, err := score.ProgressOf(score.Series{KPI: "won_deals"}, score.ProgressOptions{}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("empty series: error = %v, want invalid", err)
	}
	// Every period ended before the hire date: nothing to show.
	if _, err := score.ProgressOf(series(t, declining...), score.ProgressOptions{Hired: ptr(date(t, "2017-06-01"))}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("hired after the series: error = %v, want invalid", err)
	}
	pr, err := score.ProgressOf(series(t, declining...), score.ProgressOptions{Hired: ptr(date(t, "2017-02-15"))})
	if got, want := pr.VsLastYear.Note, "before the hire date 2017-02-15"; err != nil || got != want {
		t.Errorf("vs last year note = %q (%v), want %q", got, err, want)
	}
}

func ptr[T any](v T) *T { return &v }

func change(c score.Change) string {
	if c.Null {
		return "-"
	}
	pct := "-%"
	if !c.PctNull {
		pct = c.Pct.StringFixedBank(2) + "%"
	}
	s := fmt.Sprintf("%s→%s %s %s", c.From, c.To, c.Delta, pct)
	if c.Worse {
		s += " worse"
	}
	return s
}
