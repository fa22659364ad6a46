package ingest

import (
	"strings"
	"testing"
	"time"

	"attain/kpi"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in       string
		scale    int
		decComma bool
		integer  bool
		want     int64
		reason   string // a part of the reason; "" for success
	}{
		{in: "-1234.56", scale: 2, want: -123456},
		{in: "1234", scale: 2, want: 123400},
		{in: "+7", scale: 0, want: 7},
		{in: "0.5", scale: 2, want: 50},
		{in: ".5", scale: 2, want: 50},
		{in: "-.5", scale: 1, want: -5},
		{in: "1.500", scale: 2, want: 150}, // trailing zeros lose nothing
		{in: "0", scale: 4, want: 0},
		{in: "-0", scale: 2, want: 0},
		{in: "1234,56", scale: 2, decComma: true, want: 123456},
		{in: "1.5", scale: 2, decComma: true, want: 150},
		{in: "9223372036854775807", scale: 0, want: 9223372036854775807},
		{in: "-9223372036854775808", scale: 0, want: -9223372036854775808},
		{in: "92233720368547758.07", scale: 2, want: 9223372036854775807},
		{in: "12345678901234567.89", scale: 2, want: 1234567890123456789},
		{in: "5.0", scale: 0, integer: true, want: 5},

		{in: "1.234", scale: 2, reason: "has 3 decimal places, column keeps 2"},
		{in: "1,234.56", scale: 2, reason: "thousands separator"},
		{in: "1,234", scale: 0, integer: true, reason: "thousands separator"},
		{in: "1.234,56", scale: 2, decComma: true, reason: "thousands separator"},
		{in: "1 234", scale: 2, reason: "thousands separator"},
		{in: "1234,56", scale: 2, reason: "decimal comma"},
		{in: "1.5", scale: 0, integer: true, reason: "is not a whole number"},
		{in: "9223372036854775808", scale: 0, reason: "out of range (at most 9223372036854775807)"},
		{in: "92233720368547758.08", scale: 2, reason: "out of range (at most 92233720368547758.07)"},
		{in: "100000000000000000", scale: 2, reason: "out of range"},
		{in: "99999999999999999999999", scale: 0, reason: "out of range"},
		{in: "1e3", scale: 2, reason: "exponent"},
		{in: "$12", scale: 2, reason: "currency"},
		{in: "abc", scale: 2, reason: "is not a number"},
		{in: "-", scale: 2, reason: "is not a number"},
		{in: "5.", scale: 2, reason: "is not a number"},
		{in: "1-2", scale: 2, reason: "is not a number"},
		{in: "x", scale: 0, integer: true, reason: "want a whole number"},
	}
	for _, tt := range tests {
		got, reason := parseNumber(tt.in, tt.scale, tt.decComma, tt.integer)
		if tt.reason == "" {
			if reason != "" || got != tt.want {
				t.Errorf("parseNumber(%q, %d) = %d, %q; want %d", tt.in, tt.scale, got, reason, tt.want)
			}
		} else if !strings.Contains(reason, tt.reason) {
			t.Errorf("parseNumber(%q, %d) reason = %q; want it to contain %q", tt.in, tt.scale, reason, tt.reason)
		}
	}
}

func TestParseDate(t *testing.T) {
	// Every day from 1600 to 2400 agrees with kpi.NewDate.
	for d := kpi.NewDate(1600, 1, 1); d <= kpi.NewDate(2400, 12, 31); d++ {
		got, ok := parseDate(d.String())
		if !ok || got != d {
			t.Fatalf("parseDate(%q) = %v, %v; want %v", d.String(), got, ok, d)
		}
	}
	for _, s := range []string{"2017-02-29", "2017-13-01", "2017-00-10", "2017-04-31", "17-03-01", "2017/03/01", "2017-3-1", ""} {
		if _, ok := parseDate(s); ok {
			t.Errorf("parseDate(%q) ok; want failure", s)
		}
	}
	if _, ok := parseDate("2016-02-29"); !ok {
		t.Errorf("parseDate(2016-02-29) failed")
	}
}

func TestParseTimestamp(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	tests := []struct {
		in     string
		want   time.Time
		reason string
	}{
		{in: "2017-03-01T09:30:00+01:00", want: time.Date(2017, 3, 1, 8, 30, 0, 0, time.UTC)},
		{in: "2017-03-01T09:30:00Z", want: time.Date(2017, 3, 1, 9, 30, 0, 0, time.UTC)},
		{in: "2017-03-01 09:30:00-05:00", want: time.Date(2017, 3, 1, 14, 30, 0, 0, time.UTC)},
		{in: "2017-03-01T09:30:00.75Z", want: time.Date(2017, 3, 1, 9, 30, 0, 0, time.UTC)},
		{in: "2017-07-01 09:30", want: time.Date(2017, 7, 1, 7, 30, 0, 0, time.UTC)},     // CEST
		{in: "2017-01-01T09:30:15", want: time.Date(2017, 1, 1, 8, 30, 15, 0, time.UTC)}, // CET
		{in: "2017-07-01", want: time.Date(2017, 6, 30, 22, 0, 0, 0, time.UTC)},
		{in: "01/07/2017", reason: "is not a timestamp"},
		{in: "2017-07-01 25:00", reason: "is not a timestamp"},
		{in: "2017-07-01T09", reason: "is not a timestamp"},
	}
	for _, tt := range tests {
		got, reason := parseTimestamp(tt.in, berlin)
		if tt.reason == "" {
			if reason != "" || got != tt.want.Unix() {
				t.Errorf("parseTimestamp(%q) = %v, %q; want %v", tt.in, time.Unix(got, 0).UTC(), reason, tt.want)
			}
		} else if !strings.Contains(reason, tt.reason) {
			t.Errorf("parseTimestamp(%q) reason = %q; want %q", tt.in, reason, tt.reason)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Central":          "central",
		"Dustin Brinkmann": "dustin-brinkmann",
		" Mei-Mei  Johns ": "mei-mei-johns",
		"Zürich Süd":       "zürich-süd",
		"--":               "",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q; want %q", in, got, want)
		}
	}
}
