package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
	"attain/web/svg"
)

// pilotsPages are the pages of pilots and review meetings.
func (s *Server) pilotsPages() []pageRoute {
	return []pageRoute{
		{"GET", "/pilots", false, s.pagePilots},
		{"POST", "/pilots", false, s.pageCreatePilot},
		{"GET", "/pilots/{id}", false, s.pagePilot},
		{"POST", "/pilots/{id}/rollout", false, s.pageRolloutPilot},
		{"GET", "/meetings", false, s.pageMeeting},
		{"POST", "/meetings/comments", false, s.pageAddComment},
		{"POST", "/meetings/proposals", false, s.pagePropose},
		{"POST", "/meetings/proposals/{id}/decide", false, s.pageDecide},
	}
}

// pilotsPage lists the pilots, and for admins the form to start one.
type pilotsPage struct {
	Pilots []pilotRow
	Admin  bool
	Form   app.PilotInput
	Errors map[string]string // field → problem
	Error  string
	Units  []*kpi.OrgUnit
	Plans  []string
	Tmpls  []string
}

type pilotRow struct {
	Link, Name, Unit, Comparison, Days, Scheme, Mode, Status string
}

func (s *Server) pagePilots(w http.ResponseWriter, r *http.Request) error {
	return s.renderPilots(w, r, app.PilotInput{Shadow: true}, nil)
}

func (s *Server) renderPilots(w http.ResponseWriter, r *http.Request, form app.PilotInput, formErr error) error {
	v, err := s.newView(r, "Pilots", "pilots")
	if err != nil {
		return err
	}
	ps, err := s.App.Pilots(r.Context(), who(r))
	if err != nil {
		return err
	}
	pg := &pilotsPage{Admin: v.Me.MayAdmin, Form: form, Errors: map[string]string{}}
	units, err := s.App.Units(r.Context(), who(r))
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	pg.Units = units
	for _, p := range ps {
		scheme := p.Template
		if p.Plan != "" {
			if scheme != "" {
				scheme += " + "
			}
			scheme += p.Plan
		}
		mode := "shadow"
		if !p.Shadow {
			mode = "live"
		}
		pg.Pilots = append(pg.Pilots, pilotRow{Link: fmt.Sprintf("/pilots/%d", p.ID), Name: p.Name, Unit: names[p.Unit], Comparison: names[p.Comparison],
			Days: v.F.Date(p.Start) + " – " + v.F.Date(p.End), Scheme: scheme, Mode: mode, Status: p.Status})
	}
	if pg.Admin {
		defs, err := s.App.Definitions(r.Context(), who(r))
		if err != nil {
			return err
		}
		for _, bp := range defs.BonusPlans {
			pg.Plans = append(pg.Plans, bp.Name)
		}
		for _, t := range defs.Scorecards {
			pg.Tmpls = append(pg.Tmpls, t.Name)
		}
	}
	if formErr != nil {
		var e *kpi.Error
		if ke, ok := formErr.(*kpi.Error); ok {
			e = ke
		}
		if e == nil || kpi.ErrorCode(formErr) != kpi.EINVALID {
			return formErr
		}
		pg.Error = e.Message
		for _, p := range e.Details {
			pg.Errors[p.Column] = p.Reason
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	v.Data = pg
	return s.render(w, r, "pilots", v)
}

func (s *Server) pageCreatePilot(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kpi.Errorf(kpi.EINVALID, "The form cannot be read.")
	}
	in := app.PilotInput{Name: r.PostFormValue("name"), Unit: r.PostFormValue("unit"), Comparison: r.PostFormValue("comparison"),
		Start: r.PostFormValue("start"), End: r.PostFormValue("end"), Template: r.PostFormValue("template"), Plan: r.PostFormValue("plan"),
		Shadow: r.PostFormValue("mode") != "live", Notes: r.PostFormValue("notes")}
	p, err := s.App.CreatePilot(r.Context(), who(r), in)
	if err != nil {
		if kpi.ErrorCode(err) == kpi.EINVALID {
			return s.renderPilots(w, r, in, err)
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/pilots/%d", p.ID), http.StatusSeeOther)
	return nil
}

// pilotPage is a pilot's report, ready to show.
type pilotPage struct {
	Rep         *app.PilotReport
	Mode        string
	Days        string
	Before      string
	KPIs        []pilotKPIRow
	Payouts     []pilotPayRow
	Current     string
	Shadow      string
	Difference  string
	DiffClass   string
	Corrections []string
	Admin       bool
	Rollout     app.RolloutRequest
	Units       string
	RolloutRes  *rolloutView
	RolloutErr  string
}

type pilotKPIRow struct {
	KPI, Title                            string
	PilotBefore, PilotDuring, PilotChange string
	CompBefore, CompDuring, CompChange    string
	Estimate, Low, High                   string
	EstimateRaw, LowRaw, HighRaw          string
	Chance, ChanceClass                   string
	Chart                                 template.HTML
	Sentence                              string
	N, CompN                              int
	HasComp                               bool
}

type pilotPayRow struct {
	Employee, Name, Link           string
	Current, Shadow, Difference    string
	CurrentRaw, ShadowRaw, DiffRaw string
	Class, Error                   string
}

type rolloutView struct {
	Res                     *app.RolloutResult
	People                  []pilotPayRow
	Current, Shadow, Costed string
}

func (s *Server) pagePilot(w http.ResponseWriter, r *http.Request) error {
	return s.renderPilot(w, r, nil, nil, "")
}

func (s *Server) renderPilot(w http.ResponseWriter, r *http.Request, ro *app.RolloutRequest, res *app.RolloutResult, roErr string) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return kpi.Errorf(kpi.ENOTFOUND, "No pilot %q.", r.PathValue("id"))
	}
	v, err := s.newView(r, "Pilot", "pilots")
	if err != nil {
		return err
	}
	rep, err := s.App.PilotReport(r.Context(), who(r), id)
	if err != nil {
		return err
	}
	defs, err := s.App.Definitions(r.Context(), who(r))
	if err != nil {
		return err
	}
	f := v.F
	v.Title = rep.Pilot.Name
	pg := &pilotPage{Rep: rep, Mode: "shadow: computed and shown, never paid", Admin: v.Me.MayAdmin, RolloutErr: roErr,
		Days: f.Date(rep.Window.From) + " – " + f.Date(rep.Window.To), Before: f.Date(rep.Before.From) + " – " + f.Date(rep.Before.To)}
	if !rep.Pilot.Shadow {
		pg.Mode = "live: paid on the pilot's plan for its days"
	}
	for _, k := range rep.KPIs {
		kd := defs.KPI(k.KPI)
		val := func(d decimal.Decimal) string { return f.Value(kd, d, false) }
		res := k.Result
		row := pilotKPIRow{KPI: k.KPI, Title: k.Title, N: res.Pilot.N, Sentence: k.Sentence,
			PilotBefore: val(res.Pilot.MeanBefore), PilotDuring: val(res.Pilot.MeanDuring), PilotChange: signed(f, kd, res.Pilot.MeanChange),
			Estimate: signed(f, kd, res.Estimate), EstimateRaw: res.Estimate.String()}
		if c := res.Comparison; c != nil {
			row.HasComp, row.CompN = true, c.N
			row.CompBefore, row.CompDuring, row.CompChange = val(c.MeanBefore), val(c.MeanDuring), signed(f, kd, c.MeanChange)
		}
		class := "worse"
		if k.Better {
			class = "better"
		}
		if res.Valid {
			row.Low, row.High, row.LowRaw, row.HighRaw = signed(f, kd, res.Low), signed(f, kd, res.High), res.Low.String(), res.High.String()
			row.Chance, row.ChanceClass = "could well be chance", "info"
			if res.Significant {
				row.Chance, row.ChanceClass = "unlikely to be chance", map[bool]string{true: "good", false: "bad"}[k.Better]
			}
		} else {
			row.Chance, row.ChanceClass = "too few people to tell", "info"
		}
		row.Chart = svg.Interval{Label: k.Title + ": difference in differences and its 95 % interval", Estimate: res.Estimate.InexactFloat64(),
			Low: res.Low.InexactFloat64(), High: res.High.InexactFloat64(), EstText: row.Estimate, LowText: row.Low, HiText: row.High,
			Valid: res.Valid, Class: class}.SVG()
		pg.KPIs = append(pg.KPIs, row)
	}
	pg.Payouts = payRows(f, rep.Payouts)
	cur := rep.Currency
	pg.Current, pg.Shadow, pg.Difference = f.Money(rep.Current, cur), f.Money(rep.Shadow, cur), f.Money(rep.Difference, cur)
	if rep.Difference.IsPositive() {
		pg.Difference, pg.DiffClass = "+"+pg.Difference, "down" // costs more
	} else if rep.Difference.IsNegative() {
		pg.DiffClass = "up"
	}
	for _, e := range rep.Corrections {
		pg.Corrections = append(pg.Corrections, fmt.Sprintf("%s: %s %s %s by %s", f.Time(e.At), e.Action, e.Entity, e.EntityID, e.Actor))
	}
	if ro != nil {
		pg.Rollout, pg.Units = *ro, joinComma(ro.Units)
	} else {
		pg.Units = rep.Pilot.Unit
	}
	if res != nil {
		pg.RolloutRes = &rolloutView{Res: res, People: payRows(f, res.People), Current: f.Money(res.Current, cur), Shadow: f.Money(res.Shadow, cur), Costed: res.Costed.Label()}
	}
	v.Data = pg
	if roErr != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return s.render(w, r, "pilot", v)
}

func payRows(f *Formatter, ps []app.PilotPayout) []pilotPayRow {
	var out []pilotPayRow
	for _, p := range ps {
		row := pilotPayRow{Employee: p.Employee, Name: p.Name, Link: "/people/" + p.Employee, Error: p.Error,
			Current: f.Money(p.Current, p.Currency), Shadow: f.Money(p.Shadow, p.Currency), Difference: f.Money(p.Difference, p.Currency),
			CurrentRaw: p.Current.String(), ShadowRaw: p.Shadow.String(), DiffRaw: p.Difference.String(), Class: "flat"}
		switch p.Difference.Sign() {
		case 1:
			row.Difference, row.Class = "+"+row.Difference, "up"
		case -1:
			row.Class = "down"
		}
		out = append(out, row)
	}
	return out
}

// signed writes a change with its sign, in the KPI's unit.
func signed(f *Formatter, k *kpi.KPI, d decimal.Decimal) string {
	s := f.Value(k, d.Abs(), false)
	switch d.Sign() {
	case 1:
		return "+" + s
	case -1:
		return "−" + s
	}
	return s
}

func joinComma(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

func (s *Server) pageRolloutPilot(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return kpi.Errorf(kpi.EINVALID, "The form cannot be read.")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return kpi.Errorf(kpi.ENOTFOUND, "No pilot %q.", r.PathValue("id"))
	}
	ro := app.RolloutRequest{Units: splitList(r.PostFormValue("units")), From: r.PostFormValue("from"), Reason: r.PostFormValue("reason"),
		DryRun: r.PostFormValue("confirm") != "yes"}
	res, err := s.App.RolloutPilot(r.Context(), who(r), id, ro)
	if err != nil {
		c := kpi.ErrorCode(err)
		if c == kpi.EINVALID || c == kpi.ECONFLICT {
			msg := kpi.ErrorMessage(err)
			if e, ok := err.(*kpi.Error); ok {
				for _, p := range e.Details {
					msg += " " + p.Column + ": " + p.Reason + "."
				}
			}
			return s.renderPilot(w, r, &ro, nil, msg)
		}
		return err
	}
	if !res.DryRun {
		http.Redirect(w, r, fmt.Sprintf("/pilots/%d", id), http.StatusSeeOther)
		return nil
	}
	return s.renderPilot(w, r, &ro, res, "")
}
