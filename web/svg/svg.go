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
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// builder writes one SVG element. Charts are drawn by the hundred on a
// page (a bullet graph and a sparkline per cell of /team), so it writes
// with strconv and strings.Builder rather than fmt.
type builder struct {
	b   strings.Builder
	buf []byte // scratch for numbers
}

func newSVG(w, h float64, class, label string) *builder {
	s := &builder{}
	s.b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	s.num(w)
	s.b.WriteByte(' ')
	s.num(h)
	s.b.WriteString(`" class="`)
	s.b.WriteString(class)
	s.b.WriteString(`" role="img" aria-label="`)
	label = html.EscapeString(label)
	s.b.WriteString(label)
	s.b.WriteString(`"><title>`)
	s.b.WriteString(label)
	s.b.WriteString(`</title>`)
	return s
}

// num writes a coordinate as appendNum formats it.
func (s *builder) num(f float64) {
	s.buf = appendNum(s.buf[:0], f)
	s.b.Write(s.buf)
}

// attr writes ` name="` and the number f, and the closing quote.
func (s *builder) attr(name string, f float64) {
	s.b.WriteByte(' ')
	s.b.WriteString(name)
	s.b.WriteString(`="`)
	s.num(f)
	s.b.WriteByte('"')
}

// class writes the class attribute and closes the start tag.
func (s *builder) class(class string) {
	s.b.WriteString(` class="`)
	s.b.WriteString(class)
	s.b.WriteString(`">`)
}

func (s *builder) rect(x, y, w, h float64, class, title string) {
	if w < 0 {
		x, w = x+w, -w
	}
	s.b.WriteString(`<rect`)
	s.attr("x", x)
	s.attr("y", y)
	s.attr("width", w)
	s.attr("height", h)
	s.class(class)
	s.title(title)
	s.b.WriteString(`</rect>`)
}

func (s *builder) line(x1, y1, x2, y2 float64, class, title string) {
	s.b.WriteString(`<line`)
	s.attr("x1", x1)
	s.attr("y1", y1)
	s.attr("x2", x2)
	s.attr("y2", y2)
	s.class(class)
	s.title(title)
	s.b.WriteString(`</line>`)
}

func (s *builder) circle(cx, cy, r float64, class, title string) {
	s.b.WriteString(`<circle`)
	s.attr("cx", cx)
	s.attr("cy", cy)
	s.attr("r", r)
	s.class(class)
	s.title(title)
	s.b.WriteString(`</circle>`)
}

// path draws a polyline through pts, broken where a point is missing (NaN).
func (s *builder) path(pts [][2]float64, class string) {
	var d []byte
	for i, p := range pts {
		if math.IsNaN(p[1]) {
			continue
		}
		if len(d) > 0 {
			d = append(d, ' ')
		}
		if i > 0 && len(d) > 0 && !math.IsNaN(pts[i-1][1]) {
			d = append(d, 'L')
		} else {
			d = append(d, 'M')
		}
		d = appendNum(d, p[0])
		d = append(d, ' ')
		d = appendNum(d, p[1])
	}
	if len(d) == 0 {
		return
	}
	s.b.WriteString(`<path d="`)
	s.b.Write(d)
	s.b.WriteString(`" class="`)
	s.b.WriteString(class)
	s.b.WriteString(`" fill="none"/>`)
}

func (s *builder) text(x, y float64, anchor, class, t string) {
	s.b.WriteString(`<text`)
	s.attr("x", x)
	s.attr("y", y)
	s.b.WriteString(` text-anchor="`)
	s.b.WriteString(anchor)
	s.b.WriteByte('"')
	s.class(class)
	s.b.WriteString(html.EscapeString(t))
	s.b.WriteString(`</text>`)
}

func (s *builder) title(t string) {
	if t != "" {
		s.b.WriteString(`<title>`)
		s.b.WriteString(html.EscapeString(t))
		s.b.WriteString(`</title>`)
	}
}

func (s *builder) done() template.HTML {
	s.b.WriteString(`</svg>`)
	return template.HTML(s.b.String()) // every text above is escaped
}

// appendNum appends a coordinate with at most two decimals to b.
func appendNum(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	return strconv.AppendFloat(b, math.Round(f*100)/100, 'f', -1, 64)
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
