package payroll

import (
	"testing"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// TestShow: the PDF writes amounts to the currency's places with
// thousands separated and percentages with one decimal.
func TestShow(t *testing.T) {
	for _, tt := range []struct {
		v, unit string
		places  int32
		want    string
	}{
		{"1234567.891", kpi.LineMoney, 2, "1,234,567.89"},
		{"-1925", kpi.LineMoney, 2, "-1,925.00"},
		{"1925", kpi.LineMoney, 0, "1,925"},
		{"92.456", kpi.LinePercent, 0, "92.5 %"},
		{"1", kpi.LinePass, 0, "passed"},
		{"20", kpi.LineDays, 0, "20 days"},
	} {
		if got := show(decimal.RequireFromString(tt.v), tt.unit, tt.places); got != tt.want {
			t.Errorf("show(%s, %s, %d) = %q, want %q", tt.v, tt.unit, tt.places, got, tt.want)
		}
	}
}
