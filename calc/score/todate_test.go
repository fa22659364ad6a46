package score_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

func TestShareOf(t *testing.T) {
	june := period(t, "2017-06") // 22 working days
	for _, tt := range []struct {
		asOf  string
		shape []decimal.Decimal
		want  string // method elapsed/total shape, and 220 × the share
	}{
		{"2017-06-14", nil, "linear 10/22 - 100.00"},
		{"2017-06-01", nil, "linear 1/22 - 10.00"},
		{"2017-05-31", nil, "linear 0/22 - 0.00"},
		{"2017-06-30", nil, "linear 22/22 - 220.00"},
		{"2017-06-18", nil, "linear 12/22 - 120.00"}, // a Sunday counts the Friday
		{"2017-06-14", []decimal.Decimal{dec("0.1"), dec("0.3"), dec("0.6"), dec("1")}, "shape 10/22 0.3 66.00"},
		{"2017-05-31", []decimal.Decimal{dec("0.1"), dec("1")}, "shape 0/22 0 0.00"},
	} {
		sh, err := score.ShareOf(june, date(t, tt.asOf), score.Calendar{}, tt.shape)
		if err != nil {
			t.Fatal(err)
		}
		shape := "-"
		if sh.Shape != nil {
			shape = sh.Shape.String()
		}
		if got := fmt.Sprintf("%s %d/%d %s %s", sh.Method, sh.Elapsed, sh.Total, shape, asWritten(sh.Of(dec("220")))); got != tt.want {
			t.Errorf("ShareOf(%s) = %s, want %s", tt.asOf, got, tt.want)
		}
	}
	if _, err := score.ShareOf(june, date(t, "2017-06-14"), score.Calendar{}, []decimal.Decimal{dec("0.5")}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("shape not ending at 1: error = %v, want invalid", err)
	}
}

func TestSamePoint(t *testing.T) {
	may := period(t, "2017-05") // Monday 1 May; 23 working days
	for _, tt := range []struct {
		elapsed int
		want    string
	}{
		{0, "-"},
		{1, "2017-05-01..2017-05-01"},
		{5, "2017-05-01..2017-05-05"},
		{6, "2017-05-01..2017-05-08"}, // over the weekend
		{23, "2017-05-01..2017-05-31"},
		{30, "2017-05-01..2017-05-31"}, // fewer working days than elapsed: all of it
	} {
		got := "-"
		if p, ok := score.SamePoint(may, tt.elapsed, score.Calendar{}); ok {
			got = p.Label()
		}
		if got != tt.want {
			t.Errorf("SamePoint(2017-05, %d) = %s, want %s", tt.elapsed, got, tt.want)
		}
	}
}

// TestScoreToDate scores June 2017 on Wednesday 14 June, 10 of 22 working
// days in: the additive KPIs against their levels cut to 10/22, the
// average processing time against its levels as they are.
func TestScoreToDate(t *testing.T) {
	asOf := date(t, "2017-06-14")
	share, err := score.ShareOf(period(t, "2017-06"), asOf, score.Calendar{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := input(t, template(), emp, "22000", "won_deals", "3", "revenue", "9000", "proc_time", "2.5")
	in.Shares = map[string]score.Share{"won_deals": share, "revenue": share}
	in.Records = map[string]decimal.Decimal{"won_deals": dec("1"), "revenue": dec("2500")}
	in.Open = true
	sc, err := score.Score(in)
	if err != nil {
		t.Fatal(err)
	}
	got := items(sc)
	// won_deals: 8/10/12 × 10/22 = 3.64/4.55/5.45; 3 is below 3.64.
	// revenue: 17600/22000/26400 × 10/22 = 8000/10000/12000; 9000 is 90 %.
	// proc_time: as it is.
	want := "won_deals 3 3.64/4.55/5.45 below_threshold 0.00; revenue 9000 8000.00/10000.00/12000.00 on_track 90.00; proc_time 2.5 3/2/1 on_track 75.00"
	if got != want {
		t.Errorf("items =\n%s\nwant\n%s", got, want)
	}
	if r := sc.Items[0].ToDate.Rule; r != "levels expected by 2017-06-14 = 8 / 10 / 12 × 10 / 22 working days = 3.64 / 4.55 / 5.45" {
		t.Errorf("rule = %q", r)
	}
	if d := sc.Items[1].Display; d.Threshold != "8,000.00" || d.Actual != "9,000.00" {
		t.Errorf("display = %+v", d)
	}
	if sc.Items[2].ToDate != nil {
		t.Error("proc_time is not additive, but its levels were cut")
	}

	// On 1 June, 1 of 22 days: less than one deal and less than one
	// revenue record of 2500 expected (22000 / 22 = 1000): too early.
	day1, _ := score.ShareOf(period(t, "2017-06"), date(t, "2017-06-01"), score.Calendar{}, nil)
	in = input(t, template(), emp, "22000", "won_deals", "0", "revenue", "0", "proc_time", "2.5")
	in.Shares = map[string]score.Share{"won_deals": day1, "revenue": day1}
	in.Records = map[string]decimal.Decimal{"won_deals": dec("1"), "revenue": dec("2500")}
	in.Open = true
	sc, err = score.Score(in)
	if err != nil {
		t.Fatal(err)
	}
	want = "won_deals 0 0.36/0.45/0.55 too_early -; revenue 0 800.00/1000.00/1200.00 too_early -; proc_time 2.5 3/2/1 on_track 75.00"
	if got := items(sc); got != want {
		t.Errorf("items on the 1st =\n%s\nwant\n%s", got, want)
	}
	if !decEqual(sc.Total, "75.00") || sc.ScoredWeight.String() != "30" {
		t.Errorf("total = %s over %s, want 75.00 over 30", sc.Total, sc.ScoredWeight)
	}
	// With nothing but the too-early items, no total.
	in = input(t, template(), emp, "22000", "won_deals", "0", "revenue", "0")
	in.Shares = map[string]score.Share{"won_deals": day1, "revenue": day1}
	in.Records = map[string]decimal.Decimal{"won_deals": dec("1"), "revenue": dec("2500")}
	in.Open = true
	if sc, err = score.Score(in); err != nil {
		t.Fatal(err)
	}
	if !sc.TotalNull || sc.Rule != "too early to score: less than one record expected so far of every item with a value" {
		t.Errorf("total = %s (null %t), rule %q", sc.Total, sc.TotalNull, sc.Rule)
	}
}

func items(sc *score.Scorecard) string {
	var s string
	for i, it := range sc.Items {
		if i > 0 {
			s += "; "
		}
		sc := "-"
		if !it.ScoreNull {
			sc = it.Score.StringFixed(2)
		}
		s += fmt.Sprintf("%s %s %s/%s/%s %s %s", it.KPI, it.Actual, asWritten(it.Threshold), asWritten(it.Target), asWritten(it.Stretch), it.Status, sc)
	}
	return s
}

// TestProgressSoFar compares an open June, 10 working days in, like with
// like: with May and June last year at the same point, the thresholds
// expected by then, and a slope over the months before June.
func TestProgressSoFar(t *testing.T) {
	s := series(t, "2016-06", "9", "2017-02", "20", "2017-03", "18", "2017-04", "15", "2017-05", "12", "2017-06", "4")
	at := func(label, v string) *kpi.KPIValue {
		p := period(t, label)
		return &kpi.KPIValue{Period: p, Value: dec(v)}
	}
	thr, prevThr := dec("5"), dec("4")
	open := &score.OpenProgress{AsOf: date(t, "2017-06-14"),
		Previous: at("2017-05-01..2017-05-12", "6"), LastYear: at("2016-06-01..2016-06-14", "3"),
		Threshold: &thr, PreviousThreshold: &prevThr}
	pr, err := score.ProgressOf(s, score.ProgressOptions{KPI: &kpi.KPI{Unit: kpi.UnitCount}, Open: open})
	if err != nil {
		t.Fatal(err)
	}
	if !pr.SoFar || pr.VsPrevious.Text != "6 → 4 (-2, -33.3 %)" || pr.VsPrevious.Base.Label() != "2017-05-01..2017-05-12" {
		t.Errorf("vs previous = %s %+v", pr.VsPrevious.Base.Label(), pr.VsPrevious)
	}
	if pr.VsLastYear.Text != "3 → 4 (+1, 33.3 %)" || pr.VsLastYear.Worse {
		t.Errorf("vs last year = %+v", pr.VsLastYear)
	}
	// The first step compares 4 with May's 6 at the same point, then
	// 12 < 15 < 18 < 20: four declines; the full May (12) would have said
	// so too, but only because a third of June is in.
	if pr.DeclineStreak != 4 {
		t.Errorf("decline streak = %d, want 4", pr.DeclineStreak)
	}
	// 4 is below the 5 expected by now, May's 6 was above its 4: fell.
	if !pr.FellBelowThreshold {
		t.Error("not fell below threshold")
	}
	// The slope is over 2016-12..2017-05 (x = 2..5: 20, 18, 15, 12), not
	// pulled down by June so far: (4·159 − 14·65) / (4·54 − 196) = −274/20.
	if !decEqual(pr.Slope, "-2.7000") || pr.SlopePeriods != 4 {
		t.Errorf("slope = %s over %d", pr.Slope, pr.SlopePeriods)
	}

	// At the same point May was at 3: not a decline, and June so far
	// is not worse than May so far.
	open.Previous = at("2017-05-01..2017-05-12", "3")
	if pr, err = score.ProgressOf(s, score.ProgressOptions{Open: open}); err != nil {
		t.Fatal(err)
	}
	if pr.DeclineStreak != 0 || pr.FellBelowThreshold || pr.VsPrevious.Worse {
		t.Errorf("streak %d, fell %t, worse %t; want none", pr.DeclineStreak, pr.FellBelowThreshold, pr.VsPrevious.Worse)
	}
}

// asWritten writes d with the places it carries.
func asWritten(d decimal.Decimal) string { return d.StringFixedBank(max(0, -d.Exponent())) }

// TestAllowance checks what one more record can make up inside an open
// period, and that outside one nothing is allowed.
func TestAllowance(t *testing.T) {
	one, deal := dec("1"), dec("10000")
	for _, tt := range []struct {
		name     string
		a        score.Allowance
		v, level string
		short    bool
	}{
		{"closed: any shortfall", score.Allowance{}, "0.9", "1", true},
		{"closed: at the level", score.Allowance{}, "1", "1", false},
		{"closed, lower is better", score.Allowance{Lower: true}, "3.1", "3", true},
		{"count: one deal makes up 0.73", score.Allowance{Open: true, Record: &one}, "0", "0.73", false},
		{"count: one deal does not make up 1.37", score.Allowance{Open: true, Record: &one}, "0", "1.37", true},
		{"sum: within one average deal", score.Allowance{Open: true, Record: &deal}, "0", "9999", false},
		// 30 requests a month of 22 working days: 1.36 a day; on the first
		// day, 0 against a threshold of 1.09 is within what is left of it.
		{"count: within the rest of the day", score.Allowance{Open: true, Record: &one, Day: ptr(dec("1.36"))}, "0", "1.09", false},
		{"count: beyond a day and a record", score.Allowance{Open: true, Record: &one, Day: ptr(dec("1.36"))}, "0", "1.37", true},
		{"sum: beyond one average deal", score.Allowance{Open: true, Record: &deal}, "5000", "15000.01", true},
		// 1 won of 3: one more won is 2 of 4 = 50 % ≥ 45 %.
		{"rate of 3: made up", score.Allowance{Open: true, Rate: true, Records: 3}, "0.3333333333", "0.45", false},
		// 0 of 3: one more won is 1 of 4 = 25 % < 30 %.
		{"rate of 3: not made up", score.Allowance{Open: true, Rate: true, Records: 3}, "0", "0.3", true},
		// A median of 1 deal at 51 days; with a deal of 0 days, 25.5 ≤ 35.
		{"lower is better, one record: made up", score.Allowance{Open: true, Lower: true, Records: 1}, "51", "35", false},
		// Of 4 requests at 11.25 hours; 9 ≥ 8 even with a fifth at 0.
		{"lower is better, four records: not made up", score.Allowance{Open: true, Lower: true, Records: 4}, "11.25", "8", true},
		{"higher is better, not a rate: as it is", score.Allowance{Open: true, Records: 1}, "900", "1000", true},
	} {
		if got := tt.a.Short(dec(tt.v), dec(tt.level)); got != tt.short {
			t.Errorf("%s: Short(%s, %s) = %t, want %t", tt.name, tt.v, tt.level, got, tt.short)
		}
	}
}
