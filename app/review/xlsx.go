package review

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"attain/kpi"
)

// WriteXLSX writes cards as a workbook for a review meeting: a summary
// sheet with each subject's total score, and one row per KPI of each card
// on a detail sheet, with actual, target, achievement, score, status, pace
// and the change against the previous period.
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
	rows := [][]any{{title}, {"Subject", "Name", "Period", "Template", "Total score", "Rule"}}
	for _, c := range cards {
		total := any(c.Total.InexactFloat64())
		if c.TotalNull {
			total = "-"
		}
		rows = append(rows, []any{c.Subject.ID, names[c.Subject], c.Period.Label(), c.Template, total, c.Rule})
	}
	if err := writeRows(f, summary, rows, bold, 2); err != nil {
		return err
	}
	rows = [][]any{{"Subject", "Name", "Period", "KPI", "Weight %", "Actual", "Threshold", "Target", "Stretch",
		"Achievement %", "Score", "Contribution", "Status", "Pace", "Expected to date", "Forecast", "vs previous period"}}
	for _, c := range cards {
		for _, it := range c.Items {
			row := []any{c.Subject.ID, names[c.Subject], c.Period.Label(), it.KPI, num(it.Weight, false),
				num(it.Actual, it.ActualNull), num(it.Threshold, false), num(it.Target, false), num(it.Stretch, false),
				num(it.Achievement, it.AchievementNull), num(it.Score, it.ScoreNull), num(it.Contribution, false), string(it.Status)}
			row = append(row, "", "", "", "")
			for _, p := range c.Pace {
				if p.KPI == it.KPI {
					row[13], row[14], row[15] = string(p.Status), num(p.Expected, false), num(p.Forecast, p.ForecastNull)
				}
			}
			for _, p := range c.Progress {
				if p.KPI == it.KPI {
					row[16] = p.VsPrevious.String()
				}
			}
			rows = append(rows, row)
		}
	}
	if err := writeRows(f, detail, rows, bold, 1); err != nil {
		return err
	}
	return f.Write(w)
}

// num is a spreadsheet cell for a decimal: a number people can sort and
// chart (the exact value is in the API and the CSV), or "-" for no value.
func num(d interface{ InexactFloat64() float64 }, null bool) any {
	if null {
		return "-"
	}
	return d.InexactFloat64()
}

// writeRows writes rows from A1 down; text cells go through kpi.SafeCell,
// so no name or label a person typed is read as a formula.
func writeRows(f *excelize.File, sheet string, rows [][]any, bold int, headerRow int) error {
	for i, r := range rows {
		for j, v := range r {
			if s, ok := v.(string); ok {
				r[j] = kpi.SafeCell(s)
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return fmt.Errorf("write %s row %d: %w", sheet, i+1, err)
		}
	}
	last, err := excelize.CoordinatesToCellName(len(rows[headerRow-1]), headerRow)
	if err != nil {
		return err
	}
	return f.SetCellStyle(sheet, fmt.Sprintf("A%d", headerRow), last, bold)
}
