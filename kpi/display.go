package kpi

import (
	"strings"

	"github.com/shopspring/decimal"
)

// The display formats of the units, one per unit: how a value of a KPI is
// written for a person to read (a table, a sentence, a spreadsheet cell, a
// PDF). The exact value stays in JSON and CSV; these round half to even.
//
//	money     to the cent, thousands separated, with the currency: 12,345.60 EUR
//	percent   the ratio as a percentage with one decimal: 0.4567 is 45.7 %
//	duration  one decimal and the time unit: 2.5 days, 5.0 hours
//	count     a whole number, thousands separated: 1,204; a count that is not
//	          whole (a prorated target, 2.27 deals) with one decimal: 2.3
//	number    at most two decimals: 3.14
const (
	MoneyPlaces    = 2
	PercentPlaces  = 1
	DurationPlaces = 1
	CountPlaces    = 1 // for a count that is not whole
	NumberPlaces   = 2
)

// Display writes v, a value of k, in k's unit (see the formats above); a
// nil k writes v at most NumberPlaces decimals.
func Display(k *KPI, v decimal.Decimal) string {
	if k == nil {
		return DisplayNumber(v)
	}
	switch k.Unit {
	case UnitMoney:
		return DisplayMoney(v, k.Currency)
	case UnitPercent:
		return DisplayPercent(v)
	case UnitDuration:
		s := Grouped(v, DurationPlaces)
		if k.TimeUnit != "" {
			s += " " + k.TimeUnit
		}
		return s
	case UnitCount:
		return DisplayCount(v)
	}
	return DisplayNumber(v)
}

// DisplayValue writes a KPI value like Display, and "-" when it is null.
func DisplayValue(k *KPI, v KPIValue) string {
	if v.Null {
		return "-"
	}
	return Display(k, v.Value)
}

// DisplayDelta writes a difference of two values of k like Display, with
// its sign ("+3", "-1,200.00 EUR"), and a difference of two percentages in
// percentage points: 0.45 → 0.3333 is "-11.7 points".
func DisplayDelta(k *KPI, d decimal.Decimal) string {
	var s string
	if k != nil && k.Unit == UnitPercent {
		s = Grouped(d.Shift(2), PercentPlaces) + " points"
	} else {
		s = Display(k, d)
	}
	if !strings.HasPrefix(s, "-") && strings.Trim(strings.Fields(s)[0], "0.,") != "" {
		s = "+" + s
	}
	return s
}

// DisplayMoney writes an amount to the cent, thousands separated, with the
// currency after it if there is one: 12,345.60 EUR.
func DisplayMoney(v decimal.Decimal, currency string) string {
	s := Grouped(v, MoneyPlaces)
	if currency != "" {
		s += " " + currency
	}
	return s
}

// DisplayPercent writes a ratio as a percentage with one decimal: 0.4567 is
// "45.7 %".
func DisplayPercent(ratio decimal.Decimal) string {
	return Grouped(ratio.Shift(2), PercentPlaces) + " %"
}

// DisplayCount writes a whole count as an integer ("1,204") and one that is
// not whole with one decimal ("2.3").
func DisplayCount(v decimal.Decimal) string {
	if v.Equal(v.Truncate(0)) {
		return Grouped(v, 0)
	}
	return Grouped(v, CountPlaces)
}

// DisplayNumber writes v with at most NumberPlaces decimals, no trailing
// zeros: 3.14159 is "3.14", 2.50 is "2.5".
func DisplayNumber(v decimal.Decimal) string {
	r := v.RoundBank(NumberPlaces)
	p := max(0, -r.Exponent())
	s := Grouped(r, p)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// Grouped writes v rounded half to even to places decimals, with a comma
// between thousands: 1234567.891 at 2 places is "1,234,567.89". A value
// that rounds to zero has no minus sign.
func Grouped(v decimal.Decimal, places int32) string {
	s := v.StringFixedBank(places)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(whole+frac, "0") != "" {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
