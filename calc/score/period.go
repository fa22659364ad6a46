package score

import (
	"fmt"
	"time"

	"attain/kpi"
)

// Previous returns the period of the same grain just before p; for a custom
// range, the range of the same length that ends the day before p starts.
func Previous(p kpi.Period) kpi.Period {
	if p.Grain == kpi.Range {
		return kpi.Period{Grain: kpi.Range, From: p.From - kpi.Date(p.Days()), To: p.From - 1}
	}
	return kpi.PeriodOf(p.Grain, p.From-1)
}

// LastYear returns the period a year before p, and a note when it is not
// the obvious one:
//
//   - a day, or a range's ends: the same date a year earlier; 29 February
//     becomes 28 February;
//   - an ISO week: the week with the same number in the previous ISO year;
//     week 53 becomes week 52 when that year has no week 53;
//   - a month, quarter or year: the same one a year earlier.
func LastYear(p kpi.Period) (kpi.Period, string) {
	switch p.Grain {
	case kpi.Week:
		y, w := p.From.Time().ISOWeek()
		// ISO week 1 is the week with 4 January in it.
		prev := kpi.PeriodOf(kpi.Week, kpi.NewDate(y-1, time.January, 4)+kpi.Date(7*(w-1)))
		if gy, _ := prev.From.Time().ISOWeek(); gy != y-1 {
			prev = kpi.PeriodOf(kpi.Week, kpi.NewDate(y-1, time.December, 28)) // always in the last ISO week
			return prev, fmt.Sprintf("%d has no week %d; used %s", y-1, w, prev.Label())
		}
		return prev, ""
	case kpi.Month, kpi.Quarter, kpi.Year:
		y, m, _ := p.From.Time().Date()
		return kpi.PeriodOf(p.Grain, kpi.NewDate(y-1, m, 1)), ""
	}
	from, n1 := yearEarlier(p.From)
	to, n2 := yearEarlier(p.To)
	note := n1
	if note == "" {
		note = n2
	}
	return kpi.Period{Grain: p.Grain, From: from, To: to}, note
}

func yearEarlier(d kpi.Date) (kpi.Date, string) {
	y, m, dd := d.Time().Date()
	if m == time.February && dd == 29 {
		e := kpi.NewDate(y-1, time.February, 28)
		return e, fmt.Sprintf("%d has no 29 February; used %s", y-1, e)
	}
	return kpi.NewDate(y-1, m, dd), ""
}

// Series is one KPI's values for one subject over periods of one grain, in
// any order; functions find periods in it by their dates.
type Series struct {
	KPI     string         `json:"kpi"`
	Subject kpi.Subject    `json:"subject"`
	Values  []kpi.KPIValue `json:"values"`
}

// find returns the value of period p and whether there is a non-null one.
func (s Series) find(p kpi.Period) (kpi.KPIValue, bool) {
	for _, v := range s.Values {
		if v.Period.From == p.From && v.Period.To == p.To {
			return v, !v.Null
		}
	}
	return kpi.KPIValue{Period: p, Null: true}, false
}

// window returns the n periods before target, oldest first.
func window(target kpi.Period, n int) []kpi.Period {
	ps := make([]kpi.Period, n)
	p := target
	for i := n - 1; i >= 0; i-- {
		p = Previous(p)
		ps[i] = p
	}
	return ps
}

func spanLabel(ps []kpi.Period) string {
	if len(ps) == 1 {
		return ps[0].Label()
	}
	return ps[0].Label() + ".." + ps[len(ps)-1].Label()
}
