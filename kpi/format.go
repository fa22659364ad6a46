package kpi

import (
	"strconv"
	"time"
)

// ColumnScale returns the decimal places a column keeps: its Scale, or 2 for
// money without one. Other types keep none.
func ColumnScale(c Column) int {
	switch {
	case c.Type == Money && c.Scale == 0:
		return 2
	case c.Type == Money || c.Type == Decimal:
		return c.Scale
	}
	return 0
}

// FormatValue writes v the way a file or a person reads it: money and
// decimals with their scale ("1054.50"), dates as YYYY-MM-DD, timestamps as
// RFC 3339 in UTC, booleans as true/false; "" for null.
func FormatValue(c Column, v Value) string {
	if v.Null {
		return ""
	}
	switch c.Type {
	case String:
		return v.S
	case Integer:
		return strconv.FormatInt(v.N, 10)
	case Decimal, Money:
		return FormatScaled(v.N, ColumnScale(c))
	case DateType:
		return Date(v.N).String()
	case Timestamp:
		return time.Unix(v.N, 0).UTC().Format(time.RFC3339)
	case Boolean:
		return strconv.FormatBool(v.N != 0)
	}
	return v.S
}

// FormatScaled writes n / 10^scale exactly: FormatScaled(-105, 2) is "-1.05".
func FormatScaled(n int64, scale int) string {
	s := strconv.FormatInt(n, 10)
	if scale <= 0 {
		return s
	}
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for len(s) <= scale {
		s = "0" + s
	}
	s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	if neg {
		s = "-" + s
	}
	return s
}
