package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"attain/calc/score"
	"attain/kpi"
)

// MeetingPack is what a review meeting of a unit walks through for a
// period, in order: the scorecards (plan vs actual), who needs attention,
// the pilots that ran, the open proposals and the comments.
type MeetingPack struct {
	Unit      string            `json:"unit"`
	UnitName  string            `json:"unit_name"`
	Period    kpi.Period        `json:"period"`
	Cards     []*Card           `json:"cards"`
	Names     map[string]string `json:"names"` // subject id → name
	Attention *Attention        `json:"attention,omitempty"`
	Pilots    []*PilotReport    `json:"pilots"`
	Proposals []*kpi.Proposal   `json:"proposals"`
	Comments  []*Comment        `json:"comments"`
	Notes     []string          `json:"notes"`

	// The period's awards of the people and units covered, and each
	// scorecard's total score over the 12 months to the period
	// (pack_extra.go).
	Awards []*kpi.Award `json:"awards"`
	Trends []ScoreTrend `json:"trends"`
}

// MaxPackPilots is how many pilots a pack reports on.
const MaxPackPilots = 5

// MeetingPack gathers the pack of a unit and period.
func (a *App) MeetingPack(ctx context.Context, who kpi.Actor, q MeetingQuery) (*MeetingPack, error) {
	if q.Unit == "" || q.Employee != "" {
		return nil, kpi.Errorf(kpi.EINVALID, "unit: a review pack is of a unit; give one.")
	}
	sctx, subjects, p, err := a.meetingScope(ctx, who, q)
	if err != nil {
		return nil, err
	}
	pack := &MeetingPack{Unit: q.Unit, Period: p, Names: map[string]string{}, Pilots: []*PilotReport{}, Notes: []string{}}
	rctx, err := a.begin(ctx, who, ReadValues, onSubject(kpi.Subject{Kind: kpi.SubjectUnit, ID: q.Unit}, p))
	if err != nil {
		return nil, err
	}
	cards, names, err := a.review.UnitCards(rctx, q.Unit, p, "")
	if err != nil {
		pack.Notes = append(pack.Notes, "no scorecards: "+kpi.ErrorMessage(err))
	}
	pack.Cards = nonNil(cards)
	for s, n := range names {
		pack.Names[s.ID] = n
	}
	unit, err := a.svc.Org.FindOrgUnitByID(sctx, q.Unit)
	if err != nil {
		return nil, err
	}
	pack.UnitName = unit.Name
	// Who needs attention: the reports of the unit's head and of the
	// heads of the units below it.
	units, err := a.svc.Org.FindOrgUnits(sctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, u := range units {
		if u.HeadID == "" || seen[u.HeadID] || !slices.Contains(subjects, kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}) {
			continue
		}
		seen[u.HeadID] = true
		att, err := a.review.Attention(rctx, u.HeadID, p)
		if err != nil {
			continue
		}
		if pack.Attention == nil {
			pack.Attention = att
		} else {
			pack.Attention.Concerns = append(pack.Attention.Concerns, att.Concerns...)
			pack.Attention.Skipped = append(pack.Attention.Skipped, att.Skipped...)
		}
		pack.Names[u.ID] = u.Name
	}
	for _, u := range units {
		if slices.Contains(subjects, kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}) {
			pack.Names[u.ID] = u.Name
		}
	}
	if pack.Attention != nil {
		slices.SortStableFunc(pack.Attention.Concerns, func(x, y score.Concern) int { return y.Points - x.Points })
	}
	pilots, err := a.Pilots(ctx, who)
	if err != nil && kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		return nil, err
	}
	for _, pl := range pilots {
		inScope := false
		for _, s := range subjects {
			inScope = inScope || (s.Kind == kpi.SubjectUnit && s.ID == pl.Unit)
		}
		if !inScope || pl.End < p.From || pl.Start > p.To || len(pack.Pilots) == MaxPackPilots {
			continue
		}
		rep, err := a.PilotReport(ctx, who, pl.ID)
		if err != nil {
			return nil, err
		}
		pack.Pilots = append(pack.Pilots, rep)
	}
	if pack.Proposals, err = a.Proposals(ctx, who, q, []string{kpi.ProposalOpen}); err != nil {
		return nil, err
	}
	if pack.Comments, err = a.Comments(ctx, who, q); err != nil {
		return nil, err
	}
	if err := a.packExtras(ctx, rctx, who, pack, subjects); err != nil {
		return nil, err
	}
	return pack, nil
}

// MeetingPackXLSX is the pack as a workbook, one sheet per part in the
// order the meeting walks through it. Numbers are spreadsheet numbers
// (the exact values are in the API).
func (a *App) MeetingPackXLSX(ctx context.Context, who kpi.Actor, q MeetingQuery) (*File, error) {
	pack, err := a.MeetingPack(ctx, who, q)
	if err != nil {
		return nil, err
	}
	return &File{Name: fmt.Sprintf("review-pack-%s-%s.xlsx", strings.ReplaceAll(pack.Unit, "/", "-"), pack.Period.Label()), ContentType: ContentXLSX,
		Count: len(pack.Cards), write: func(w io.Writer) error { return writePackXLSX(w, pack) }}, nil
}

// PilotReportXLSX is a pilot's report as a workbook.
func (a *App) PilotReportXLSX(ctx context.Context, who kpi.Actor, id int64) (*File, error) {
	rep, err := a.PilotReport(ctx, who, id)
	if err != nil {
		return nil, err
	}
	return &File{Name: fmt.Sprintf("pilot-%d.xlsx", id), ContentType: ContentXLSX, Count: len(rep.KPIs),
		write: func(w io.Writer) error {
			b := newBook()
			defer b.f.Close()
			b.pilotSheets(rep, "")
			return b.save(w)
		}}, nil
}

// book writes sheets of rows: decimals as numbers, the first row of each
// sheet in bold.
type book struct {
	f      *excelize.File
	sheets int
	err    error
}

func newBook() *book { return &book{f: excelize.NewFile()} }

func (b *book) sheet(name string, rows [][]any) {
	if b.err != nil {
		return
	}
	if len(name) > 31 {
		name = name[:31]
	}
	if b.sheets == 0 {
		b.err = b.f.SetSheetName("Sheet1", name)
	} else {
		_, b.err = b.f.NewSheet(name)
	}
	b.sheets++
	bold, _ := b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, c := range row {
			switch v := c.(type) {
			case decimal.Decimal:
				cells[j] = v.InexactFloat64()
			case string:
				cells[j] = safeCell(v)
			default:
				cells[j] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := b.f.SetSheetRow(name, cell, &cells); err != nil && b.err == nil {
			b.err = err
		}
		if i == 0 && len(row) > 0 {
			end, _ := excelize.CoordinatesToCellName(len(row), 1)
			_ = b.f.SetCellStyle(name, "A1", end, bold)
		}
	}
}

func (b *book) save(w io.Writer) error {
	if b.err != nil {
		return b.err
	}
	return b.f.Write(w)
}

// pilotSheets adds a pilot report's sheets, their names prefixed.
func (b *book) pilotSheets(rep *PilotReport, prefix string) {
	p := rep.Pilot
	mode := "shadow (not paid)"
	if !p.Shadow {
		mode = "live"
	}
	b.sheet(prefix+"Pilot", [][]any{
		{"Pilot", p.Name}, {"Unit", rep.UnitName + " (" + p.Unit + ")"}, {"Compared with", rep.CompName}, {"Days", rep.Window.From.String() + ".." + rep.Window.To.String()},
		{"Before", rep.Before.From.String() + ".." + rep.Before.To.String()}, {"Working days", rep.WorkingDays}, {"Scorecard template", p.Template},
		{"Bonus plan", p.Plan}, {"Mode", mode}, {"Status", p.Status}, {"People in the pilot", strings.Join(rep.People, ", ")},
		{"People compared", strings.Join(rep.Comparison, ", ")}, {"Notes", strings.Join(rep.Notes, "; ")},
	})
	rows := [][]any{{"KPI", "Pilot n", "Pilot before", "Pilot during", "Comparison n", "Comparison before", "Comparison during",
		"Difference in differences", "95% low", "95% high", "Could be chance", "In words"}}
	for _, k := range rep.KPIs {
		r := k.Result
		row := []any{k.Title, r.Pilot.N, r.Pilot.MeanBefore, r.Pilot.MeanDuring, "", "", "", r.Estimate, "", "", "", k.Sentence}
		if c := r.Comparison; c != nil {
			row[4], row[5], row[6] = c.N, c.MeanBefore, c.MeanDuring
		}
		if r.Valid {
			row[8], row[9] = r.Low, r.High
			row[10] = map[bool]string{true: "no", false: "yes"}[r.Significant]
		}
		rows = append(rows, row)
	}
	b.sheet(prefix+"KPIs", rows)
	rows = [][]any{{"Employee", "Name", "Currency", "Current scheme", "Pilot scheme", "Difference", "Note"}}
	for _, pp := range rep.Payouts {
		rows = append(rows, []any{pp.Employee, pp.Name, pp.Currency, pp.Current, pp.Shadow, pp.Difference, pp.Error})
	}
	rows = append(rows, []any{"Total", "", rep.Currency, rep.Current, rep.Shadow, rep.Difference, fmt.Sprintf("%d gain, %d lose, %d paid nothing; capped: %d current, %d pilot", rep.Gainers, rep.Losers, rep.PaidNothing, rep.CappedCurrent, rep.CappedShadow)})
	rows = append(rows, []any{}, []any{"Score", "Current scheme (people)", "Pilot scheme (people)"})
	for _, sb := range rep.Scores {
		rows = append(rows, []any{sb.Label, sb.Current, sb.Shadow})
	}
	b.sheet(prefix+"Bonuses", rows)
}

func writePackXLSX(w io.Writer, pack *MeetingPack) error {
	b := newBook()
	defer b.f.Close()
	rows := [][]any{{"Subject", "Name", "KPI", "Actual", "Target", "Achievement %", "Score", "Status", "Total score"}}
	for _, c := range pack.Cards {
		for _, it := range c.Items {
			rows = append(rows, []any{c.Subject.ID, pack.Names[c.Subject.ID], it.KPI, it.Actual, it.Target, it.Achievement, it.Score, string(it.Status), c.Total})
		}
	}
	b.sheet("Plan vs actual", rows)
	if len(pack.Trends) > 0 {
		rows = [][]any{{"Subject", "Name"}}
		for _, m := range pack.Trends[0].Periods {
			rows[0] = append(rows[0], m.Label())
		}
		for _, tr := range pack.Trends {
			row := []any{tr.Subject.ID, pack.Names[tr.Subject.ID]}
			for _, t := range tr.Totals {
				if t == nil {
					row = append(row, "")
				} else {
					row = append(row, *t)
				}
			}
			rows = append(rows, row)
		}
		b.sheet("Total score by month", rows)
	}
	rows = [][]any{{"Award", "Subject", "Name", "Why"}}
	for _, aw := range pack.Awards {
		rows = append(rows, []any{aw.Title, aw.Subject.ID, aw.Name, aw.Reason})
	}
	b.sheet("Awards", rows)
	rows = [][]any{{"Subject", "Points", "Why"}}
	if pack.Attention != nil {
		for _, c := range pack.Attention.Concerns {
			var why []string
			for _, r := range c.Reasons {
				why = append(why, r.Text)
			}
			rows = append(rows, []any{c.Subject.ID, c.Points, strings.Join(why, "; ")})
		}
	}
	b.sheet("Needs attention", rows)
	for i, rep := range pack.Pilots {
		b.pilotSheets(rep, fmt.Sprintf("P%d ", i+1))
	}
	rows = [][]any{{"#", "Kind", "KPI", "Subject", "Period", "Proposed", "Why", "By"}}
	for _, p := range pack.Proposals {
		val := ""
		if p.Value != nil {
			val = p.Value.String()
		} else {
			val = string(p.KPIDef)
		}
		rows = append(rows, []any{p.ID, p.Kind, p.KPI, p.Subject.ID, p.Period.Label(), val, p.Why, p.By})
	}
	b.sheet("Open proposals", rows)
	rows = [][]any{{"#", "Reply to", "Subject", "KPI", "Period", "Comment", "By", "At", "Resolved by"}}
	for _, c := range pack.Comments {
		rows = append(rows, []any{c.ID, c.Parent, c.Subject.ID, c.KPI, c.Period.Label(), c.Text, c.By, c.At.Format("2006-01-02 15:04"), c.ResolvedBy})
	}
	b.sheet("Comments", rows)
	return b.save(w)
}
