package kpi_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

func TestDisplay(t *testing.T) {
	money := &kpi.KPI{Unit: kpi.UnitMoney, Currency: "EUR"}
	pct := &kpi.KPI{Unit: kpi.UnitPercent}
	days := &kpi.KPI{Unit: kpi.UnitDuration, TimeUnit: "days"}
	hours := &kpi.KPI{Unit: kpi.UnitDuration, TimeUnit: "hours"}
	count := &kpi.KPI{Unit: kpi.UnitCount}
	number := &kpi.KPI{Unit: kpi.UnitNumber}
	for _, tt := range []struct {
		k    *kpi.KPI
		v    string
		want string
	}{
		{money, "40206.928", "40,206.93 EUR"},
		{money, "1234567.891", "1,234,567.89 EUR"},
		{money, "0", "0.00 EUR"},
		{money, "-41561.18", "-41,561.18 EUR"},
		{money, "-0.004", "0.00 EUR"}, // rounds to zero: no sign
		{money, "0.005", "0.00 EUR"},  // half to even
		{money, "0.015", "0.02 EUR"},
		{money, "999.995", "1,000.00 EUR"},
		{&kpi.KPI{Unit: kpi.UnitMoney}, "12.5", "12.50"},
		{pct, "0.3333333333", "33.3 %"},
		{pct, "0.45", "45.0 %"},
		{pct, "1", "100.0 %"},
		{pct, "-0.1166666667", "-11.7 %"},
		{days, "2.25", "2.2 days"},
		{days, "23", "23.0 days"},
		{hours, "5.35", "5.4 hours"},
		{&kpi.KPI{Unit: kpi.UnitDuration}, "1.26", "1.3"},
		{count, "1204", "1,204"},
		{count, "0", "0"},
		{count, "2.27", "2.3"},
		{count, "0.91", "0.9"},
		{count, "12.00", "12"},
		{number, "3.14159", "3.14"},
		{number, "2.50", "2.5"},
		{number, "-0.001", "0"},
		{nil, "1234.5", "1,234.5"},
	} {
		if got := kpi.Display(tt.k, decimal.RequireFromString(tt.v)); got != tt.want {
			unit := kpi.Unit("")
			if tt.k != nil {
				unit = tt.k.Unit
			}
			t.Errorf("Display(%s, %s) = %q, want %q", unit, tt.v, got, tt.want)
		}
	}
	for _, tt := range []struct {
		k    *kpi.KPI
		v    string
		want string
	}{
		{count, "3", "+3"},
		{count, "-3", "-3"},
		{count, "0", "0"},
		{money, "-1200", "-1,200.00 EUR"},
		{money, "0.001", "0.00 EUR"},
		{pct, "-0.1166666667", "-11.7 points"},
		{pct, "0.5", "+50.0 points"},
		{days, "10.5", "+10.5 days"},
	} {
		if got := kpi.DisplayDelta(tt.k, decimal.RequireFromString(tt.v)); got != tt.want {
			t.Errorf("DisplayDelta(%s, %s) = %q, want %q", tt.k.Unit, tt.v, got, tt.want)
		}
	}
	if got := kpi.DisplayValue(money, kpi.KPIValue{Null: true}); got != "-" {
		t.Errorf("DisplayValue(null) = %q, want -", got)
	}
}
