package svg

import (
	"html/template"
	"math"
)

// Bullet is a bullet graph of one KPI against its levels: the threshold,
// target and stretch as bands, the actual as a bar, last year's value as a
// marker. For a KPI where lower is better the bands run the other way.
type Bullet struct {
	Label                      string // the whole reading, for screen readers
	Actual                     float64
	Threshold, Target, Stretch float64 // Missing when the item has no levels
	Marker                     float64 // last year; Missing for none
	ActualText, MarkerText     string
	LevelTexts                 [3]string // threshold, target, stretch, formatted
	LowerIsBetter              bool
}

// SVG draws the graph, 240 × 34.
func (g Bullet) SVG() template.HTML {
	const w, h, pad = 240.0, 34.0, 2.0
	s := newSVG(w, h, "chart bullet", g.Label)
	_, hi, ok := extent(g.Actual, g.Threshold, g.Target, g.Stretch, g.Marker)
	if !ok || hi <= 0 {
		hi = 1
	}
	hi *= 1.08
	x := scale{0, hi, pad, w - pad}
	levels := []float64{g.Threshold, g.Target, g.Stretch}
	classes := []string{"band-poor", "band-fair", "band-good", "band-great"}
	if g.LowerIsBetter {
		classes = []string{"band-great", "band-good", "band-fair", "band-poor"}
		levels = []float64{g.Stretch, g.Target, g.Threshold}
	}
	if math.IsNaN(g.Threshold) {
		s.rect(x.at(0), 4, x.at(hi)-x.at(0), h-8, "band-none", "")
	} else {
		from := 0.0
		titles := []string{"below the threshold " + g.LevelTexts[0], "threshold " + g.LevelTexts[0] + " to target " + g.LevelTexts[1],
			"target " + g.LevelTexts[1] + " to stretch " + g.LevelTexts[2], "beyond the stretch " + g.LevelTexts[2]}
		if g.LowerIsBetter {
			titles = []string{"better than the stretch " + g.LevelTexts[2], "stretch " + g.LevelTexts[2] + " to target " + g.LevelTexts[1],
				"target " + g.LevelTexts[1] + " to threshold " + g.LevelTexts[0], "worse than the threshold " + g.LevelTexts[0]}
		}
		for i, to := range append(levels, hi) {
			if to > from {
				s.rect(x.at(from), 4, x.at(to)-x.at(from), h-8, classes[i], titles[i])
				from = to
			}
		}
		s.line(x.at(g.Target), 2, x.at(g.Target), h-2, "target", "target "+g.LevelTexts[1])
	}
	if !math.IsNaN(g.Actual) {
		s.rect(x.at(0), h/2-4, x.at(math.Max(g.Actual, 0))-x.at(0), 8, "actual", "actual "+g.ActualText)
	}
	if !math.IsNaN(g.Marker) {
		mx := x.at(g.Marker)
		s.line(mx, h/2-9, mx, h/2+9, "marker", "last year "+g.MarkerText)
	}
	return s.done()
}

// Spark is a sparkline of a series, oldest first; Texts label each point.
type Spark struct {
	Label  string
	Values []float64 // Missing where there is no value
	Texts  []string
	// Targets, if given, are drawn as a faint step line.
	Targets []float64
}

// SVG draws the line, 120 × 28, the newest point marked.
func (g Spark) SVG() template.HTML {
	const w, h, pad = 120.0, 28.0, 3.0
	s := newSVG(w, h, "chart spark", g.Label)
	lo, hi, ok := extent(append(append([]float64{}, g.Values...), g.Targets...)...)
	if !ok {
		return s.done()
	}
	if lo > 0 {
		lo = 0
	}
	if hi == lo {
		hi = lo + 1
	}
	n := len(g.Values)
	x := scale{0, float64(max(n-1, 1)), pad, w - pad}
	y := scale{lo, hi, h - pad, pad}
	if len(g.Targets) == n {
		pts := make([][2]float64, n)
		for i, t := range g.Targets {
			pts[i] = [2]float64{x.at(float64(i)), y.at(t)}
			if math.IsNaN(t) {
				pts[i][1] = Missing
			}
		}
		s.path(pts, "spark-target")
	}
	pts := make([][2]float64, n)
	for i, v := range g.Values {
		pts[i] = [2]float64{x.at(float64(i)), Missing}
		if !math.IsNaN(v) {
			pts[i][1] = y.at(v)
		}
	}
	s.path(pts, "spark-line")
	for i, v := range g.Values {
		if math.IsNaN(v) {
			continue
		}
		class, r := "spark-point", 1.6
		if i == n-1 {
			class, r = "spark-last", 2.6
		}
		title := ""
		if i < len(g.Texts) {
			title = g.Texts[i]
		}
		s.circle(x.at(float64(i)), y.at(v), r, class, title)
	}
	return s.done()
}

// Pace is an open period's running total against the total expected by
// each working day.
type Pace struct {
	Label    string
	Expected []float64 // expected running total at the end of each working day
	Actual   []float64 // actual running total, one per working day passed
	Days     []string  // the working days, for the titles
	Texts    []string  // the actual running totals, formatted
	ExpTexts []string  // the expected ones, formatted
}

// SVG draws the two lines, 320 × 120, with today's point marked.
func (g Pace) SVG() template.HTML {
	const w, h, padX, padY = 320.0, 120.0, 8.0, 10.0
	s := newSVG(w, h, "chart pace", g.Label)
	_, hi, ok := extent(append(append([]float64{}, g.Expected...), g.Actual...)...)
	if !ok || hi <= 0 {
		hi = 1
	}
	n := len(g.Expected)
	x := scale{0, float64(max(n-1, 1)), padX, w - padX}
	y := scale{0, hi * 1.05, h - padY, padY}
	line := func(vs []float64) [][2]float64 {
		pts := make([][2]float64, len(vs))
		for i, v := range vs {
			pts[i] = [2]float64{x.at(float64(i)), y.at(v)}
		}
		return pts
	}
	s.line(padX, h-padY, w-padX, h-padY, "axis", "")
	s.path(line(g.Expected), "pace-expected")
	s.path(line(g.Actual), "pace-actual")
	for i, v := range g.Actual {
		title := ""
		if i < len(g.Days) && i < len(g.Texts) && i < len(g.ExpTexts) {
			title = g.Days[i] + ": " + g.Texts[i] + " (expected " + g.ExpTexts[i] + ")"
		}
		class, r := "pace-point", 2.0
		if i == len(g.Actual)-1 {
			class, r = "pace-today", 3.5
		}
		s.circle(x.at(float64(i)), y.at(v), r, class, title)
	}
	return s.done()
}

// Bar is one bar of a Bars chart.
type Bar struct {
	Label string  // under the bar
	Value float64 // its height
	Text  string  // the value, formatted, above the bar
	Class string  // the bar's colour class
}

// Bars draws a column chart, 360 × 160.
func Bars(label string, bars []Bar) template.HTML {
	const w, h, padX, top, bottom = 360.0, 160.0, 6.0, 18.0, 22.0
	s := newSVG(w, h, "chart bars", label)
	_, hi, ok := extent(func() []float64 {
		vs := make([]float64, len(bars))
		for i, b := range bars {
			vs[i] = b.Value
		}
		return vs
	}()...)
	if !ok || hi <= 0 {
		hi = 1
	}
	y := scale{0, hi, h - bottom, top}
	slot := (w - 2*padX) / float64(max(len(bars), 1))
	for i, b := range bars {
		x0 := padX + float64(i)*slot
		s.rect(x0+slot*0.15, y.at(b.Value), slot*0.7, y.at(0)-y.at(b.Value), "bar "+b.Class, b.Label+": "+b.Text)
		s.text(x0+slot/2, y.at(b.Value)-4, "middle", "bar-value", b.Text)
		s.text(x0+slot/2, h-6, "middle", "bar-label", b.Label)
	}
	s.line(padX, h-bottom, w-padX, h-bottom, "axis", "")
	return s.done()
}

// Point is one mark of a scatter plot.
type Point struct {
	X, Y  float64
	Title string
	Class string
}

// Scatter plots points over a curve (a payout curve: attainment → payout),
// 360 × 220, with the axes' labels.
type Scatter struct {
	Label          string
	XLabel, YLabel string
	Curve          [][2]float64
	Points         []Point
	// XMark, if set, draws a vertical guide (100 % of target).
	XMark float64
	// XTicks and YTicks, if given, are labelled marks on the axes.
	XTicks, YTicks []Tick
}

// Tick is a labelled mark on an axis.
type Tick struct {
	At   float64
	Text string
}

// SVG draws the plot.
func (g Scatter) SVG() template.HTML {
	const w, h, left, right, top, bottom = 360.0, 220.0, 34.0, 8.0, 8.0, 28.0
	s := newSVG(w, h, "chart scatter", g.Label)
	xs, ys := []float64{0, g.XMark}, []float64{0}
	for _, p := range g.Curve {
		xs, ys = append(xs, p[0]), append(ys, p[1])
	}
	for _, p := range g.Points {
		xs, ys = append(xs, p.X), append(ys, p.Y)
	}
	x0, x1, _ := extent(xs...)
	y0, y1, _ := extent(ys...)
	if x1 == x0 {
		x1 = x0 + 1
	}
	if y1 == y0 {
		y1 = y0 + 1
	}
	x := scale{x0, x1 * 1.05, left, w - right}
	y := scale{y0, y1 * 1.05, h - bottom, top}
	s.line(left, h-bottom, w-right, h-bottom, "axis", "")
	s.line(left, h-bottom, left, top, "axis", "")
	if g.XMark != 0 {
		s.line(x.at(g.XMark), h-bottom, x.at(g.XMark), top, "guide", "")
	}
	pts := make([][2]float64, len(g.Curve))
	for i, p := range g.Curve {
		pts[i] = [2]float64{x.at(p[0]), y.at(p[1])}
	}
	s.path(pts, "curve")
	for _, p := range g.Points {
		class := "dot"
		if p.Class != "" {
			class += " " + p.Class
		}
		s.circle(x.at(p.X), y.at(p.Y), 4, class, p.Title)
	}
	for _, t := range g.XTicks {
		s.line(x.at(t.At), h-bottom, x.at(t.At), h-bottom+3, "axis", "")
		s.text(x.at(t.At), h-bottom+12, "middle", "axis-label", t.Text)
	}
	for _, t := range g.YTicks {
		s.line(left-3, y.at(t.At), left, y.at(t.At), "axis", "")
		s.text(left-5, y.at(t.At)+3.5, "end", "axis-label", t.Text)
	}
	s.text((left+w-right)/2, h-3, "middle", "axis-label", g.XLabel)
	s.text(left+6, top+8, "start", "axis-label", g.YLabel)
	return s.done()
}
