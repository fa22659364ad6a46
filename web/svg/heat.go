package svg

import "math"

// HeatStep is one colour of the heat scale: the class of values in % of
// target from From (inclusive) up to the next step's From.
type HeatStep struct {
	Class string
	From  float64
	Label string
}

// Heat is the one colour scale of % of target, used by every page that
// colours attainment (heat map cells, the bands of plan health, the
// people on a payout curve): diverging from orange (under target) through
// a neutral grey (within 5 points of it) to blue (over it), which readers
// with red-green colour blindness tell apart; the value is always written
// beside or inside the colour. The classes' colours are in app.css
// (--h0 … --h8).
var Heat = []HeatStep{
	{"h0", math.Inf(-1), "under 50 %"},
	{"h1", 50, "50–70 %"},
	{"h2", 70, "70–85 %"},
	{"h3", 85, "85–95 %"},
	{"h4", 95, "95–105 %"},
	{"h5", 105, "105–115 %"},
	{"h6", 115, "115–130 %"},
	{"h7", 130, "130–150 %"},
	{"h8", 150, "150 % and over"},
}

// HeatClass is the class of a value in % of target; "hn" for none (NaN).
func HeatClass(pct float64) string {
	if math.IsNaN(pct) {
		return "hn"
	}
	class := Heat[0].Class
	for _, s := range Heat {
		if pct >= s.From {
			class = s.Class
		}
	}
	return class
}
