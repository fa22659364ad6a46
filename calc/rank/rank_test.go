package rank_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/rank"
	"attain/kpi"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// person makes an eligible entry with a score and a won % of target;
// "" is null.
func person(id, team, score, won string) *rank.Entry {
	e := &rank.Entry{Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: id}, Name: "Name " + id, Team: team, Eligible: true, Metrics: map[string]rank.Metric{}}
	for k, v := range map[string]string{kpi.MetricScore: score, "won": won} {
		if v == "" {
			e.Metrics[k] = rank.Metric{Null: true}
			continue
		}
		bar := decimal.NewFromInt(100)
		e.Metrics[k] = rank.Metric{Value: d(v), AtTarget: d(v).GreaterThanOrEqual(bar), AtThreshold: d(v).GreaterThanOrEqual(decimal.NewFromInt(80))}
	}
	return e
}

func period(month int, es ...*rank.Entry) rank.Period {
	p, _ := kpi.ParsePeriod(fmt.Sprintf("2026-%02d", month))
	return rank.Period{Period: p, Entries: es}
}

func awards(as []*kpi.Award) string {
	var out []string
	for _, a := range as {
		s := a.Subject.ID
		if a.Place > 0 {
			s = fmt.Sprintf("%d:%s", a.Place, s)
		}
		out = append(out, s+"="+a.Value.String())
	}
	return strings.Join(out, " ")
}

func TestPlaces(t *testing.T) {
	got := rank.Places([]decimal.Decimal{d("90"), d("120"), d("90"), d("80"), d("120.00"), d("1")}, []bool{false, false, false, false, false, true})
	if want := []int{3, 1, 3, 5, 1, 0}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("places = %v, want %v", got, want)
	}
}

func TestEligible(t *testing.T) {
	for _, c := range []struct {
		active, total, min int
		want               bool
	}{
		{21, 21, 10, true},  // the whole month
		{10, 21, 10, true},  // joined with 10 working days left
		{9, 21, 10, false},  // joined later
		{5, 5, 10, true},    // a week: all its days
		{4, 5, 10, false},   // a week, one day missing
		{0, 0, 10, false},   // a period without working days
		{12, 21, 0, true},   // 0: the default, 10
		{9, 21, 0, false},   // below the default
		{15, 21, 15, true},  // a stricter bar
		{14, 21, 15, false}, // just below it
	} {
		if got := rank.Eligible(c.active, c.total, c.min); got != c.want {
			t.Errorf("Eligible(%d, %d, %d) = %v, want %v", c.active, c.total, c.min, got, c.want)
		}
	}
}

func TestBoard(t *testing.T) {
	joiner := person("e5", "t2", "150", "150")
	joiner.Eligible, joiner.Why = false, "joined"
	other := person("e6", "t2", "200", "")
	delete(other.Metrics, kpi.MetricScore) // not on their card: not on the board
	h := rank.History{
		period(3, person("e1", "t1", "110", "130"), person("e2", "t1", "95", "90"), person("e3", "t2", "110", "120"), person("e4", "t2", "", ""), joiner, other),
		period(2, person("e1", "t1", "100", "100"), person("e2", "t1", "120", "100"), person("e3", "t2", "80", "90")),
		period(1, person("e1", "t1", "105", "100"), person("e2", "t1", "70", "100"), person("e3", "t2", "100", "90")),
	}
	rows := rank.Board(h, kpi.MetricScore, decimal.NewFromInt(100))
	var got []string
	for _, r := range rows {
		change := "-"
		if !r.ChangeNull {
			change = fmt.Sprintf("%+d", r.Change)
		}
		got = append(got, fmt.Sprintf("%s:%d%s streak %d change %s", r.Subject.ID, r.Place, r.Medal, r.Streak, change))
	}
	want := []string{
		"e1:1gold streak 3 change +1",   // tied first with e3, up from 2nd
		"e3:1gold streak 1 change +2",   // up from 3rd
		"e2:3bronze streak 0 change -2", // down from 1st
		"e4:0 streak 0 change -",        // no value: not ranked
		"e5:0 streak 1 change -",        // not eligible: not ranked
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("board:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBlend(t *testing.T) {
	lb := &kpi.Leaderboard{Name: "mix", Metrics: []kpi.BoardMetric{{KPI: "won", Weight: d("60")}, {KPI: kpi.MetricScore, Weight: d("40")}}, MinAtThreshold: 2}
	p := rank.Blend(period(3,
		person("e1", "t", "100", "130"), // (60×130 + 40×100) / 100 = 118
		person("e2", "t", "70", "150"),  // 118 too, but only one metric at threshold
		person("e3", "t", "", "90"),     // only won has a value: 90
		person("e4", "t", "", ""),       // none: null
	), lb)
	var got []string
	for _, e := range p.Entries {
		m := e.Metrics["mix"]
		got = append(got, fmt.Sprintf("%s=%s/%v/%v", e.Subject.ID, m.Value, m.Null, e.Eligible))
	}
	want := "e1=118/false/true e2=118/false/false e3=90/false/false e4=0/true/false"
	if strings.Join(got, " ") != want {
		t.Errorf("blend = %s, want %s", strings.Join(got, " "), want)
	}
	rows := rank.Board(rank.History{p}, "mix", decimal.NewFromInt(100))
	if rows[0].Subject.ID != "e1" || rows[0].Place != 1 || rows[1].Place != 0 {
		t.Errorf("blended board: %+v", rows)
	}
}

func TestAwards(t *testing.T) {
	late := person("e9", "t2", "200", "300") // joined late: never wins
	late.Eligible = false
	h := rank.History{
		period(4, person("e1", "t1", "120", "130"), person("e2", "t1", "120", "90"), person("e3", "t2", "101", "110"), person("e4", "t2", "90", ""), late),
		period(3, person("e1", "t1", "100", "100"), person("e2", "t1", "60", "100"), person("e3", "t2", "102", "90"), person("e4", "t2", "70", "")),
		period(2, person("e1", "t1", "105", "100"), person("e2", "t1", "60", "100"), person("e3", "t2", "103", "90"), person("e4", "t2", "80", "")),
		period(1, person("e1", "t1", "99", "100"), person("e2", "t1", "60", "100"), person("e3", "t2", "104", "90")),
	}
	h[0].Entries[0].Items, h[0].Entries[0].Met = 2, 2
	h[0].Entries[1].Items, h[0].Entries[1].Met = 2, 1
	units := rank.History{period(4,
		&rank.Entry{Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "t1"}, Name: "Team 1", Team: "sales", Eligible: true, Metrics: map[string]rank.Metric{kpi.MetricScore: {Value: d("104")}}},
		&rank.Entry{Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "t2"}, Name: "Team 2", Team: "sales", Eligible: true, Metrics: map[string]rank.Metric{kpi.MetricScore: {Value: d("97.5")}}},
		&rank.Entry{Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "o1"}, Name: "Other", Team: "ops", Eligible: true, Metrics: map[string]rank.Metric{kpi.MetricScore: {Value: d("130")}}},
	)}
	for _, c := range []struct {
		rule kpi.AwardRule
		want string
	}{
		// Ties share a place: e1 and e2 both first, e3 third.
		{kpi.AwardRule{Name: "top", Kind: kpi.AwardTop}, "1:e1=120 1:e2=120 3:e3=101"},
		{kpi.AwardRule{Name: "top1", Kind: kpi.AwardTop, N: 1}, "1:e1=120 1:e2=120"},
		{kpi.AwardRule{Name: "topwon", Kind: kpi.AwardTop, Metric: "won", N: 2}, "1:e1=130 2:e3=110"},
		{kpi.AwardRule{Name: "above", Kind: kpi.AwardAbove, Metric: "won", Percent: d("110")}, "e1=130 e3=110"},
		{kpi.AwardRule{Name: "allmet", Kind: kpi.AwardAllMet}, "e1=2"},
		// e1 at or above 100 four periods in a row? 120, 100, 105, then 99: 3.
		{kpi.AwardRule{Name: "streak", Kind: kpi.AwardStreak, N: 3}, "e1=3 e3=4"},
		{kpi.AwardRule{Name: "streak4", Kind: kpi.AwardStreak, N: 4}, "e3=4"},
		// Gains on the mean of the 3 before: e1 120 − 101.3333 = 18.67;
		// e2 120 − 60 = 60; e3 101 − 103 < 0; e4 90 − 75 = 15.
		{kpi.AwardRule{Name: "improved", Kind: kpi.AwardMostImproved}, "1:e2=60"},
		{kpi.AwardRule{Name: "improved3", Kind: kpi.AwardMostImproved, N: 3}, "1:e2=60 2:e1=18.67 3:e4=15"},
		{kpi.AwardRule{Name: "best", Kind: kpi.AwardBestInTeam}, "1:e1=120 1:e2=120 1:e3=101"},
		{kpi.AwardRule{Name: "team", Kind: kpi.AwardTeam, Unit: "sales"}, "1:t1=104"},
	} {
		t.Run(c.rule.Name, func(t *testing.T) {
			if got := awards(rank.Evaluate(c.rule, h, units)); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
	t.Run("EmptyPeriod", func(t *testing.T) {
		empty := rank.History{period(5, person("e1", "t1", "", ""), person("e2", "t1", "", "")), h[0], h[1], h[2]}
		for _, k := range kpi.AwardKinds {
			if got := rank.Evaluate(kpi.AwardRule{Name: "x", Kind: k, Unit: "sales"}, empty, rank.History{period(5)}); len(got) != 0 {
				t.Errorf("%s: awards in an empty period: %s", k, awards(got))
			}
		}
	})
	t.Run("NoPeriods", func(t *testing.T) {
		if got := rank.Evaluate(kpi.AwardRule{Name: "x", Kind: kpi.AwardStreak}, h[:2], nil); len(got) != 0 {
			t.Errorf("a 3-period streak over 2 periods: %s", awards(got))
		}
	})
	t.Run("Reason", func(t *testing.T) {
		got := rank.Evaluate(kpi.AwardRule{Name: "topwon", Title: "Top seller", Kind: kpi.AwardTop, Metric: "won", N: 1}, h, nil)
		if len(got) != 1 || got[0].Reason != "1st place on won: 130.00 % of target" || got[0].Title != "Top seller" {
			t.Errorf("got %+v", got)
		}
	})
}
