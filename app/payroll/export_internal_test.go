package payroll

import (
	"testing"

	"github.com/shopspring/decimal"

	"attain/calc/bonus"
)

// TestShow: the PDF writes amounts to the currency's places with
// thousands separated and percentages with one decimal.
func TestShow(t *testing.T) {
	for _, tt := range []struct {
		v, unit string
		places  int32
		want    string
	}{
		{"1234567.891", bonus.UnitMoney, 2, "1,234,567.89"},
		{"-1925", bonus.UnitMoney, 2, "-1,925.00"},
		{"1925", bonus.UnitMoney, 0, "1,925"},
		{"92.456", bonus.UnitPercent, 0, "92.5 %"},
		{"1", bonus.UnitPass, 0, "passed"},
		{"20", bonus.UnitDays, 0, "20 days"},
	} {
		if got := show(decimal.RequireFromString(tt.v), tt.unit, tt.places); got != tt.want {
			t.Errorf("show(%s, %s, %d) = %q, want %q", tt.v, tt.unit, tt.places, got, tt.want)
		}
	}
}
