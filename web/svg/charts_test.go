package svg

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"
)

// wellFormed parses s as XML: a chart must be a valid SVG document.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("not well-formed: %v\n%s", err, s)
		}
	}
}

func TestBullet(t *testing.T) {
	g := Bullet{Label: "won: 9 of 10", Actual: 9, Threshold: 8, Target: 10, Stretch: 12, Marker: 7,
		ActualText: "9", MarkerText: "7", LevelTexts: [3]string{"8", "10", "12"}}
	out := string(g.SVG())
	wellFormed(t, out)
	for _, want := range []string{`class="band-poor"`, `class="band-great"`, "<title>actual 9</title>", "<title>last year 7</title>", "<title>target 10</title>"} {
		if !strings.Contains(out, want) {
			t.Errorf("bullet lacks %s:\n%s", want, out)
		}
	}
	g.LowerIsBetter = true
	g.Threshold, g.Target, g.Stretch = 3, 2, 1
	out = string(g.SVG())
	if !strings.Contains(out, "<title>worse than the threshold 8</title>") {
		t.Errorf("a lower-is-better bullet does not read from worse to better:\n%s", out)
	}
	g.Threshold, g.Target, g.Stretch, g.Marker = Missing, Missing, Missing, Missing
	wellFormed(t, string(g.SVG()))
}

func TestEscapes(t *testing.T) {
	out := string(Spark{Label: `<script>"x"</script>`, Values: []float64{1, Missing, 3}, Texts: []string{"a<b", "", "c&d"}}.SVG())
	wellFormed(t, out)
	if strings.Contains(out, "<script>") || !strings.Contains(out, "a&lt;b") {
		t.Errorf("labels are not escaped:\n%s", out)
	}
	if strings.Count(out, "<circle") != 2 {
		t.Errorf("a missing point is drawn:\n%s", out)
	}
}

func TestOtherCharts(t *testing.T) {
	wellFormed(t, string(Pace{Label: "pace", Expected: []float64{1, 2, 3, 4}, Actual: []float64{0, 3},
		Days: []string{"d1", "d2"}, Texts: []string{"0", "3"}, ExpTexts: []string{"1", "2"}}.SVG()))
	wellFormed(t, string(Bars("dist", []Bar{{"<50", 2, "2", "b0"}, {"50-79", 0, "0", "b1"}})))
	wellFormed(t, string(Scatter{Label: "curve", XLabel: "% of target", YLabel: "payout", Curve: [][2]float64{{0, 0}, {100, 100}},
		Points: []Point{{80, 60, "ann", ""}}, XMark: 100}.SVG()))
	wellFormed(t, string(Bars("empty", nil)))
}

// TestAppendNum: coordinates with at most two decimals, no exponent, and 0
// for what is not a number.
func TestAppendNum(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {100, "100"}, {3.14159, "3.14"}, {-2.5, "-2.5"}, {2.675, "2.68"}, {0.004, "0"},
		{1e9, "1000000000"}, {math.NaN(), "0"}, {math.Inf(1), "0"}, {math.Inf(-1), "0"},
	} {
		if got := string(appendNum([]byte("x="), tt.in)); got != "x="+tt.want {
			t.Errorf("appendNum(%v) = %q, want %q", tt.in, got, "x="+tt.want)
		}
	}
}

// TestPathBreaks: a line is broken where a point is missing, each run
// starting with a move.
func TestPathBreaks(t *testing.T) {
	s := &builder{}
	s.path([][2]float64{{0, 1}, {1, 2}, {2, Missing}, {3, 4.567}, {4, 5}, {5, Missing}}, "c")
	if got, want := s.b.String(), `<path d="M0 1 L1 2 M3 4.57 L4 5" class="c" fill="none"/>`; got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
	s = &builder{}
	if s.path([][2]float64{{0, Missing}}, "c"); s.b.Len() != 0 {
		t.Errorf("a path of no points: %s", s.b.String())
	}
}
