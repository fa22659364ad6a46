package svg

import (
	"html/template"
)

// Meter is a horizontal bar of a value against a scale from 0 to Max, with
// a tick at Target (100 %) and, if set, one at Mark (what is due by now),
// 240 × 20.
type Meter struct {
	Label               string
	Value, Max          float64
	Target, Mark        float64
	Class               string // the bar's colour class
	ValueText, MarkText string // for the titles
}

// SVG draws the meter.
func (g Meter) SVG() template.HTML {
	const w, h = 240.0, 20.0
	s := newSVG(w, h, "chart meter", g.Label)
	if g.Max <= 0 {
		g.Max = 1
	}
	x := scale{0, g.Max, 0, w}
	s.rect(0, 4, w, 12, "band-none", "")
	s.rect(0, 4, x.at(min(max(g.Value, 0), g.Max)), 12, "bar "+g.Class, g.ValueText)
	if g.Target > 0 {
		s.line(x.at(g.Target), 0, x.at(g.Target), h, "meter-target", "100 % of target")
	}
	if g.Mark > 0 && g.Mark < g.Max {
		s.line(x.at(g.Mark), 2, x.at(g.Mark), h-2, "pace-expected", g.MarkText)
	}
	return s.done()
}
