package kpi_test

import (
	"strings"
	"testing"

	"attain/kpi"
)

// TestScorecardsOn: rep changed position on 2026-03-31 and again on
// 2026-06-30 (revisions given out of order); old was deleted after
// 2026-04-30; lead was never changed; rep-new, for the position rep, was
// created later (its start is not kept).
func TestScorecardsOn(t *testing.T) {
	tmpl := func(name, position string) *kpi.ScorecardTemplate {
		return &kpi.ScorecardTemplate{Name: name, Position: position}
	}
	d := func(s string) kpi.Date {
		day, err := kpi.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return day
	}
	defs := &kpi.Definitions{
		Scorecards: []*kpi.ScorecardTemplate{tmpl("rep", "senior"), tmpl("lead", "lead"), tmpl("rep-new", "rep")},
		ScorecardRevisions: []*kpi.ScorecardRevision{
			{Template: tmpl("rep", "junior"), Until: d("2026-06-30")},
			{Template: tmpl("old", "intern"), Until: d("2026-04-30")},
			{Template: tmpl("rep", "rep"), Until: d("2026-03-31")},
		},
	}
	for _, tt := range []struct{ day, want, rep string }{
		{"2026-01-01", "old:intern rep:rep lead:lead rep-new:rep", "rep"},
		{"2026-03-31", "old:intern rep:rep lead:lead rep-new:rep", "rep"},
		{"2026-04-01", "old:intern rep:junior lead:lead rep-new:rep", "rep-new"},
		{"2026-05-01", "rep:junior lead:lead rep-new:rep", "rep-new"},
		{"2026-07-01", "rep:senior lead:lead rep-new:rep", "rep-new"},
	} {
		var got []string
		for _, s := range defs.ScorecardsOn(d(tt.day)) {
			got = append(got, s.Name+":"+s.Position)
		}
		if got := strings.Join(got, " "); got != tt.want {
			t.Errorf("on %s: %s, want %s", tt.day, got, tt.want)
		}
		if got := defs.ScorecardOn("rep", d(tt.day)); got == nil || got.Name != tt.rep {
			t.Errorf("position rep on %s: %+v, want %s", tt.day, got, tt.rep)
		}
	}
	if got := defs.ScorecardNamed("old", d("2026-04-30")); got == nil || got.Position != "intern" {
		t.Errorf("old on 2026-04-30 = %+v, want its revision", got)
	}
	if got := defs.ScorecardNamed("old", d("2026-05-01")); got != nil {
		t.Errorf("old on 2026-05-01 = %+v, want none: it was deleted", got)
	}
	if got := defs.ScorecardNamed("rep", d("2026-06-30")); got == nil || got.Position != "junior" {
		t.Errorf("rep on 2026-06-30 = %+v, want the revision until then", got)
	}
}
