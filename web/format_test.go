package web

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

func TestFormatter(t *testing.T) {
	d := decimal.RequireFromString
	money := &kpi.KPI{Unit: kpi.UnitMoney, Currency: "EUR"}
	days := &kpi.KPI{Unit: kpi.UnitDuration, TimeUnit: "days"}
	tests := []struct {
		locale string
		got    func(f *Formatter) string
		want   string
	}{
		{"en-GB", func(f *Formatter) string { return f.Value(money, d("1234567.895"), false) }, "€1,234,567.90"},
		{"en-GB", func(f *Formatter) string { return f.Value(money, d("-12.5"), false) }, "−€12.50"},
		{"de-DE", func(f *Formatter) string { return f.Value(money, d("1234567.885"), false) }, "1.234.567,88\u00a0€"},
		{"fr-FR", func(f *Formatter) string { return f.Number(d("1234.5"), 1) }, "1\u00a0234,5"},
		{"de-DE", func(f *Formatter) string { return f.Percent(d("0.4567")) }, "45,7\u00a0%"},
		{"en", func(f *Formatter) string { return f.Value(days, d("2.25"), false) }, "2.2\u00a0days"},
		{"en", func(f *Formatter) string { return f.Value(&kpi.KPI{Unit: kpi.UnitCount}, d("1204"), false) }, "1,204"},
		{"en", func(f *Formatter) string { return f.Value(money, d("0"), true) }, "–"},
		{"en-US", func(f *Formatter) string { return f.Date(kpi.NewDate(2026, time.December, 4)) }, "Dec 4, 2026"},
		{"de-DE", func(f *Formatter) string { return f.Date(kpi.NewDate(2026, time.December, 4)) }, "04.12.2026"},
		{"xx-invalid!", func(f *Formatter) string { return f.Number(d("1000"), 0) }, "1,000"},
	}
	for _, tt := range tests {
		if got := tt.got(NewFormatter(tt.locale, time.UTC)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.locale, got, tt.want)
		}
	}
}

// TestMoneySymbolsKept: one formatter writes many amounts in several
// currencies, each with its own symbol every time (kept after the first
// lookup), as a fresh formatter writes it; a code that is no currency
// stays the code.
func TestMoneySymbolsKept(t *testing.T) {
	d := decimal.RequireFromString
	for _, locale := range []string{"en-GB", "de-DE", "en-US"} {
		f := NewFormatter(locale, time.UTC)
		for range 3 {
			for _, code := range []string{"EUR", "USD", "GBP", "XX1", "CHF"} {
				got := f.Money(d("-1234.5"), code)
				want := NewFormatter(locale, time.UTC).Money(d("-1234.5"), code)
				if got != want {
					t.Errorf("%s %s: %q, a fresh formatter %q", locale, code, got, want)
				}
			}
		}
		if got := f.Money(d("5"), "XX1"); got != "5.00\u00a0XX1" && got != "5,00\u00a0XX1" && got != "XX15.00" {
			t.Errorf("%s: no currency: %q", locale, got)
		}
		if got := f.Money(d("5"), "EUR"); !strings.Contains(got, "€") {
			t.Errorf("%s: euros: %q", locale, got)
		}
	}
}
