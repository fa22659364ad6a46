package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"attain/kpi"
)

// workbook returns an XLSX file of rows on its first sheet.
func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rezip returns the workbook with its part name replaced by data; a
// declared size above 0 is written as the part's uncompressed size, true
// or not.
func rezip(t *testing.T, wb []byte, name string, data []byte, declared uint64) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == name {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if declared == 0 {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	} else {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(data),
			CompressedSize64: uint64(len(data)), UncompressedSize64: declared})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sheetXML is a first sheet of the given rows' XML.
func sheetXML(rows string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData></worksheet>`)
}

func onlyProblem(t *testing.T, err error) kpi.Problem {
	t.Helper()
	d := kpi.ErrorDetails(err)
	if kpi.ErrorCode(err) != kpi.EINVALID || len(d) != 1 {
		t.Fatalf("err = %v, want EINVALID with one problem", err)
	}
	return d[0]
}

// TestSniff: a file that is not text, sent as CSV or JSON, is refused with
// what it is, not read into garbage records.
func TestSniff(t *testing.T) {
	xlsx := workbook(t, []any{"id", "v"}, []any{"a", 1})
	for _, c := range []struct {
		name string
		data []byte
		want string // what the file is
	}{
		{"XLSX", xlsx, "a ZIP archive (an XLSX workbook?)"},
		{"XLS", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 500)...), "an old Excel workbook (.xls) or a password-protected one"},
		{"PDF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "a PDF document"},
		{"Gzip", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"), "gzip-compressed"},
		{"UTF16", []byte("\xff\xfei\x00d\x00,\x00v\x00\n\x00"), "UTF-16 text"},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "a PNG image"},
		{"NUL", []byte("id,v\na,1\x00\x00\x00\n"), "binary data"},
		{"Controls", []byte("id,v\x01\x02\x03\x04\x05\n"), "binary data"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ds := cellDataset(kpi.Column{Type: kpi.Integer})
			_, err := NewCSVReader(bytes.NewReader(c.data), ds, Options{File: "f.csv"})
			p := onlyProblem(t, err)
			if p.File != "f.csv" || p.Line != 1 || !strings.HasPrefix(p.Reason, "the file is "+c.want+", not CSV text") {
				t.Errorf("CSV: problem %+v, want line 1: the file is %s", p, c.want)
			}
			if got, want := kpi.ErrorMessage(err), "f.csv is not CSV: it is "+c.want+"."; got != want {
				t.Errorf("CSV: message %q, want %q", got, want)
			}
			_, err = NewJSONReader(bytes.NewReader(c.data), ds, Options{File: "f.json"})
			if p := onlyProblem(t, err); !strings.HasPrefix(p.Reason, "the file is "+c.want+", not JSON text") {
				t.Errorf("JSON: problem %+v, want: the file is %s", p, c.want)
			}
			_, err = ReadTargetsCSV(bytes.NewReader(c.data), "t.csv")
			if p := onlyProblem(t, err); !strings.HasPrefix(p.Reason, "the file is "+c.want) {
				t.Errorf("targets: problem %+v, want: the file is %s", p, c.want)
			}
		})
	}
	// Text in another encoding is text: its cells are reported one by one.
	ds := cellDataset(kpi.Column{Type: kpi.String})
	r, err := NewCSVReader(strings.NewReader("id,v\na,caf\xe9\n"), ds, Options{File: "f.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); !strings.Contains(fmt.Sprint(kpi.ErrorDetails(err)), "is not valid UTF-8") {
		t.Errorf("Latin-1 cell: %v", err)
	}
	// A DOS end-of-file mark is fine.
	if whatIs([]byte("id,v\r\na,1\r\n\x1a")) != "" {
		t.Error("a file ending in ^Z is not text")
	}
}

// TestXLSXAsCSV_NotAWorkbook: text or an old workbook sent as XLSX.
func TestXLSXAsCSV_NotAWorkbook(t *testing.T) {
	for _, c := range []struct {
		data, want string
	}{
		{"id,v\na,1\n", "the file is text (a CSV file?), not an XLSX workbook"},
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "the file is an old Excel workbook (.xls) or a password-protected one, not an XLSX workbook"},
		{"", "the file is empty, not an XLSX workbook"},
		{"PK\x03\x04 truncated", "not an XLSX workbook"},
	} {
		_, err := XLSXAsCSV(strings.NewReader(c.data), "f.xlsx")
		if p := onlyProblem(t, err); p.File != "f.xlsx" || p.Reason != c.want {
			t.Errorf("%q: problem %+v, want %q", c.data, p, c.want)
		}
	}
}

// TestXLSXAsCSV_Limits: a zip bomb, a sheet whose text explodes through
// shared strings, a row too wide and a sheet too long are refused with the
// limit they pass.
func TestXLSXAsCSV_Limits(t *testing.T) {
	small := xlsxLimits{unzipped: 1 << 20, inMemory: 256 << 10, text: 1 << 20, columns: 20}
	wb := workbook(t, []any{"id", "v"}, []any{"a", 1})

	// 4 MiB of zeros in a part: deflated to a few KiB.
	bomb := rezip(t, wb, "xl/media/zeros.bin", make([]byte, 4<<20), 0)
	if len(bomb) > 64<<10 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	_, err := xlsxAsCSV(bytes.NewReader(bomb), "bomb.xlsx", small)
	if p := onlyProblem(t, err); p.Reason != "the workbook unpacks to more than 1 MiB; the limit is 1 MiB" {
		t.Errorf("bomb: %+v", p)
	}
	// A part that says it is small but unpacks to more: the ZIP reader
	// stops at the size it declared.
	liar := rezip(t, wb, "xl/worksheets/sheet1.xml", sheetXML(strings.Repeat(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`, 1000)), 100)
	if r, err := xlsxAsCSV(bytes.NewReader(liar), "liar.xlsx", small); err == nil {
		if b, _ := io.ReadAll(r); len(b) > 100 {
			t.Errorf("a part larger than it says gave %d bytes of CSV", len(b))
		}
	}

	// One string of 32767 characters (the most a cell holds), shared by 40
	// cells: 1.25 MiB of text, past 1 MiB in the 32nd.
	long := strings.Repeat("x", excelize.TotalCellChars)
	rows := [][]any{{"id", "v"}}
	for i := range 40 {
		rows = append(rows, []any{fmt.Sprint(i), long})
	}
	_, err = xlsxAsCSV(bytes.NewReader(workbook(t, rows...)), "text.xlsx", small)
	if p := onlyProblem(t, err); p.Line != 33 || p.Reason != "the sheet holds more than 1 MiB of text by this row; the limit is 1 MiB" {
		t.Errorf("text: %+v", p)
	}

	// A value in column 21.
	wide := rezip(t, wb, "xl/worksheets/sheet1.xml", sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>`+
		`<row r="2"><c r="U2"><v>1</v></c></row>`), 0)
	_, err = xlsxAsCSV(bytes.NewReader(wide), "wide.xlsx", small)
	if p := onlyProblem(t, err); p.Line != 2 || p.Column != "U" || p.Reason != "has a value in column 21; at most 20 columns are read" {
		t.Errorf("wide: %+v", p)
	}
	// The real limit: Excel's last column, XFD, of a tiny file.
	xfd := rezip(t, wb, "xl/worksheets/sheet1.xml", sheetXML(`<row r="1"><c r="XFD1"><v>1</v></c></row>`), 0)
	_, err = XLSXAsCSV(bytes.NewReader(xfd), "xfd.xlsx")
	if p := onlyProblem(t, err); p.Reason != "has a value in column 16384; at most 1024 columns are read" {
		t.Errorf("XFD: %+v", p)
	}

	// A row past the last a workbook can have.
	long2 := rezip(t, wb, "xl/worksheets/sheet1.xml", sheetXML(`<row r="1"><c r="A1"><v>1</v></c></row><row r="1048577"><c r="A1048577"><v>1</v></c></row>`), 0)
	_, err = XLSXAsCSV(bytes.NewReader(long2), "long.xlsx")
	if p := onlyProblem(t, err); p.Reason != "the sheet has more than 1048576 rows, the most a workbook holds" {
		t.Errorf("rows: %+v", p)
	}
}

// TestXLSXAsCSV_EmptyRows: rows without values are skipped like blank
// lines of a CSV file, and problems keep the sheet's row numbers.
func TestXLSXAsCSV_EmptyRows(t *testing.T) {
	wb := workbook(t, []any{"id", "v"})
	sheet := rezip(t, wb, "xl/worksheets/sheet1.xml", sheetXML(
		`<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>v</t></is></c></row>`+
			`<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="B2"><v>1</v></c></row>`+
			`<row r="3"><c r="A3" s="0"/></row>`+ // formatted, no value
			`<row r="7"><c r="A7" t="inlineStr"><is><t>b</t></is></c><c r="B7" t="inlineStr"><is><t>x</t></is></c></row>`), 0)
	csv, err := XLSXAsCSV(bytes.NewReader(sheet), "e.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewCSVReader(csv, cellDataset(kpi.Column{Type: kpi.Integer}), Options{File: "e.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	if p := onlyProblem(t, err); p.Line != 7 || p.Column != "v" || p.Value != "x" {
		t.Errorf("problem %+v, want row 7, column v, value x", p)
	}
	if got := r.Lines(); got != 2 {
		t.Errorf("read %d rows, want 2", got)
	}
}
