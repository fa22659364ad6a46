package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"attain/kpi"
)

// XLSXAsCSV reads the first sheet of an XLSX workbook and returns it as CSV,
// so every CSV reader here reads spreadsheets too, with the same checks.
// Line numbers in problems are the sheet's row numbers.
func XLSXAsCSV(r io.Reader, file string) (io.Reader, error) {
	wb, err := excelize.OpenReader(r)
	if err != nil {
		return nil, invalid(kpi.Problem{File: file, Reason: "not an XLSX workbook"}, "%s is not an XLSX workbook.", fileName(file))
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) == 0 {
		return nil, invalid(kpi.Problem{File: file, Reason: "no sheet"}, "%s has no sheet.", fileName(file))
	}
	rows, err := wb.GetRows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", fileName(file), err)
	}
	width := 0
	for _, row := range rows {
		width = max(width, len(row))
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, row := range rows {
		for len(row) < width {
			row = append(row, "")
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return &buf, w.Error()
}
