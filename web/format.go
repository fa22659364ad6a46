package web

import (
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"attain/kpi"
)

// Formatter writes numbers, money, percentages and dates the way a
// workspace's locale reads them. The separators come from
// golang.org/x/text; the digits come from the exact decimal, never from a
// float, so a figure on a page is the figure the API gives, rounded half
// to even.
type Formatter struct {
	lang           language.Tag
	group, decimal string
	symbolFirst    bool
	loc            *time.Location

	// symbols keeps each currency's symbol once looked up: a page writes
	// hundreds of amounts in one or two currencies, and a lookup builds
	// a message printer.
	mu      sync.Mutex
	symbols map[string]string
}

// NewFormatter returns the formatter of a locale (a BCP 47 tag) and time
// zone; an unknown locale is English.
func NewFormatter(locale string, loc *time.Location) *Formatter {
	tag, err := language.Parse(locale)
	if err != nil {
		tag = language.English
	}
	if loc == nil {
		loc = time.UTC
	}
	// 1234567.5 as the locale writes it: "1,234,567.5", "1.234.567,5".
	s := []rune(message.NewPrinter(tag).Sprint(number.Decimal(1234567.5, number.MinFractionDigits(1))))
	f := &Formatter{lang: tag, group: string(s[1]), decimal: string(s[len(s)-2]), loc: loc}
	base, _ := tag.Base()
	f.symbolFirst = base.String() == "en"
	return f
}

// Number writes v rounded half to even to places decimals, grouped.
func (f *Formatter) Number(v decimal.Decimal, places int32) string {
	s := v.StringFixedBank(places)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(whole+frac, "0") != "" {
		b.WriteString("−")
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(f.group)
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString(f.decimal + frac)
	}
	return b.String()
}

// Money writes an amount to the cent with the currency's symbol.
func (f *Formatter) Money(v decimal.Decimal, code string) string {
	n := f.Number(v, kpi.MoneyPlaces)
	sym := f.symbol(code)
	switch {
	case sym == "":
		return n
	case f.symbolFirst && strings.HasPrefix(n, "−"):
		return "−" + sym + strings.TrimPrefix(n, "−")
	case f.symbolFirst:
		return sym + n
	}
	return n + "\u00a0" + sym
}

// symbol is the currency's symbol in the locale ("€", "US$"), or the
// code, looked up once per formatter.
func (f *Formatter) symbol(code string) string {
	if code == "" {
		return ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sym, ok := f.symbols[code]
	if !ok {
		sym = lookUpSymbol(f.lang, code)
		if f.symbols == nil {
			f.symbols = map[string]string{}
		}
		f.symbols[code] = sym
	}
	return sym
}

// lookUpSymbol is the symbol of the currency code in the language, or the
// code when it is no currency.
func lookUpSymbol(lang language.Tag, code string) string {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return code
	}
	s := message.NewPrinter(lang).Sprint(currency.Symbol(unit.Amount(0)))
	sym, _, _ := strings.Cut(s, " ")
	return sym
}

// Percent writes a ratio as a percentage with one decimal: 0.4567 → 45.7 %.
func (f *Formatter) Percent(ratio decimal.Decimal) string {
	return f.Number(ratio.Shift(2), kpi.PercentPlaces) + "\u00a0%"
}

// Points writes a percentage already in points (an achievement of 104.5).
func (f *Formatter) Points(p decimal.Decimal) string {
	return f.Number(p, kpi.PercentPlaces) + "\u00a0%"
}

// Value writes a value of KPI k in its unit (see kpi.Display for the
// rules); "–" for null.
func (f *Formatter) Value(k *kpi.KPI, v decimal.Decimal, null bool) string {
	if null {
		return "–"
	}
	if k == nil {
		return f.Number(v, kpi.NumberPlaces)
	}
	switch k.Unit {
	case kpi.UnitMoney:
		return f.Money(v, k.Currency)
	case kpi.UnitPercent:
		return f.Percent(v)
	case kpi.UnitDuration:
		s := f.Number(v, kpi.DurationPlaces)
		if k.TimeUnit != "" {
			s += "\u00a0" + k.TimeUnit
		}
		return s
	case kpi.UnitCount:
		if v.Equal(v.Truncate(0)) {
			return f.Number(v, 0)
		}
		return f.Number(v, kpi.CountPlaces)
	}
	return f.Number(v, kpi.NumberPlaces)
}

// Date writes a day as the locale does: 4 Dec 2026, Dec 4, 2026, 04.12.2026.
func (f *Formatter) Date(d kpi.Date) string {
	t := d.Time()
	switch f.lang.String() {
	case "en-US":
		return t.Format("Jan 2, 2006")
	case "de", "de-DE", "de-AT", "de-CH":
		return t.Format("02.01.2006")
	case "fr", "fr-FR":
		return t.Format("02/01/2006")
	}
	return t.Format("2 Jan 2006")
}

// Time writes an instant in the workspace's zone, to the minute.
func (f *Formatter) Time(t time.Time) string {
	t = t.In(f.loc)
	return f.Date(kpi.DateOf(t, f.loc)) + " " + t.Format("15:04")
}
