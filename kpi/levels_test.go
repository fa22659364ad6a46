package kpi_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// TestScorecardFor: a person's own change beats their unit's, a unit's
// beats the one above; a change applies from its period's first day, the
// latest in effect wins; pending changes and those made on other items
// (the template changed since) do not count; optional items are off
// unless switched on.
func TestScorecardFor(t *testing.T) {
	n := decimal.NewFromInt
	tmpl := &kpi.ScorecardTemplate{Name: "rep", Position: "rep", Items: []kpi.ScorecardItem{
		{KPI: "won", Weight: n(60), Basis: kpi.LevelsPlan, Threshold: n(80), Stretch: n(120)},
		{KPI: "value", Weight: n(40), Basis: kpi.LevelsPlan, Threshold: n(80), Stretch: n(120)},
		{KPI: "accounts", Weight: n(10), Basis: kpi.LevelsFixed, Threshold: n(2), Target: n(4), Stretch: n(6), Optional: true},
	}}
	month := func(s string) kpi.Period {
		p, err := kpi.ParsePeriod(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	bob, team, dept := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "bob"}, kpi.Subject{Kind: kpi.SubjectUnit, ID: "t1"}, kpi.Subject{Kind: kpi.SubjectUnit, ID: "sales"}
	levels := func(won, value, accounts int64) []kpi.ItemLevels {
		return []kpi.ItemLevels{{KPI: "won", Weight: n(won), Threshold: n(80), Stretch: n(120)}, {KPI: "value", Weight: n(value), Threshold: n(80), Stretch: n(120)},
			{KPI: "accounts", Off: accounts == 0, Weight: n(accounts), Threshold: n(2), Stretch: n(6)}}
	}
	change := func(id int64, s kpi.Subject, from string, status string, items []kpi.ItemLevels) *kpi.LevelChange {
		return &kpi.LevelChange{ID: id, Scorecard: "rep", Subject: s, Period: month(from), Status: status, Items: items}
	}
	changes := []*kpi.LevelChange{
		change(1, dept, "2026-03", kpi.LevelApplied, levels(50, 40, 10)),
		change(2, team, "2026-05", kpi.LevelApproved, levels(45, 45, 10)),
		change(3, bob, "2026-07", kpi.LevelApplied, levels(60, 40, 0)),
		change(4, bob, "2026-06", kpi.LevelPending, levels(30, 60, 10)),
		change(5, team, "2026-06", kpi.LevelApplied, []kpi.ItemLevels{{KPI: "won", Weight: n(100)}}), // other items: passed over
		change(6, team, "2026-08", kpi.LevelApplied, levels(40, 50, 10)),
	}
	chain := []kpi.Subject{bob, team, dept}
	for _, c := range []struct {
		day  string
		want string // weights of the items scored, by KPI
		by   int64
	}{
		{"2026-02-01", "won 60, value 40", 0},
		{"2026-03-01", "won 50, value 40, accounts 10", 1},
		{"2026-05-31", "won 45, value 45, accounts 10", 2},
		{"2026-06-15", "won 45, value 45, accounts 10", 2},
		{"2026-07-01", "won 60, value 40", 3},
		{"2026-09-01", "won 60, value 40", 3}, // bob's own beats the team's later one
	} {
		d, _ := kpi.ParseDate(c.day)
		got, by := kpi.ScorecardFor(tmpl, chain, changes, d)
		s := ""
		for i, it := range got.Items {
			if i > 0 {
				s += ", "
			}
			s += it.KPI + " " + it.Weight.String()
			if it.Optional {
				t.Errorf("%s: %s still optional", c.day, it.KPI)
			}
		}
		id := int64(0)
		if by != nil {
			id = by.ID
		}
		if s != c.want || id != c.by {
			t.Errorf("%s: %s by change %d, want %s by %d", c.day, s, id, c.want, c.by)
		}
	}
	if len(tmpl.Items) != 3 || !tmpl.Items[2].Optional {
		t.Errorf("the template was modified: %+v", tmpl.Items)
	}
	// The team, without bob: the team's change of August.
	d, _ := kpi.ParseDate("2026-09-01")
	if _, by := kpi.ScorecardFor(tmpl, []kpi.Subject{team, dept}, changes, d); by == nil || by.ID != 6 {
		t.Errorf("team in September: change %v, want 6", by)
	}
}
