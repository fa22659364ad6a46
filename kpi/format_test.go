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
