package rank

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

var hundred = decimal.NewFromInt(100)

// Rule is an award rule with its defaults filled in.
type Rule struct {
	kpi.AwardRule
}

// WithDefaults fills in what a rule leaves out: the metric is the score;
// top takes 3 places, most_improved and team 1; a streak is 3 periods;
// the bar of above and streak is 100 %; most_improved compares with 3
// previous periods.
func WithDefaults(r kpi.AwardRule) Rule {
	if r.Metric == "" {
		r.Metric = kpi.MetricScore
	}
	if r.Title == "" {
		r.Title = r.Name
	}
	if r.N <= 0 {
		switch r.Kind {
		case kpi.AwardTop:
			r.N = 3
		case kpi.AwardStreak:
			r.N = 3
		default:
			r.N = 1
		}
	}
	if r.Percent.IsZero() {
		r.Percent = hundred
	}
	if r.Periods <= 0 {
		r.Periods = 3
	}
	return Rule{r}
}

// Lookback is how many periods (the one ranked included) a rule reads.
func (r Rule) Lookback() int {
	switch r.Kind {
	case kpi.AwardStreak:
		return r.N
	case kpi.AwardMostImproved:
		return r.Periods + 1
	}
	return 1
}

// candidate is an entry of h[0] that may win: eligible, of the rule's
// position, with a value of the metric.
func (r Rule) candidates(p Period) []*Entry {
	var out []*Entry
	for _, e := range p.Entries {
		m, ok := e.Metrics[r.Metric]
		if !e.Eligible || !ok || m.Null || (r.Position != "" && e.Position != r.Position) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Evaluate applies a rule to the period people[0] (units[0] for a team
// award) and returns the awards it earns, in place order then by name.
// A period where no candidate has a value earns none.
func Evaluate(rule kpi.AwardRule, people, units History) []*kpi.Award {
	r := WithDefaults(rule)
	h := people
	if r.Kind == kpi.AwardTeam {
		h = units
	}
	if len(h) == 0 {
		return nil
	}
	cur := h[0]
	cands := r.candidates(cur)
	if r.Kind == kpi.AwardTeam {
		cands = slices.DeleteFunc(cands, func(e *Entry) bool { return e.Team != r.Unit })
	}
	var out []*kpi.Award
	award := func(e *Entry, place int, value decimal.Decimal, reason string) {
		out = append(out, &kpi.Award{Rule: r.Name, Title: r.Title, Kind: r.Kind, Period: cur.Period, Subject: e.Subject, Name: e.Name,
			Metric: r.Metric, Place: place, Value: value, Reason: reason})
	}
	switch r.Kind {
	case kpi.AwardTop, kpi.AwardTeam:
		top(cands, r.Metric, r.N, func(e *Entry, place int) {
			award(e, place, e.Metrics[r.Metric].Value, fmt.Sprintf("%s place on %s: %s", ordinal(place), r.metricText(), r.valueText(e.Metrics[r.Metric].Value)))
		})
	case kpi.AwardBestInTeam:
		var teams []string
		for _, e := range cands {
			if !slices.Contains(teams, e.Team) {
				teams = append(teams, e.Team)
			}
		}
		slices.Sort(teams)
		for _, t := range teams {
			in := slices.DeleteFunc(slices.Clone(cands), func(e *Entry) bool { return e.Team != t })
			top(in, r.Metric, 1, func(e *Entry, place int) {
				award(e, place, e.Metrics[r.Metric].Value, fmt.Sprintf("best in team on %s: %s", r.metricText(), r.valueText(e.Metrics[r.Metric].Value)))
			})
		}
	case kpi.AwardAbove:
		for _, e := range byName(cands) {
			if v := e.Metrics[r.Metric].Value; v.GreaterThanOrEqual(r.Percent) {
				award(e, 0, v, fmt.Sprintf("%s on %s, at or above %s", r.valueText(v), r.metricText(), r.valueText(r.Percent)))
			}
		}
	case kpi.AwardAllMet:
		for _, e := range byName(cur.Entries) {
			if e.Eligible && e.Items > 0 && e.Met == e.Items && (r.Position == "" || e.Position == r.Position) {
				award(e, 0, decimal.NewFromInt(int64(e.Items)), fmt.Sprintf("all %d KPIs at or above target", e.Items))
			}
		}
	case kpi.AwardStreak:
		if len(h) < r.N {
			return nil // not enough periods yet
		}
		for _, e := range byName(cands) {
			if n := Streak(h, e.Subject, r.Metric, r.Percent); n >= r.N {
				award(e, 0, decimal.NewFromInt(int64(n)), fmt.Sprintf("%d periods in a row at or above %s on %s", n, r.valueText(r.Percent), r.metricText()))
			}
		}
	case kpi.AwardMostImproved:
		gains := map[kpi.Subject]decimal.Decimal{}
		var with []*Entry
		for _, e := range cands {
			if g, ok := Gain(h, e.Subject, r.Metric, r.Periods); ok && g.IsPositive() {
				gains[e.Subject] = g
				c := *e
				c.Metrics = map[string]Metric{"gain": {Value: g}}
				with = append(with, &c)
			}
		}
		top(with, "gain", r.N, func(e *Entry, place int) {
			g := gains[e.Subject]
			award(e, place, g, fmt.Sprintf("%s most improved on %s: up %s points on the mean of the %d periods before", ordinal(place), r.metricText(), g.StringFixed(2), r.Periods))
		})
	}
	return out
}

// Gain is the subject's metric in h[0] less the mean of its values in up
// to n periods before (those that have one), the mean rounded half to
// even to 4 places and the gain to 2; false without a value now or before.
func Gain(h History, s kpi.Subject, metric string, n int) (decimal.Decimal, bool) {
	if len(h) == 0 {
		return decimal.Zero, false
	}
	e := h[0].entry(s)
	if e == nil {
		return decimal.Zero, false
	}
	now, ok := e.Metrics[metric]
	if !ok || now.Null {
		return decimal.Zero, false
	}
	sum, count := decimal.Zero, 0
	for i := 1; i <= n && i < len(h); i++ {
		if pe := h[i].entry(s); pe != nil {
			if m, ok := pe.Metrics[metric]; ok && !m.Null {
				sum, count = sum.Add(m.Value), count+1
			}
		}
	}
	if count == 0 {
		return decimal.Zero, false
	}
	mean := sum.DivRound(decimal.NewFromInt(int64(count)), 4)
	return now.Value.Sub(mean).RoundBank(2), true
}

// top calls win for each entry placed in the first n places on metric
// (all tied at the n-th place included), in place order then by name.
func top(es []*Entry, metric string, n int, win func(*Entry, int)) {
	vals := make([]decimal.Decimal, len(es))
	for i, e := range es {
		vals[i] = e.Metrics[metric].Value
	}
	places := Places(vals, nil)
	idx := make([]int, len(es))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if places[a] != places[b] {
			return places[a] - places[b]
		}
		return compareNames(es[a], es[b])
	})
	for _, i := range idx {
		if places[i] <= n {
			win(es[i], places[i])
		}
	}
}

func compareNames(a, b *Entry) int {
	if a.Name != b.Name {
		if a.Name < b.Name {
			return -1
		}
		return 1
	}
	if a.Subject.ID < b.Subject.ID {
		return -1
	}
	if a.Subject.ID > b.Subject.ID {
		return 1
	}
	return 0
}

func byName(es []*Entry) []*Entry {
	out := slices.Clone(es)
	slices.SortStableFunc(out, compareNames)
	return out
}

func (r Rule) metricText() string {
	if r.Metric == kpi.MetricScore {
		return "the weighted score"
	}
	return r.Metric
}

func (r Rule) valueText(v decimal.Decimal) string {
	if r.Metric == kpi.MetricScore {
		return v.StringFixed(2) + " points"
	}
	return v.StringFixed(2) + " % of target"
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// Describe says in words what a rule recognises.
func Describe(rule kpi.AwardRule) string {
	r := WithDefaults(rule)
	var s string
	switch r.Kind {
	case kpi.AwardTop:
		s = fmt.Sprintf("the first %d places on %s", r.N, r.metricText())
	case kpi.AwardAbove:
		s = fmt.Sprintf("everyone at or above %s on %s", r.valueText(r.Percent), r.metricText())
	case kpi.AwardAllMet:
		s = "everyone at or above target on every KPI of their scorecard"
	case kpi.AwardStreak:
		s = fmt.Sprintf("at or above %s on %s %d periods in a row", r.valueText(r.Percent), r.metricText(), r.N)
	case kpi.AwardMostImproved:
		s = fmt.Sprintf("the biggest gain on %s against one's own %d periods before (first %d)", r.metricText(), r.Periods, r.N)
	case kpi.AwardBestInTeam:
		s = fmt.Sprintf("the first in each team on %s", r.metricText())
	case kpi.AwardTeam:
		s = fmt.Sprintf("the first %d of the teams directly below %s on %s", r.N, r.Unit, r.metricText())
	default:
		s = string(r.Kind)
	}
	if r.Position != "" {
		s += " (" + r.Position + ")"
	}
	return s
}
