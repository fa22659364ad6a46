package ingest

import (
	"fmt"
	"math"
	"strings"
	"time"

	"attain/kpi"
)

// pow10 holds 10^0 .. 10^18, every power that fits an int64.
var pow10 = [19]int64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
}

// columnScale returns the decimal places a column keeps: Scale, or 2 for
// money without one. Integers keep none.
func columnScale(c *kpi.Column) int {
	switch c.Type {
	case kpi.Money:
		if c.Scale == 0 {
			return 2
		}
		return c.Scale
	case kpi.Decimal:
		return c.Scale
	}
	return 0
}

// parseNumber reads s as an exact decimal and returns it times 10^scale. It
// accepts an optional sign, digits and a decimal point ('.' or, with
// decComma, ','). Fractional digits beyond scale must be zeros. On failure it
// returns a reason a person can act on; integer selects the wording for
// integer columns.
func parseNumber(s string, scale int, decComma, integer bool) (int64, string) {
	if scale < 0 || scale >= len(pow10) {
		return 0, fmt.Sprintf("column scale %d is out of range", scale)
	}
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var n uint64 // magnitude, at most 1<<63 (for math.MinInt64)
	const limit = uint64(1) << 63
	digits := 0
	overflow := false
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if n > (limit-d)/10 {
			overflow = true
		} else {
			n = n*10 + d
		}
		digits++
	}
	frac := 0   // fractional digits kept (at most scale)
	extra := "" // fractional digits beyond scale
	if i < len(s) && (s[i] == '.' || (decComma && s[i] == ',')) {
		i++
		start := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if frac == scale {
				continue
			}
			d := uint64(s[i] - '0')
			if n > (limit-d)/10 {
				overflow = true
			} else {
				n = n*10 + d
			}
			frac++
		}
		if i == start {
			return 0, numberReason(s, decComma, integer)
		}
		digits += i - start
		extra = s[start+frac : i]
	}
	if i != len(s) || digits == 0 {
		return 0, numberReason(s, decComma, integer)
	}
	if strings.Trim(extra, "0") != "" {
		if integer {
			return 0, "is not a whole number"
		}
		return 0, fmt.Sprintf("has %d decimal places, column keeps %d", frac+len(extra), scale)
	}
	for ; frac < scale; frac++ {
		if n > limit/10 {
			overflow = true
			break
		}
		n *= 10
	}
	if overflow || n > limit || (n == limit && !neg) {
		return 0, "is out of range (at most " + formatScaled(math.MaxInt64, scale) + ")"
	}
	if neg {
		return -int64(n), ""
	}
	return int64(n), ""
}

// numberReason says why s is not a number; the slow path of parseNumber.
func numberReason(s string, decComma, integer bool) string {
	want := "want digits with an optional sign and decimal point, like -1234.56"
	if integer {
		want = "want a whole number like -1234"
	}
	digit := strings.ContainsAny(s, "0123456789")
	switch {
	case !digit:
		return "is not a number (" + want + ")"
	case strings.ContainsAny(s, "eE") && !strings.ContainsFunc(s, func(r rune) bool {
		return r != 'e' && r != 'E' && r != '.' && r != '-' && r != '+' && (r < '0' || r > '9')
	}):
		return "is in exponent notation, which is not accepted (" + want + ")"
	case strings.ContainsAny(s, "$€£¥%"):
		return "has a currency or percent sign (" + want + ")"
	case strings.Count(s, ".")+strings.Count(s, ",") > 1 ||
		(!decComma && strings.Contains(s, ",")) ||
		strings.ContainsAny(s, " '’_\u00a0\u202f"):
		if decComma {
			return "has a thousands separator, which is not accepted (" + want + ", or 1234,56)"
		}
		return "has a thousands separator or decimal comma, which is not accepted (" + want + ")"
	}
	return "is not a number (" + want + ")"
}

// formatScaled writes n/10^scale in decimal.
func formatScaled(n int64, scale int) string {
	s := fmt.Sprintf("%0*d", scale+1, n)
	if scale == 0 {
		return s
	}
	return s[:len(s)-scale] + "." + s[len(s)-scale:]
}

// parseDate reads YYYY-MM-DD without allocating.
func parseDate(s string) (kpi.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return kpi.Date(daysFromCivil(y, m, d)), true
}

func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (H. Hinnant's algorithm); it agrees with kpi.NewDate.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := m - 3
	if m <= 2 {
		mp = m + 9
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateReason says why s is not a date.
func dateReason(s string) string {
	if len(s) > 10 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') {
		return "is a timestamp, the column wants a date YYYY-MM-DD"
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return "is not a valid date (want YYYY-MM-DD)"
	}
	return "is not a date (want YYYY-MM-DD, like 2017-03-01)"
}

// Layouts of a timestamp without an offset, read in the workspace's zone.
var localLayouts = [...]string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
}

// parseTimestamp reads an RFC 3339 timestamp with an offset, a local
// "YYYY-MM-DD HH:MM[:SS]" (space or T) in loc, or a bare date as midnight in
// loc, and returns Unix seconds (fractions of a second are dropped).
func parseTimestamp(s string, loc *time.Location) (int64, string) {
	if d, ok := parseDate(s); ok {
		return d.In(loc).Unix(), ""
	}
	const want = "is not a timestamp (want 2017-03-01T09:30:00+01:00, or 2017-03-01 09:30[:00] in the workspace's time zone)"
	if len(s) < 16 || (s[10] != 'T' && s[10] != ' ' && s[10] != 't') {
		return 0, want
	}
	if s[10] != 'T' {
		s = s[:10] + "T" + s[11:]
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.Unix(), ""
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.Unix(), ""
		}
	}
	return 0, want
}

// parseBool reads true/false, 1/0, yes/no in any case.
func parseBool(s string) (int64, bool) {
	switch {
	case s == "1" || strings.EqualFold(s, "true") || strings.EqualFold(s, "yes"):
		return 1, true
	case s == "0" || strings.EqualFold(s, "false") || strings.EqualFold(s, "no"):
		return 0, true
	}
	return 0, false
}
