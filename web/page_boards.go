package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
	"attain/web/svg"
)

// boardsPages are the heat map and plan health.
func (s *Server) boardsPages() []pageRoute {
	return []pageRoute{
		{"GET", "/heatmap", false, s.pageHeatMap},
		{"GET", "/health", false, s.pageHealth},
	}
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// toggle is one link of a choice made by links (people | teams).
type toggle struct {
	Label, URL string
	Current    bool
}

// heatPage is a unit's people or teams × 12 periods, each cell coloured
// by the heat scale with its % printed in it.
type heatPage struct {
	Map            *app.HeatMap
	Unit, KPI      string
	What           string // the KPI's title, or "weighted score"
	Units, KPIs    []option
	Rows           []toggle
	Columns        []string
	Lines          []heatLine
	Legend         []svg.HeatStep
	RowLabel, Note string
}

type heatLine struct {
	Name, Link, Position string
	Cells                []heatCell
}

type heatCell struct {
	Class, Text, Value, Link, Title string
}

func (s *Server) pageHeatMap(w http.ResponseWriter, r *http.Request) error {
	v, err := s.newView(r, "Heat map", "heatmap")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	unit := q.Get("unit")
	if unit == "" {
		unit = s.homeUnit(v.Me)
	}
	period := v.period(r, "unit", "kpi", "rows")
	hm, err := s.App.HeatMap(r.Context(), who(r), app.HeatMapRequest{Unit: unit, KPI: q.Get("kpi"), Period: period, Rows: q.Get("rows")})
	if err != nil {
		return err
	}
	f := v.F
	v.Title, v.Computed, v.Versions = "Heat map · "+hm.Unit.Name, hm.Computed, versions(hm.Versions)
	pg := &heatPage{Map: hm, Unit: hm.Unit.ID, KPI: hm.KPI, What: "weighted score", Legend: svg.Heat, RowLabel: "Person"}
	if hm.KPIDef != nil {
		pg.What = kpiTitle(hm.KPIDef)
	}
	if pg.Units, err = s.unitOptions(r, v.Me, hm.Unit.ID); err != nil {
		return err
	}
	pg.KPIs = kpiOptions(hm.KPIs, hm.KPI)
	for _, rows := range []string{app.HeatPeople, app.HeatTeams} {
		pg.Rows = append(pg.Rows, toggle{Label: rows, Current: rows == hm.Rows,
			URL: "/heatmap?" + pairs("unit", hm.Unit.ID, "kpi", hm.KPI, "period", period, "rows", rows)})
	}
	for _, p := range hm.Periods {
		pg.Columns = append(pg.Columns, periodHead(p))
	}
	if hm.Rows == app.HeatTeams {
		pg.RowLabel = "Team"
	}
	for _, l := range hm.Lines {
		line := heatLine{Name: l.Name, Position: l.Position}
		page := func(p string) string {
			if l.Subject.Kind == kpi.SubjectUnit {
				return "/team?" + pairs("unit", l.Subject.ID, "period", p)
			}
			return "/people/" + l.Subject.ID + "?" + pairs("period", p)
		}
		line.Link = page(period)
		for _, c := range l.Cells {
			label := c.Period.Label()
			cell := heatCell{Class: "hn", Title: l.Name + ", " + label + ": no target"}
			if !c.Null {
				cell = heatCell{Class: svg.HeatClass(c.Value.InexactFloat64()), Text: f.Number(c.Value, 0) + "\u00a0%", Value: c.Value.String(),
					Title: l.Name + ", " + label + ": " + f.Points(c.Value) + " of target (" + pg.What + ")", Link: page(label)}
				if hm.KPI != app.ScoreKPI {
					cell.Link = "/explain?" + pairs("kpi", hm.KPI, l.Subject.Kind, l.Subject.ID, "period", label)
				}
			}
			line.Cells = append(line.Cells, cell)
		}
		pg.Lines = append(pg.Lines, line)
	}
	if hm.KPI == app.ScoreKPI {
		pg.Note = "Each cell is the weighted score of the month's scorecard (100: every target met) and opens that scorecard."
	} else {
		pg.Note = "Each cell is actual against target in % (target against actual where lower is better), as the scorecard has it, and opens the records behind the actual."
	}
	v.Data = pg
	return s.render(w, r, "heatmap", v)
}

// healthPage is plan health: bands, payout curves, cost.
type healthPage struct {
	H           *app.PlanHealth
	Unit, KPI   string
	What        string
	Units, KPIs []option
	Bars        template.HTML
	Bands       []bandRow
	AtTarget    string
	Curves      []curveChart
	People      []healthRow
	Teams       []costRow
	Total       []costRow
}

type bandRow struct {
	Name, Class, Share string
	Count              int
}

type curveChart struct {
	Plan, Of string
	Chart    template.HTML
	Points   []curveRow
}

type curveRow struct{ Attainment, Payout, AttainmentRaw, PayoutRaw string }

type healthRow struct {
	Name, Link, Team, Plan                   string
	Attainment, AttainmentRaw, Band, Class   string
	Payout, PayoutRaw, Target, Bonus, Status string
	BonusPercent, BonusPercentRaw, Error     string
	Statement                                string // the statement's page
}

type costRow struct {
	Name, Link, Payout, Target, Share, ShareRaw, PayoutRaw, TargetRaw string
	People                                                            int
}

func (s *Server) pageHealth(w http.ResponseWriter, r *http.Request) error {
	v, err := s.newView(r, "Plan health", "health")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	unit := q.Get("unit")
	if unit == "" {
		unit = s.homeUnit(v.Me)
	}
	period := v.period(r, "unit", "kpi")
	h, err := s.App.PlanHealth(r.Context(), who(r), app.PlanHealthRequest{Unit: unit, KPI: q.Get("kpi"), Period: period})
	if err != nil {
		return err
	}
	f := v.F
	v.Title, v.Computed, v.Versions = "Plan health · "+h.Unit.Name, h.Computed, versions(h.Versions)
	pg := &healthPage{H: h, Unit: h.Unit.ID, KPI: h.KPI, What: "weighted score"}
	if h.KPIDef != nil {
		pg.What = kpiTitle(h.KPIDef)
	}
	if pg.Units, err = s.unitOptions(r, v.Me, h.Unit.ID); err != nil {
		return err
	}
	pg.KPIs = kpiOptions(h.KPIs, h.KPI)
	var bars []svg.Bar
	for _, b := range h.Bands {
		class := svg.HeatClass(bandMiddle(b))
		row := bandRow{Name: b.Name, Class: class, Count: b.Count, Share: "–"}
		if h.Measured > 0 {
			row.Share = f.Number(decimal.NewFromInt(int64(b.Count*100)).DivRound(decimal.NewFromInt(int64(h.Measured)), 1), 1) + "\u00a0%"
		}
		pg.Bands = append(pg.Bands, row)
		bars = append(bars, svg.Bar{Label: b.Name, Value: float64(b.Count), Text: strconv.Itoa(b.Count), Class: class})
	}
	pg.Bars = svg.Bars("People by attainment of the "+pg.What+", "+h.Period.Label(), bars)
	pg.AtTarget = f.Number(h.AtTargetShare, 1) + "\u00a0%"
	names := map[string]string{}
	for _, p := range h.People {
		names[p.Employee] = p.Name
	}
	for _, c := range h.Curves {
		g := svg.Scatter{Label: "Payout curve of " + c.Plan + ": payout in % of the target bonus against attainment of the " + c.Of + ", with each person",
			XLabel: "attainment of the " + c.Of + " (%)", YLabel: "payout, % of target bonus", XMark: 100}
		for _, t := range []int64{0, 50, 100, 150, 200} {
			g.XTicks = append(g.XTicks, svg.Tick{At: float64(t), Text: strconv.FormatInt(t, 10)})
		}
		top := decimal.NewFromInt(100)
		for _, pt := range c.Points {
			top = decimal.Max(top, pt.Payout)
		}
		for t := int64(0); t <= top.IntPart(); t += 50 {
			g.YTicks = append(g.YTicks, svg.Tick{At: float64(t), Text: strconv.FormatInt(t, 10)})
		}
		cc := curveChart{Plan: c.Plan, Of: c.Of}
		for _, pt := range c.Points {
			g.Curve = append(g.Curve, [2]float64{pt.Attainment.InexactFloat64(), pt.Payout.InexactFloat64()})
			if pt.Attainment.Mod(decimal.NewFromInt(10)).IsZero() {
				cc.Points = append(cc.Points, curveRow{Attainment: f.Points(pt.Attainment), Payout: f.Points(pt.Payout),
					AttainmentRaw: pt.Attainment.String(), PayoutRaw: pt.Payout.String()})
			}
		}
		for _, p := range h.People {
			if p.Plan != c.Plan || !p.OnCurve {
				continue
			}
			x := p.CurveAttainment.InexactFloat64()
			g.Points = append(g.Points, svg.Point{X: x, Y: p.BonusPercent.InexactFloat64(), Class: svg.HeatClass(x),
				Title: p.Name + ": " + f.Points(p.CurveAttainment) + " → " + f.Points(p.BonusPercent) + " of the target bonus"})
		}
		cc.Chart = g.SVG()
		pg.Curves = append(pg.Curves, cc)
	}
	for _, p := range h.People {
		row := healthRow{Name: p.Name, Link: "/people/" + p.Employee + "?" + pairs("period", h.Period.Label()), Team: p.UnitName, Plan: p.Plan,
			Attainment: "–", Class: "hn", Band: p.Band, Payout: "–", Target: "–", Bonus: "–", BonusPercent: "–", Status: p.Status, Error: p.Error}
		if !p.AttainmentNull {
			row.Attainment, row.AttainmentRaw, row.Class = f.Points(p.Attainment), p.Attainment.String(), svg.HeatClass(p.Attainment.InexactFloat64())
		}
		if p.Plan != "" && p.Status != "error" {
			row.Statement = "/statements/" + p.Employee + "/" + h.Period.Label()
			row.Payout, row.PayoutRaw = f.Money(p.Payout, p.Currency), p.Payout.String()
			row.Target, row.Bonus = f.Money(p.TargetBonus, p.Currency), f.Money(p.Bonus, p.Currency)
			if p.OnCurve {
				row.BonusPercent, row.BonusPercentRaw = f.Points(p.BonusPercent), p.BonusPercent.String()
			}
		}
		pg.People = append(pg.People, row)
	}
	cost := func(c app.BonusCost) costRow {
		row := costRow{Name: c.Name, People: c.People, Payout: f.Money(c.Payout, c.Currency), Target: f.Money(c.Target, c.Currency),
			PayoutRaw: c.Payout.String(), TargetRaw: c.Target.String(), Share: "–"}
		if c.Unit != "" {
			row.Link = "/health?" + pairs("unit", c.Unit, "kpi", h.KPI, "period", h.Period.Label())
		}
		if !c.ShareNull {
			row.Share, row.ShareRaw = f.Points(c.Share), c.Share.String()
		}
		return row
	}
	for _, c := range h.Teams {
		pg.Teams = append(pg.Teams, cost(c))
	}
	for _, c := range h.Total {
		pg.Total = append(pg.Total, cost(c))
	}
	v.Data = pg
	return s.render(w, r, "health", v)
}

// bandMiddle is a value inside a band, for its colour.
func bandMiddle(b app.Band) float64 {
	switch {
	case b.From == nil && b.To != nil:
		return b.To.InexactFloat64() / 2
	case b.To == nil && b.From != nil:
		return b.From.InexactFloat64() + 30
	case b.From != nil && b.To != nil:
		return (b.From.InexactFloat64() + b.To.InexactFloat64()) / 2
	}
	return 100
}

// homeUnit is the unit a board starts at: the reader's home, else their
// own unit (which the policy may refuse).
func (s *Server) homeUnit(me *app.Me) string {
	if me.Home != "" {
		return me.Home
	}
	if me.Employee != nil {
		return me.Employee.UnitID
	}
	return ""
}

// unitOptions are the units a reader picks from: those under the units
// they head (or their home), with the current one selected.
func (s *Server) unitOptions(r *http.Request, me *app.Me, current string) ([]option, error) {
	units, err := s.App.Units(r.Context(), who(r))
	if err != nil {
		return nil, err
	}
	roots := map[string]bool{current: true}
	if me.Home != "" {
		roots[me.Home] = true
	}
	for _, u := range me.Heads {
		roots[u.ID] = true
	}
	children := map[string][]*kpi.OrgUnit{}
	byID := map[string]*kpi.OrgUnit{}
	for _, u := range units {
		children[u.ParentID] = append(children[u.ParentID], u)
		byID[u.ID] = u
	}
	var out []option
	seen := map[string]bool{}
	var walk func(u *kpi.OrgUnit, depth int)
	walk = func(u *kpi.OrgUnit, depth int) {
		if seen[u.ID] {
			return
		}
		seen[u.ID] = true
		label := u.Name
		for range depth {
			label = "\u00a0\u00a0" + label
		}
		out = append(out, option{Value: u.ID, Label: label, Selected: u.ID == current})
		for _, c := range children[u.ID] {
			walk(c, depth+1)
		}
	}
	// From the top down, so a unit under another root sits in its place.
	var top func(parent string, depth int)
	top = func(parent string, depth int) {
		for _, u := range children[parent] {
			if roots[u.ID] {
				walk(u, depth)
			} else {
				top(u.ID, depth)
			}
		}
	}
	top("", 0)
	return out, nil
}

// kpiOptions are the weighted score and the KPIs, the current one selected.
func kpiOptions(kpis []*kpi.KPI, current string) []option {
	out := []option{{Value: app.ScoreKPI, Label: "Weighted score", Selected: current == app.ScoreKPI}}
	for _, k := range kpis {
		out = append(out, option{Value: k.Name, Label: kpiTitle(k), Selected: k.Name == current})
	}
	return out
}

func kpiTitle(k *kpi.KPI) string {
	if k.Title != "" {
		return k.Title
	}
	return k.Name
}

// periodHead is a column's heading: "Jan 26" for a month, the label else.
func periodHead(p kpi.Period) string {
	if p.Grain == kpi.Month {
		return p.From.Time().Format("Jan 06")
	}
	return p.Label()
}
