package web

import (
	"net/http"

	"attain/app"
	"attain/kpi"
)

// teamPage is a unit: its child units and its people, a bullet graph and
// a sparkline per KPI for each, flags, and who needs attention.
type teamPage struct {
	View      *app.TeamView
	Total     string
	Columns   []column
	Units     []teamRow
	People    []teamRow
	Attention []concern
}

type column struct{ KPI, Title string }

type teamRow struct {
	Link, Name, Position string
	Total                string
	TotalValue           string // for sorting
	Cells                []teamCell
	Flags                []flag
}

type teamCell struct {
	Empty     bool
	Tile      tile
	SortValue string
}

type concern struct {
	Link, Name string
	Points     int
	Reasons    []string
}

func (s *Server) pageTeam(w http.ResponseWriter, r *http.Request) error {
	v, err := s.newView(r, "Team", "team")
	if err != nil {
		return err
	}
	unit := r.URL.Query().Get("unit")
	if unit == "" {
		unit = v.Me.Home
	}
	period := v.period(r, "unit")
	tv, err := s.App.Team(r.Context(), who(r), unit, period)
	if err != nil {
		return err
	}
	v.Title, v.Computed, v.Versions = tv.Unit.Name, tv.Computed, versions(tv.Versions)
	f := v.F
	pg := &teamPage{View: tv}
	if !tv.Card.TotalNull {
		pg.Total = f.Number(tv.Card.Total, 1)
	}
	kpis := map[string]*kpi.KPI{}
	for _, k := range tv.KPIs {
		kpis[k.Name] = k
		title := k.Title
		if title == "" {
			title = k.Name
		}
		pg.Columns = append(pg.Columns, column{KPI: k.Name, Title: title})
	}
	names := map[string]string{}
	row := func(r app.TeamRow, link string) teamRow {
		out := teamRow{Link: link, Name: r.Name, Position: r.Position, TotalValue: "", Total: "–"}
		names[r.Subject.ID] = r.Name
		if r.Card != nil && !r.Card.TotalNull {
			out.Total, out.TotalValue = f.Number(r.Card.Total, 1), r.Card.Total.String()
		}
		for _, c := range pg.Columns {
			cell := teamCell{Empty: true}
			if r.Card != nil {
				for _, it := range r.Card.Items {
					if it.KPI == c.KPI {
						cell = teamCell{Tile: cardTile(f, kpis[c.KPI], r.Card, it, r.Trends[c.KPI], tv.Periods)}
						if !it.AchievementNull {
							cell.SortValue = it.Achievement.String()
						}
					}
				}
			}
			out.Cells = append(out.Cells, cell)
		}
		for _, k := range r.Behind {
			out.Flags = append(out.Flags, flag{Text: "behind pace: " + k, Class: "bad"})
		}
		for _, k := range r.Declining {
			out.Flags = append(out.Flags, flag{Text: "regression: " + k, Class: "bad"})
		}
		return out
	}
	for _, u := range tv.Units {
		pg.Units = append(pg.Units, row(u, "/team?"+pairs("unit", u.Subject.ID, "period", period)))
	}
	for _, p := range tv.People {
		pg.People = append(pg.People, row(p, "/people/"+p.Subject.ID+"?"+pairs("period", period)))
	}
	for _, c := range tv.Attention {
		con := concern{Link: "/people/" + c.Subject.ID + "?" + pairs("period", period), Name: names[c.Subject.ID], Points: c.Points}
		if con.Name == "" {
			con.Name = c.Subject.ID
		}
		for _, reason := range c.Reasons {
			con.Reasons = append(con.Reasons, reason.Text)
		}
		pg.Attention = append(pg.Attention, con)
	}
	v.Data = pg
	return s.render(w, r, "team", v)
}
