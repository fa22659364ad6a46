package review_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"attain/app/review"
	"attain/attainyaml"
	"attain/calc/score"
	"attain/engine"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// testYAML is a small sales workspace: deals won or lost by a rep, a count
// (won), a lower-is-better count (lost), a sum (won_value), a median of a
// lower-is-better duration (days), a formula (win_rate); one holiday, Whit
// Monday 9 June 2025; the "rep" scorecard with plan-based won (linear) and
// won_value (capped) and a fixed lower-is-better days item.
//
// June 2025 has 21 weekdays (2–6, 9–13, 16–20, 23–27, 30) less the
// holiday: 20 working days.
const testYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Won, Lost]}
      - {name: amount, type: money}
      - {name: closed_on, type: date}
      - {name: days, type: decimal, scale: 1}
kpis:
  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: lost, unit: count, direction: lower, dataset: deals, aggregation: count, filter: 'stage == "Lost"'}
  - {name: won_value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
  - {name: days, unit: duration, time_unit: days, direction: lower, dataset: deals, aggregation: median, expr: days, filter: 'stage == "Won"'}
  - {name: win_rate, unit: percent, direction: higher, formula: won / (won + lost)}
calendar:
  holidays:
    - {date: 2025-06-09, name: Whit Monday}
scorecards:
  - name: rep
    position: rep
    items:
      - {kpi: won, weight: 40, basis: plan, threshold: 80, stretch: 120}
      - {kpi: won_value, weight: 30, basis: plan, threshold: 80, stretch: 120, curve: {kind: capped}}
      - {kpi: days, weight: 30, basis: fixed, threshold: 3, target: 2, stretch: 1}
`

// fixture is one workspace in a fresh store: company co → department
// sales → teams t1, t2; ann and bob (reps) in t1; cy (rep, left on Friday
// 13 June 2025), dan (rep, hired on Monday 16 June 2025) and eve (an
// intern: no scorecard template) in t2. ann manages bob, cy, dan and eve.
type fixture struct {
	t       *testing.T
	ctx     context.Context
	svc     *review.Service
	org     *sqldb.OrgService
	targets *sqldb.TargetService
	defs    *sqldb.DefinitionService
	records *sqldb.RecordService
	n       int // deals written, for their keys
}

// newFixture opens the workspace with "today" at noon UTC of now.
func newFixture(t *testing.T, now string) *fixture {
	t.Helper()
	db := kpitest.MustOpenDB(t)
	ctx := context.Background()
	wss := sqldb.NewWorkspaceService(db)
	ws := kpi.Workspace{Slug: "acme", Name: "Acme", TimeZone: "UTC"}
	if err := wss.CreateWorkspace(ctx, &ws); err != nil {
		t.Fatal(err)
	}
	ctx = kpi.NewContextWithActor(kpi.NewContextWithWorkspace(ctx, ws.ID), "test:lead")
	f := &fixture{t: t, ctx: ctx, org: sqldb.NewOrgService(db), targets: sqldb.NewTargetService(db),
		defs: sqldb.NewDefinitionService(db), records: sqldb.NewRecordService(db)}
	defs, err := attainyaml.Load("attain.yaml", []byte(testYAML))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.defs.ApplyDefinitions(ctx, defs, kpi.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	left, hired := date(t, "2025-06-13"), date(t, "2025-06-16")
	units := []*kpi.OrgUnit{
		{ID: "co", Name: "Acme", Kind: "company"},
		{ID: "sales", Name: "Sales", Kind: "department", ParentID: "co"},
		{ID: "t1", Name: "Team 1", Kind: "team", ParentID: "sales"},
		{ID: "t2", Name: "Team 2", Kind: "team", ParentID: "sales"},
	}
	emps := []*kpi.Employee{
		{ID: "ann", Name: "Ann", UnitID: "t1", Position: "rep"},
		{ID: "bob", Name: "Bob", UnitID: "t1", Position: "rep", ManagerID: "ann"},
		{ID: "cy", Name: "Cy", UnitID: "t2", Position: "rep", ManagerID: "ann", LeftOn: &left},
		{ID: "dan", Name: "Dan", UnitID: "t2", Position: "rep", ManagerID: "ann", HiredOn: &hired},
		{ID: "eve", Name: "Eve", UnitID: "t2", Position: "intern", ManagerID: "ann"},
	}
	if _, err := f.org.ImportOrg(ctx, units, emps); err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse(time.DateOnly, now)
	if err != nil {
		t.Fatal(err)
	}
	at = at.Add(12 * time.Hour)
	f.svc = &review.Service{
		Workspaces: wss, Org: f.org, Definitions: f.defs, Targets: f.targets,
		Values: engine.New(engine.Services{Workspaces: wss, Org: f.org, Definitions: f.defs, Records: f.records}, nil),
		Now:    func() time.Time { return at },
	}
	return f
}

// deal is one row of the deals dataset.
type deal struct {
	rep, stage, amount, day, days string
}

// deals writes n copies of d.
func (f *fixture) deals(n int, d deal) {
	f.t.Helper()
	var recs []kpi.Record
	for range n {
		f.n++
		amount, err := decimal.NewFromString(d.amount)
		if err != nil {
			f.t.Fatal(err)
		}
		days, err := decimal.NewFromString(d.days)
		if err != nil {
			f.t.Fatal(err)
		}
		id := fmt.Sprintf("d%03d", f.n)
		recs = append(recs, kpi.Record{Key: id, Owner: d.rep, Values: []kpi.Value{
			{S: id}, {S: d.rep}, {S: d.stage}, {N: amount.Shift(2).IntPart()},
			{N: int64(date(f.t, d.day))}, {N: days.Shift(1).IntPart()},
		}})
	}
	if _, err := f.records.UpsertRecords(f.ctx, "deals", recs); err != nil {
		f.t.Fatal(err)
	}
}

// target sets targets: kpi, subject ("ann" or "unit:t1"), period, value.
func (f *fixture) target(rows ...[4]string) {
	f.t.Helper()
	var in []kpi.TargetInput
	for _, r := range rows {
		v := decimal.RequireFromString(r[3])
		in = append(in, kpi.TargetInput{KPI: r[0], Subject: subject(r[1]), Period: period(f.t, r[2]), Value: &v})
	}
	if _, err := f.targets.SetTargets(f.ctx, in, "test"); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) card(subj, p string) *review.Card {
	f.t.Helper()
	c, err := f.svc.Scorecard(f.ctx, subject(subj), period(f.t, p), "")
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// subject reads "ann" as an employee and "unit:t1" as a unit.
func subject(s string) kpi.Subject {
	if id, ok := strings.CutPrefix(s, "unit:"); ok {
		return kpi.Subject{Kind: kpi.SubjectUnit, ID: id}
	}
	return kpi.Subject{Kind: kpi.SubjectEmployee, ID: s}
}

func period(tb testing.TB, s string) kpi.Period {
	tb.Helper()
	p, err := kpi.ParsePeriod(s)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func date(tb testing.TB, s string) kpi.Date {
	tb.Helper()
	d, err := kpi.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// items writes a card's items as "kpi actual/target achievement score
// contribution status", "-" for a null.
func items(c *review.Card) string {
	var b strings.Builder
	for _, it := range c.Items {
		fmt.Fprintf(&b, "%s %s/%s %s %s %s %s\n", it.KPI, null(it.Actual, it.ActualNull), it.Target,
			null(it.Achievement, it.AchievementNull), null(it.Score, it.ScoreNull), it.Contribution, it.Status)
	}
	fmt.Fprintf(&b, "total %s", null(c.Total, c.TotalNull))
	return b.String()
}

func null(d decimal.Decimal, isNull bool) string {
	if isNull {
		return "-"
	}
	return d.String()
}

// TestScorecard scores ann's closed June 2025 (today is 10 July) by hand:
//
//	won 9 against her target 10, levels 8/10/12 (80 %, 120 %): linear
//	  50 + 50 × (9 − 8)/(10 − 8) = 75.00; achievement 9/10 = 90.00 %;
//	  contribution 40 × 75 / 100 = 30
//	won_value 8 × 100 + 300 = 1100 against 1000, capped: 110.00 % scores
//	  110.00; contribution 30 × 110 / 100 = 33
//	days, the median of 1.0 1.0 1.2 1.4 [1.5] 2.0 2.0 2.5 3.0 = 1.5 against
//	  3/2/1 (lower is better): 100 + 50 × (1.5 − 2)/(1 − 2) = 125.00;
//	  achievement 2 / 1.5 = 133.33 %; contribution 30 × 125 / 100 = 37.5
//	total (30 + 33 + 37.5) × 100 / 100 = 100.50
func TestScorecard(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := newFixture(t, "2025-07-10")
		for i, d := range []string{"1.0", "1.0", "1.2", "1.4", "1.5", "2.0", "2.0", "2.5"} {
			f.deals(1, deal{"ann", "Won", "100", fmt.Sprintf("2025-06-%02d", 2+i), d})
		}
		f.deals(1, deal{"ann", "Won", "300", "2025-06-30", "3.0"})
		f.deals(1, deal{"ann", "Lost", "500", "2025-06-30", "9.0"}) // neither won, won_value nor days
		f.target([4]string{"won", "ann", "2025-06", "10"}, [4]string{"won_value", "ann", "2025-06", "1000"})

		c := f.card("ann", "2025-06")
		got, want := items(c), `won 9/10 90 75 30 on_track
won_value 1100/1000 110 110 33 above_target
days 1.5/2 133.33 125 37.5 above_target
total 100.5`
		if got != want {
			t.Errorf("ann's June 2025:\n%s\nwant\n%s", got, want)
		}
		if got, want := c.Rule, "(40 × 75.00 + 30 × 110.00 + 30 × 125.00) / 100 = 100.50"; got != want {
			t.Errorf("rule = %q, want %q", got, want)
		}
		if c.Open || len(c.Pace) != 0 {
			t.Errorf("a closed period has no pace: open %t, %d pace items", c.Open, len(c.Pace))
		}
	})

	// The unit's card is computed on the unit's own records against the
	// unit's own targets. Team t1 (ann and bob) in June 2025:
	//
	//	won 9 (ann) + 3 (bob) = 12 against t1's 20, levels 16/20/24: worse
	//	  than the threshold: 0, achievement 60.00 %
	//	won_value 1100 + 3 × 100 = 1400 against 2000: 70.00 % < 80 %: 0
	//	days, median of all 12: 1.0 1.0 1.2 1.4 1.5 [2.0 2.0] 2.5 3.0 3.0
	//	  3.0 3.0 = 2.0: the target, 100
	//	total (0 + 0 + 30 × 100) / 100 = 30.00
	//
	// An average of people would be (100.50 + bob's) / 2, far from 30.
	t.Run("Unit", func(t *testing.T) {
		f := newFixture(t, "2025-07-10")
		for i, d := range []string{"1.0", "1.0", "1.2", "1.4", "1.5", "2.0", "2.0", "2.5"} {
			f.deals(1, deal{"ann", "Won", "100", fmt.Sprintf("2025-06-%02d", 2+i), d})
		}
		f.deals(1, deal{"ann", "Won", "300", "2025-06-30", "3.0"})
		f.deals(3, deal{"bob", "Won", "100", "2025-06-20", "3.0"})
		f.target([4]string{"won", "ann", "2025-06", "10"}, [4]string{"won_value", "ann", "2025-06", "1000"},
			[4]string{"won", "unit:t1", "2025-06", "20"}, [4]string{"won_value", "unit:t1", "2025-06", "2000"})

		got, want := items(f.card("unit:t1", "2025-06")), `won 12/20 60 0 0 below_threshold
won_value 1400/2000 70 0 0 below_threshold
days 2/2 100 100 30 above_target
total 30`
		if got != want {
			t.Errorf("t1's June 2025:\n%s\nwant\n%s", got, want)
		}
	})

	// ann's 2 won deals closed in 0 days, a won target of 0 and no
	// won_value target:
	//
	//	won 2 against 0 (plan levels all 0): no scale, 2 is at or better
	//	  than 0: 100; achievement undefined (target 0)
	//	won_value: no target, left out of the total (no_target)
	//	days 0, lower is better: better than any target, 150; achievement
	//	  undefined (actual 0)
	//	total (40 × 100 + 30 × 150) / (40 + 30) = 8500 / 70 = 121.428… → 121.43
	t.Run("ZeroAndMissingTarget", func(t *testing.T) {
		f := newFixture(t, "2025-07-10")
		f.deals(2, deal{"ann", "Won", "100", "2025-06-10", "0"})
		f.target([4]string{"won", "ann", "2025-06", "0"})

		c := f.card("ann", "2025-06")
		got, want := items(c), `won 2/0 - 100 40 above_target
won_value 200/0 - - 0 no_target
days 0/2 - 150 45 above_target
total 121.43`
		if got != want {
			t.Errorf("ann's June 2025:\n%s\nwant\n%s", got, want)
		}
		if got, want := c.ScoredWeight.String(), "70"; got != want {
			t.Errorf("scored weight = %s, want %s", got, want)
		}
	})

	t.Run("ErrNoTemplate", func(t *testing.T) {
		f := newFixture(t, "2025-07-10")
		_, err := f.svc.Scorecard(f.ctx, subject("eve"), period(t, "2025-06"), "")
		if got, want := kpi.ErrorCode(err), kpi.ENOTFOUND; got != want {
			t.Errorf("code = %q, want %q (%v)", got, want, err)
		}
	})
	t.Run("ErrUnknownTemplate", func(t *testing.T) {
		f := newFixture(t, "2025-07-10")
		for _, who := range []string{"ann", "unit:t1"} {
			_, err := f.svc.Scorecard(f.ctx, subject(who), period(t, "2025-06"), "repp")
			if kpi.ErrorCode(err) != kpi.ENOTFOUND || kpi.ErrorMessage(err) != `No scorecard template "repp" in effect on 2025-06-01.` {
				t.Errorf("%s with template repp: %v", who, err)
			}
		}
	})
	t.Run("ErrNoEmployee", func(t *testing.T) {
		f := newFixture(t, "2025-07-10")
		_, err := f.svc.Scorecard(f.ctx, subject("zed"), period(t, "2025-06"), "")
		if got, want := kpi.ErrorCode(err), kpi.ENOTFOUND; got != want {
			t.Errorf("code = %q, want %q (%v)", got, want, err)
		}
	})
}

// TestProration cuts targets to the working days a person was there.
func TestProration(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	f.target([4]string{"won", "dan", "2025-06", "10"}, [4]string{"won", "cy", "2025-06", "10"},
		[4]string{"won", "ann", "2025-06", "10"})

	for _, tt := range []struct {
		name, who, target, threshold, stretch string
	}{
		// dan is hired on Monday 16 June: 16–20, 23–27 and 30 = 11 of 20
		// working days (the holiday on the 9th is not one):
		// 10 × 11 / 20 = 5.50; threshold 80 % 4.40, stretch 120 % 6.60.
		// Counting the holiday would give 10 × 11 / 21 = 5.24.
		{"Hired", "dan", "5.5", "4.4", "6.6"},
		// cy leaves on Friday 13 June, the last day employed: 2–6 and
		// 10–13 = 9 of 20: 10 × 9 / 20 = 4.50.
		{"Left", "cy", "4.5", "3.6", "5.4"},
		// ann is there all month: the full target.
		{"Whole", "ann", "10", "8", "12"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := f.card(tt.who, "2025-06")
			it := c.Items[0]
			if got, want := fmt.Sprintf("%s %s %s", it.Threshold, it.Target, it.Stretch), tt.threshold+" "+tt.target+" "+tt.stretch; got != want {
				t.Errorf("won levels = %s, want %s", got, want)
			}
		})
	}

	t.Run("Rule", func(t *testing.T) {
		c := f.card("dan", "2025-06")
		if len(c.Prorations) != 1 {
			t.Fatalf("prorations = %+v, want one", c.Prorations)
		}
		pr := c.Prorations[0]
		if got, want := fmt.Sprintf("%s %s %s %d/%d", pr.KPI, pr.Full, pr.Value, pr.ActiveWorkingDays, pr.WorkingDays), "won 10 5.5 11/20"; got != want {
			t.Errorf("proration = %s, want %s (%s)", got, want, pr.Rule)
		}
		if c := f.card("ann", "2025-06"); len(c.Prorations) != 0 {
			t.Errorf("ann was there all month, yet prorated: %+v", c.Prorations)
		}
	})

	// February 2024 has 21 working days (1–2, 5–9, 12–16, 19–23, 26–29);
	// fay, hired on Thursday 29 February, is there for 1: 21 × 1 / 21 = 1.00.
	t.Run("LeapDay", func(t *testing.T) {
		hired := date(t, "2024-02-29")
		if err := f.org.CreateEmployee(f.ctx, &kpi.Employee{ID: "fay", Name: "Fay", UnitID: "t2", Position: "rep", HiredOn: &hired}); err != nil {
			t.Fatal(err)
		}
		f.target([4]string{"won", "fay", "2024-02", "21"})
		c := f.card("fay", "2024-02")
		if got, want := c.Items[0].Target.String(), "1"; got != want {
			t.Errorf("fay's February 2024 target = %s, want %s", got, want)
		}
		pr := c.Prorations[0]
		if got, want := fmt.Sprintf("%d/%d", pr.ActiveWorkingDays, pr.WorkingDays), "1/21"; got != want {
			t.Errorf("working days = %s, want %s", got, want)
		}
	})
}

// TestPace looks at June 2025 on Wednesday 11 June: working days 2–6, 10
// and 11 have passed (the 9th is a holiday): 7 of 20.
//
//	won: 5 against 20: expected 20 × 7 / 20 = 7.00, forecast 5 × 20 / 7 =
//	  14.285… → 14.29, gap 5 − 7 = −2: behind
//	won_value: 5 × 120 = 600 against 1000: expected 350.00, forecast
//	  600 × 20 / 7 = 1714.285… → 1714.29, gap 250: ahead
//	days (a median: not additive): 2.5 against 2, lower is better:
//	  expected 2, forecast 2.5, gap 2 − 2.5 = −0.5: behind
func TestPace(t *testing.T) {
	f := newFixture(t, "2025-06-11")
	f.deals(3, deal{"ann", "Won", "120", "2025-06-03", "2.5"})
	f.deals(2, deal{"ann", "Won", "120", "2025-06-11", "2.5"})
	f.target([4]string{"won", "ann", "2025-06", "20"}, [4]string{"won_value", "ann", "2025-06", "1000"})

	c := f.card("ann", "2025-06")
	if !c.Open || c.AsOf != date(t, "2025-06-11") {
		t.Fatalf("open %t as of %s, want an open period as of 2025-06-11", c.Open, c.AsOf)
	}
	var got []string
	for _, p := range c.Pace {
		got = append(got, fmt.Sprintf("%s %s %d/%d expected %s forecast %s gap %s %s", p.KPI, p.Method, p.Elapsed, p.Total, p.Expected, null(p.Forecast, p.ForecastNull), p.Gap, p.Status))
	}
	want := []string{
		"won linear 7/20 expected 7 forecast 14.29 gap -2 behind",
		"won_value linear 7/20 expected 350 forecast 1714.29 gap 250 ahead",
		"days value 7/20 expected 2 forecast 2.5 gap -0.5 behind",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pace:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// progressFixture: bob's won deals per month, each worth 100 and closed in
// 1.5 days: June 2024 9; January–June 2025 12, 12, 12, 11, 10, 7. His won
// target is 10 (threshold 8) in May and June 2025. cy (target 10 cut to
// 4.50 as she left on 13 June, threshold 3.60) won 3 in June.
func progressFixture(t *testing.T) *fixture {
	f := newFixture(t, "2025-07-10")
	f.deals(9, deal{"bob", "Won", "100", "2024-06-14", "1.5"})
	for m, n := range []int{12, 12, 12, 11, 10, 7} {
		f.deals(n, deal{"bob", "Won", "100", fmt.Sprintf("2025-%02d-05", m+1), "1.5"})
	}
	f.deals(3, deal{"cy", "Won", "100", "2025-06-04", "2.0"})
	f.target([4]string{"won", "bob", "2025-05", "10"}, [4]string{"won", "bob", "2025-06", "10"},
		[4]string{"won", "cy", "2025-06", "10"})
	return f
}

func TestProgress(t *testing.T) {
	f := progressFixture(t)
	c := f.card("bob", "2025-06")
	var won *string
	for _, p := range c.Progress {
		if p.KPI != "won" {
			continue
		}
		// 12 → 11 → 10 → 7: three declines in a row; May 10 ≥ 8, June 7 < 8:
		// fell below the threshold. vs May: 7 − 10 = −3, −30.00 %. vs June
		// 2024: 7 − 9 = −2, −2/9 = −22.22 %. Slope over x = 0..5 (January
		// to June) of 12 12 12 11 10 7: Σx 15, Σx² 55, Σy 64, Σxy 0 + 12 +
		// 24 + 33 + 40 + 35 = 144: (6 × 144 − 15 × 64)/(6 × 55 − 225) =
		// −96/105 = −0.914… → −0.9143.
		s := fmt.Sprintf("streak %d declining %t fell %t prev %s %s worse %t year %s %s %s worse %t slope %s",
			p.DeclineStreak, p.Declining, p.FellBelowThreshold, p.VsPrevious.Delta, p.VsPrevious.Pct, p.VsPrevious.Worse,
			p.VsLastYear.Base.Label(), p.VsLastYear.Delta, p.VsLastYear.Pct, p.VsLastYear.Worse, p.Slope)
		won = &s
	}
	if won == nil {
		t.Fatal("no progress of won")
	}
	if got, want := *won, "streak 3 declining true fell true prev -3 -30 worse true year 2024-06 -2 -22.22 worse true slope -0.9143"; got != want {
		t.Errorf("bob's won:\n%s\nwant\n%s", got, want)
	}
}

func TestAttention(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := progressFixture(t)
		att, err := f.svc.Attention(f.ctx, "ann", period(t, "2025-06"))
		if err != nil {
			t.Fatal(err)
		}
		// bob: won fell below threshold (4), declining (2), worse than last
		// year (1); won_value (no target: no threshold) 1200 → 1100 → 1000
		// → 700 declining (2), and 700 < 900 a year ago (1): 10 points.
		// cy: 3 won < 3.60, below threshold (3). dan has no records and no
		// target: nothing to say. eve has no template.
		var got []string
		for _, c := range att.Concerns {
			var codes []string
			for _, r := range c.Reasons {
				codes = append(codes, r.KPI+":"+r.Code)
			}
			got = append(got, fmt.Sprintf("%s %d %s", c.Subject.ID, c.Points, strings.Join(codes, ",")))
		}
		want := []string{
			"bob 10 won:fell_below_threshold,won:declining,won:below_last_year,won_value:declining,won_value:below_last_year",
			"cy 3 won:below_threshold",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("concerns:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if got, want := att.Concerns[0].Reasons[0].Text, "won: fell below the threshold in 2025-06, after 2025-05 was not (10 → 7 (-3, -30.0 %))"; got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
		if got, want := att.Concerns[1].Reasons[0].Text, "won: 3 is below the threshold of 3.6 (target 4.5)"; got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
		if len(att.Skipped) != 1 || att.Skipped[0].Employee != "eve" || !strings.Contains(att.Skipped[0].Reason, `"intern"`) {
			t.Errorf("skipped = %+v, want eve, for the position \"intern\"", att.Skipped)
		}
	})
	t.Run("ErrNoManager", func(t *testing.T) {
		f := newFixture(t, "2025-07-10")
		_, err := f.svc.Attention(f.ctx, "zed", period(t, "2025-06"))
		if got, want := kpi.ErrorCode(err), kpi.ENOTFOUND; got != want {
			t.Errorf("code = %q, want %q", got, want)
		}
	})
}

// TestTeamChange moves bob from t1 to t2 from Monday 16 June 2025: his 2
// won deals of the 10th stay with t1, the 3 of the 20th count for t2.
func TestTeamChange(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	f.deals(2, deal{"bob", "Won", "100", "2025-06-10", "1.5"})
	f.deals(3, deal{"bob", "Won", "100", "2025-06-20", "1.5"})
	t2, from := "t2", date(t, "2025-06-16")
	if _, err := f.org.UpdateEmployee(f.ctx, "bob", kpi.EmployeeUpdate{UnitID: &t2, UnitFrom: &from}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ unit, want string }{
		{"unit:t1", "2 200"},
		{"unit:t2", "3 300"},
		{"unit:sales", "5 500"},
	} {
		c := f.card(tt.unit, "2025-06")
		if got := fmt.Sprintf("%s %s", c.Items[0].Actual, c.Items[1].Actual); got != tt.want {
			t.Errorf("%s won, won_value = %s, want %s", tt.unit, got, tt.want)
		}
	}
	// bob's own card has all five.
	if got, want := f.card("bob", "2025-06").Items[0].Actual.String(), "5"; got != want {
		t.Errorf("bob's won = %s, want %s", got, want)
	}
}

// proposeFixture: ann won 10, 12 and 15 deals in March–May 2025 and 1 deal
// of 120 in June 2024; bob won 3, 5 and 5 in March–May. cy, dan and eve
// have no records.
func proposeFixture(t *testing.T) *fixture {
	f := newFixture(t, "2025-05-20")
	f.deals(1, deal{"ann", "Won", "120", "2024-06-12", "1"})
	for m, n := range []int{10, 12, 15} {
		f.deals(n, deal{"ann", "Won", "10", fmt.Sprintf("2025-%02d-05", m+3), "1"})
	}
	for m, n := range []int{3, 5, 5} {
		f.deals(n, deal{"bob", "Won", "10", fmt.Sprintf("2025-%02d-06", m+3), "1"})
	}
	return f
}

func TestPropose(t *testing.T) {
	f := proposeFixture(t)
	june := period(t, "2025-06")
	propose := func(t *testing.T, req review.ProposeRequest) []string {
		t.Helper()
		req.Period = june
		props, err := f.svc.Propose(f.ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range props {
			out = append(out, fmt.Sprintf("%s %s: %s", p.Subject.ID, null(p.Value, p.Null), p.Explanation))
		}
		return out
	}
	g := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }

	for _, tt := range []struct {
		name string
		req  review.ProposeRequest
		want []string
	}{
		// median of 10, 12, 15 is 12; × 1.1 = 13.20.
		{"Median", review.ProposeRequest{KPI: "won", Method: review.MethodMedian, Growth: g("1.1"), Subjects: []kpi.Subject{subject("ann")}},
			[]string{"ann 13.2: median of 2025-03..2025-05 (10, 12, 15) = 12, × 1.1 = 13.20"}},
		// 37 / 3 × 1.1 = 13.566… → 13.57, from the exact average.
		{"Average", review.ProposeRequest{KPI: "won", Method: review.MethodAverage, Growth: g("1.1"), Subjects: []kpi.Subject{subject("ann")}},
			[]string{"ann 13.57: average of 2025-03..2025-05 (10, 12, 15) = ≈12.3333, × 1.1 = 13.57"}},
		// June 2024: 120 × 1.05 = 126.00.
		{"LastYear", review.ProposeRequest{KPI: "won_value", Method: review.MethodLastYear, Growth: g("1.05"), Subjects: []kpi.Subject{subject("ann")}},
			[]string{"ann 126: 2024-06 = 120, × 1.05 = 126.00"}},
		// No records at all: no proposal, not 0.
		{"NoHistory", review.ProposeRequest{KPI: "won", Method: review.MethodMedian, Subjects: []kpi.Subject{subject("dan")}},
			[]string{"dan -: No proposal: no values in 2025-03..2025-05."}},
		{"NoLastYear", review.ProposeRequest{KPI: "won", Method: review.MethodLastYear, Subjects: []kpi.Subject{subject("bob")}},
			[]string{"bob -: No proposal: no value in 2024-06."}},
		// 99 to t1's ann and bob by March–May: 37 and 13 of 50. Exact
		// 73.26 and 25.74: whole 73 + 25 = 98, the one left goes to the
		// larger remainder (bob's .74): 73 + 26 = 99.
		{"Split", review.ProposeRequest{KPI: "won", Method: review.MethodSplit, Unit: "t1", Total: ptr(g("99")), Places: ptr(int32(0))},
			[]string{
				"ann 73: 99 × 37 / 50 (share of 2025-03..2025-05 = 74.00 %) = 73 (parts rounded to 0 places by largest remainder so they add up to 99)",
				"bob 26: 99 × 13 / 50 (share of 2025-03..2025-05 = 26.00 %) = 26 (parts rounded to 0 places by largest remainder so they add up to 99)",
			}},
		// 100 evenly to t2's cy, dan, eve at 0 places: 34, 33, 33.
		{"Even", review.ProposeRequest{KPI: "won", Method: review.MethodEven, Unit: "t2", Total: ptr(g("100")), Places: ptr(int32(0))}, []string{
			"cy 34: 100 / 3 = 34 (parts rounded to 0 places by largest remainder so they add up to 100)",
			"dan 33: 100 / 3 = 33 (parts rounded to 0 places by largest remainder so they add up to 100)",
			"eve 33: 100 / 3 = 33 (parts rounded to 0 places by largest remainder so they add up to 100)",
		}},
		// At the default 2 places: 33.34, 33.33, 33.33.
		{"EvenCents", review.ProposeRequest{KPI: "won", Method: review.MethodEven, Unit: "t2", Total: ptr(g("100"))}, []string{
			"cy 33.34: 100 / 3 = 33.34 (parts rounded to 2 places by largest remainder so they add up to 100)",
			"dan 33.33: 100 / 3 = 33.33 (parts rounded to 2 places by largest remainder so they add up to 100)",
			"eve 33.33: 100 / 3 = 33.33 (parts rounded to 2 places by largest remainder so they add up to 100)",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := propose(t, tt.req)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}

	t.Run("ErrNotAdditive", func(t *testing.T) {
		for _, name := range []string{"days", "win_rate"} {
			_, err := f.svc.Propose(f.ctx, review.ProposeRequest{KPI: name, Period: june, Method: review.MethodSplit, Unit: "t1", Total: ptr(g("10"))})
			if got, want := kpi.ErrorCode(err), kpi.EINVALID; got != want {
				t.Errorf("split %s: code = %q, want %q", name, got, want)
			}
		}
	})
	t.Run("ErrUnknownMethod", func(t *testing.T) {
		_, err := f.svc.Propose(f.ctx, review.ProposeRequest{KPI: "won", Period: june, Method: "guess"})
		if got, want := kpi.ErrorCode(err), kpi.EINVALID; got != want {
			t.Errorf("code = %q, want %q", got, want)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestCascade plans won for June 2025: sales 30; t1 20 = ann 12 + bob 8
// (agrees); t2 has none of its own, cy 5. sales: 30 − (20 + none) = 10,
// t2 missing; t2: no target, cy 5 below, dan (a rep) without, eve (an
// intern, whose position has no scorecard) without by design; co: no
// target of its own, 30 below. t1 agrees and is left out.
func TestCascade(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	f.target([4]string{"won", "unit:sales", "2025-06", "30"}, [4]string{"won", "unit:t1", "2025-06", "20"},
		[4]string{"won", "ann", "2025-06", "12"}, [4]string{"won", "bob", "2025-06", "8"}, [4]string{"won", "cy", "2025-06", "5"})
	checks, err := f.svc.Cascade(f.ctx, "won", period(t, "2025-06"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range score.Disagreements(checks) {
		var missing, byDesign []string
		for _, m := range c.Missing {
			missing = append(missing, m.ID)
		}
		for _, m := range c.ByDesign {
			byDesign = append(byDesign, m.ID)
		}
		got = append(got, fmt.Sprintf("%s %s %s sum %s diff %s missing %v by design %v", c.Unit.ID, c.Status, null(c.Target, c.Null), c.Sum, c.Difference, missing, byDesign))
	}
	want := []string{
		"co no_target - sum 30 diff 0 missing [] by design []",
		"sales missing 30 sum 20 diff 10 missing [t2] by design []",
		"t2 no_target - sum 5 diff 0 missing [dan] by design [eve]",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("disagreements:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := len(checks), 4; got != want {
		t.Errorf("checks = %d, want %d (co, sales, t1, t2)", got, want)
	}

	t.Run("ErrNotAdditive", func(t *testing.T) {
		_, err := f.svc.Cascade(f.ctx, "days", period(t, "2025-06"))
		if got, want := kpi.ErrorCode(err), kpi.EINVALID; got != want {
			t.Errorf("code = %q, want %q", got, want)
		}
	})
}

func TestCheckTargets(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	v := decimal.NewFromInt(1)
	june := period(t, "2025-06")
	err := f.svc.CheckTargets(f.ctx, []kpi.TargetInput{
		{KPI: "won", Subject: subject("ann"), Period: june, Value: &v},
		{KPI: "nope", Subject: subject("zed"), Period: june, Value: &v},
		{KPI: "won", Subject: subject("unit:t9"), Period: june, Value: &v},
	})
	var kerr *kpi.Error
	if !errors.As(err, &kerr) {
		t.Fatalf("err = %v, want a *kpi.Error", err)
	}
	var got []string
	for _, p := range kerr.Details {
		got = append(got, p.Column+": "+p.Reason)
	}
	want := []string{
		`target 2 (nope, employee:zed, 2025-06): no KPI "nope"`,
		`target 2 (nope, employee:zed, 2025-06): no employee "zed"`,
		`target 3 (won, unit:t9, 2025-06): no org unit "t9"`,
	}
	if kpi.ErrorCode(err) != kpi.EINVALID || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("err = %v\n%s\nwant EINVALID with\n%s", err, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCheckNames: a filter naming what the workspace does not have is an
// error that names all of it, not an empty answer.
func TestCheckNames(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	if err := f.svc.CheckNames(f.ctx, []string{"won"}, []kpi.Subject{subject("ann"), subject("unit:t1")}); err != nil {
		t.Errorf("known names: %v", err)
	}
	err := f.svc.CheckNames(f.ctx, []string{"won", "wonn"}, []kpi.Subject{subject("zed"), subject("unit:t9")})
	if want := `No KPI "wonn", no employee "zed", no org unit "t9" in the workspace.`; kpi.ErrorCode(err) != kpi.ENOTFOUND || kpi.ErrorMessage(err) != want {
		t.Errorf("err = %v, want not found: %s", err, want)
	}
}

// TestWriteXLSX writes t1's cards and reads the total scores back.
func TestWriteXLSX(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	f.deals(9, deal{"ann", "Won", "100", "2025-06-10", "1.5"})
	f.target([4]string{"won", "ann", "2025-06", "10"}, [4]string{"won_value", "ann", "2025-06", "1000"})
	cards, names, err := f.svc.UnitCards(f.ctx, "t1", period(t, "2025-06"), "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := review.WriteXLSX(&buf, "t1", cards, names); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[2:] {
		got = append(got, strings.Join(r[:5], " "))
	}
	// ann: won 9/10 75 (40), won_value 900/1000 = 90 % capped 90 (30),
	// days 1.5: 125 (30): (3000 + 2700 + 3750) / 100 = 94.50. bob has no
	// target and no records: won and won_value no_target, days no data:
	// no total. t1 has no targets: only days, 125.
	want := []string{"t1 Team 1 2025-06 rep 125.00", "ann Ann 2025-06 rep 94.50", "bob Bob 2025-06 rep -"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("summary:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The detail shows each number in its KPI's unit; the cell holds the
	// number.
	rows, err = x.GetRows("Scorecards")
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, r := range rows[1:] {
		if r[0] == "ann" {
			got = append(got, strings.Join(r[3:12], " "))
		}
	}
	want = []string{
		"won 40 9 8 10 12 90.00 75.00 30.00",
		"won_value 30 900.00 800.00 1,000.00 1,200.00 90.00 90.00 27.00",
		"days 30 1.5 days 3.0 days 2.0 days 1.0 days 133.33 125.00 37.50",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ann's detail:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if v, err := x.GetCellValue("Scorecards", "H6", excelize.Options{RawCellValue: true}); err != nil || v != "1000" {
		t.Errorf("ann's won_value target cell = %q (%v), want the number 1000", v, err)
	}
}

// TestProposeSum: bottom-up, each unit gets the sum of its members'
// targets, a department adding up its teams' sums.
func TestProposeSum(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	f.target([4]string{"won", "ann", "2025-06", "12"}, [4]string{"won", "bob", "2025-06", "8"}, [4]string{"won", "cy", "2025-06", "5"},
		[4]string{"won", "unit:sales", "2025-06", "99"}) // a unit's own target is not an input of the sum
	props, err := f.svc.Propose(f.ctx, review.ProposeRequest{KPI: "won", Period: period(t, "2025-06"), Method: review.MethodSum})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range props {
		got = append(got, fmt.Sprintf("%s %s: %s", p.Subject.ID, null(p.Value, p.Null), p.Explanation))
	}
	want := []string{
		"t1 20: sum of its 2 members' targets = 20",
		"t2 5: sum of the 1 of its 3 members with a target = 5 (2 have none)",
		"sales 25: sum of its 2 members' targets = 25",
		"co 25: the target of its only member = 25",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("proposals:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	props, err = f.svc.Propose(f.ctx, review.ProposeRequest{KPI: "won", Period: period(t, "2025-06"), Method: review.MethodSum, Unit: "t1"})
	if err != nil || len(props) != 1 || props[0].Subject.ID != "t1" {
		t.Errorf("sum under t1 = %+v, %v; want t1 only", props, err)
	}
	if _, err := f.svc.Propose(f.ctx, review.ProposeRequest{KPI: "days", Period: period(t, "2025-06"), Method: review.MethodSum}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("sum of a median: %v, want invalid", err)
	}
}

// apply applies doc, an edited testYAML, from the day from.
func (f *fixture) apply(from, doc string) {
	f.t.Helper()
	defs, err := attainyaml.Load("attain.yaml", []byte(doc))
	if err != nil {
		f.t.Fatal(err)
	}
	d := date(f.t, from)
	if _, err := f.defs.ApplyDefinitions(f.ctx, defs, kpi.ApplyOptions{EffectiveFrom: &d, Reason: "new weights"}); err != nil {
		f.t.Fatal(err)
	}
}

// TestTemplateChange changes the rep template from 1 June 2026: won weighs
// 60 with its threshold at 90 %, won_value and days 20 each. ann won 9
// deals of 100 in May (closed in 1.5 days) and 12 in June (in 1 day), with
// targets of 10 won and 1000 won_value each month.
//
//	May, the old template (40/30/30, won 80 %): won 9/10: 50 + 50 × (9 −
//	  8)/(10 − 8) = 75; won_value 900/1000 capped: 90; days 1.5: 125;
//	  (40 × 75 + 30 × 90 + 30 × 125) / 100 = 94.50 (the new weights would
//	  give (60 × 75 + 20 × 90 + 20 × 125) / 100 = 88.00)
//	June, the new one (60/20/20, won 90 %): won 12 at the stretch 12: 150;
//	  won_value 1200/1000 capped: 120; days 1 at the stretch: 150;
//	  (60 × 150 + 20 × 120 + 20 × 150) / 100 = 144.00
func TestTemplateChange(t *testing.T) {
	newWeights := strings.NewReplacer(
		"{kpi: won, weight: 40, basis: plan, threshold: 80,", "{kpi: won, weight: 60, basis: plan, threshold: 90,",
		"{kpi: won_value, weight: 30,", "{kpi: won_value, weight: 20,",
		"{kpi: days, weight: 30,", "{kpi: days, weight: 20,",
	).Replace(testYAML)
	fixture := func(t *testing.T) *fixture {
		f := newFixture(t, "2026-07-10")
		f.deals(9, deal{"ann", "Won", "100", "2026-05-12", "1.5"})
		f.deals(12, deal{"ann", "Won", "100", "2026-06-16", "1"})
		f.target([4]string{"won", "ann", "2026-05", "10"}, [4]string{"won_value", "ann", "2026-05", "1000"},
			[4]string{"won", "ann", "2026-06", "10"}, [4]string{"won_value", "ann", "2026-06", "1000"})
		return f
	}
	const may = `won 9/10 90 75 30 on_track
won_value 900/1000 90 90 27 on_track
days 1.5/2 133.33 125 37.5 above_target
total 94.5`
	const june = `won 12/10 120 150 90 above_target
won_value 1200/1000 120 120 24 above_target
days 1/2 200 150 30 above_target
total 144`

	t.Run("Weights", func(t *testing.T) {
		f := fixture(t)
		f.apply("2026-06-01", newWeights)
		c := f.card("ann", "2026-05")
		if got := items(c); got != may {
			t.Errorf("ann's May 2026:\n%s\nwant\n%s", got, may)
		}
		if got, want := c.Rule, "(40 × 75.00 + 30 × 90.00 + 30 × 125.00) / 100 = 94.50"; got != want {
			t.Errorf("May rule = %q, want %q", got, want)
		}
		c = f.card("ann", "2026-06")
		if got := items(c); got != june {
			t.Errorf("ann's June 2026:\n%s\nwant\n%s", got, june)
		}
		if got, want := c.Rule, "(60 × 150.00 + 20 × 120.00 + 20 × 150.00) / 100 = 144.00"; got != want {
			t.Errorf("June rule = %q, want %q", got, want)
		}
		// A unit's card follows the same versions, by name and by the
		// position most of its people hold.
		for _, name := range []string{"rep", ""} {
			c, err := f.svc.Scorecard(f.ctx, subject("unit:t1"), period(t, "2026-05"), name)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := c.Items[0].Weight.String(), "40"; got != want {
				t.Errorf("t1's May won weight (template %q) = %s, want %s", name, got, want)
			}
			c, err = f.svc.Scorecard(f.ctx, subject("unit:t1"), period(t, "2026-06"), name)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := c.Items[0].Weight.String(), "60"; got != want {
				t.Errorf("t1's June won weight (template %q) = %s, want %s", name, got, want)
			}
		}
	})

	// bob won 8 in May and 7 in June against 10 each month. May is judged
	// by the old threshold, 80 % of 10 = 8: not below; June by the new
	// one, 90 % of 10 = 9: 7 is below, so won fell below the threshold in
	// June. With the new threshold in May too, 8 < 9 would already be below
	// and nothing would have fallen.
	t.Run("Thresholds", func(t *testing.T) {
		f := fixture(t)
		f.deals(8, deal{"bob", "Won", "100", "2026-05-12", "1.5"})
		f.deals(7, deal{"bob", "Won", "100", "2026-06-16", "1.5"})
		f.target([4]string{"won", "bob", "2026-05", "10"}, [4]string{"won", "bob", "2026-06", "10"})
		f.apply("2026-06-01", newWeights)
		c := f.card("bob", "2026-06")
		if got, want := c.Items[0].Threshold.String(), "9"; got != want {
			t.Errorf("June won threshold = %s, want %s", got, want)
		}
		fell := map[string]bool{}
		for _, p := range c.Progress {
			fell[p.KPI] = p.FellBelowThreshold
		}
		if got, want := fmt.Sprint(fell), "map[days:false won:true won_value:false]"; got != want {
			t.Errorf("fell below threshold = %s, want %s", got, want)
		}
	})

	// Without scorecards from 1 June 2026, May is still scored as it was;
	// June has no template.
	t.Run("Deleted", func(t *testing.T) {
		f := fixture(t)
		f.apply("2026-06-01", testYAML[:strings.Index(testYAML, "scorecards:")])
		if got := items(f.card("ann", "2026-05")); got != may {
			t.Errorf("ann's May 2026:\n%s\nwant\n%s", got, may)
		}
		for _, name := range []string{"rep", ""} {
			if _, err := f.svc.Scorecard(f.ctx, subject("unit:t1"), period(t, "2026-05"), name); err != nil {
				t.Errorf("t1's May 2026 (template %q): %v", name, err)
			}
		}
		for _, tt := range []struct{ subj, name, msg string }{
			{"ann", "", `No scorecard template for the position "rep" of Ann on 2026-06-01; add one under scorecards: in attain.yaml.`},
			{"unit:t1", "rep", `No scorecard template "rep" in effect on 2026-06-01.`},
			{"unit:t1", "", `No scorecard template fits unit "t1" on 2026-06-01: name one.`},
		} {
			_, err := f.svc.Scorecard(f.ctx, subject(tt.subj), period(t, "2026-06"), tt.name)
			if kpi.ErrorCode(err) != kpi.ENOTFOUND || kpi.ErrorMessage(err) != tt.msg {
				t.Errorf("%s's June 2026 (template %q): %v, want ENOTFOUND %q", tt.subj, tt.name, err, tt.msg)
			}
		}
	})

	// rep is replaced from 1 June 2026 by rep-2026, for the same position:
	// in May the version then in effect, rep's, beats rep-2026, whose start
	// is not kept.
	t.Run("Renamed", func(t *testing.T) {
		f := fixture(t)
		f.apply("2026-06-01", strings.Replace(newWeights, "- name: rep\n", "- name: rep-2026\n", 1))
		for _, tt := range []struct{ period, want, template string }{{"2026-05", may, "rep"}, {"2026-06", june, "rep-2026"}} {
			c := f.card("ann", tt.period)
			if got := items(c); got != tt.want || c.Template != tt.template {
				t.Errorf("ann's %s by %s:\n%s\nwant by %s\n%s", tt.period, c.Template, got, tt.template, tt.want)
			}
		}
	})
}

// TestPaceShape looks at ann's June 2025 on Wednesday 11 June again (7 of
// 20 working days) against the shape of her March–May, each month
// closing most deals in its last week (all won, 100 each):
//
//	March, 21 working days: 1 on the 5th (day 3), 3 on the 27th
//	April, 22: 1 on the 3rd (day 3), 4 on the 28th
//	May, 22: 1 on Saturday 3rd (counts for Friday 2nd, day 2) and 2 on
//	  the 6th (day 4), 7 on the 29th
//
// The shape has L = 22 entries; day 7 of 20 reads entry ⌈7 × 22 / 20⌉ =
// 8, which is day ⌈8 × 21 / 22⌉ = 8 of March and day 8 of April and May:
// shares 1/4, 1/5 and 3/10, mean 0.25.
//
//	won, 6 by 11 June against 20: linear expected 20 × 7 / 20 = 7.00,
//	  forecast 6 × 20 / 7 = 17.142… → 17.14, behind by 1; by shape
//	  expected 20 × 0.25 = 5.00, forecast 6 / 0.25 = 24.00, ahead by 1
//	won_value, 600 against 2000: linear 700.00 and 1714.29, behind by
//	  100; by shape 500.00 and 2400.00, ahead by 100
//	days, a median: its value so far against the target, either way
//
// The card shows one of the two: the workspace's method, linear unless
// its calendar says pace: shape; and its levels to date are cut by the
// same share, so the scorecard, the pace and attention agree.
//
// bob has no records before June: his shape pace is the linear one, and
// its rule says why. 2 won by 11 June against 20: expected 7.00,
// forecast 2 × 20 / 7 = 5.714… → 5.71.
func TestPaceShape(t *testing.T) {
	f := newFixture(t, "2025-06-11")
	won := func(n int, rep, day string) { f.deals(n, deal{rep, "Won", "100", day, "1.5"}) }
	won(1, "ann", "2025-03-05")
	won(3, "ann", "2025-03-27")
	won(1, "ann", "2025-04-03")
	won(4, "ann", "2025-04-28")
	won(1, "ann", "2025-05-03")
	won(2, "ann", "2025-05-06")
	won(7, "ann", "2025-05-29")
	won(3, "ann", "2025-06-03")
	won(3, "ann", "2025-06-10")
	won(2, "bob", "2025-06-10")
	f.target([4]string{"won", "ann", "2025-06", "20"}, [4]string{"won_value", "ann", "2025-06", "2000"},
		[4]string{"won", "bob", "2025-06", "20"})

	paces := func(c *review.Card) []string {
		var out []string
		for _, p := range c.Pace {
			out = append(out, fmt.Sprintf("%s %s %d/%d expected %s forecast %s gap %s %s", p.KPI, p.Method, p.Elapsed, p.Total,
				p.Expected, null(p.Forecast, p.ForecastNull), p.Gap, p.Status))
		}
		return out
	}

	c := f.card("ann", "2025-06")
	got, want := paces(c), []string{
		"won linear 7/20 expected 7 forecast 17.14 gap -1 behind",
		"won_value linear 7/20 expected 700 forecast 1714.29 gap -100 behind",
		"days value 7/20 expected 2 forecast 1.5 gap 0.5 ahead",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || c.PaceMethod != kpi.PaceLinear {
		t.Errorf("ann's linear pace (%s):\n%s\nwant\n%s", c.PaceMethod, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	f.apply("2025-01-01", strings.Replace(testYAML, "calendar:\n", "calendar:\n  pace: shape\n", 1))
	c = f.card("ann", "2025-06")
	got, want = paces(c), []string{
		"won shape 7/20 expected 5 forecast 24 gap 1 ahead",
		"won_value shape 7/20 expected 500 forecast 2400 gap 100 ahead",
		"days value 7/20 expected 2 forecast 1.5 gap 0.5 ahead",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || c.PaceMethod != kpi.PaceShape {
		t.Errorf("ann's pace by shape (%s):\n%s\nwant\n%s", c.PaceMethod, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := c.Pace[0].Rule, "expected = 20 × share 0.25 after 7 of 20 working days = 5.00; forecast = 6 / 0.25 = 24.00"; got != want {
		t.Errorf("won's shape rule = %q, want %q", got, want)
	}
	// The scorecard's target to date is the pace's expected figure.
	if it := c.Items[0]; it.Target.String() != "5" || it.ToDate == nil || it.ToDate.Target.String() != "20" {
		t.Errorf("won's target to date = %s (to date %+v), want 5 of 20", it.Target, it.ToDate)
	}

	t.Run("NoHistory", func(t *testing.T) {
		c := f.card("bob", "2025-06")
		if got, want := paces(c)[0], "won linear 7/20 expected 7 forecast 5.71 gap -5 behind"; got != want {
			t.Errorf("bob's won pace = %s, want %s", got, want)
		}
		want := "no shape: no records in 2025-03..2025-05 to take one from, so linear: expected = 20 × 7 / 20 working days = 7.00; forecast = 2 × 20 / 7 = 5.71"
		if got := c.Pace[0].Rule; got != want {
			t.Errorf("bob's won pace rule = %q, want %q", got, want)
		}
	})
}

// TestProgressHired: gus is hired on Monday 17 March 2025 and won 2, 3, 5
// and 6 deals in March–June; in June he also lost 1. The rep template gets
// a lost item (lower is better, fixed 3/2/1). The months before March are
// not his: they are left out, though a count over them is 0.
//
//	won: vs May 5 → 6, +1, 20.00 %; vs June 2024 no comparison (before
//	  he was hired), where the zero would have said 0 → 6; slope over
//	  x = 2..5 (March to June) of 2 3 5 6: k 4, Σx 14, Σx² 54, Σy 16,
//	  Σxy 4 + 9 + 20 + 30 = 63: (4 × 63 − 14 × 16) / (4 × 54 − 14²) =
//	  28 / 20 = 1.4000 (with January and February as 0s: 138 / 105 =
//	  1.3143 over 6 periods)
//	won_value the same in 100s: slope 140; days 1.5 every month: slope 0
//	lost: 0 in March–May, 1 in June: vs May 0 → 1, worse, no percentage;
//	  no comparison with June 2024 either (its 0 would make him worse
//	  than last year); slope (4 × 5 − 14 × 1) / 20 = 0.3000
//
// So the only reason ann's list gives for gus is won's 6 against his
// target 10, below the threshold 8 (3 points); not lost below last year.
func TestProgressHired(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	doc := strings.Replace(testYAML, "{kpi: days, weight: 30,", "{kpi: days, weight: 20,", 1) +
		"      - {kpi: lost, weight: 10, basis: fixed, threshold: 3, target: 2, stretch: 1}\n"
	defs, err := attainyaml.Load("attain.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.defs.ApplyDefinitions(f.ctx, defs, kpi.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	hired := date(t, "2025-03-17")
	if err := f.org.CreateEmployee(f.ctx, &kpi.Employee{ID: "gus", Name: "Gus", UnitID: "t1", Position: "rep", ManagerID: "ann", HiredOn: &hired}); err != nil {
		t.Fatal(err)
	}
	for m, n := range []int{2, 3, 5, 6} {
		f.deals(n, deal{"gus", "Won", "100", fmt.Sprintf("2025-%02d-20", m+3), "1.5"})
	}
	f.deals(1, deal{"gus", "Lost", "100", "2025-06-20", "9.0"})
	f.target([4]string{"won", "gus", "2025-06", "10"})

	c := f.card("gus", "2025-06")
	var got []string
	for _, p := range c.Progress {
		got = append(got, fmt.Sprintf("%s prev %s worse %t | year %s null %t worse %t %q | slope %s (%d)", p.KPI, p.VsPrevious, p.VsPrevious.Worse,
			p.VsLastYear.Base.Label(), p.VsLastYear.Null, p.VsLastYear.Worse, p.VsLastYear.Note, null(p.Slope, p.SlopeNull), p.SlopePeriods))
	}
	want := []string{
		`won prev 5 → 6 (1, 20.00 %) worse false | year 2024-06 null true worse false "before the hire date 2025-03-17" | slope 1.4 (4)`,
		`won_value prev 500 → 600 (100, 20.00 %) worse false | year 2024-06 null true worse false "before the hire date 2025-03-17" | slope 140 (4)`,
		`days prev 1.5 → 1.5 (0, 0.00 %) worse false | year 2024-06 null true worse false "before the hire date 2025-03-17" | slope 0 (4)`,
		`lost prev 0 → 1 (1) worse true | year 2024-06 null true worse false "before the hire date 2025-03-17" | slope 0.3 (4)`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("gus's progress:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	att, err := f.svc.Attention(f.ctx, "ann", period(t, "2025-06"))
	if err != nil {
		t.Fatal(err)
	}
	var concerns []string
	for _, c := range att.Concerns {
		var codes []string
		for _, r := range c.Reasons {
			codes = append(codes, r.KPI+":"+r.Code)
		}
		concerns = append(concerns, fmt.Sprintf("%s %d %s", c.Subject.ID, c.Points, strings.Join(codes, ",")))
	}
	if got, want := fmt.Sprint(concerns), "[gus 3 won:below_threshold]"; got != want {
		t.Errorf("concerns = %s, want %s", got, want)
	}
}
