package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"
	"github.com/shopspring/decimal"

	"attain/kpi"
)

// PilotReportPDF is a pilot's report as a PDF, in the order of its page:
// the pilot, the KPIs with their sentences, the would-be bonuses against
// the current scheme, the spread of scores and the corrections.
func (a *App) PilotReportPDF(ctx context.Context, who kpi.Actor, id int64) (*File, error) {
	rep, err := a.PilotReport(ctx, who, id)
	if err != nil {
		return nil, err
	}
	return &File{Name: fmt.Sprintf("pilot-%d.pdf", id), ContentType: ContentPDF, Count: len(rep.KPIs),
		write: func(w io.Writer) error {
			d := newPDFDoc("Pilot report: " + rep.Pilot.Name)
			d.pilot(rep, 1)
			return d.save(w, "pilot report")
		}}, nil
}

// MeetingPackPDF is the review pack as a PDF, in the order the meeting
// walks through it: plan vs actual, who needs attention, the pilots, the
// open proposals and the comments.
func (a *App) MeetingPackPDF(ctx context.Context, who kpi.Actor, q MeetingQuery) (*File, error) {
	pack, err := a.MeetingPack(ctx, who, q)
	if err != nil {
		return nil, err
	}
	return &File{Name: fmt.Sprintf("review-pack-%s-%s.pdf", strings.ReplaceAll(pack.Unit, "/", "-"), pack.Period.Label()), ContentType: ContentPDF,
		Count: len(pack.Cards), write: func(w io.Writer) error { return writePackPDF(w, pack) }}, nil
}

// pdfSigns are the signs the PDF core fonts (Windows-1252) lack, spelled
// out.
var pdfSigns = strings.NewReplacer("−", "-", "→", "->", "Σ", "sum of", "…", "...", "≤", "<=", "≥", ">=", "–", "-", "’", "'", "·", "-", "²", "^2", "√", "sqrt ")

// pdfDoc writes headings, paragraphs and plain tables on A4 pages.
type pdfDoc struct {
	f  *fpdf.Fpdf
	tr func(string) string
}

func newPDFDoc(title string) *pdfDoc {
	f := fpdf.New("P", "mm", "A4", "")
	d := &pdfDoc{f: f}
	tr := f.UnicodeTranslatorFromDescriptor("")
	d.tr = func(s string) string { return tr(pdfSigns.Replace(s)) }
	f.SetCompression(false) // the text stays searchable in the file
	f.SetTitle(title, true)
	f.SetMargins(15, 15, 15)
	f.SetAutoPageBreak(true, 15)
	f.AliasNbPages("")
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont("Helvetica", "", 8)
		f.CellFormat(0, 5, d.tr(fmt.Sprintf("%s: page %d of {nb}", title, f.PageNo())), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	f.SetFont("Helvetica", "B", 15)
	f.MultiCell(0, 7, d.tr(title), "", "L", false)
	return d
}

func (d *pdfDoc) heading(s string) {
	d.f.Ln(2)
	d.f.SetFont("Helvetica", "B", 12)
	d.f.MultiCell(0, 6, d.tr(s), "B", "L", false)
	d.f.Ln(1)
}

func (d *pdfDoc) sub(s string) {
	d.f.SetFont("Helvetica", "B", 10)
	d.f.MultiCell(0, 5, d.tr(s), "", "L", false)
}

func (d *pdfDoc) para(s string) {
	d.f.SetFont("Helvetica", "", 9)
	d.f.MultiCell(0, 4.5, d.tr(s), "", "L", false)
}

// table writes a header row and rows; widths are in mm (they should add
// up to 180), a column whose header ends in a space is right-aligned
// (numbers). A long cell wraps onto more lines; a row that does not fit on
// the page starts the next one, under the header again.
func (d *pdfDoc) table(widths []float64, header []string, rows [][]string) {
	const lineH = 4.2
	align := make([]string, len(header))
	for i, h := range header {
		align[i] = "L"
		if strings.HasSuffix(h, " ") {
			align[i] = "R"
		}
	}
	var row func(cells []string, head bool)
	row = func(cells []string, head bool) {
		style := ""
		if head {
			style = "B"
		}
		d.f.SetFont("Helvetica", style, 8)
		lines := make([][]string, len(widths))
		n := 1
		for i, w := range widths {
			if i < len(cells) && cells[i] != "" {
				lines[i] = d.f.SplitText(d.tr(cells[i]), w-1.5)
			}
			n = max(n, len(lines[i]))
		}
		h := float64(n)*lineH + 0.8
		_, pageH := d.f.GetPageSize()
		_, _, _, bottom := d.f.GetMargins()
		if d.f.GetY()+h > pageH-bottom {
			d.f.AddPage()
			if !head {
				row(header, true)
				d.f.SetFont("Helvetica", style, 8)
			}
		}
		left, top := d.f.GetXY()
		x := left
		for i, w := range widths {
			for j, l := range lines[i] {
				d.f.SetXY(x, top+float64(j)*lineH)
				d.f.CellFormat(w, lineH, l, "", 0, align[i], false, 0, "")
			}
			x += w
		}
		if head {
			d.f.Line(left, top+h, x, top+h)
		}
		d.f.SetXY(left, top+h)
	}
	row(header, true)
	for _, r := range rows {
		row(r, false)
	}
	d.f.Ln(1)
}

func (d *pdfDoc) save(w io.Writer, what string) error {
	if err := d.f.Output(w); err != nil {
		return fmt.Errorf("write %s pdf: %w", what, err)
	}
	return nil
}

// pdfMoney writes an amount to cents with thousands separated.
func pdfMoney(v decimal.Decimal, currency string) string {
	return strings.TrimSpace(kpi.Grouped(v, 2) + " " + currency)
}

// pilot writes a pilot's report: level 1 on its own, 2 inside a pack.
func (d *pdfDoc) pilot(rep *PilotReport, level int) {
	p := rep.Pilot
	mode := "shadow: computed and shown, not paid"
	if !p.Shadow {
		mode = "live: paid"
	}
	h := d.heading
	if level > 1 {
		h = d.sub
		d.sub("Pilot: " + p.Name)
	}
	comp := ""
	if rep.CompName != "" {
		comp = ", compared with " + rep.CompName
	}
	d.para(fmt.Sprintf("%s%s. Days %s to %s (%d working days); before: %s to %s. Mode %s. Status %s.",
		rep.UnitName, comp, rep.Window.From, rep.Window.To, rep.WorkingDays, rep.Before.From, rep.Before.To, mode, p.Status))
	var scheme []string
	if p.Template != "" {
		scheme = append(scheme, "scorecard template "+p.Template)
	}
	if p.Plan != "" {
		scheme = append(scheme, "bonus plan "+p.Plan)
	}
	d.para(fmt.Sprintf("Under trial: %s. %d people in the pilot, %d compared.", strings.Join(scheme, " and "), len(rep.People), len(rep.Comparison)))
	for _, n := range rep.Notes {
		d.para("Note: " + n)
	}
	h("Did the KPIs move?")
	if len(rep.KPIs) == 0 {
		d.para("No KPI to compare: the scheme names none, or nobody was there all along.")
	}
	rows := [][]string{}
	for _, k := range rep.KPIs {
		r := k.Result
		row := []string{k.Title, fmt.Sprint(r.Pilot.N), r.Pilot.MeanBefore.Round(2).String(), r.Pilot.MeanDuring.Round(2).String(), "", "", "", r.Estimate.Round(2).String(), ""}
		if c := r.Comparison; c != nil {
			row[4], row[5], row[6] = fmt.Sprint(c.N), c.MeanBefore.Round(2).String(), c.MeanDuring.Round(2).String()
		}
		if r.Valid {
			row[8] = r.Low.Round(2).String() + " to " + r.High.Round(2).String()
		}
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		d.table([]float64{44, 12, 18, 18, 14, 18, 18, 18, 20},
			[]string{"KPI", "Pilot n ", "Before ", "During ", "Comp. n ", "Before ", "During ", "DiD ", "95 % interval "}, rows)
	}
	for _, k := range rep.KPIs {
		d.para(k.Sentence)
	}
	h("Would-be bonuses over the pilot's days")
	d.para(fmt.Sprintf("Current scheme %s; pilot scheme %s; difference %s. %d gain, %d lose, %d would be paid nothing; capped: %d under the current scheme, %d under the pilot's.",
		pdfMoney(rep.Current, rep.Currency), pdfMoney(rep.Shadow, rep.Currency), pdfMoney(rep.Difference, rep.Currency), rep.Gainers, rep.Losers, rep.PaidNothing, rep.CappedCurrent, rep.CappedShadow))
	rows = rows[:0]
	for _, pp := range rep.Payouts {
		if pp.Error != "" {
			rows = append(rows, []string{pp.Employee, pp.Name, "", "", "", pp.Error})
			continue
		}
		rows = append(rows, []string{pp.Employee, pp.Name, pdfMoney(pp.Current, pp.Currency), pdfMoney(pp.Shadow, pp.Currency), pdfMoney(pp.Difference, pp.Currency), capNote(pp)})
	}
	rows = append(rows, []string{"Total", "", pdfMoney(rep.Current, rep.Currency), pdfMoney(rep.Shadow, rep.Currency), pdfMoney(rep.Difference, rep.Currency), ""})
	d.table([]float64{34, 40, 28, 28, 28, 22}, []string{"Employee", "Name", "Current ", "Pilot ", "Difference ", "Capped"}, rows)
	if len(rep.Scores) > 0 {
		rows = rows[:0]
		for _, sb := range rep.Scores {
			rows = append(rows, []string{sb.Label, fmt.Sprint(sb.Current), fmt.Sprint(sb.Shadow)})
		}
		d.para("How the scores spread (people): many below 80 says the levels are too hard, many above 120 too easy.")
		d.table([]float64{60, 40, 40}, []string{"Score", "Current scheme ", "Pilot scheme "}, rows)
	}
	h("Corrections during the pilot")
	if len(rep.Corrections) == 0 {
		d.para("None: the plan and template under trial were not changed while it ran.")
	}
	for _, c := range rep.Corrections {
		d.para(fmt.Sprintf("%s by %s: %s %s %s", c.At.Format("2006-01-02 15:04"), c.Actor, c.Action, c.EntityID, c.Reason))
	}
}

// capNote says under which scheme a person's statement hits a cap.
func capNote(pp PilotPayout) string {
	var s []string
	if pp.CappedCurrent {
		s = append(s, "current")
	}
	if pp.CappedShadow {
		s = append(s, "pilot")
	}
	return strings.Join(s, ", ")
}

func writePackPDF(w io.Writer, pack *MeetingPack) error {
	d := newPDFDoc(fmt.Sprintf("Review pack: %s, %s", pack.UnitName, pack.Period.Label()))
	d.para(fmt.Sprintf("%s (%s), %s to %s. In the order the meeting walks through it: plan vs actual, who needs attention, pilots, open proposals, comments.",
		pack.UnitName, pack.Unit, pack.Period.From, pack.Period.To))
	for _, n := range pack.Notes {
		d.para("Note: " + n)
	}
	name := func(id string) string {
		if n := pack.Names[id]; n != "" {
			return n
		}
		return id
	}
	d.heading("1. Plan vs actual")
	if len(pack.Cards) == 0 {
		d.para("No scorecards.")
	}
	for _, c := range pack.Cards {
		total := "no score"
		if !c.TotalNull {
			total = c.Total.String()
		}
		d.sub(fmt.Sprintf("%s: total score %s", name(c.Subject.ID), total))
		rows := [][]string{}
		for _, it := range c.Items {
			row := []string{it.KPI, it.Weight.String(), it.Display.Actual, it.Display.Target, num(it.Achievement, it.AchievementNull), num(it.Score, it.ScoreNull), it.Status.Words()}
			rows = append(rows, row)
		}
		d.table([]float64{40, 13, 30, 30, 20, 13, 34}, []string{"KPI", "Weight ", "Actual ", "Target ", "% of target ", "Score ", "Status"}, rows)
	}
	if len(pack.Trends) > 0 {
		d.sub("Total score over 12 months")
		header := []string{"Who"}
		widths := []float64{36}
		for _, m := range pack.Trends[0].Periods {
			header, widths = append(header, m.Label()[2:]+" "), append(widths, 12)
		}
		rows := [][]string{}
		for _, tr := range pack.Trends {
			row := []string{name(tr.Subject.ID)}
			for _, t := range tr.Totals {
				if t == nil {
					row = append(row, "-")
				} else {
					row = append(row, t.Round(1).String())
				}
			}
			rows = append(rows, row)
		}
		d.table(widths, header, rows)
	}
	d.sub("Awards in " + pack.Period.Label())
	if len(pack.Awards) == 0 {
		d.para("None for the people and units of this pack.")
	}
	for _, aw := range pack.Awards {
		n := aw.Name
		if n == "" {
			n = name(aw.Subject.ID)
		}
		d.para(fmt.Sprintf("%s: %s. %s", aw.Title, n, aw.Reason))
	}
	d.heading("2. Who needs attention")
	if pack.Attention == nil || len(pack.Attention.Concerns) == 0 {
		d.para("Nobody: no KPI below threshold, falling or behind pace.")
	} else {
		rows := [][]string{}
		for _, c := range pack.Attention.Concerns {
			var why []string
			for _, r := range c.Reasons {
				why = append(why, r.Text)
			}
			rows = append(rows, []string{name(c.Subject.ID), fmt.Sprint(c.Points), strings.Join(why, "; ")})
		}
		d.table([]float64{40, 14, 126}, []string{"Who", "Points ", "Why"}, rows)
	}
	d.heading("3. Pilots")
	if len(pack.Pilots) == 0 {
		d.para("No pilot ran in the unit in the period.")
	}
	for _, rep := range pack.Pilots {
		d.pilot(rep, 2)
	}
	d.heading("4. Open proposals")
	if len(pack.Proposals) == 0 {
		d.para("None.")
	}
	for _, p := range pack.Proposals {
		what := ""
		if p.Value != nil {
			what = fmt.Sprintf("target of %s for %s in %s: %s", p.KPI, name(p.Subject.ID), p.Period.Label(), p.Value)
		} else {
			what = fmt.Sprintf("new definition of %s", p.KPI)
		}
		d.para(fmt.Sprintf("#%d %s, proposed by %s on %s. Why: %s", p.ID, what, p.By, p.At.Format("2006-01-02"), p.Why))
	}
	d.heading("5. Comments")
	if len(pack.Comments) == 0 {
		d.para("None.")
	}
	for _, c := range pack.Comments {
		on := name(c.Subject.ID)
		if c.KPI != "" {
			on += ", " + c.KPI
		}
		prefix := fmt.Sprintf("#%d on %s", c.ID, on)
		if c.Parent != 0 {
			prefix = fmt.Sprintf("    reply #%d to #%d", c.ID, c.Parent)
		}
		line := fmt.Sprintf("%s, %s by %s: %s", prefix, c.At.Format("2006-01-02"), c.By, c.Text)
		if c.ResolvedBy != "" {
			line += " (resolved by " + c.ResolvedBy + ")"
		}
		d.para(line)
	}
	return d.save(w, "review pack")
}

// num writes a score or a percentage to one decimal, "-" for none.
func num(v decimal.Decimal, null bool) string {
	if null {
		return "-"
	}
	return v.StringFixed(1)
}
