package score

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Reason codes of Attention, with the points each adds to a subject's rank.
const (
	FellBelowThreshold = "fell_below_threshold" // 4
	BelowThreshold     = "below_threshold"      // 3
	DecliningStreak    = "declining"            // 2
	BehindPace         = "behind_pace"          // 2
	BelowLastYear      = "below_last_year"      // 1
)

func points(code string) int {
	switch code {
	case FellBelowThreshold:
		return 4
	case BelowThreshold:
		return 3
	case DecliningStreak, BehindPace:
		return 2
	}
	return 1
}

// Signal gathers what is known about one subject's KPI; any part may be nil.
type Signal struct {
	Subject  kpi.Subject
	KPI      string
	Item     *Item     // from the subject's scorecard of the period
	Pace     *Pace     // inside an open period
	Progress *Progress // over past periods
}

// Reason is one thing that needs a manager's attention.
type Reason struct {
	KPI    string `json:"kpi"`
	Code   string `json:"code"`
	Points int    `json:"points"`
	Text   string `json:"text"`
}

// Concern is a subject that needs attention, with every reason.
type Concern struct {
	Subject kpi.Subject `json:"subject"`
	Points  int         `json:"points"`
	Reasons []Reason    `json:"reasons"`
}

// Attention ranks the subjects that need attention. Each KPI adds points
// for what is wrong with it:
//
//	fell_below_threshold 4  the newest period is below threshold, the one before was not
//	below_threshold      3  the scorecard item is below threshold (not counted again
//	                        when fell_below_threshold is)
//	declining            2  3 or more declines in a row
//	behind_pace          2  an open period is behind pace
//	below_last_year      1  worse than the same period last year
//
// Subjects are ranked by points, then by how many reasons they have, then
// by subject; those with no reason are left out.
func Attention(signals []Signal) []Concern {
	bySubject := map[kpi.Subject]*Concern{}
	var order []kpi.Subject
	add := func(s Signal, code, text string) {
		c, ok := bySubject[s.Subject]
		if !ok {
			c = &Concern{Subject: s.Subject}
			bySubject[s.Subject] = c
			order = append(order, s.Subject)
		}
		pts := points(code)
		c.Points += pts
		c.Reasons = append(c.Reasons, Reason{KPI: s.KPI, Code: code, Points: pts, Text: s.KPI + ": " + text})
	}
	for _, s := range signals {
		fell := s.Progress != nil && s.Progress.FellBelowThreshold
		if fell {
			add(s, FellBelowThreshold, fmt.Sprintf("fell below threshold in %s (%s)", s.Progress.Period.Label(), s.Progress.VsPrevious))
		}
		if s.Item != nil && s.Item.Status == StatusBelowThreshold && !fell {
			add(s, BelowThreshold, fmt.Sprintf("%s is below the threshold %s (target %s)", show(s.Item.Actual), showLevel(s.Item.Threshold, s.Item.Target), show(s.Item.Target)))
		}
		if s.Progress != nil && s.Progress.Declining {
			add(s, DecliningStreak, fmt.Sprintf("declined %d periods in a row to %s", s.Progress.DeclineStreak, s.Progress.Period.Label()))
		}
		if s.Pace != nil && s.Pace.Status == Behind {
			add(s, BehindPace, fmt.Sprintf("behind pace by %s: %s against %s expected by %s", show(s.Pace.Gap.Neg()), show(s.Pace.Actual), show(s.Pace.Expected), s.Pace.AsOf))
		}
		if s.Progress != nil && s.Progress.VsLastYear.Worse {
			add(s, BelowLastYear, fmt.Sprintf("worse than %s: %s", s.Progress.VsLastYear.Base.Label(), s.Progress.VsLastYear))
		}
	}
	out := make([]Concern, 0, len(order))
	for _, sub := range order {
		out = append(out, *bySubject[sub])
	}
	slices.SortStableFunc(out, func(a, b Concern) int {
		if c := cmp.Compare(b.Points, a.Points); c != 0 {
			return c
		}
		if c := cmp.Compare(len(b.Reasons), len(a.Reasons)); c != 0 {
			return c
		}
		return cmp.Compare(a.Subject.String(), b.Subject.String())
	})
	return out
}

// showLevel writes a level computed as a percentage of ref (80 % of 4.50
// is 3.6000 exactly) with no more places than it needs, and at least as
// many as ref: 3.60.
func showLevel(d, ref decimal.Decimal) string {
	return d.StringFixedBank(max(places(decimal.RequireFromString(d.String())), places(ref)))
}
