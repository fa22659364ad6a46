// Package svg draws the web pages' charts as SVG on the server: bullet
// graphs, sparklines, pace lines, bars and scatter plots. Each chart is a
// function of plain values (positions are floats: pixels, not money) and
// the labels to show, already formatted; every mark carries a <title> with
// its exact value, so hovering or a screen reader tells the number, and the
// page shows a table of the same numbers beside it. Colours come from the
// page's stylesheet through class names, the same scale everywhere and
// safe for colour-blind readers (blue for better, orange for worse).
package svg

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// builder writes one SVG element.
type builder struct {
	b strings.Builder
}

func newSVG(w, h float64, class, label string) *builder {
	s := &builder{}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" class="%s" role="img" aria-label="%s">`,
		num(w), num(h), class, html.EscapeString(label))
	fmt.Fprintf(&s.b, `<title>%s</title>`, html.EscapeString(label))
	return s
}

func (s *builder) rect(x, y, w, h float64, class, title string) {
	if w < 0 {
		x, w = x+w, -w
	}
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" class="%s">`, num(x), num(y), num(w), num(h), class)
	s.title(title)
	s.b.WriteString(`</rect>`)
}

func (s *builder) line(x1, y1, x2, y2 float64, class, title string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" class="%s">`, num(x1), num(y1), num(x2), num(y2), class)
	s.title(title)
	s.b.WriteString(`</line>`)
}

func (s *builder) circle(cx, cy, r float64, class, title string) {
	fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="%s" class="%s">`, num(cx), num(cy), num(r), class)
	s.title(title)
	s.b.WriteString(`</circle>`)
}

// path draws a polyline through pts, broken where a point is missing (NaN).
func (s *builder) path(pts [][2]float64, class string) {
	var d strings.Builder
	pen := false
	for _, p := range pts {
		if math.IsNaN(p[1]) {
			pen = false
			continue
		}
		if pen {
			d.WriteString(" L")
		} else {
			d.WriteString(" M")
		}
		d.WriteString(num(p[0]) + " " + num(p[1]))
		pen = true
	}
	if d.Len() == 0 {
		return
	}
	fmt.Fprintf(&s.b, `<path d="%s" class="%s" fill="none"/>`, strings.TrimSpace(d.String()), class)
}

func (s *builder) text(x, y float64, anchor, class, t string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, num(x), num(y), anchor, class, html.EscapeString(t))
}

func (s *builder) title(t string) {
	if t != "" {
		fmt.Fprintf(&s.b, `<title>%s</title>`, html.EscapeString(t))
	}
}

func (s *builder) done() template.HTML {
	s.b.WriteString(`</svg>`)
	return template.HTML(s.b.String()) // every text above is escaped
}

// num writes a coordinate with at most two decimals.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// scale maps [lo, hi] onto [a, b].
type scale struct{ lo, hi, a, b float64 }

func (s scale) at(v float64) float64 {
	if s.hi == s.lo {
		return s.a
	}
	return s.a + (v-s.lo)/(s.hi-s.lo)*(s.b-s.a)
}

// Missing is the value of a point that has no data.
var Missing = math.NaN()

// extent returns the smallest and largest of the values that are not
// missing, and false if there are none.
func extent(vs ...float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if math.IsNaN(v) {
			continue
		}
		lo, hi, ok = math.Min(lo, v), math.Max(hi, v), true
	}
	return lo, hi, ok
}
