package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/calc/rank"
	"attain/kpi"
	"attain/web/svg"
)

// TVRefresh is how often, in seconds, the TV mode of a leaderboard reloads.
const TVRefresh = 60

// tvRows is how many rows the TV mode shows.
const tvRows = 10

func (s *Server) recognitionPages() []pageRoute {
	return []pageRoute{
		{"GET", "/leaderboard", false, s.pageLeaderboard},
		{"GET", "/leaderboard/tv", false, s.pageLeaderboardTV},
	}
}

// boardPage is a leaderboard, ready to show.
type boardPage struct {
	Board      *app.Leaderboard
	Rows       []boardRow
	Podium     []boardRow
	Chart      template.HTML
	Awards     []awardView
	Groups     []awardGroup // the awards by rule, for the page
	Placed     []awardView  // the awards with a place, for the TV
	MoreAwards int          // the TV's other awards
	AwardNote  string
	Metric     string
	Unit       string
	By         string
	TV         bool
	Problem    string // what could not be read of the picker
	TVURL      string
	Value      string // what the value column is: "% of target" or "Score"
	Rule       string // how the board ranks, in words
}

type boardRow struct {
	app.LeaderRow
	Place, Value, ValueRaw, Change, ChangeClass, Link, Team string
}

// awardGroup is one rule's awards of a period.
type awardGroup struct {
	Title, Rule, Text string
	Winners           []awardView
}

// awardView is one award, ready to show.
type awardView struct {
	Title, Name, Reason, Period, Link, Kind, Value string
	Place                                          int
	Medal                                          string
	Provisional                                    bool
	ValueRaw                                       string
}

func (s *Server) pageLeaderboard(w http.ResponseWriter, r *http.Request) error {
	return s.leaderboard(w, r, false)
}

func (s *Server) pageLeaderboardTV(w http.ResponseWriter, r *http.Request) error {
	return s.leaderboard(w, r, true)
}

func (s *Server) leaderboard(w http.ResponseWriter, r *http.Request, tv bool) error {
	v, err := s.newView(r, "Leaderboard", "leaderboard")
	if err != nil {
		return err
	}
	q := leaderboardQuery(r)
	q.Period = v.period(r, "metric", "unit", "by")
	lb, err := s.App.Leaderboard(r.Context(), who(r), q)
	var problem string
	if code := kpi.ErrorCode(err); (code == kpi.EINVALID || code == kpi.ENOTFOUND) && (q.Metric != "" || q.By != "" || q.Unit != "") {
		// A metric, unit or "who" that cannot be read: the company's
		// score board, with the problem above it.
		problem = kpi.ErrorMessage(err)
		lb, err = s.App.Leaderboard(r.Context(), who(r), app.LeaderboardQuery{Period: q.Period})
		q = app.LeaderboardQuery{Period: q.Period}
	}
	if err != nil {
		return err
	}
	pg := &boardPage{Board: lb, Problem: problem, Metric: lb.Metric, Unit: q.Unit, By: lb.By, TV: tv, Value: "% of target",
		Rule: "Ranked by % of target, so a small target can lead; tied values share a place."}
	if lb.Metric == kpi.MetricScore {
		pg.Value, pg.Rule = "Score", "Ranked by the weighted scorecard score (100: every target met); tied scores share a place."
	}
	tvq := url.Values{"period": {lb.Period.Label()}, "metric": {lb.Metric}, "by": {lb.By}}
	if q.Unit != "" {
		tvq.Set("unit", q.Unit)
	}
	pg.TVURL = "/leaderboard/tv?" + tvq.Encode()
	f := v.F
	var bars []svg.Bar
	for _, row := range lb.Rows {
		br := boardRow{LeaderRow: row, Place: "–", Value: "–", Change: "–", ChangeClass: "flat", Team: lb.Names[row.Team]}
		if row.Place > 0 {
			br.Place = f.Number(decimal.NewFromInt(int64(row.Place)), 0)
		}
		switch {
		case row.Hidden:
			br.Value = "hidden"
		case !row.Null && lb.Metric == kpi.MetricScore:
			br.Value, br.ValueRaw = f.Number(row.Value, 1), row.Value.String()
		case !row.Null:
			br.Value, br.ValueRaw = f.Points(row.Value), row.Value.String()
		}
		if !row.ChangeNull {
			switch {
			case row.Change > 0:
				br.Change, br.ChangeClass = "▲ "+itoa(int64(row.Change)), "up"
			case row.Change < 0:
				br.Change, br.ChangeClass = "▼ "+itoa(int64(-row.Change)), "down"
			default:
				br.Change = "="
			}
		}
		if row.Full {
			switch row.Subject.Kind {
			case kpi.SubjectEmployee:
				br.Link = "/people/" + url.PathEscape(row.Subject.ID) + "?period=" + url.QueryEscape(lb.Period.Label())
			case kpi.SubjectUnit:
				br.Link = "/team?unit=" + url.QueryEscape(row.Subject.ID) + "&period=" + url.QueryEscape(lb.Period.Label())
			}
		}
		pg.Rows = append(pg.Rows, br)
		if row.Place >= 1 && row.Place <= 3 && len(pg.Podium) < 3 {
			pg.Podium = append(pg.Podium, br)
		}
		if row.Place > 0 && !row.Hidden && len(bars) < 6 {
			class := "medal-none"
			if row.Medal != "" {
				class = "medal-" + row.Medal
			}
			bars = append(bars, svg.Bar{Label: short(row.Name), Value: row.Value.InexactFloat64(), Text: br.Value, Class: class})
		}
	}
	if tv && len(pg.Rows) > tvRows {
		pg.Rows = pg.Rows[:tvRows]
	}
	if len(bars) > 0 {
		pg.Chart = svg.Bars("Top of the leaderboard: "+lb.Title, bars)
	}
	if awards, err := s.App.Awards(r.Context(), who(r), lb.Period.Label()); err == nil {
		full := map[kpi.Subject]bool{}
		for _, row := range lb.Rows {
			full[row.Subject] = row.Full
		}
		pg.Awards = awardViews(f, awards.Awards, full)
		rules := map[string]string{}
		for _, r := range awards.Rules {
			rules[r.Name] = rank.Describe(*r)
		}
		for i, av := range pg.Awards {
			if n := len(pg.Groups); n == 0 || pg.Groups[n-1].Rule != awards.Awards[i].Rule {
				pg.Groups = append(pg.Groups, awardGroup{Title: av.Title, Rule: awards.Awards[i].Rule, Text: rules[awards.Awards[i].Rule]})
			}
			g := &pg.Groups[len(pg.Groups)-1]
			g.Winners = append(g.Winners, av)
			if av.Place > 0 {
				pg.Placed = append(pg.Placed, av)
			} else {
				pg.MoreAwards++
			}
		}
		switch {
		case len(awards.Rules) == 0:
			pg.AwardNote = "No award rules yet: an admin adds them to the awards section of attain.yaml."
		case awards.Provisional:
			pg.AwardNote = "Provisional: the period is not locked, so these may still change."
		case awards.FrozenAt != nil:
			pg.AwardNote = "Final: frozen with their numbers on " + f.Time(*awards.FrozenAt) + ", when the period was locked."
		default:
			pg.AwardNote = "Final: the period is locked."
		}
	} else if kpi.ErrorCode(err) == kpi.EINTERNAL {
		return err
	}
	v.Title = "Leaderboard · " + lb.Title
	v.Computed, v.Data = lb.Computed, pg
	if tv {
		v.Bare, v.Refresh = true, TVRefresh
	}
	return s.render(w, r, "recognition", v)
}

// awardViews readies awards to show; a person's award links to their
// scorecard when full is nil or says the reader may open it.
func awardViews(f *Formatter, awards []*kpi.Award, full map[kpi.Subject]bool) []awardView {
	out := []awardView{}
	for _, a := range awards {
		av := awardView{Title: a.Title, Name: a.Name, Reason: a.Reason, Period: a.Period.Label(), Kind: string(a.Kind),
			Place: a.Place, Provisional: a.Provisional, ValueRaw: a.Value.String()}
		if a.Place >= 1 && a.Place <= 3 {
			av.Medal = []string{"gold", "silver", "bronze"}[a.Place-1]
		}
		switch {
		case a.Kind == kpi.AwardAllMet:
			av.Value = a.Value.String() + " KPIs"
		case a.Kind == kpi.AwardStreak:
			av.Value = a.Value.String() + " in a row"
		case a.Kind == kpi.AwardMostImproved:
			av.Value = "+" + f.Number(a.Value, 1) + " pts"
		case a.Metric == kpi.MetricScore:
			av.Value = f.Number(a.Value, 1)
		default:
			av.Value = f.Points(a.Value)
		}
		if a.Subject.Kind == kpi.SubjectEmployee && (full == nil || full[a.Subject]) {
			av.Link = "/people/" + url.PathEscape(a.Subject.ID) + "?period=" + url.QueryEscape(a.Period.Label())
		}
		out = append(out, av)
	}
	return out
}

// short is a name cut to fit under a bar: the first name and the
// initial of the last ("Leon W."), at most 9 letters.
func short(name string) string {
	first, last, _ := strings.Cut(name, " ")
	if r := []rune(first); len(r) > 9 {
		first = string(r[:8]) + "…"
	}
	if last != "" {
		first += " " + string([]rune(last)[:1]) + "."
	}
	return first
}

// awardsStrip is the partial of a person's awards on their scorecard page.
var awardsStrip = template.Must(template.New("strip.html").Funcs(funcs).ParseFS(templateFS, "templates/recognition/strip.html"))

// personAwards renders the strip of an employee's awards in the period
// shown and the one before; nothing when they have none or the reader
// may not see them.
func (s *Server) personAwards(r *http.Request, f *Formatter, employee, period string) template.HTML {
	pa, err := s.App.AwardsOf(r.Context(), who(r), employee, period)
	if err != nil || len(pa.Awards) == 0 {
		if err != nil && kpi.ErrorCode(err) == kpi.EINTERNAL {
			s.Logger.Error("awards strip", "employee", employee, "err", err)
		}
		return ""
	}
	var buf bytes.Buffer
	if err := awardsStrip.Execute(&buf, awardViews(f, pa.Awards, nil)); err != nil {
		s.Logger.Error("awards strip", "err", err)
		return ""
	}
	return template.HTML(buf.String())
}
