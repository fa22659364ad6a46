package kpi_test

import (
	"testing"

	"attain/kpi"
)

func TestFormatValue(t *testing.T) {
	for _, tt := range []struct {
		col  kpi.Column
		v    kpi.Value
		want string
	}{
		{kpi.Column{Type: kpi.Money}, kpi.Value{N: 105450}, "1054.50"},
		{kpi.Column{Type: kpi.Money}, kpi.Value{N: -5}, "-0.05"},
		{kpi.Column{Type: kpi.Decimal, Scale: 3}, kpi.Value{N: 7}, "0.007"},
		{kpi.Column{Type: kpi.Decimal}, kpi.Value{N: -12}, "-12"},
		{kpi.Column{Type: kpi.Integer}, kpi.Value{N: 42}, "42"},
		{kpi.Column{Type: kpi.DateType}, kpi.Value{N: int64(kpi.NewDate(2017, 3, 1))}, "2017-03-01"},
		{kpi.Column{Type: kpi.Timestamp}, kpi.Value{N: 86400}, "1970-01-02T00:00:00Z"},
		{kpi.Column{Type: kpi.Boolean}, kpi.Value{N: 1}, "true"},
		{kpi.Column{Type: kpi.String}, kpi.Value{S: "Won"}, "Won"},
		{kpi.Column{Type: kpi.Money}, kpi.Value{Null: true}, ""},
	} {
		if got := kpi.FormatValue(tt.col, tt.v); got != tt.want {
			t.Errorf("FormatValue(%v, %+v) = %q, want %q", tt.col.Type, tt.v, got, tt.want)
		}
	}
}

func TestParseValue(t *testing.T) {
	for _, tt := range []struct {
		col  kpi.Column
		s    string
		want kpi.Value
	}{
		{kpi.Column{Type: kpi.Money}, "1054.5", kpi.Value{N: 105450}},
		{kpi.Column{Type: kpi.Decimal, Scale: 3}, "-0.007", kpi.Value{N: -7}},
		{kpi.Column{Type: kpi.Integer}, "42", kpi.Value{N: 42}},
		{kpi.Column{Type: kpi.DateType}, "2017-03-01", kpi.Value{N: int64(kpi.NewDate(2017, 3, 1))}},
		{kpi.Column{Type: kpi.Timestamp}, "1970-01-02T00:00:00Z", kpi.Value{N: 86400}},
		{kpi.Column{Type: kpi.Boolean}, "true", kpi.Value{N: 1}},
		{kpi.Column{Type: kpi.String}, "Won", kpi.Value{S: "Won"}},
		{kpi.Column{Type: kpi.Money}, "", kpi.Value{Null: true}},
	} {
		got, err := kpi.ParseValue(tt.col, tt.s)
		if err != nil || got != tt.want {
			t.Errorf("ParseValue(%v, %q) = %+v, %v; want %+v", tt.col.Type, tt.s, got, err, tt.want)
		}
		if back := kpi.FormatValue(tt.col, got); tt.s != "1054.5" && back != tt.s {
			t.Errorf("FormatValue(ParseValue(%q)) = %q", tt.s, back)
		}
	}
	for _, tt := range []struct {
		col kpi.Column
		s   string
	}{
		{kpi.Column{Name: "amount", Type: kpi.Money}, "12.345"},
		{kpi.Column{Name: "n", Type: kpi.Integer}, "1.5"},
		{kpi.Column{Name: "d", Type: kpi.DateType}, "2017-13-01"},
		{kpi.Column{Name: "b", Type: kpi.Boolean}, "maybe"},
	} {
		if _, err := kpi.ParseValue(tt.col, tt.s); err == nil {
			t.Errorf("ParseValue(%v, %q): no error", tt.col.Type, tt.s)
		}
	}
}
