package ingest_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"attain/ingest"
	"attain/kpi"
)

func TestReadTargetsCSV(t *testing.T) {
	in := "kpi,employee,unit,period,value\nwon,ann,,2026-06,12\nwon,,sales,2026-Q3,120.50\nwon,bob,,2026-06,\n"
	got, err := ingest.ReadTargetsCSV(strings.NewReader(in), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Subject != (kpi.Subject{Kind: "employee", ID: "ann"}) || got[0].Value.String() != "12" ||
		got[1].Subject.Kind != "unit" || got[1].Period.Label() != "2026-Q3" || got[1].Value.String() != "120.5" || got[2].Value != nil {
		t.Errorf("got %+v", got)
	}
}

func TestReadTargetsCSVErrors(t *testing.T) {
	in := "kpi,employee,unit,period,value\n" +
		"won,ann,sales,2026-06,1\n" + // both subjects
		",ann,,2026-06,1\n" + // no kpi
		"won,ann,,June,1\n" + // bad period
		"won,bob,,2026-06,1e3\n" + // exponent
		"won,cy,,2026-06,1\nwon,cy,,2026-06,2\n" // duplicate
	_, err := ingest.ReadTargetsCSV(strings.NewReader(in), "t.csv")
	got := kpi.ErrorDetails(err)
	want := []string{"t.csv:2: column employee", "t.csv:3: column kpi", "t.csv:4: column period", "t.csv:5: column value", "t.csv:7: column period"}
	if len(got) != len(want) {
		t.Fatalf("problems = %v, want %d", got, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i].String(), w) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], w)
		}
	}
	if _, err := ingest.ReadTargetsCSV(strings.NewReader("kpi,period,value\nwon,2026-06,1\n"), "t.csv"); !strings.Contains(kpi.ErrorMessage(err)+kpi.ErrorDetails(err)[0].Reason, "employee or unit") {
		t.Errorf("missing subject column: %v", err)
	}
}

func TestXLSXAsCSV(t *testing.T) {
	wb := excelize.NewFile()
	rows := [][]any{{"kpi", "employee", "period", "value"}, {"won", "ann", "2026-06", 12}, {"won", "bob", "2026-07", "x"}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := ingest.XLSXAsCSV(&buf, "t.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingest.ReadTargetsCSV(r, "t.xlsx")
	if d := kpi.ErrorDetails(err); len(d) != 1 || d[0].Line != 3 || d[0].Column != "value" {
		t.Errorf("problems = %v, want one on row 3, column value", d)
	}
	if _, err := ingest.XLSXAsCSV(strings.NewReader("not a workbook"), "x.xlsx"); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("not a workbook: %v", err)
	}
}
