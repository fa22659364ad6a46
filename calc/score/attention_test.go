package score_test

import (
	"fmt"
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
		{Subject: a, KPI: "won_deals", Item: below, Pace: &behind, Progress: &steady},    // 3 + 2
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
		"a 5 [won_deals/below_threshold won_deals/behind_pace]",
		"d 2 [revenue/behind_pace]",
	}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("Attention =\n%v\nwant\n%v", lines, want)
	}
	if got, want := got[1].Reasons[1].Text, "won_deals: behind pace by 10.00: 90 against 100.00 expected by 2017-06-14"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	if got, want := got[0].Reasons[0].Text, "won_deals: fell below threshold in 2017-05 (15 → 12 (-3, -20.00 %))"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}
