package review_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"attain/app/review"
	"attain/calc/score"
	"attain/kpi"
)

// TestWriteXLSX_FormulaInjection: names, templates and KPI names a person
// typed are written so that no spreadsheet runs them as formulas; numbers,
// a negative one too, stay numbers.
func TestWriteXLSX_FormulaInjection(t *testing.T) {
	sub := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "@ann"}
	p, err := kpi.ParsePeriod("2026-06")
	if err != nil {
		t.Fatal(err)
	}
	cards := []*review.Card{{Scorecard: &score.Scorecard{
		Template: "=1+1", Subject: sub, Period: p, Total: decimal.RequireFromString("-12.5"), Rule: "-x",
		Items: []score.Item{{KPI: "+kpi", Weight: decimal.NewFromInt(100), Actual: decimal.RequireFromString("-3"), Status: "\tbad"}},
	}}}
	names := map[kpi.Subject]string{sub: `=HYPERLINK("http://evil.example","x")`}
	var buf bytes.Buffer
	if err := review.WriteXLSX(&buf, "=title", cards, names); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, c := range []struct{ sheet, cell, want string }{
		{"Summary", "A1", "'=title"}, {"Summary", "A3", "'@ann"}, {"Summary", "B3", `'=HYPERLINK("http://evil.example","x")`},
		{"Summary", "D3", "'=1+1"}, {"Summary", "E3", "-12.50"}, {"Summary", "F3", "'-x"},
		{"Scorecards", "B2", `'=HYPERLINK("http://evil.example","x")`}, {"Scorecards", "D2", "'+kpi"},
		{"Scorecards", "F2", "-3.00"}, {"Scorecards", "M2", "'\tbad"},
	} {
		got, err := x.GetCellValue(c.sheet, c.cell)
		if err != nil || got != c.want {
			t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.cell, got, err, c.want)
		}
	}
	for _, cell := range []string{"Summary!E3", "Scorecards!F2"} {
		sheet, ref, _ := strings.Cut(cell, "!")
		if typ, err := x.GetCellType(sheet, ref); err != nil || typ != excelize.CellTypeUnset {
			t.Errorf("%s has type %v (%v), want a number", cell, typ, err)
		}
	}
}
