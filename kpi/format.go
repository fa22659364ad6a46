package kpi

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
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

// ParseValue reads text the way FormatValue writes it, for column c: ""
// is null; numbers are exact (a decimal may not have more places than the
// column keeps); dates YYYY-MM-DD; timestamps RFC 3339; booleans
// true/false.
func ParseValue(c Column, s string) (Value, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Value{Null: true}, nil
	}
	switch c.Type {
	case Integer:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return Value{}, fmt.Errorf("%s %q is not a whole number", c.Name, s)
		}
		return Value{N: n}, nil
	case Decimal, Money:
		d, err := decimal.NewFromString(s)
		if err != nil {
			return Value{}, fmt.Errorf("%s %q is not a number", c.Name, s)
		}
		scaled := d.Shift(int32(ColumnScale(c)))
		if !scaled.Equal(scaled.Truncate(0)) || !scaled.Abs().LessThan(decimal.New(1, 18)) {
			return Value{}, fmt.Errorf("%s %q has more than %d decimal places or is out of range", c.Name, s, ColumnScale(c))
		}
		return Value{N: scaled.IntPart()}, nil
	case DateType:
		d, err := ParseDate(s)
		if err != nil {
			return Value{}, fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", c.Name, s)
		}
		return Value{N: int64(d)}, nil
	case Timestamp:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return Value{}, fmt.Errorf("%s %q is not a timestamp (RFC 3339)", c.Name, s)
		}
		return Value{N: t.Unix()}, nil
	case Boolean:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return Value{}, fmt.Errorf("%s %q is not true or false", c.Name, s)
		}
		if b {
			return Value{N: 1}, nil
		}
		return Value{N: 0}, nil
	}
	return Value{S: s}, nil
}
