package score_test

import (
	"testing"

	"attain/calc/score"
)

func TestPreviousAndLastYear(t *testing.T) {
	for _, tt := range []struct {
		in, previous, lastYear, note string
	}{
		{"2017-06", "2017-05", "2016-06", ""},
		{"2017-01", "2016-12", "2016-01", ""},
		{"2017-Q1", "2016-Q4", "2016-Q1", ""},
		{"2017", "2016", "2016", ""},
		{"2016-03-01", "2016-02-29", "2015-03-01", ""},
		{"2016-02-29", "2016-02-28", "2015-02-28", "2015 has no 29 February; used 2015-02-28"},
		{"2016-W01", "2015-W53", "2015-W01", ""},
		{"2015-W53", "2015-W52", "2014-W52", "2014 has no week 53; used 2014-W52"},
		{"2021-W01", "2020-W53", "2020-W01", ""},
		{"2017-06-05..2017-06-25", "2017-05-15..2017-06-04", "2016-06-05..2016-06-25", ""},
		{"2016-02-01..2016-02-29", "2016-01-03..2016-01-31", "2015-02-01..2015-02-28", "2015 has no 29 February; used 2015-02-28"},
	} {
		p := period(t, tt.in)
		if got := score.Previous(p).Label(); got != tt.previous {
			t.Errorf("Previous(%s) = %s, want %s", tt.in, got, tt.previous)
		}
		ly, note := score.LastYear(p)
		if ly.Label() != tt.lastYear || note != tt.note {
			t.Errorf("LastYear(%s) = %s %q, want %s %q", tt.in, ly.Label(), note, tt.lastYear, tt.note)
		}
	}
}
