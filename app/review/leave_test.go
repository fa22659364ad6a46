package review_test

import (
	"fmt"
	"testing"

	"attain/kpi"
)

// TestLeaveProration cuts targets by the working days of leave, on the
// fixture's June 2025: 20 working days (21 weekdays less Whit Monday, 9
// June).
func TestLeaveProration(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	setLeave := func(who, s string) {
		t.Helper()
		l, err := kpi.ParseLeave(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.org.UpdateEmployee(f.ctx, who, kpi.EmployeeUpdate{Leave: &l}); err != nil {
			t.Fatal(err)
		}
	}
	// ann is away Monday 9 to Monday 16 June: 6 weekdays, one of them
	// the holiday, so 5 working days of leave and 15 of 20 left:
	// 10 × 15 / 20 = 7.50 (threshold 80 % 6.00, stretch 120 % 9.00).
	// Counting the holiday again would give 10 × 14 / 20 = 7.00.
	setLeave("ann", "2025-06-09..2025-06-16")
	// dan is hired on Monday 16 June and away 23–27 June: 16–20 and 30
	// = 6 of 20: 10 × 6 / 20 = 3.00.
	setLeave("dan", "2025-06-23..2025-06-27")
	// bob's leave is in July: his June target is whole.
	setLeave("bob", "2025-07-01..2025-07-04")
	f.target([4]string{"won", "ann", "2025-06", "10"}, [4]string{"won", "dan", "2025-06", "10"},
		[4]string{"won", "bob", "2025-06", "10"})

	for _, tt := range []struct {
		who, levels, days, rule string
	}{
		{"ann", "6 7.5 9", "15/20", "10 × 15 / 20 working days of 2025-06 = 7.50 (minus leave 2025-06-09..2025-06-16)"},
		{"dan", "2.4 3 3.6", "6/20", "10 × 6 / 20 working days of 2025-06 = 3.00 (hired 2025-06-16; minus leave 2025-06-23..2025-06-27)"},
	} {
		t.Run(tt.who, func(t *testing.T) {
			c := f.card(tt.who, "2025-06")
			it := c.Items[0]
			if got := fmt.Sprintf("%s %s %s", it.Threshold, it.Target, it.Stretch); got != tt.levels {
				t.Errorf("won levels = %s, want %s", got, tt.levels)
			}
			if len(c.Prorations) != 1 {
				t.Fatalf("prorations = %+v, want one", c.Prorations)
			}
			pr := c.Prorations[0]
			if got := fmt.Sprintf("%d/%d", pr.ActiveWorkingDays, pr.WorkingDays); got != tt.days {
				t.Errorf("working days = %s, want %s", got, tt.days)
			}
			if pr.Rule != tt.rule {
				t.Errorf("rule = %q, want %q", pr.Rule, tt.rule)
			}
		})
	}
	t.Run("bob", func(t *testing.T) {
		c := f.card("bob", "2025-06")
		if got, want := c.Items[0].Target.String(), "10"; got != want || len(c.Prorations) != 0 {
			t.Errorf("bob's June target = %s (%+v), want %s, not prorated", got, c.Prorations, want)
		}
	})
	// Leave cleared: the whole target again.
	t.Run("Cleared", func(t *testing.T) {
		setLeave("ann", "")
		c := f.card("ann", "2025-06")
		if got, want := c.Items[0].Target.String(), "10"; got != want || len(c.Prorations) != 0 {
			t.Errorf("ann's June target = %s (%+v), want %s, not prorated", got, c.Prorations, want)
		}
	})
}
