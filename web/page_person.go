package web

import (
	"html/template"
	"net/http"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/calc/score"
	"attain/kpi"
	"attain/web/svg"
)

// personPage is a person's scorecard: a tile per KPI, the pace inside an
// open period, the bonus so far, and the table of exact values.
type personPage struct {
	View     *app.PersonView
	Tiles    []tile
	Paces    []paceChart
	Total    string
	Standing string
	Open     bool
	Bonus    string
	Team     string // the unit page of the person's unit, if the viewer may open it
	Notes    []string
	Awards   template.HTML // the awards strip (page_recognition.go)
	Pilots   template.HTML // one's own would-be bonus in shadow pilots, on /me (page_pilot_boxes.go)
}

// tile is one KPI of a scorecard, ready to show.
type tile struct {
	KPI, Title, Weight     string
	Actual, Target         string
	Achievement            string
	AchievementClass       string
	Heat                   string // the % of target's class on the heat scale (svg.Heat)
	Score                  string
	Status, StatusClass    string
	Bullet, Spark          template.HTML
	VsLastYear, VsTrailing delta
	Trailing               string
	Pace, PaceClass        string
	Flags                  []flag
	Explain                string
	Levels                 [3]string
	// The exact values, for data attributes: what a test or a copy reads.
	ActualRaw, AchievementRaw, ScoreRaw string
}

type flag struct{ Text, Class, Title string }

// paceChart is an open period's running total against the plan.
type paceChart struct {
	Title, Needed, Rule string
	Chart               template.HTML
}

func (s *Server) pageMe(w http.ResponseWriter, r *http.Request) error {
	me, err := s.App.Me(r.Context(), who(r))
	if err != nil {
		return err
	}
	if me.Employee == nil {
		return kpi.Errorf(kpi.ENOTFOUND, "You are not an employee of this workspace, so you have no scorecard of your own; open a team or the leaderboard.")
	}
	return s.person(w, r, me.Employee.ID, "me")
}

func (s *Server) pagePerson(w http.ResponseWriter, r *http.Request) error {
	return s.person(w, r, r.PathValue("id"), "team")
}

func (s *Server) person(w http.ResponseWriter, r *http.Request, id, section string) error {
	v, err := s.newView(r, "Scorecard", section)
	if err != nil {
		return err
	}
	pv, err := s.App.Person(r.Context(), who(r), id, v.period(r))
	if err != nil {
		return err
	}
	v.Title, v.Computed, v.Versions = pv.Employee.Name, pv.Computed, versions(pv.Versions)
	pg := &personPage{View: pv, Open: pv.Card.Open, Standing: pv.Card.Standing}
	f := v.F
	if !pv.Card.TotalNull {
		pg.Total = f.Number(pv.Card.Total, 1)
	}
	if b := pv.Bonus; b != nil {
		pg.Bonus = f.Money(b.Payout, b.Currency)
	}
	if _, err := s.App.Team(r.Context(), who(r), pv.Employee.UnitID, v.Picker.Period); err == nil {
		pg.Team = pv.Employee.UnitID
	}
	for _, it := range pv.Card.Items {
		pg.Tiles = append(pg.Tiles, cardTile(f, pv.KPIs[it.KPI], pv.Card, it, pv.Trends[it.KPI], pv.Periods))
		for _, n := range it.Notes {
			pg.Notes = append(pg.Notes, it.KPI+": "+n)
		}
	}
	for _, p := range pv.Card.Prorations {
		pg.Notes = append(pg.Notes, "target of "+p.KPI+" prorated: "+p.Rule)
	}
	for _, c := range pv.Pace {
		pg.Paces = append(pg.Paces, paceOf(f, pv.KPIs[c.KPI], c))
	}
	pg.Awards = s.personAwards(r, f, id, v.Picker.Period)
	if section == "me" {
		pg.Pilots = s.myPilots(r, f)
	}
	v.Data = pg
	return s.render(w, r, "person", v)
}

// cardTile makes the tile of one item of a card.
func cardTile(f *Formatter, k *kpi.KPI, card *app.Card, it score.Item, tr *app.Trend, periods []kpi.Period) tile {
	title := it.KPI
	if k != nil && k.Title != "" {
		title = k.Title
	}
	t := tile{KPI: it.KPI, Title: title, Weight: f.Number(it.Weight, 0) + "\u00a0%",
		Actual: f.Value(k, it.Actual, it.ActualNull), Target: f.Value(k, it.Target, false),
		Levels: [3]string{f.Value(k, it.Threshold, false), f.Value(k, it.Target, false), f.Value(k, it.Stretch, false)}}
	if !it.ActualNull {
		t.ActualRaw = it.Actual.String()
	}
	if !it.ScoreNull {
		t.ScoreRaw = it.Score.String()
	}
	if !it.AchievementNull {
		t.AchievementRaw = it.Achievement.String()
		t.Achievement = f.Points(it.Achievement)
		t.AchievementClass, t.Heat = "down", svg.HeatClass(it.Achievement.InexactFloat64())
		if it.Achievement.GreaterThanOrEqual(decimal.NewFromInt(100)) {
			t.AchievementClass = "up"
		}
	}
	if !it.ScoreNull {
		t.Score = f.Number(it.Score, 1)
	}
	t.Status, t.StatusClass = statusBadge(it.Status)
	marker := svg.Missing
	var markerText string
	for _, p := range card.Progress {
		if p.KPI != it.KPI {
			continue
		}
		ly := p.VsLastYear
		t.VsLastYear = change(f, ly.Pct, ly.Null || ly.PctNull, it.Direction, "against "+ly.Base.Label()+": "+f.Value(k, ly.From, ly.Null))
		if !ly.Null {
			marker, markerText = ly.From.InexactFloat64(), f.Value(k, ly.From, false)
		}
		if p.Declining {
			t.Flags = append(t.Flags, flag{Text: "declining", Class: "bad", Title: "worse than the period before, periods in a row"})
		}
		if p.FellBelowThreshold {
			t.Flags = append(t.Flags, flag{Text: "fell below threshold", Class: "bad"})
		}
	}
	for _, pc := range card.Pace {
		if pc.KPI != it.KPI {
			continue
		}
		switch pc.Status {
		case score.Behind:
			t.Pace, t.PaceClass = "behind pace: "+pc.Display.Expected+" expected by today", "bad"
		case score.Ahead:
			t.Pace, t.PaceClass = "ahead of pace: "+pc.Display.Expected+" expected by today", "good"
		default:
			t.Pace, t.PaceClass = "on pace", "info"
		}
		if !pc.ForecastNull {
			t.Pace += ", forecast " + pc.Display.Forecast
		}
	}
	levels := [3]float64{svg.Missing, svg.Missing, svg.Missing}
	if it.Status != score.StatusNoTarget {
		levels = [3]float64{it.Threshold.InexactFloat64(), it.Target.InexactFloat64(), it.Stretch.InexactFloat64()}
	}
	actual := svg.Missing
	if !it.ActualNull {
		actual = it.Actual.InexactFloat64()
	}
	t.Bullet = svg.Bullet{Label: title + ": " + t.Actual + " against a target of " + t.Target,
		Actual: actual, Threshold: levels[0], Target: levels[1], Stretch: levels[2], Marker: marker,
		ActualText: t.Actual, MarkerText: markerText, LevelTexts: t.Levels, LowerIsBetter: it.Direction == kpi.LowerIsBetter}.SVG()
	if tr != nil {
		t.Spark = spark(f, k, title, tr, periods)
		if !tr.TrailingNull {
			t.Trailing = f.Value(k, tr.Trailing, false)
		}
		t.VsTrailing = change(f, tr.VsTrailing, tr.VsTrailingNull, it.Direction, "against the average of the periods before: "+t.Trailing)
	}
	t.Explain = "/explain?" + pairs("kpi", it.KPI, card.Subject.Kind, card.Subject.ID, "period", card.Period.Label())
	return t
}

// spark draws a trend's sparkline with its targets.
func spark(f *Formatter, k *kpi.KPI, title string, tr *app.Trend, periods []kpi.Period) template.HTML {
	g := svg.Spark{Label: title + ", the last " + itoa(int64(len(periods))) + " periods"}
	hasTarget := false
	for i, v := range tr.Values {
		val := svg.Missing
		if !v.Null {
			val = v.Value.InexactFloat64()
		}
		g.Values = append(g.Values, val)
		text := periods[i].Label() + ": " + f.Value(k, v.Value, v.Null)
		t := svg.Missing
		if tr.Targets[i] != nil {
			t, hasTarget = tr.Targets[i].InexactFloat64(), true
			text += " (target " + f.Value(k, *tr.Targets[i], false) + ")"
		}
		g.Targets = append(g.Targets, t)
		g.Texts = append(g.Texts, text)
	}
	if !hasTarget {
		g.Targets = nil
	}
	return g.SVG()
}

// paceOf makes the pace chart of one KPI.
func paceOf(f *Formatter, k *kpi.KPI, c app.PaceCurve) paceChart {
	title := c.KPI
	if k != nil && k.Title != "" {
		title = k.Title
	}
	g := svg.Pace{Label: title + ": running total against the plan, by working day"}
	for i, e := range c.Expected {
		g.Expected = append(g.Expected, e.InexactFloat64())
		g.ExpTexts = append(g.ExpTexts, f.Value(k, e, false))
		if i < len(c.Actual) {
			g.Actual = append(g.Actual, c.Actual[i].InexactFloat64())
			g.Texts = append(g.Texts, f.Value(k, c.Actual[i], false))
			g.Days = append(g.Days, f.Date(c.Days[i]))
		}
	}
	pc := paceChart{Title: title, Chart: g.SVG()}
	switch {
	case !c.NeededNull:
		pc.Needed = f.Value(k, c.Needed, false) + " a working day for the " + itoa(int64(c.Remaining)) + " working days left, to reach " + f.Value(k, c.Target, false)
	case c.Remaining == 0:
		pc.Needed = "no working day left"
	default:
		pc.Needed = "the target " + f.Value(k, c.Target, false) + " is reached"
	}
	return pc
}
