package web

import (
	"bytes"
	"html/template"
	"net/http"

	"attain/app"
	"attain/kpi"
	"attain/web/svg"
)

var myPilotsBox = template.Must(template.New("mypilots.html").Funcs(funcs).ParseFS(templateFS, "templates/pilotboxes/mypilots.html"))

// myPilotView is one shadow pilot the signed-in person takes part in, as
// the /me box shows it.
type myPilotView struct {
	ID                             int64
	Name, Days                     string
	SoFar, Capped                  bool
	Shadow, Current, Difference    string
	ShadowRaw, CurrentRaw, DiffRaw string
	Class, Error                   string
}

// myPilots is the box of /me with the signed-in person's own would-be
// bonus in the shadow pilots they take part in ("" when none).
func (s *Server) myPilots(r *http.Request, f *Formatter) template.HTML {
	ps, err := s.App.MyPilots(r.Context(), who(r))
	if err != nil || len(ps) == 0 {
		if err != nil && kpi.ErrorCode(err) == kpi.EINTERNAL {
			s.Logger.Error("my pilots", "err", err)
		}
		return ""
	}
	views := make([]myPilotView, 0, len(ps))
	for _, p := range ps {
		b := p.Bonus
		v := myPilotView{ID: p.Pilot.ID, Name: p.Pilot.Name, Days: f.Date(p.Window.From) + " – " + f.Date(p.Window.To), SoFar: p.SoFar, Capped: b.CappedShadow,
			Shadow: f.Money(b.Shadow, b.Currency), Current: f.Money(b.Current, b.Currency), Difference: f.Money(b.Difference, b.Currency),
			ShadowRaw: b.Shadow.String(), CurrentRaw: b.Current.String(), DiffRaw: b.Difference.String(), Error: b.Error}
		switch b.Difference.Sign() {
		case 1:
			v.Class = "up"
		case -1:
			v.Class = "down"
		}
		views = append(views, v)
	}
	var buf bytes.Buffer
	if err := myPilotsBox.Execute(&buf, views); err != nil {
		s.Logger.Error("my pilots", "err", err)
		return ""
	}
	return template.HTML(buf.String())
}

var packExtraCard = template.Must(template.New("packextra.html").Funcs(funcs).ParseFS(templateFS, "templates/pilotboxes/packextra.html"))

type packTrendCell struct{ Text, Raw string }

type packTrendRow struct {
	ID, Name string
	Spark    template.HTML
	Cells    []packTrendCell
}

type packAward struct {
	Kind, Title, Name, Reason, Value string
	Provisional                      bool
}

// packExtra is the review meeting's card of 12-month score trends and the
// period's awards.
func (s *Server) packExtra(f *Formatter, pack *app.MeetingPack, name func(string) string) template.HTML {
	var v struct {
		Period, From, To string
		Months           []string
		Rows             []packTrendRow
		Awards           []packAward
	}
	v.Period = pack.Period.Label()
	for i, tr := range pack.Trends {
		if i == 0 {
			for _, m := range tr.Periods {
				v.Months = append(v.Months, m.Label())
			}
			v.From, v.To = v.Months[0], v.Months[len(v.Months)-1]
		}
		row := packTrendRow{ID: tr.Subject.ID, Name: name(tr.Subject.ID)}
		g := svg.Spark{Label: row.Name + ": total score, the last " + itoa(int64(len(tr.Periods))) + " months"}
		for j, t := range tr.Totals {
			cell, val := packTrendCell{Text: "–"}, svg.Missing
			if t != nil {
				cell, val = packTrendCell{Text: f.Number(*t, 1), Raw: t.String()}, t.InexactFloat64()
			}
			row.Cells = append(row.Cells, cell)
			g.Values = append(g.Values, val)
			g.Texts = append(g.Texts, tr.Periods[j].Label()+": "+cell.Text)
		}
		row.Spark = g.SVG()
		v.Rows = append(v.Rows, row)
	}
	for _, aw := range pack.Awards {
		n := aw.Name
		if n == "" {
			n = name(aw.Subject.ID)
		}
		v.Awards = append(v.Awards, packAward{Kind: string(aw.Kind), Title: aw.Title, Name: n, Reason: aw.Reason, Value: aw.Value.String(), Provisional: aw.Provisional})
	}
	var buf bytes.Buffer
	if err := packExtraCard.Execute(&buf, v); err != nil {
		s.Logger.Error("pack trends", "err", err)
		return ""
	}
	return template.HTML(buf.String())
}
