package review_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"attain/app/review"
	"attain/demo"
	"attain/kpi"
	"attain/kpitest"
)

// TestDemoTeamCards: on the demo, the cards Team scores together from one
// read (a unit's, its child units' and its people's) are, number for
// number, those Scorecard gives one by one, for an open month and a
// closed one, of a department and of the company; and the series it
// answers from that read are what Values and FindTargets give.
func TestDemoTeamCards(t *testing.T) { onDemoStores(t, testTeamCards) }

// onDemoStores runs fn on the demo of 2026-12-15 loaded into SQLite and
// into PostgreSQL (skipped without ATTAIN_TEST_POSTGRES).
func onDemoStores(t *testing.T, fn func(*testing.T, *demoStore)) {
	if testing.Short() {
		t.Skip("loads the demo")
	}
	t.Run("sqlite", func(t *testing.T) { fn(t, loadDemo(t, date(t, "2026-12-15"))) })
	t.Run("postgres", func(t *testing.T) {
		fn(t, loadDemoInto(t, kpitest.MustOpenPostgres(t), date(t, "2026-12-15")))
	})
}

func testTeamCards(t *testing.T, d *demoStore) {
	for _, unit := range []string{demo.UnitSales, demo.UnitCompany} {
		for _, month := range []string{"2026-12", "2026-11"} {
			t.Run(unit+"/"+month, func(t *testing.T) {
				p := period(t, month)
				tc, err := d.svc.Team(d.ctx, unit, p)
				if err != nil {
					t.Fatal(err)
				}
				alone := func(subj kpi.Subject) string {
					c, err := d.svc.Scorecard(d.ctx, subj, p, "")
					if kpi.ErrorCode(err) == kpi.ENOTFOUND {
						return "null"
					} else if err != nil {
						t.Fatal(err)
					}
					return cardJSON(t, c)
				}
				same := func(subj kpi.Subject, c *review.Card) {
					t.Helper()
					got := "null"
					if c != nil {
						got = cardJSON(t, c)
					}
					if want := alone(subj); got != want {
						t.Errorf("%s: together\n%s\nalone\n%s", subj, got, want)
					}
				}
				unitSubj := kpi.Subject{Kind: kpi.SubjectUnit, ID: unit}
				same(unitSubj, tc.Unit)
				subjects := []kpi.Subject{unitSubj}
				if len(tc.Children) == 0 || len(tc.Children) != len(tc.ChildCards) {
					t.Fatalf("%d child units, %d cards", len(tc.Children), len(tc.ChildCards))
				}
				for i, u := range tc.Children {
					s := kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}
					same(s, tc.ChildCards[i])
					subjects = append(subjects, s)
				}
				if len(tc.People) < 10 {
					t.Fatalf("%d people's cards", len(tc.People))
				}
				for _, c := range tc.People {
					same(c.Subject, c)
					subjects = append(subjects, c.Subject)
				}

				var names []string
				for _, it := range tc.Unit.Items {
					names = append(names, it.KPI)
				}
				from := p.From
				for range 11 {
					from = kpi.PeriodOf(kpi.Month, from-1).From
				}
				vals, targets, ok := tc.Series(names, subjects, from, p.To)
				if !ok {
					t.Fatal("a month's cards hold the 12 months of its trends")
				}
				wantVals, err := d.svc.Values.Values(d.ctx, kpi.ValueQuery{KPIs: names, Subjects: subjects, Grain: kpi.Month, From: from, To: p.To})
				if err != nil {
					t.Fatal(err)
				}
				wantTargets, err := d.svc.Targets.FindTargets(d.ctx, kpi.TargetFilter{KPIs: names, Subjects: subjects, Grain: kpi.Month, From: from, To: p.To})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := valueSet(vals), valueSet(wantVals); len(vals) != len(wantVals) || fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("values: %d from the cards' read, %d asked for", len(vals), len(wantVals))
				}
				if got, want := targetSet(targets), targetSet(wantTargets); len(targets) != len(wantTargets) || fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("targets: %d from the cards' read, %d asked for", len(targets), len(wantTargets))
				}
				if len(wantVals) < 12*len(subjects) || len(wantTargets) == 0 {
					t.Errorf("%d values and %d targets compared: the test shows little", len(wantVals), len(wantTargets))
				}
				// A quarter's cards read 6 quarters and last year's: not 12.
				if _, _, ok := tc.Series(names, subjects, kpi.PeriodOf(kpi.Month, 0).From, p.To); ok {
					t.Error("Series answers for days the cards did not read")
				}
			})
		}
	}
}

// cardJSON is a card as the API writes it: every number it shows.
func cardJSON(t *testing.T, c *review.Card) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func valueSet(vs []kpi.KPIValue) map[string]string {
	out := map[string]string{}
	for _, v := range vs {
		out[fmt.Sprint(v.KPI, v.Subject, v.Period)] = fmt.Sprint(v.Value, v.Null, v.Records)
	}
	return out
}

func targetSet(ts []*kpi.Target) map[string]string {
	out := map[string]string{}
	for _, t := range ts {
		out[fmt.Sprint(t.KPI, t.Subject, t.Period)] = t.Value.String()
	}
	return out
}

// TestDemoGridCards: on the demo, the cards of a heat map's grid (twelve
// months up to the open one, the open one's history taken from the grid's
// own read) and of plan health (the open month whole) score as Scorecard
// and PeriodScorecard score them one by one.
func TestDemoGridCards(t *testing.T) { onDemoStores(t, testGridCards) }

func testGridCards(t *testing.T, d *demoStore) {
	var subjects []kpi.Subject
	for _, e := range d.data.Employees {
		subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID})
	}
	for _, u := range d.data.Units {
		subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID})
	}
	dec := period(t, "2026-12")
	var months []kpi.Period
	for p, i := dec, 0; i < 12; i++ {
		months = append([]kpi.Period{p}, months...)
		p = kpi.PeriodOf(kpi.Month, p.From-1)
	}
	for _, whole := range []bool{false, true} {
		periods := months
		if whole {
			periods = []kpi.Period{dec}
		}
		grid, err := d.svc.Grid(d.ctx, subjects, periods, whole)
		if err != nil {
			t.Fatal(err)
		}
		compared := 0
		for _, subj := range subjects {
			for i, p := range periods {
				got := grid[subj][i]
				var want *review.Card
				if whole {
					want, err = d.svc.PeriodScorecard(d.ctx, subj, p, "")
				} else {
					want, err = d.svc.Scorecard(d.ctx, subj, p, "")
				}
				if kpi.ErrorCode(err) == kpi.ENOTFOUND {
					if got != nil {
						t.Errorf("%s %s: a card where Scorecard has none", subj, p.Label())
					}
					continue
				} else if err != nil {
					t.Fatal(err)
				}
				if got == nil {
					t.Fatalf("%s %s: no card", subj, p.Label())
				}
				// A closed month's grid card is the score alone.
				if p.To < dec.From {
					want = &review.Card{Scorecard: want.Scorecard, AsOf: want.AsOf, State: want.State, PaceMethod: want.PaceMethod, Prorations: want.Prorations}
				}
				if g, w := cardJSON(t, got), cardJSON(t, want); g != w {
					t.Errorf("%s %s (whole %t): grid\n%s\nalone\n%s", subj, p.Label(), whole, g, w)
				}
				compared++
			}
		}
		if compared < 12*len(d.data.Employees)/2 && !whole || compared < len(d.data.Employees)/2 {
			t.Errorf("whole %t: %d cards compared", whole, compared)
		}
	}
}
