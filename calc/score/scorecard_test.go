package score_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

func defs() *kpi.Definitions {
	return &kpi.Definitions{KPIs: []*kpi.KPI{
		{Name: "won_deals", Unit: kpi.UnitCount, Direction: kpi.HigherIsBetter, Aggregation: kpi.Count},
		{Name: "revenue", Unit: kpi.UnitMoney, Direction: kpi.HigherIsBetter, Aggregation: kpi.Sum},
		{Name: "proc_time", Unit: kpi.UnitDuration, Direction: kpi.LowerIsBetter, Aggregation: kpi.Avg},
	}}
}

// template: won deals 40 % (fixed 8/10/12, linear), revenue 30 % (the
// person's target, 80 %/120 %, capped), processing time 30 % (fixed 3/2/1
// days, lower is better, linear).
func template() *kpi.ScorecardTemplate {
	return &kpi.ScorecardTemplate{Name: "sales-manager", Position: "sales manager", Items: []kpi.ScorecardItem{
		{KPI: "won_deals", Weight: dec("40"), Basis: kpi.LevelsFixed, Threshold: dec("8"), Target: dec("10"), Stretch: dec("12")},
		{KPI: "revenue", Weight: dec("30"), Basis: kpi.LevelsPlan, Threshold: dec("80"), Stretch: dec("120"), Curve: kpi.Curve{Kind: kpi.CurveCapped}},
		{KPI: "proc_time", Weight: dec("30"), Basis: kpi.LevelsFixed, Threshold: dec("3"), Target: dec("2"), Stretch: dec("1")},
	}}
}

var (
	emp  = kpi.Subject{Kind: kpi.SubjectEmployee, ID: "e1"}
	team = kpi.Subject{Kind: kpi.SubjectUnit, ID: "team-a"}
)

// input builds a scorecard input for June 2017; actuals are KPI=value pairs
// ("" for null), revenueTarget "" for none.
func input(t *testing.T, tpl *kpi.ScorecardTemplate, sub kpi.Subject, revenueTarget string, actuals ...string) score.Input {
	june := period(t, "2017-06")
	in := score.Input{Template: tpl, KPIs: defs(), Subject: sub, Period: june}
	for i := 0; i < len(actuals); i += 2 {
		v := val(t, "2017-06", actuals[i+1])
		v.KPI, v.Subject = actuals[i], sub
		in.Actuals = append(in.Actuals, v)
	}
	if revenueTarget != "" {
		in.Targets = []*kpi.Target{{KPI: "revenue", Subject: sub, Period: june, Value: dec(revenueTarget)}}
	}
	return in
}

func TestScoreItems(t *testing.T) {
	for _, tt := range []struct {
		name          string
		kpi, actual   string
		revenueTarget string
		// want: achievement (or "-" if null), score (or "-"), status
		achievement, score string
		status             score.Status
		note               string
	}{
		{name: "linear between threshold and target", kpi: "won_deals", actual: "9", achievement: "90.00", score: "75.00", status: score.StatusOnTrack},
		{name: "linear at threshold", kpi: "won_deals", actual: "8", achievement: "80.00", score: "50.00", status: score.StatusOnTrack},
		{name: "linear at target", kpi: "won_deals", actual: "10", achievement: "100.00", score: "100.00", status: score.StatusAboveTarget},
		{name: "linear between target and stretch", kpi: "won_deals", actual: "11", achievement: "110.00", score: "125.00", status: score.StatusAboveTarget},
		{name: "linear rounds half to even", kpi: "won_deals", actual: "8.0001", achievement: "80.00", score: "50.00", status: score.StatusOnTrack},
		{name: "linear capped at stretch", kpi: "won_deals", actual: "20", achievement: "200.00", score: "150.00", status: score.StatusAboveTarget},
		{name: "linear below threshold", kpi: "won_deals", actual: "7.99", achievement: "79.90", score: "0.00", status: score.StatusBelowThreshold},
		{name: "lower is better: worse than threshold", kpi: "proc_time", actual: "3.5", achievement: "57.14", score: "0.00", status: score.StatusBelowThreshold},
		{name: "lower is better: between threshold and target", kpi: "proc_time", actual: "2.5", achievement: "80.00", score: "75.00", status: score.StatusOnTrack},
		{name: "lower is better: better than target", kpi: "proc_time", actual: "1.5", achievement: "133.33", score: "125.00", status: score.StatusAboveTarget},
		{name: "lower is better: zero actual is best", kpi: "proc_time", actual: "0", achievement: "-", score: "150.00", status: score.StatusAboveTarget,
			note: "actual is 0 where lower is better"},
		{name: "capped: score is achievement", kpi: "revenue", actual: "1100", revenueTarget: "1000", achievement: "110.00", score: "110.00", status: score.StatusAboveTarget},
		{name: "capped at 150", kpi: "revenue", actual: "2000", revenueTarget: "1000", achievement: "200.00", score: "150", status: score.StatusAboveTarget},
		{name: "capped: 0 below threshold", kpi: "revenue", actual: "799.99", revenueTarget: "1000", achievement: "80.00", score: "0", status: score.StatusBelowThreshold},
		{name: "capped at threshold", kpi: "revenue", actual: "800", revenueTarget: "1000", achievement: "80.00", score: "80.00", status: score.StatusOnTrack},
		{name: "zero target, higher is better, met", kpi: "revenue", actual: "50", revenueTarget: "0", achievement: "-", score: "100", status: score.StatusAboveTarget,
			note: "target is 0: achievement undefined"},
		{name: "zero target, higher is better, not met", kpi: "revenue", actual: "-5", revenueTarget: "0", achievement: "-", score: "0", status: score.StatusBelowThreshold},
		{name: "no target", kpi: "revenue", actual: "50", achievement: "-", score: "-", status: score.StatusNoTarget, note: "no target set"},
		{name: "null actual", kpi: "proc_time", actual: "", achievement: "-", score: "-", status: score.StatusNoData, note: "no actual"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := score.Score(input(t, template(), emp, tt.revenueTarget, tt.kpi, tt.actual))
			if err != nil {
				t.Fatal(err)
			}
			var it score.Item
			for _, i := range sc.Items {
				if i.KPI == tt.kpi {
					it = i
				}
			}
			got := fmt.Sprintf("%s %s %s", nullable(it.Achievement, it.AchievementNull), nullable(it.Score, it.ScoreNull), it.Status)
			want := fmt.Sprintf("%s %s %s", dash(tt.achievement), dash(tt.score), tt.status)
			if got != want {
				t.Errorf("achievement score status = %s, want %s (notes %q)", got, want, it.Notes)
			}
			if tt.note != "" && !strings.Contains(strings.Join(it.Notes, "; "), tt.note) {
				t.Errorf("notes = %q, want one with %q", it.Notes, tt.note)
			}
		})
	}
}

func nullable(d decimal.Decimal, null bool) string {
	if null {
		return "-"
	}
	return d.String()
}

func dash(s string) string {
	if s == "-" {
		return s
	}
	return dec(s).String()
}

func TestScoreTotal(t *testing.T) {
	zero := template()
	zero.Missing = kpi.MissingZero
	for _, tt := range []struct {
		name          string
		tpl           *kpi.ScorecardTemplate
		revenueTarget string
		actuals       []string
		total         string // "-" for null
		scored        string
		rule          string
	}{
		{name: "all scored", tpl: template(), revenueTarget: "1000", actuals: []string{"won_deals", "9", "revenue", "1100", "proc_time", "1.5"},
			total: "100.50", scored: "100", rule: "(40 × 75.00 + 30 × 110.00 + 30 × 125.00) / 100 = 100.50"},
		{name: "null actual left out, weights scaled up", tpl: template(), revenueTarget: "1000", actuals: []string{"won_deals", "9", "revenue", "1100", "proc_time", ""},
			total: "90.00", scored: "70", rule: "(40 × 75.00 + 30 × 110.00) / 70 = 90.00"},
		{name: "missing actual left out", tpl: template(), revenueTarget: "1000", actuals: []string{"won_deals", "9", "revenue", "1100"},
			total: "90.00", scored: "70"},
		{name: "null actual scored 0 with missing: zero", tpl: zero, revenueTarget: "1000", actuals: []string{"won_deals", "9", "revenue", "1100", "proc_time", ""},
			total: "63.00", scored: "100"},
		{name: "no target is left out even with missing: zero", tpl: zero, actuals: []string{"won_deals", "9", "revenue", "1100", "proc_time", "1.5"},
			total: "96.43", scored: "70"}, // (3000 + 3750) / 70 = 96.428…
		{name: "nothing to score", tpl: template(), actuals: nil, total: "-", scored: "0", rule: "no item could be scored"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := score.Score(input(t, tt.tpl, emp, tt.revenueTarget, tt.actuals...))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := nullable(sc.Total, sc.TotalNull)+" of "+sc.ScoredWeight.String(), dash(tt.total)+" of "+tt.scored; got != want {
				t.Errorf("total = %s, want %s (%s)", got, want, sc.Rule)
			}
			if tt.rule != "" && sc.Rule != tt.rule {
				t.Errorf("rule = %q, want %q", sc.Rule, tt.rule)
			}
		})
	}
}

// A unit is scored on its own actuals and targets, not on its people's.
func TestScoreUnit(t *testing.T) {
	in := input(t, template(), team, "5000", "won_deals", "30", "revenue", "6000", "proc_time", "2")
	// Values of a member and of another period are ignored.
	in.Actuals = append(in.Actuals, kpi.KPIValue{KPI: "won_deals", Subject: emp, Period: in.Period, Value: dec("1")},
		kpi.KPIValue{KPI: "won_deals", Subject: team, Period: period(t, "2017-05"), Value: dec("1")})
	sc, err := score.Score(in)
	if err != nil {
		t.Fatal(err)
	}
	// won 30 ≥ stretch 12: 150; revenue 6000 / 5000 = 120 %: 120; time 2 = target: 100.
	// (40 × 150 + 30 × 120 + 30 × 100) / 100 = 126.
	if got, want := sc.Total.String(), dec("126").String(); got != want {
		t.Errorf("unit total = %s, want %s (%s)", got, want, sc.Rule)
	}
	in.Actuals = append(in.Actuals, kpi.KPIValue{KPI: "won_deals", Subject: team, Period: in.Period, Value: dec("2")})
	if _, err := score.Score(in); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("two values of a KPI: error = %v, want invalid", err)
	}
}

func TestScoreSteps(t *testing.T) {
	tpl := &kpi.ScorecardTemplate{Name: "ops", Position: "order processing", Items: []kpi.ScorecardItem{
		{KPI: "proc_time", Weight: dec("100"), Basis: kpi.LevelsPlan, Threshold: dec("125"), Stretch: dec("80"),
			Curve: kpi.Curve{Kind: kpi.CurveSteps, Steps: []kpi.Step{
				{Achievement: dec("80"), Score: dec("50")}, {Achievement: dec("100"), Score: dec("100")}, {Achievement: dec("120"), Score: dec("150")},
			}}},
	}}
	for _, tt := range []struct{ actual, target, score string }{
		{"2.5", "2", "50"},   // 80 %
		{"2.6", "2", "0"},    // 76.92 %
		{"2.001", "2", "50"}, // 99.95 %
		{"2", "2", "100"},
		{"1.6", "2", "150"}, // 125 %
		{"0", "2", "150"},   // zero actual, lower is better: best
		{"0", "0", "100"},   // zero target met exactly
		{"1", "0", "0"},     // zero target missed
	} {
		in := score.Input{Template: tpl, KPIs: defs(), Subject: emp, Period: period(t, "2017-06"),
			Actuals: []kpi.KPIValue{{KPI: "proc_time", Subject: emp, Period: period(t, "2017-06"), Value: dec(tt.actual)}},
			Targets: []*kpi.Target{{KPI: "proc_time", Subject: emp, Period: period(t, "2017-06"), Value: dec(tt.target)}}}
		sc, err := score.Score(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := sc.Items[0].Score; !got.Equal(dec(tt.score)) {
			t.Errorf("actual %s target %s: score %s, want %s (%q)", tt.actual, tt.target, got, tt.score, sc.Items[0].Notes)
		}
	}
}

func TestValidateTemplate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(*kpi.ScorecardTemplate)
		want   string // a reason among the problems; "" for valid
	}{
		{"valid", func(*kpi.ScorecardTemplate) {}, ""},
		{"weights sum to 99", func(t *kpi.ScorecardTemplate) { t.Items[0].Weight = dec("39") }, "weights add up to 99, want exactly 100"},
		{"weights sum to 100.01", func(t *kpi.ScorecardTemplate) { t.Items[0].Weight = dec("40.01") }, "weights add up to 100.01, want exactly 100"},
		{"zero weight", func(t *kpi.ScorecardTemplate) { t.Items[0].Weight = dec("0"); t.Items[1].Weight = dec("70") }, "weight must be more than 0"},
		{"unknown KPI", func(t *kpi.ScorecardTemplate) { t.Items[0].KPI = "calls" }, "unknown KPI"},
		{"KPI twice", func(t *kpi.ScorecardTemplate) { t.Items[1].KPI = "won_deals" }, "KPI is listed twice"},
		{"higher is better, levels descending", func(t *kpi.ScorecardTemplate) { t.Items[0].Threshold, t.Items[0].Stretch = dec("12"), dec("8") },
			"levels must be ordered threshold < target < stretch"},
		{"lower is better, levels ascending", func(t *kpi.ScorecardTemplate) { t.Items[2].Threshold, t.Items[2].Stretch = dec("1"), dec("3") },
			"levels must be ordered threshold > target > stretch (lower is better)"},
		{"plan basis with a fixed target", func(t *kpi.ScorecardTemplate) { t.Items[1].Target = dec("1000") }, "leave it out"},
		{"plan basis, stretch below 100 %", func(t *kpi.ScorecardTemplate) { t.Items[1].Stretch = dec("90") }, "levels must be ordered"},
		{"unknown basis", func(t *kpi.ScorecardTemplate) { t.Items[0].Basis = "" }, "want fixed or plan"},
		{"unknown curve", func(t *kpi.ScorecardTemplate) { t.Items[0].Curve.Kind = "s-curve" }, "want linear, steps or capped"},
		{"steps not ascending", func(t *kpi.ScorecardTemplate) {
			t.Items[0].Curve = kpi.Curve{Kind: kpi.CurveSteps, Steps: []kpi.Step{{Achievement: dec("100"), Score: dec("100")}, {Achievement: dec("80"), Score: dec("50")}}}
		}, "steps must ascend"},
		{"steps curve without steps", func(t *kpi.ScorecardTemplate) { t.Items[0].Curve.Kind = kpi.CurveSteps }, "needs at least one step"},
		{"no items", func(t *kpi.ScorecardTemplate) { t.Items = nil }, "at least one KPI"},
		{"no position", func(t *kpi.ScorecardTemplate) { t.Position = "" }, "belongs to a position"},
		{"bad missing rule", func(t *kpi.ScorecardTemplate) { t.Missing = "skip" }, "want exclude or zero"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tpl := template()
			tt.change(tpl)
			err := tpl.Validate(defs())
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if kpi.ErrorCode(err) != kpi.EINVALID {
				t.Fatalf("Validate error = %v, want invalid", err)
			}
			var reasons []string
			for _, p := range kpi.ErrorDetails(err) {
				reasons = append(reasons, p.String())
			}
			if got := strings.Join(reasons, "\n"); !strings.Contains(got, tt.want) {
				t.Errorf("problems:\n%s\nwant one with %q", got, tt.want)
			}
		})
	}
	// Score refuses an invalid template.
	tpl := template()
	tpl.Items[0].Weight = dec("39")
	if _, err := score.Score(input(t, tpl, emp, "")); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("Score with invalid template: error = %v, want invalid", err)
	}
}
