package score_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

func series(t testing.TB, kv ...string) score.Series {
	t.Helper()
	s := score.Series{KPI: "won_deals", Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "e1"}}
	for i := 0; i < len(kv); i += 2 {
		s.Values = append(s.Values, val(t, kv[i], kv[i+1]))
	}
	return s
}

func TestProposeRecent(t *testing.T) {
	for _, tt := range []struct {
		name    string
		history []string
		target  string
		n       int
		method  score.Method
		growth  string
		places  int32
		want    string // "" for no proposal
		explain string
	}{
		{name: "median", history: []string{"2017-03", "10", "2017-04", "12", "2017-05", "14", "2017-01", "99"},
			target: "2017-06", n: 3, method: score.Median, growth: "1.10", places: 2,
			want: "13.20", explain: "median of 2017-03..2017-05 (10, 12, 14) = 12, × 1.1 = 13.20"},
		{name: "average, inexact", history: []string{"2017-03", "10", "2017-04", "12", "2017-05", "15"},
			target: "2017-06", n: 3, method: score.Average, growth: "1.1", places: 2,
			want: "13.57", explain: "average of 2017-03..2017-05 (10, 12, 15) = ≈12.3333, × 1.1 = 13.57"},
		{name: "median of an even count", history: []string{"2017-04", "10", "2017-05", "13"},
			target: "2017-06", n: 2, method: score.Median, growth: "1", places: 0,
			want: "12"}, // 11.5 half to even
		{name: "missing and null periods are left out", history: []string{"2017-03", "10", "2017-04", ""},
			target: "2017-06", n: 3, method: score.Average, growth: "1", places: 2,
			want: "10.00", explain: "average of 2017-03..2017-05 (10) = 10, × 1 = 10.00; no value in 2017-04, 2017-05, left out"},
		{name: "ISO weeks across week 53", history: []string{"2015-W52", "4", "2015-W53", "6"},
			target: "2016-W01", n: 2, method: score.Average, growth: "1", places: 2, want: "5.00"},
		{name: "no history", history: nil, target: "2017-06", n: 3, method: score.Median, growth: "1.1", places: 2,
			explain: "No proposal: no values in 2017-03..2017-05."},
		{name: "only older history", history: []string{"2016-01", "50"}, target: "2017-06", n: 3, method: score.Median, growth: "1.1", places: 2,
			explain: "No proposal: no values in 2017-03..2017-05."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := score.ProposeRecent(series(t, tt.history...), period(t, tt.target), tt.n, tt.method, dec(tt.growth), tt.places)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if !got.Null {
					t.Errorf("proposal = %s, want none", got.Value)
				}
			} else if got.Null || !decEqual(got.Value, tt.want) {
				t.Errorf("proposal = %s (null %t), want %s", got.Value, got.Null, tt.want)
			}
			if tt.explain != "" && got.Explanation != tt.explain {
				t.Errorf("explanation = %q, want %q", got.Explanation, tt.explain)
			}
		})
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		s := series(t, "2017-05", "1")
		for _, err := range []error{
			func() error {
				_, err := score.ProposeRecent(s, period(t, "2017-06"), 0, score.Median, dec("1"), 2)
				return err
			}(),
			func() error {
				_, err := score.ProposeRecent(s, period(t, "2017-06"), 3, "mode", dec("1"), 2)
				return err
			}(),
			func() error {
				_, err := score.ProposeRecent(s, period(t, "2017-06"), 3, score.Median, dec("-1"), 2)
				return err
			}(),
		} {
			if kpi.ErrorCode(err) != kpi.EINVALID {
				t.Errorf("error = %v, want invalid", err)
			}
		}
	})
}

func TestProposeLastYear(t *testing.T) {
	for _, tt := range []struct {
		name    string
		history []string
		target  string
		want    string
		explain string
	}{
		{"month", []string{"2016-06", "120", "2017-05", "1"}, "2017-06", "126.00", "2016-06 = 120, × 1.05 = 126.00"},
		{"quarter", []string{"2016-Q2", "100"}, "2017-Q2", "105.00", "2016-Q2 = 100, × 1.05 = 105.00"},
		{"29 February", []string{"2015-02-28", "20"}, "2016-02-29", "21.00",
			"2015-02-28 (2015 has no 29 February; used 2015-02-28) = 20, × 1.05 = 21.00"},
		{"ISO week 53 of a year after one without", []string{"2019-W52", "40"}, "2020-W53", "42.00",
			"2019-W52 (2019 has no week 53; used 2019-W52) = 40, × 1.05 = 42.00"},
		{"week 52 compares with week 52, not 53", []string{"2015-W53", "40"}, "2016-W52", "", "No proposal: no value in 2015-W52."},
		{"no value last year", []string{"2017-05", "10"}, "2017-06", "", "No proposal: no value in 2016-06."},
		{"null last year", []string{"2016-06", ""}, "2017-06", "", "No proposal: no value in 2016-06."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := score.ProposeLastYear(series(t, tt.history...), period(t, tt.target), dec("1.05"), 2)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" && !got.Null || tt.want != "" && (got.Null || !decEqual(got.Value, tt.want)) {
				t.Errorf("proposal = %s (null %t), want %q", got.Value, got.Null, tt.want)
			}
			if got.Explanation != tt.explain {
				t.Errorf("explanation = %q, want %q", got.Explanation, tt.explain)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	for _, tt := range []struct {
		total   string
		weights []string
		places  int32
		want    string
	}{
		{"100", []string{"1", "1", "1"}, 0, "[34 33 33]"},
		{"100", []string{"1", "1", "1"}, 2, "[33.34 33.33 33.33]"},
		{"10", []string{"40", "30", "30"}, 0, "[4 3 3]"},
		{"1", []string{"1", "2"}, 0, "[0 1]"},
		{"2", []string{"1", "1", "1"}, 0, "[1 1 0]"},          // equal remainders: earlier first
		{"1", []string{"1", "0", "1"}, 0, "[1 0 0]"},          // a zero share gets nothing
		{"10.5", []string{"1", "1"}, 0, "[5.3 5.2]"},          // places raised to the total's
		{"-100", []string{"1", "1", "1"}, 0, "[-34 -33 -33]"}, // negative totals split like positive ones
	} {
		ws := make([]decimal.Decimal, len(tt.weights))
		for i, w := range tt.weights {
			ws[i] = dec(w)
		}
		parts, err := score.Split(dec(tt.total), ws, tt.places)
		if err != nil {
			t.Fatalf("Split(%s, %v): %v", tt.total, tt.weights, err)
		}
		if got := fmt.Sprint(parts); got != tt.want {
			t.Errorf("Split(%s, %v, %d) = %s, want %s", tt.total, tt.weights, tt.places, got, tt.want)
		}
	}
	for _, ws := range [][]decimal.Decimal{nil, {dec("0"), dec("0")}, {dec("1"), dec("-1")}} {
		if _, err := score.Split(dec("1"), ws, 0); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("Split by %v: error = %v, want invalid", ws, err)
		}
	}
}

// TestSplitSumsExactly checks that the parts add up to the whole over many
// totals, shares and places, and that each part is within one unit of its
// exact share.
func TestSplitSumsExactly(t *testing.T) {
	totals := []string{"0", "1", "7", "100", "1000.01", "0.05", "-10", "999999.99", "13.2"}
	shareSets := [][]string{
		{"1"}, {"1", "1", "1"}, {"1", "2", "3", "4", "5", "6", "7"}, {"0.1", "0.2", "0.7"},
		{"33", "33", "33"}, {"1", "0", "0", "1"}, {"12.5", "7", "3.333"},
	}
	checked := 0
	for _, total := range totals {
		for _, shares := range shareSets {
			for p := int32(0); p <= 3; p++ {
				ws := make([]decimal.Decimal, len(shares))
				sum := decimal.Zero
				for i, s := range shares {
					ws[i] = dec(s)
					sum = sum.Add(ws[i])
				}
				parts, err := score.Split(dec(total), ws, p)
				if err != nil {
					t.Fatal(err)
				}
				got := decimal.Sum(decimal.Zero, parts...)
				if !got.Equal(dec(total)) {
					t.Errorf("Split(%s, %v, %d) = %v, sums to %s", total, shares, p, parts, got)
				}
				unit := decimal.New(1, -max(p, -dec(total).Exponent()))
				for i, part := range parts {
					exact := dec(total).Mul(ws[i]).DivRound(sum, 20)
					if part.Sub(exact).Abs().GreaterThanOrEqual(unit) {
						t.Errorf("Split(%s, %v, %d) part %d = %s, more than one unit from %s", total, shares, p, i, part, exact)
					}
				}
				checked++
			}
		}
	}
	if checked != len(totals)*len(shareSets)*4 {
		t.Errorf("checked %d splits", checked)
	}
}

func TestProposeSplit(t *testing.T) {
	june := period(t, "2017-06")
	a := series(t, "2017-03", "10", "2017-04", "20", "2017-05", "10") // 40
	b := series(t, "2017-04", "30", "2017-05", "")                    // 30
	c := series(t, "2017-03", "30", "2016-12", "500")                 // 30, the older value is outside the window
	b.Subject.ID, c.Subject.ID = "e2", "e3"
	got, err := score.ProposeSplit(dec("1000"), june, []score.Series{a, b, c}, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(got[0].Value, got[1].Value, got[2].Value); s != "400 300 300" {
		t.Errorf("split = %s, want 400 300 300", s)
	}
	if want := "1000 × 40 / 100 (share of 2017-03..2017-05 = 40.00 %) = 400 (parts rounded to 0 places by largest remainder so they add up to 1000)"; got[0].Explanation != want {
		t.Errorf("explanation = %q, want %q", got[0].Explanation, want)
	}
	if got[1].Subject.ID != "e2" || got[1].KPI != "won_deals" || got[1].Method != "share" {
		t.Errorf("proposal = %+v", got[1])
	}

	t.Run("no history", func(t *testing.T) {
		got, err := score.ProposeSplit(dec("1000"), june, []score.Series{series(t), series(t, "2017-05", "")}, 3, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got {
			if !p.Null || p.Explanation != "No proposal: no history in 2017-03..2017-05 to split 1000 by; split it evenly instead." {
				t.Errorf("proposal = %+v, want none", p)
			}
		}
	})
	t.Run("evenly", func(t *testing.T) {
		subs := []kpi.Subject{{Kind: kpi.SubjectUnit, ID: "t1"}, {Kind: kpi.SubjectUnit, ID: "t2"}, {Kind: kpi.SubjectUnit, ID: "t3"}}
		got, err := score.ProposeEven("revenue", dec("1000"), june, subs, 2)
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprint(got[0].Value, got[1].Value, got[2].Value); s != "333.34 333.33 333.33" {
			t.Errorf("even split = %s", s)
		}
		if !decimal.Sum(got[0].Value, got[1].Value, got[2].Value).Equal(dec("1000")) {
			t.Error("even split does not add up")
		}
	})
}
