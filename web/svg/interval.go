package svg

import "html/template"

// Interval draws an estimate with its confidence interval on a horizontal
// axis through zero, 320 × 46: the interval as a bar, the estimate as a
// dot, zero as a guide; class "better" or "worse" colours them. The texts
// are the formatted estimate, low and high.
type Interval struct {
	Label                    string
	Estimate, Low, High      float64
	EstText, LowText, HiText string
	Valid                    bool // false: no interval, the dot alone
	Class                    string
}

// SVG draws the chart.
func (g Interval) SVG() template.HTML {
	const w, h, pad = 320.0, 46.0, 12.0
	s := newSVG(w, h, "chart interval "+g.Class, g.Label)
	vs := []float64{0, g.Estimate}
	if g.Valid {
		vs = append(vs, g.Low, g.High)
	}
	lo, hi, _ := extent(vs...)
	span := hi - lo
	if span == 0 {
		span = 1
	}
	lo, hi = lo-span*0.08, hi+span*0.08
	x := scale{lo, hi, pad, w - pad}
	s.line(x.at(0), 4, x.at(0), 30, "zero", "no change")
	s.line(pad, 30, w-pad, 30, "axis", "")
	if g.Valid {
		s.rect(x.at(g.Low), 13, x.at(g.High)-x.at(g.Low), 8, "range", "95 % interval: "+g.LowText+" to "+g.HiText)
		s.text(x.at(g.Low), 43, "middle", "axis-label", g.LowText)
		s.text(x.at(g.High), 43, "middle", "axis-label", g.HiText)
	}
	s.circle(x.at(g.Estimate), 17, 5, "estimate", "estimate: "+g.EstText)
	return s.done()
}
