package payroll

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"attain/calc/bonus"
	"attain/kpi"
)

// Payout is one employee's payout of a period, for payroll. A statement
// that cannot be computed has status "error" and says why in Error.
type Payout struct {
	EmployeeID string          `json:"employee_id"`
	Name       string          `json:"name"`
	Currency   string          `json:"currency"`
	Plan       string          `json:"plan"`
	Payout     decimal.Decimal `json:"payout"`
	Places     int32           `json:"-"`
	Status     string          `json:"status"`
	Period     string          `json:"period"`
	Error      string          `json:"error,omitempty"`
}

// Payouts lists the payout of every employee with a bonus plan in p, by
// employee id: the stored figure of a locked or paid statement, the draft's
// otherwise.
func (s *Service) Payouts(ctx context.Context, p kpi.Period) ([]Payout, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for id, emp := range e.employees {
		if len(e.segments(emp, p)) > 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	out := []Payout{}
	for _, id := range ids {
		emp := e.employees[id]
		row := Payout{EmployeeID: id, Name: emp.Name, Currency: emp.Currency, Period: p.Label(), Places: 2}
		st, err := s.statement(ctx, e, id, p)
		if err != nil {
			if kpi.ErrorCode(err) == kpi.EINTERNAL {
				return nil, err
			}
			row.Status, row.Error = "error", kpi.ErrorMessage(err)
			out = append(out, row)
			continue
		}
		row.Currency, row.Plan, row.Payout, row.Status, row.Places = st.Currency, st.Plan, st.Payout, st.Status, st.places()
		out = append(out, row)
	}
	return out, nil
}

var payoutHeader = []string{"employee_id", "name", "currency", "plan", "payout", "status", "period"}

func (r Payout) amount() string {
	if r.Status == "error" {
		return ""
	}
	return r.Payout.StringFixed(r.Places)
}

// WritePayoutsCSV writes payouts for payroll: one row per employee, the
// payout as an exact decimal in the currency's minor unit. Text that a
// spreadsheet would read as a formula is neutralised (kpi.SafeCell).
func WritePayoutsCSV(w io.Writer, rows []Payout) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(payoutHeader); err != nil {
		return fmt.Errorf("write payouts: %w", err)
	}
	for _, r := range rows {
		if err := cw.Write(kpi.SafeCells([]string{r.EmployeeID, r.Name, r.Currency, r.Plan, r.amount(), r.Status, r.Period})); err != nil {
			return fmt.Errorf("write payouts: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write payouts: %w", err)
	}
	return nil
}

// WritePayoutsXLSX writes the payouts as a workbook with one sheet. The
// payout cells hold the exact decimal digits as numbers (never a float
// conversion), formatted with two places; text cells go through
// kpi.SafeCell.
func WritePayoutsXLSX(w io.Writer, rows []Payout) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Payouts"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("write payouts: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("write payouts: %w", err)
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return fmt.Errorf("write payouts: %w", err)
	}
	header := make([]any, len(payoutHeader))
	for i, h := range payoutHeader {
		header[i] = h
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return fmt.Errorf("write payouts: %w", err)
	}
	if err := f.SetCellStyle(sheet, "A1", "G1", bold); err != nil {
		return fmt.Errorf("write payouts: %w", err)
	}
	for i, r := range rows {
		n := i + 2
		s := kpi.SafeCell
		row := []any{s(r.EmployeeID), s(r.Name), s(r.Currency), s(r.Plan), nil, s(r.Status), s(r.Period)}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", n), &row); err != nil {
			return fmt.Errorf("write payouts row %d: %w", n, err)
		}
		if r.Status == "error" {
			continue
		}
		cell := fmt.Sprintf("E%d", n)
		if err := f.SetCellDefault(sheet, cell, r.amount()); err != nil {
			return fmt.Errorf("write payouts row %d: %w", n, err)
		}
		if err := f.SetCellStyle(sheet, cell, cell, money); err != nil {
			return fmt.Errorf("write payouts row %d: %w", n, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write payouts: %w", err)
	}
	return nil
}

// pdfText makes text printable in the PDF core fonts (Windows-1252): the
// few signs the statements use that it lacks are spelled out.
var pdfText = strings.NewReplacer("−", "-", "→", "->", "Σ", "sum of", "…", "...", "≤", "<=", "≥", ">=", "–", "-", "’", "'")

// WritePDF writes the statement for the employee to read and redo by hand:
// for every line its inputs, the rule applied and the result, then the
// payout, the balances carried out, the adjustments, the inquiries and the
// lifecycle.
func WritePDF(w io.Writer, st *Statement) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	t := func(s string) string { return tr(pdfText.Replace(s)) }
	pdf.SetTitle("Bonus statement "+st.Employee.ID+" "+st.Label, true)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, t(fmt.Sprintf("%s, %s: page %d of {nb}", st.Employee.ID, st.Label, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 15)
	name := st.Employee.ID
	if st.Employee.Name != "" {
		name = st.Employee.Name + " (" + st.Employee.ID + ")"
	}
	pdf.MultiCell(0, 7, t("Bonus statement: "+name), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, t(fmt.Sprintf("Period %s (%s to %s). Plan %s. Currency %s. Status: %s.", st.Label, st.Period.From, st.Period.To, st.Plan, st.Currency, st.Status)), "", "L", false)
	pdf.Ln(2)
	for _, sec := range st.Sections {
		b := sec.Statement
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 6, t(fmt.Sprintf("Plan %s, %s to %s", sec.Plan, sec.From, sec.To)), "", "L", false)
		pdf.SetFont("Helvetica", "I", 9)
		pdf.MultiCell(0, 4.5, t("Rounding: "+b.Rounding), "", "L", false)
		pdf.Ln(1)
		for _, l := range b.Lines {
			pdf.SetFont("Helvetica", "B", 10)
			pdf.MultiCell(0, 5, t(l.ID+"   "+l.Label), "T", "L", false)
			pdf.SetFont("Helvetica", "", 9)
			if l.KPI != nil {
				pdf.MultiCell(0, 4.5, t(fmt.Sprintf("records: %s of %s in %s (attain kpi explain)", l.KPI.KPI, l.KPI.Subject, l.KPI.Period.Label())), "", "L", false)
			}
			if len(l.Inputs) > 0 {
				parts := make([]string, len(l.Inputs))
				for i, v := range l.Inputs {
					parts[i] = v.Name + " " + show(v.Value, v.Unit, b.Places)
				}
				pdf.MultiCell(0, 4.5, t("inputs: "+strings.Join(parts, "; ")), "", "L", false)
			}
			pdf.MultiCell(0, 4.5, t("rule: "+l.Rule), "", "L", false)
			pdf.SetFont("Helvetica", "B", 9)
			pdf.MultiCell(0, 4.5, t("result: "+show(l.Result, l.Unit, b.Places)), "", "L", false)
			pdf.Ln(1)
		}
	}
	pdf.SetFont("Helvetica", "B", 12)
	pdf.MultiCell(0, 7, t(fmt.Sprintf("Payout: %s %s", st.Payout.StringFixed(st.places()), st.Currency)), "T", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, t(fmt.Sprintf("Carried out: draw balance %s, clawback balance %s.",
		st.CarryOut.DrawBalance.StringFixed(st.places()), st.CarryOut.ClawbackBalance.StringFixed(st.places()))), "", "L", false)
	for _, a := range st.Adjustments {
		pdf.MultiCell(0, 5, t(fmt.Sprintf("Adjustment of %s: %s (%s).", a.Of.Label(), a.Amount.StringFixed(st.places()), a.Reason)), "", "L", false)
	}
	for _, n := range st.Notes {
		pdf.MultiCell(0, 5, t("Note: "+n), "", "L", false)
	}
	if len(st.Inquiries) > 0 {
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "B", 11)
		pdf.MultiCell(0, 6, "Inquiries", "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
		for _, q := range st.Inquiries {
			pdf.MultiCell(0, 4.5, t(fmt.Sprintf("#%d on %s, %s by %s: %s", q.ID, q.Line, q.AskedAt.Format("2006-01-02"), q.AskedBy, q.Text)), "", "L", false)
			if q.AnsweredAt != nil {
				pdf.MultiCell(0, 4.5, t(fmt.Sprintf("    answer, %s by %s: %s", q.AnsweredAt.Format("2006-01-02"), q.AnsweredBy, q.Answer)), "", "L", false)
			}
		}
	}
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "", 9)
	for _, step := range []struct {
		what, by string
		at       any
	}{{"approved", st.ApprovedBy, st.ApprovedAt}, {"locked", st.LockedBy, st.LockedAt}, {"paid", st.PaidBy, st.PaidAt}} {
		if step.by != "" {
			pdf.MultiCell(0, 4.5, t(fmt.Sprintf("%s by %s at %v", step.what, step.by, step.at)), "", "L", false)
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write statement pdf: %w", err)
	}
	return nil
}

// show writes a line's value like the text statement does.
func show(d decimal.Decimal, unit string, places int32) string {
	switch unit {
	case bonus.UnitMoney:
		return d.StringFixed(places)
	case bonus.UnitPercent:
		return d.Round(4).String() + " %"
	case bonus.UnitPass:
		if d.IsZero() {
			return "failed"
		}
		return "passed"
	case bonus.UnitDays:
		return d.String() + " days"
	}
	return d.Round(6).String()
}
