package formula_test

import (
	"slices"
	"strings"
	"testing"

	"attain/calc/formula"
)

// TestMapValues rewrites the values compared with a column, and only
// those: a string elsewhere, another column's value and a function's name
// stay as they are.
func TestMapValues(t *testing.T) {
	values := map[string]map[string][]string{
		"stage":  {"Won": {"Closed Won"}, "Lost": {"Closed Lost", "Dropped"}},
		"status": {"done": {"processed"}},
	}
	for _, tc := range []struct{ src, want, seen string }{
		{`stage == "Won"`, `stage == "Closed Won"`, "stage:Won"},
		{`"Won" == stage`, `stage == "Closed Won"`, "stage:Won"},
		{`stage == "Lost"`, `stage in ["Closed Lost", "Dropped"]`, "stage:Lost"},
		{`stage != "Lost"`, `not (stage in ["Closed Lost", "Dropped"])`, "stage:Lost"},
		{`stage in ["Won", "Lost", "Open"]`, `stage in ["Closed Won", "Closed Lost", "Dropped", "Open"]`, "stage:Won,Lost,Open"},
		{`stage == "Won" && note == "Won" && amount > 0`, `stage == "Closed Won" && note == "Won" && amount > 0`, "note:Won stage:Won"},
		{`status == "done" && hours_between(received_at, processed_at) <= 24`, `status == "processed" && hours_between(received_at, processed_at) <= 24`, "status:done"},
		{`stage == "Open"`, `stage == "Open"`, "stage:Open"},
		{`note == "Won"`, `note == "Won"`, "note:Won"},
		{`days_between(created_at, closed_at)`, `days_between(created_at, closed_at)`, ""},
	} {
		got, seen, err := formula.MapValues(tc.src, values)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		var s []string
		for col, vs := range seen {
			s = append(s, col+":"+strings.Join(vs, ","))
		}
		slices.Sort(s)
		if got != tc.want || strings.Join(s, " ") != tc.seen {
			t.Errorf("%s: got %s (seen %v), want %s (seen %s)", tc.src, got, s, tc.want, tc.seen)
		}
	}
	for _, src := range []string{`lower(stage) == "won"`, `stage == note`, `stage`, `stage == "Won" ||`} {
		if got, _, err := formula.MapValues(src, values); err == nil {
			t.Errorf("%s: %s, want an error", src, got)
		}
	}
}
