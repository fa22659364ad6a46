package web

import (
	"bytes"
	"html/template"
	"net/http"

	"attain/kpi"
)

var myPilotsBox = template.Must(template.New("mypilots.html").Funcs(funcs).ParseFS(templateFS, "templates/gaps14/mypilots.html"))

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
