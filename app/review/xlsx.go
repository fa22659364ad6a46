package review

import (
	"fmt"
	"io"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"attain/calc/score"
	"attain/kpi"
)

// WriteXLSX writes cards as a workbook for a review meeting: a summary
// sheet with each subject's total score, and one row per KPI of each card
// on a detail sheet, with actual, target, achievement, score, status, pace
// and the change against the previous period. Numbers stay numbers people
// can sort and chart (the exact value is in the API and the CSV), shown in
// their KPI's unit (kpi.Display's formats as spreadsheet number formats):
// money with thousands separators and cents, percentages with one decimal,
// durations with one decimal and their unit, counts whole.
func WriteXLSX(w io.Writer, title string, cards []*Card, names map[kpi.Subject]string) error {
	f := excelize.NewFile()
	defer f.Close()
	const summary, detail = "Summary", "Scorecards"
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	if _, err := f.NewSheet(detail); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	st := &styles{f: f, ids: map[string]int{}}
	rows := [][]any{{title}, {"Subject", "Name", "Period", "Template", "Total score", "Rule", "Period"}}
	for _, c := range cards {
		rows = append(rows, []any{c.Subject.ID, names[c.Subject], c.Period.Label(), c.Template, st.cell(c.Total, c.TotalNull, fmtScore), c.Rule, c.Standing})
	}
	if err := st.writeRows(summary, rows, bold, 2); err != nil {
		return err
	}
	rows = [][]any{{"Subject", "Name", "Period", "KPI", "Weight %", "Actual", "Threshold", "Target", "Stretch",
		"Achievement %", "Score", "Contribution", "Status", "Pace", "Expected to date", "Forecast", "vs previous period"}}
	for _, c := range cards {
		for _, it := range c.Items {
			var k *kpi.KPI
			if c.defs != nil {
				k = c.defs.KPI(it.KPI)
			}
			unit := func(d decimal.Decimal, null bool) any { return st.cell(d, null, numFmt(k, d)) }
			row := []any{c.Subject.ID, names[c.Subject], c.Period.Label(), it.KPI, st.cell(it.Weight, false, fmtWhole),
				unit(it.Actual, it.ActualNull), unit(it.Threshold, it.Status == score.StatusNoTarget), unit(it.Target, it.Status == score.StatusNoTarget),
				unit(it.Stretch, it.Status == score.StatusNoTarget), st.cell(it.Achievement, it.AchievementNull, fmtScore),
				st.cell(it.Score, it.ScoreNull, fmtScore), st.cell(it.Contribution, false, fmtScore), string(it.Status)}
			row = append(row, "", "", "", "")
			for _, p := range c.Pace {
				if p.KPI == it.KPI {
					row[13], row[14], row[15] = string(p.Status), unit(p.Expected, false), unit(p.Forecast, p.ForecastNull)
				}
			}
			for _, p := range c.Progress {
				if p.KPI == it.KPI {
					row[16] = p.VsPrevious.Text
				}
			}
			rows = append(rows, row)
		}
	}
	if err := st.writeRows(detail, rows, bold, 1); err != nil {
		return err
	}
	return f.Write(w)
}

// Spreadsheet number formats of the units (see kpi.Display).
const (
	fmtMoney   = "#,##0.00"
	fmtPercent = "0.0%"
	fmtWhole   = "#,##0"
	fmtOne     = "#,##0.0"
	fmtScore   = "0.00"
	fmtNumber  = "#,##0.00"
)

// numFmt is the spreadsheet format of d, a value of k, in k's unit.
func numFmt(k *kpi.KPI, d decimal.Decimal) string {
	if k == nil {
		return fmtNumber
	}
	switch k.Unit {
	case kpi.UnitMoney:
		if k.Currency != "" {
			return fmtMoney + ` "` + k.Currency + `"`
		}
		return fmtMoney
	case kpi.UnitPercent:
		return fmtPercent
	case kpi.UnitDuration:
		if k.TimeUnit != "" {
			return fmtOne + ` "` + k.TimeUnit + `"`
		}
		return fmtOne
	case kpi.UnitCount:
		if d.Equal(d.Truncate(0)) {
			return fmtWhole
		}
		return fmtOne
	}
	return fmtNumber
}

// styles writes rows, with one cell style per number format.
type styles struct {
	f   *excelize.File
	ids map[string]int
}

// numbered is a cell value with its number format, placed by writeRows.
type numbered struct {
	v   float64
	fmt string
}

// cell is a spreadsheet cell for a decimal: a number with its format, or
// "-" for no value.
func (s *styles) cell(d decimal.Decimal, null bool, format string) any {
	if null {
		return "-"
	}
	return numbered{v: d.InexactFloat64(), fmt: format}
}

func (s *styles) id(format string) (int, error) {
	if id, ok := s.ids[format]; ok {
		return id, nil
	}
	id, err := s.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return 0, err
	}
	s.ids[format] = id
	return id, nil
}

// writeRows writes rows from A1 on, a numbered cell as its number in its
// format, and the row headerRow (from 1) in bold; text cells go through
// kpi.SafeCell, so no name or label a person typed is read as a formula.
func (s *styles) writeRows(sheet string, rows [][]any, bold int, headerRow int) error {
	for i, r := range rows {
		for j, v := range r {
			if s, ok := v.(string); ok {
				r[j] = kpi.SafeCell(s)
			}
			n, ok := v.(numbered)
			if !ok {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				return err
			}
			style, err := s.id(n.fmt)
			if err != nil {
				return fmt.Errorf("number format %q: %w", n.fmt, err)
			}
			r[j] = n.v
			if err := s.f.SetCellStyle(sheet, cell, cell, style); err != nil {
				return err
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := s.f.SetSheetRow(sheet, cell, &r); err != nil {
			return fmt.Errorf("write %s row %d: %w", sheet, i+1, err)
		}
	}
	last, err := excelize.CoordinatesToCellName(len(rows[headerRow-1]), headerRow)
	if err != nil {
		return err
	}
	return s.f.SetCellStyle(sheet, fmt.Sprintf("A%d", headerRow), last, bold)
}
