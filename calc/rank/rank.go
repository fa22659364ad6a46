// Package rank holds the pure logic of leaderboards and awards: places
// with ties, medals, streaks, rank changes, multi-metric blends and the
// award rules of kpi.Awards. Plain functions over values, exact decimals;
// docs/recognition.md states every rule.
//
// A metric is a KPI ranked by its % of target (achievement, already turned
// the right way round for a KPI where lower is better) or the weighted
// scorecard score (kpi.MetricScore). Higher is better for both.
package rank

import (
	"cmp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Metric is one subject's standing on one metric in one period.
type Metric struct {
	Value decimal.Decimal `json:"value"`
	Null  bool            `json:"null,omitempty"`
	// AtThreshold and AtTarget: the actual reached the item's threshold,
	// its target. For the score: 50 and 100.
	AtThreshold bool `json:"at_threshold,omitempty"`
	AtTarget    bool `json:"at_target,omitempty"`
}

// Entry is one person or unit in one period.
type Entry struct {
	Subject  kpi.Subject
	Name     string
	Team     string // the unit a person belongs to directly
	Position string
	// Eligible: the person was there long enough to compete (see
	// Eligible); Why says why not.
	Eligible bool
	Why      string
	Metrics  map[string]Metric
	// Items counts the KPIs of the card, Met those at or above target.
	Items, Met int
}

// Period is everyone's entries in one period.
type Period struct {
	Period  kpi.Period
	Entries []*Entry
}

// History is a period's entries and those of the periods before it:
// History[0] is the period ranked, History[1] the one before, and so on.
type History []Period

// Eligible reports whether someone active on active working days of a
// period of total working days competes: at least min of them, or all of
// them when the period has fewer than min.
func Eligible(active, total, min int) bool {
	if min <= 0 {
		min = kpi.DefaultMinWorkingDays
	}
	return active >= min || (total < min && active >= total && total > 0)
}

// Places returns, for values ranked highest first, the place of each: all
// tied share a place and the next place skips as many ("1, 2, 2, 4").
// Null values get place 0.
func Places(values []decimal.Decimal, null []bool) []int {
	idx := make([]int, 0, len(values))
	for i := range values {
		if null == nil || !null[i] {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return values[b].Cmp(values[a]) })
	out := make([]int, len(values))
	for k, i := range idx {
		if k > 0 && values[i].Equal(values[idx[k-1]]) {
			out[i] = out[idx[k-1]]
		} else {
			out[i] = k + 1
		}
	}
	return out
}

// Medal is the medal of a place: gold, silver, bronze or "".
func Medal(place int) string {
	switch place {
	case 1:
		return "gold"
	case 2:
		return "silver"
	case 3:
		return "bronze"
	}
	return ""
}

// Row is one line of a leaderboard.
type Row struct {
	Subject  kpi.Subject `json:"subject"`
	Name     string      `json:"name"`
	Team     string      `json:"team,omitempty"`
	Position string      `json:"position,omitempty"`
	// Place is 0 when not ranked: not eligible or no value.
	Place int    `json:"place"`
	Medal string `json:"medal,omitempty"`
	Metric
	Eligible bool   `json:"eligible"`
	Why      string `json:"why,omitempty"`
	// Streak: periods in a row, this one included, at or above target on
	// the metric.
	Streak int `json:"streak"`
	// PrevPlace is the place in the period before (0: not ranked then);
	// Change is PrevPlace − Place (up is positive) when both are ranked.
	PrevPlace  int  `json:"prev_place,omitempty"`
	Change     int  `json:"change"`
	ChangeNull bool `json:"change_null,omitempty"`
}

// ranked returns the places of the eligible entries with a value of the
// metric in a period, by subject.
func ranked(p Period, metric string) map[kpi.Subject]int {
	var vals []decimal.Decimal
	var null []bool
	for _, e := range p.Entries {
		m, ok := e.Metrics[metric]
		vals = append(vals, m.Value)
		null = append(null, !ok || m.Null || !e.Eligible)
	}
	places := Places(vals, null)
	out := map[kpi.Subject]int{}
	for i, e := range p.Entries {
		if places[i] > 0 {
			out[e.Subject] = places[i]
		}
	}
	return out
}

// Board ranks the entries of h[0] on a metric, with medals, streaks at or
// above bar % of target (score: bar points) and the change against h[1].
// Ranked rows come first by place, then the rest by name; entries without
// the metric on their card at all are left out.
func Board(h History, metric string, bar decimal.Decimal) []Row {
	if len(h) == 0 {
		return nil
	}
	now := ranked(h[0], metric)
	var prev map[kpi.Subject]int
	if len(h) > 1 {
		prev = ranked(h[1], metric)
	}
	rows := make([]Row, 0, len(h[0].Entries))
	for _, e := range h[0].Entries {
		m, ok := e.Metrics[metric]
		if !ok {
			continue // not on their card: not on this board
		}
		r := Row{Subject: e.Subject, Name: e.Name, Team: e.Team, Position: e.Position, Metric: m,
			Eligible: e.Eligible, Why: e.Why, Place: now[e.Subject], Streak: Streak(h, e.Subject, metric, bar)}
		r.Medal = Medal(r.Place)
		r.PrevPlace = prev[e.Subject]
		if r.Place > 0 && r.PrevPlace > 0 {
			r.Change = r.PrevPlace - r.Place
		} else {
			r.ChangeNull = true
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		switch {
		case a.Place > 0 && b.Place > 0:
			return cmp.Or(cmp.Compare(a.Place, b.Place), strings.Compare(a.Name, b.Name))
		case a.Place > 0:
			return -1
		case b.Place > 0:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return rows
}

// entry finds a subject's entry in a period, or nil.
func (p Period) entry(s kpi.Subject) *Entry {
	for _, e := range p.Entries {
		if e.Subject == s {
			return e
		}
	}
	return nil
}

// Streak counts the periods in a row, from h[0] back, in which the
// subject's metric was at or above bar; a period without a value ends it.
func Streak(h History, s kpi.Subject, metric string, bar decimal.Decimal) int {
	n := 0
	for _, p := range h {
		e := p.entry(s)
		if e == nil {
			break
		}
		m, ok := e.Metrics[metric]
		if !ok || m.Null || m.Value.LessThan(bar) {
			break
		}
		n++
	}
	return n
}

// Blend adds to every entry of p the metric of a multi-metric leaderboard:
// the weighted mean of the % of target of its metrics that have a value
// (Σ weight × % / Σ weight of those, rounded half to even to 2 places),
// null when none has (left off the board when none is on its card at
// all); an entry with fewer than lb.MinAtThreshold of them
// at threshold is made not eligible on it (it keeps its value but is not
// ranked). It returns the entries changed, copied, so that p is not.
func Blend(p Period, lb *kpi.Leaderboard) Period {
	out := Period{Period: p.Period, Entries: make([]*Entry, len(p.Entries))}
	for i, e := range p.Entries {
		c := *e
		c.Metrics = make(map[string]Metric, len(e.Metrics)+1)
		for k, v := range e.Metrics {
			c.Metrics[k] = v
		}
		sum, weights, at, on := decimal.Zero, decimal.Zero, 0, false
		for _, bm := range lb.Metrics {
			m, ok := e.Metrics[bm.KPI]
			on = on || ok
			if !ok || m.Null {
				continue
			}
			sum = sum.Add(bm.Weight.Mul(m.Value))
			weights = weights.Add(bm.Weight)
			if m.AtThreshold {
				at++
			}
		}
		out.Entries[i] = &c
		if !on {
			continue // none of its metrics on their card: not on this board
		}
		bl := Metric{Null: weights.IsZero()}
		if !bl.Null {
			bl.Value = sum.DivRound(weights, 2)
			bl.AtThreshold = bl.Value.GreaterThanOrEqual(decimal.NewFromInt(80))
			bl.AtTarget = bl.Value.GreaterThanOrEqual(decimal.NewFromInt(100))
		}
		c.Metrics[lb.Name] = bl
		if c.Eligible && at < lb.MinAtThreshold {
			c.Eligible = false
			c.Why = "fewer than " + itoa(lb.MinAtThreshold) + " of its KPIs at threshold"
		}
	}
	return out
}

// BlendHistory blends every period of h.
func BlendHistory(h History, lb *kpi.Leaderboard) History {
	out := make(History, len(h))
	for i, p := range h {
		out[i] = Blend(p, lb)
	}
	return out
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }
