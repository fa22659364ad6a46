package payroll

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

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
		row.Currency, row.Plan, row.Payout, row.Status, row.Places = st.Currency, st.Plan, st.Payout, st.Status, st.Places()
		out = append(out, row)
	}
	return out, nil
}

var payoutHeader = []string{"employee_id", "name", "currency", "plan", "payout", "status", "period"}

// StatusTotal marks the rows of a payouts export that total a currency.
const StatusTotal = "total"

// PayoutTotals sums the payouts of a period per currency, by currency:
// one row each, status "total", name "total", no employee (rows that
// could not be computed are left out). Only payouts: projected earnings
// are never in them.
func PayoutTotals(rows []Payout) []Payout {
	byCur := map[string]*Payout{}
	var curs []string
	for _, r := range rows {
		if r.Status == "error" || r.Status == StatusTotal {
			continue
		}
		t := byCur[r.Currency]
		if t == nil {
			t = &Payout{Name: "total", Currency: r.Currency, Status: StatusTotal, Period: r.Period, Places: r.Places}
			byCur[r.Currency] = t
			curs = append(curs, r.Currency)
		}
		t.Payout = t.Payout.Add(r.Payout)
		t.Places = max(t.Places, r.Places)
	}
	sort.Strings(curs)
	out := make([]Payout, 0, len(curs))
	for _, c := range curs {
		out = append(out, *byCur[c])
	}
	return out
}

func (r Payout) amount() string {
	if r.Status == "error" {
		return ""
	}
	return r.Payout.StringFixed(r.Places)
}

// WritePayoutsCSV writes payouts for payroll: one row per employee, the
// payout as an exact decimal in the currency's minor unit, then a total
// row per currency (status "total"). Text that a spreadsheet would read as
// a formula is neutralised (kpi.SafeCell).
func WritePayoutsCSV(w io.Writer, rows []Payout) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(payoutHeader); err != nil {
		return fmt.Errorf("write payouts: %w", err)
	}
	for _, r := range append(slices.Clip(rows), PayoutTotals(rows)...) {
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

// WritePayoutsXLSX writes the payouts as a workbook with one sheet, a
// bold total row per currency at the end. The payout cells hold the exact
// decimal digits as numbers (never a float conversion), formatted with two
// places; text cells go through kpi.SafeCell.
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
	for i, r := range append(slices.Clip(rows), PayoutTotals(rows)...) {
		n := i + 2
		s := kpi.SafeCell
		row := []any{s(r.EmployeeID), s(r.Name), s(r.Currency), s(r.Plan), nil, s(r.Status), s(r.Period)}
		if r.Status == StatusTotal {
			if err := f.SetCellStyle(sheet, fmt.Sprintf("A%d", n), fmt.Sprintf("G%d", n), bold); err != nil {
				return fmt.Errorf("write payouts row %d: %w", n, err)
			}
		}
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

// PDF writes the statement of employeeID for p (see Statement) as WritePDF
// does, its KPI lines in their KPIs' units. Nothing is written when the
// statement cannot be made.
func (s *Service) PDF(ctx context.Context, w io.Writer, employeeID string, p kpi.Period) error {
	e, err := s.env(ctx)
	if err != nil {
		return err
	}
	st, err := s.statement(ctx, e, employeeID, p)
	if err != nil {
		return err
	}
	return WritePDF(w, st, e.defs.KPI)
}

// WritePDF writes the statement for the employee to read and redo by hand:
// for every line its inputs, the rule applied and the result, then the
// payout, the balances carried out, the adjustments, the inquiries and the
// lifecycle. Amounts are written to the currency's places with thousands
// separated, percentages with one decimal, and a KPI's actual in the KPI's
// unit (kpi.Display) when kpiOf, which may be nil, knows it; the rules keep
// their exact numbers.
func WritePDF(w io.Writer, st *kpi.Statement, kpiOf func(name string) *kpi.KPI) error {
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
	lines := func(ls []kpi.StatementLine, places int32) {
		for _, l := range ls {
			pdf.SetFont("Helvetica", "B", 10)
			pdf.MultiCell(0, 5, t(l.ID+"   "+l.Label), "T", "L", false)
			pdf.SetFont("Helvetica", "", 9)
			if l.KPI != nil {
				pdf.MultiCell(0, 4.5, t(fmt.Sprintf("records: %s of %s in %s (attain kpi explain)", l.KPI.KPI, l.KPI.Subject, l.KPI.Period.Label())), "", "L", false)
			}
			if len(l.Inputs) > 0 {
				parts := make([]string, len(l.Inputs))
				for i, v := range l.Inputs {
					parts[i] = v.Name + " " + show(v.Value, v.Unit, places)
				}
				pdf.MultiCell(0, 4.5, t("inputs: "+strings.Join(parts, "; ")), "", "L", false)
			}
			pdf.MultiCell(0, 4.5, t("rule: "+l.Rule), "", "L", false)
			pdf.SetFont("Helvetica", "B", 9)
			result := show(l.Result, l.Unit, places)
			if l.KPI != nil && l.Unit == kpi.LineNumber && kpiOf != nil {
				if k := kpiOf(l.KPI.KPI); k != nil {
					result = kpi.Display(k, l.Result)
				}
			}
			pdf.MultiCell(0, 4.5, t("result: "+result), "", "L", false)
			pdf.Ln(1)
		}
	}
	for _, sec := range st.Sections {
		b := sec.Evaluation
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 6, t(fmt.Sprintf("Plan %s, %s to %s", sec.Plan, sec.From, sec.To)), "", "L", false)
		pdf.SetFont("Helvetica", "I", 9)
		if x := b.FX; x != nil {
			pdf.MultiCell(0, 4.5, t(fmt.Sprintf("Plan amounts in %s, paid in %s at %s %s per %s (rate of %s)", x.From, x.To, x.Rate, x.To, x.From, x.Date)), "", "L", false)
		}
		pdf.MultiCell(0, 4.5, t("Rounding: "+b.Rounding), "", "L", false)
		pdf.Ln(1)
		lines(b.Lines, b.Places)
		if pj := b.Projection; pj != nil {
			pdf.SetFont("Helvetica", "B", 11)
			pdf.MultiCell(0, 6, t("Projected, not paid: what open deals would add if they closed"), "", "L", false)
			lines(pj.Lines, b.Places)
		}
	}
	pdf.SetFont("Helvetica", "B", 12)
	pdf.MultiCell(0, 7, t(fmt.Sprintf("Payout: %s %s", kpi.Grouped(st.Payout, st.Places()), st.Currency)), "T", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, t(fmt.Sprintf("Carried out: draw balance %s, clawback balance %s.",
		kpi.Grouped(st.CarryOut.DrawBalance, st.Places()), kpi.Grouped(st.CarryOut.ClawbackBalance, st.Places()))), "", "L", false)
	if st.Projected != nil {
		pdf.MultiCell(0, 5, t(fmt.Sprintf("Projected earnings, not paid and not in the payout: %s %s.", kpi.Grouped(*st.Projected, st.Places()), st.Currency)), "", "L", false)
	}
	for _, a := range st.Adjustments {
		pdf.MultiCell(0, 5, t(fmt.Sprintf("Adjustment of %s: %s (%s).", a.Of.Label(), kpi.Grouped(a.Amount, st.Places()), a.Reason)), "", "L", false)
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
		at       *time.Time
	}{{"approved", st.ApprovedBy, st.ApprovedAt}, {"approved again", st.SecondApprovedBy, st.SecondApprovedAt}, {"locked", st.LockedBy, st.LockedAt}, {"paid", st.PaidBy, st.PaidAt}} {
		if step.by != "" && step.at != nil {
			pdf.MultiCell(0, 4.5, t(fmt.Sprintf("%s by %s on %s", step.what, step.by, step.at.UTC().Format("2006-01-02 15:04 UTC"))), "", "L", false)
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write statement pdf: %w", err)
	}
	return nil
}

// show writes a line's value for reading: amounts to places with
// thousands separated, percentages with one decimal (kpi's formats).
func show(d decimal.Decimal, unit string, places int32) string {
	switch unit {
	case kpi.LineMoney:
		return kpi.Grouped(d, places)
	case kpi.LinePercent:
		return kpi.Grouped(d, kpi.PercentPlaces) + " %"
	case kpi.LinePass:
		if d.IsZero() {
			return "failed"
		}
		return "passed"
	case kpi.LineDays:
		return d.String() + " days"
	}
	return d.Round(6).String()
}
