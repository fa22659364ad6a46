package score_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

func TestAttention(t *testing.T) {
	a := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "a"}
	b := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "b"}
	c := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "c"}
	d := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "d"}

	declining, err := score.ProgressOf(series(t, "2016-05", "20", "2017-02", "21", "2017-03", "18", "2017-04", "15", "2017-05", "12"),
		score.ProgressOptions{Thresholds: map[kpi.Period]decimal.Decimal{period(t, "2017-04"): dec("14"), period(t, "2017-05"): dec("14")}})
	if err != nil {
		t.Fatal(err)
	}
	steady, err := score.ProgressOf(series(t, "2017-04", "15", "2017-05", "16"), score.ProgressOptions{})
	if err != nil {
		t.Fatal(err)
	}
	behind, err := score.PaceOf(score.PaceInput{Period: period(t, "2017-06"), AsOf: date(t, "2017-06-14"), Actual: dec("90"), Target: dec("220"), Additive: true})
	if err != nil {
		t.Fatal(err)
	}
	ahead := behind
	ahead.Status = score.Ahead
	below := &score.Item{KPI: "won_deals", Status: score.StatusBelowThreshold, Actual: dec("7"), Threshold: dec("8"), Target: dec("10")}
	onTrack := &score.Item{KPI: "won_deals", Status: score.StatusOnTrack}

	got := score.Attention([]score.Signal{
		{Subject: a, KPI: "won_deals", Item: below, Pace: &behind, Progress: &steady},    // 3 (behind pace says it again: not counted)
		{Subject: b, KPI: "won_deals", Item: below, Progress: &declining},                // 4 (not 3 again) + 2 + 1
		{Subject: c, KPI: "won_deals", Item: onTrack, Pace: &ahead, Progress: &steady},   // nothing
		{Subject: d, KPI: "revenue", Pace: &behind},                                      // 2
		{Subject: d, KPI: "won_deals", Item: &score.Item{Status: score.StatusOnTrack}},   // nothing
		{Subject: a, KPI: "revenue", Item: &score.Item{Status: score.StatusAboveTarget}}, // nothing
	})
	var lines []string
	for _, c := range got {
		var codes []string
		for _, r := range c.Reasons {
			codes = append(codes, r.KPI+"/"+r.Code)
		}
		lines = append(lines, fmt.Sprintf("%s %d %v", c.Subject.ID, c.Points, codes))
	}
	want := []string{
		"b 7 [won_deals/fell_below_threshold won_deals/declining won_deals/below_last_year]",
		"a 3 [won_deals/below_threshold]",
		"d 2 [revenue/behind_pace]",
	}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("Attention =\n%v\nwant\n%v", lines, want)
	}
	if got, want := got[2].Reasons[0].Text, "revenue: behind pace by 10: 90 against 100 expected by 2017-06-14"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	if got, want := got[0].Reasons[0].Text, "won_deals: fell below the threshold in 2017-05, after 2017-04 was not (15 → 12 (-3, -20.0 %))"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

// TestAttentionWords checks the reasons' words: in the KPI's unit, "above"
// and "rose" where lower is better, the value so far against the target
// for a KPI that does not add up, and no reason inside an open period for
// a shortfall that one more record would make up.
func TestAttentionWords(t *testing.T) {
	a := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "a"}
	days := &kpi.KPI{Name: "days", Unit: kpi.UnitDuration, TimeUnit: "days", Direction: kpi.LowerIsBetter}
	rate := &kpi.KPI{Name: "win_rate", Unit: kpi.UnitPercent, Direction: kpi.HigherIsBetter}
	value := &kpi.KPI{Name: "won_value", Unit: kpi.UnitMoney, Currency: "EUR", Direction: kpi.HigherIsBetter}
	lost := &kpi.KPI{Name: "lost", Unit: kpi.UnitCount, Direction: kpi.LowerIsBetter}
	june := period(t, "2017-06")
	asOf := date(t, "2017-06-14")

	rising, err := score.ProgressOf(series(t, "2017-02", "20", "2017-03", "25", "2017-04", "30", "2017-05", "38"),
		score.ProgressOptions{Direction: kpi.LowerIsBetter, KPI: days,
			Thresholds: map[kpi.Period]decimal.Decimal{period(t, "2017-04"): dec("35"), period(t, "2017-05"): dec("35")}})
	if err != nil {
		t.Fatal(err)
	}
	slowItem := &score.Item{KPI: "days", Direction: kpi.LowerIsBetter, Status: score.StatusBelowThreshold, Actual: dec("38"), Threshold: dec("35"), Target: dec("25")}
	ratePace, err := score.PaceOf(score.PaceInput{Period: june, AsOf: asOf, Actual: dec("0.3333333333"), Target: dec("0.45")})
	if err != nil {
		t.Fatal(err)
	}
	daysPace, err := score.PaceOf(score.PaceInput{Period: june, AsOf: asOf, Actual: dec("30"), Target: dec("25"), Direction: kpi.LowerIsBetter})
	if err != nil {
		t.Fatal(err)
	}
	lostPace, err := score.PaceOf(score.PaceInput{Period: june, AsOf: asOf, Actual: dec("6"), Target: dec("10"), Additive: true, Direction: kpi.LowerIsBetter})
	if err != nil {
		t.Fatal(err)
	}
	// won_value so far: 8,000 expected, threshold 6,400 expected; 5,000
	// is short of the threshold by 1,400, less than one deal of 10,000.
	record := dec("10000")
	share := score.Share{Method: score.MethodLinear, AsOf: asOf, Elapsed: 10, Total: 22}
	shortItem := &score.Item{KPI: "won_value", Status: score.StatusBelowThreshold, Actual: dec("5000"), Threshold: dec("6400"), Target: dec("8000"),
		ToDate:    &score.ToDate{Share: share, Threshold: dec("14080"), Target: dec("17600")},
		Allowance: &score.Allowance{Open: true, Record: &record}}
	shortPace, err := score.PaceOf(score.PaceInput{Period: june, AsOf: asOf, Actual: dec("5000"), Target: dec("17600"), Additive: true})
	if err != nil {
		t.Fatal(err)
	}
	// Later in June: 16,000 expected and nothing won is more than a deal short.
	farItem := *shortItem
	farItem.Actual, farItem.Threshold, farItem.Target = dec("0"), dec("16000"), dec("20000")

	b := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "b"}
	c := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "c"}
	got := score.Attention([]score.Signal{
		{Subject: a, KPI: "days", Def: days, Item: slowItem, Progress: &rising, Pace: &daysPace}, // the pace says it again
		{Subject: c, KPI: "days", Def: days, Pace: &daysPace},
		{Subject: a, KPI: "win_rate", Def: rate, Pace: &ratePace},
		{Subject: a, KPI: "lost", Def: lost, Pace: &lostPace},
		{Subject: a, KPI: "won_value", Def: value, Item: shortItem, Pace: &shortPace}, // within one deal: nothing
		{Subject: b, KPI: "won_value", Def: value, Item: &farItem},
	})
	var texts []string
	for _, cc := range got {
		for _, r := range cc.Reasons {
			texts = append(texts, cc.Subject.ID+" "+r.Code+" "+r.Text)
		}
	}
	want := []string{
		"a fell_below_threshold days: rose above the threshold in 2017-05, after 2017-04 was not (30.0 days → 38.0 days (+8.0 days, 26.7 %)) (lower is better)",
		"a declining days: rose 3 periods in a row to 2017-05 (lower is better)",
		"a behind_pace win_rate: 33.3 % so far, below the target of 45.0 %",
		"a behind_pace lost: behind pace by 1.4: 6 against at most 4.6 expected by 2017-06-14 (lower is better)",
		"b below_threshold won_value: 0.00 EUR by 2017-06-14 is below the threshold of 16,000.00 EUR expected by then (target 20,000.00 EUR by then, 17,600.00 EUR for the period)",
		"c behind_pace days: 30.0 days so far, above the target of 25.0 days (lower is better)",
	}
	if fmt.Sprint(texts) != fmt.Sprint(want) {
		t.Errorf("reasons:\n%s\nwant\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
}
