package score_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

func date(t testing.TB, s string) kpi.Date {
	t.Helper()
	d, err := kpi.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func period(t testing.TB, s string) kpi.Period {
	t.Helper()
	p, err := kpi.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// val is a KPI value of label's period; "" is null.
func val(t testing.TB, label, v string) kpi.KPIValue {
	t.Helper()
	if v == "" {
		return kpi.KPIValue{Period: period(t, label), Null: true}
	}
	return kpi.KPIValue{Period: period(t, label), Value: dec(v)}
}

// decEqual compares numerically and by written form with want's places.
func decEqual(got decimal.Decimal, want string) bool {
	w := dec(want)
	return got.Equal(w) && got.StringFixedBank(-w.Exponent()) == want
}
