package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"attain/kpi"
)

// Limits of a workbook XLSXAsCSV reads. A workbook is a ZIP archive of XML:
// a few kilobytes can unpack to gigabytes (a zip bomb), and one shared
// string referenced from a million cells, or one cell far to the right,
// turns a small sheet into a huge table. These limits stop that before it
// fills memory.
const (
	// MaxXLSXUnzipped is the most the parts of a workbook may unpack to,
	// together (excelize's UnzipSizeLimit).
	MaxXLSXUnzipped = 256 << 20
	// MaxXLSXText is the most text the first sheet may hold as CSV.
	MaxXLSXText = 256 << 20
	// MaxXLSXColumns is the widest a row may be (column AMJ). Excel's own
	// limit on rows, 1,048,576, is the limit on rows.
	MaxXLSXColumns = 1024
)

type xlsxLimits struct {
	unzipped int64 // MaxXLSXUnzipped
	inMemory int64 // the largest sheet or string table held in memory; a larger one is unpacked to a temporary file (excelize's UnzipXMLSizeLimit)
	text     int   // MaxXLSXText
	columns  int   // MaxXLSXColumns
}

var defaultXLSXLimits = xlsxLimits{unzipped: MaxXLSXUnzipped, inMemory: 16 << 20, text: MaxXLSXText, columns: MaxXLSXColumns}

// XLSXAsCSV reads the first sheet of an XLSX workbook and returns it as CSV,
// so every CSV reader here reads spreadsheets too, with the same checks.
// Line numbers in problems are the sheet's row numbers; an empty row is an
// empty line, skipped as in a CSV file. A file that is no workbook, or one
// past the limits above, is an EINVALID error that says so.
func XLSXAsCSV(r io.Reader, file string) (io.Reader, error) {
	return xlsxAsCSV(r, file, defaultXLSXLimits)
}

func xlsxAsCSV(r io.Reader, file string, lim xlsxLimits) (io.Reader, error) {
	name := fileName(file)
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		what := whatIs(head)
		switch {
		case len(head) == 0:
			what = "empty"
		case what == "":
			what = "text (a CSV file?)"
		}
		return nil, invalid(kpi.Problem{File: file, Reason: fmt.Sprintf("the file is %s, not an XLSX workbook", what)}, "%s is not an XLSX workbook.", name)
	}
	wb, err := excelize.OpenReader(br, excelize.Options{UnzipSizeLimit: lim.unzipped, UnzipXMLSizeLimit: min(lim.inMemory, lim.unzipped)})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, invalid(kpi.Problem{File: file, Reason: fmt.Sprintf("the workbook unpacks to more than %s; the limit is %[1]s", mib(lim.unzipped))},
				"%s is too large.", name)
		}
		return nil, invalid(kpi.Problem{File: file, Reason: "not an XLSX workbook"}, "%s is not an XLSX workbook.", name)
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) == 0 {
		return nil, invalid(kpi.Problem{File: file, Reason: "no sheet"}, "%s has no sheet.", name)
	}
	rows, err := wb.Rows(sheets[0])
	if err != nil {
		return nil, invalid(kpi.Problem{File: file, Reason: "cannot read the first sheet: " + err.Error()}, "%s: cannot read the first sheet.", name)
	}
	defer rows.Close()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	width := -1 // of the header, the first row with a value
	text := 0   // bytes of the cells and their delimiters
	for line := 1; rows.Next(); line++ {
		row, err := rows.Columns()
		if errors.Is(err, excelize.ErrMaxRows) {
			return nil, tooManyRows(file)
		} else if err != nil {
			return nil, invalid(kpi.Problem{File: file, Line: line, Reason: "cannot read the row: " + err.Error()}, "%s: cannot read row %d.", name, line)
		}
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}
		if len(row) > lim.columns {
			col, _ := excelize.ColumnNumberToName(len(row))
			return nil, invalid(kpi.Problem{File: file, Line: line, Column: col,
				Reason: fmt.Sprintf("has a value in column %d; at most %d columns are read", len(row), lim.columns)}, "%s is too wide.", name)
		}
		if width < 0 && len(row) > 0 {
			width = len(row)
		}
		for len(row) > 0 && len(row) < width {
			row = append(row, "")
		}
		for _, c := range row {
			text += len(c) + 1
		}
		if text > lim.text {
			return nil, invalid(kpi.Problem{File: file, Line: line, Reason: fmt.Sprintf("the sheet holds more than %s of text by this row; the limit is %[1]s", mib(int64(lim.text)))},
				"%s is too large.", name)
		}
		// An empty row is an empty line: skipped, and the line numbers
		// stay the rows'.
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := rows.Error(); err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return nil, tooManyRows(file)
		}
		return nil, invalid(kpi.Problem{File: file, Reason: "cannot read the first sheet: " + err.Error()}, "%s: cannot read the first sheet.", name)
	}
	return &buf, w.Error()
}

func tooManyRows(file string) error {
	return invalid(kpi.Problem{File: file, Reason: fmt.Sprintf("the sheet has more than %d rows, the most a workbook holds", excelize.TotalRows)}, "%s is too long.", fileName(file))
}

// mib writes n bytes in MiB, or KiB below one MiB.
func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
