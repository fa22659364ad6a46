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
	Subject kpi.Subject
	KPI     string
	// Def is the KPI's definition, for its unit and direction in the
	// reasons' text; nil writes plain numbers.
	Def      *kpi.KPI
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
//	behind_pace          2  an open period is behind pace (not counted again
//	                        with either of the first two: they compare the
//	                        same value with less)
//	below_last_year      1  worse than the same period last year
//
// Inside an open period every comparison is like with like: the item's
// levels are those expected by its as-of day (Item.ToDate), progress
// compares with the earlier periods at the same point (Progress.SoFar),
// and a shortfall that one more record could make up (Item.Allowance) is
// no reason yet. "Below" and "declined"
// mean worse: higher where lower is better, and the text says so.
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
		w := wordsFor(s)
		fell := s.Progress != nil && s.Progress.FellBelowThreshold
		if fell {
			add(s, FellBelowThreshold, w.fell(s.Progress))
		}
		below := false
		if it := s.Item; it != nil && it.Status == StatusBelowThreshold && !fell && w.allow.Short(it.Actual, it.Threshold) {
			below = true
			add(s, BelowThreshold, w.belowThreshold(it))
		}
		if s.Progress != nil && s.Progress.Declining {
			add(s, DecliningStreak, w.declining(s.Progress))
		}
		if s.Pace != nil && s.Pace.Status == Behind && !fell && !below && w.allow.Short(s.Pace.Actual, s.Pace.Expected) {
			add(s, BehindPace, w.behindPace(s.Pace))
		}
		if s.Progress != nil && s.Progress.VsLastYear.Worse {
			add(s, BelowLastYear, w.worseThanLastYear(s.Progress))
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

// words writes the reasons of one signal in its KPI's unit and direction.
type words struct {
	def   *kpi.KPI
	lower bool      // lower is better
	allow Allowance // inside an open period, what one more record could make up
}

func wordsFor(s Signal) words {
	w := words{def: s.Def}
	switch {
	case s.Item != nil:
		w.lower = s.Item.Direction == kpi.LowerIsBetter
	case s.Def != nil:
		w.lower = s.Def.Direction == kpi.LowerIsBetter
	}
	w.allow.Lower = w.lower
	if s.Item != nil && s.Item.Allowance != nil {
		w.allow = *s.Item.Allowance
	}
	return w
}

func (w words) show(d decimal.Decimal) string { return kpi.Display(w.def, d) }

// below is "below" or, where lower is better, "above".
func (w words) below() string {
	if w.lower {
		return "above"
	}
	return "below"
}

func (w words) lowerNote() string {
	if w.lower {
		return " (lower is better)"
	}
	return ""
}

func (w words) fell(pr *Progress) string {
	verb := "fell below"
	if w.lower {
		verb = "rose above"
	}
	if pr.SoFar {
		return fmt.Sprintf("%s the threshold expected by %s, after %s was not (%s)%s", verb, pr.AsOf, pr.VsPrevious.Base.Label(), pr.VsPrevious.Text, w.lowerNote())
	}
	return fmt.Sprintf("%s the threshold in %s, after %s was not (%s)%s", verb, pr.Period.Label(), pr.VsPrevious.Base.Label(), pr.VsPrevious.Text, w.lowerNote())
}

func (w words) belowThreshold(it *Item) string {
	if td := it.ToDate; td != nil {
		return fmt.Sprintf("%s by %s is %s the threshold of %s expected by then (target %s by then, %s for the period)%s",
			w.show(it.Actual), td.AsOf, w.below(), w.show(it.Threshold), w.show(it.Target), w.show(td.Target), w.lowerNote())
	}
	return fmt.Sprintf("%s is %s the threshold of %s (target %s)%s", w.show(it.Actual), w.below(), w.show(it.Threshold), w.show(it.Target), w.lowerNote())
}

func (w words) declining(pr *Progress) string {
	verb := "declined"
	if w.lower {
		verb = "rose"
	}
	so := ""
	if pr.SoFar {
		so = " so far"
	}
	return fmt.Sprintf("%s %d periods in a row to %s%s%s", verb, pr.DeclineStreak, pr.Period.Label(), so, w.lowerNote())
}

func (w words) behindPace(p *Pace) string {
	if p.Method == MethodValue {
		return fmt.Sprintf("%s so far, %s the target of %s%s", w.show(p.Actual), w.below(), w.show(p.Target), w.lowerNote())
	}
	if w.lower {
		return fmt.Sprintf("behind pace by %s: %s against at most %s expected by %s%s", w.show(p.Gap.Neg()), w.show(p.Actual), w.show(p.Expected), p.AsOf, w.lowerNote())
	}
	return fmt.Sprintf("behind pace by %s: %s against %s expected by %s", w.show(p.Gap.Neg()), w.show(p.Actual), w.show(p.Expected), p.AsOf)
}

func (w words) worseThanLastYear(pr *Progress) string {
	c := pr.VsLastYear
	if pr.SoFar {
		return fmt.Sprintf("worse than the same point last year, %s: %s%s", c.Base.Label(), c.Text, w.lowerNote())
	}
	return fmt.Sprintf("worse than %s: %s%s", c.Base.Label(), c.Text, w.lowerNote())
}
