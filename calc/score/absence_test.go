package score_test

import (
	"strings"
	"testing"

	"attain/calc/score"
	"attain/kpi"
)

// TestProrateLeave is the leave example of docs/scoring.md: June 2025 has
// 21 weekdays less Whit Monday (9 June): 20 working days. Leave from Monday
// 9 to Monday 16 June is 6 weekdays, one of them the holiday: 5 working
// days away, 15 there. 10 × 15 / 20 = 7.50.
func TestProrateLeave(t *testing.T) {
	june := period(t, "2025-06")
	cal := score.Calendar{Holidays: map[kpi.Date]string{date(t, "2025-06-09"): "Whit Monday"}}
	leave := []kpi.Period{{Grain: kpi.Range, From: date(t, "2025-06-09"), To: date(t, "2025-06-16")}}
	pr := score.Prorate(dec("10"), june, score.Active(june, nil, nil, leave), cal)
	if got, want := pr.Value.StringFixed(2), "7.50"; got != want {
		t.Errorf("value = %s, want %s", got, want)
	}
	if pr.ActiveWorkingDays != 15 || pr.WorkingDays != 20 {
		t.Errorf("days = %d/%d, want 15/20", pr.ActiveWorkingDays, pr.WorkingDays)
	}
	if got, want := pr.Rule, "10 × 15 / 20 working days of 2025-06 = 7.50"; got != want {
		t.Errorf("rule = %q, want %q", got, want)
	}
}

func TestAbsence(t *testing.T) {
	june := period(t, "2025-06")
	ptr := func(s string) *kpi.Date { d := date(t, s); return &d }
	r := func(from, to string) kpi.Period {
		return kpi.Period{Grain: kpi.Range, From: date(t, from), To: date(t, to)}
	}
	for _, tt := range []struct {
		name        string
		hired, left *kpi.Date
		leave       []kpi.Period
		want        string
	}{
		{"there all month", ptr("2020-01-01"), ptr("2030-01-01"), nil, ""},
		{"hired on the first day", ptr("2025-06-01"), nil, nil, ""},
		{"hired", ptr("2025-06-16"), nil, nil, "hired 2025-06-16"},
		{"left", nil, ptr("2025-06-13"), nil, "left 2025-06-13"},
		{"leave inside and across the ends, not outside", nil, nil,
			[]kpi.Period{r("2025-05-01", "2025-05-09"), r("2025-05-26", "2025-06-03"), r("2025-06-09", "2025-06-16"), r("2025-06-30", "2025-07-04"), r("2025-07-07", "2025-07-08")},
			"minus leave 2025-05-26..2025-06-03, 2025-06-09..2025-06-16, 2025-06-30..2025-07-04"},
		{"all of it", ptr("2025-06-16"), ptr("2025-06-27"), []kpi.Period{r("2025-06-23", "2025-06-23")},
			"hired 2025-06-16; left 2025-06-27; minus leave 2025-06-23..2025-06-23"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(score.Absence(june, tt.hired, tt.left, tt.leave), "; "); got != tt.want {
				t.Errorf("Absence = %q, want %q", got, tt.want)
			}
		})
	}
}
