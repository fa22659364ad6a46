package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
)

// maxReason is the most characters a reason for a change of targets has.
const maxReason = 500

// TargetPages are the targets grid: read and save.
func (s *Server) TargetPages() []pageRoute {
	return []pageRoute{
		{"GET", "/targets", false, s.pageTargets},
		{"POST", "/targets", false, s.postTargets},
	}
}

// targetsPage is the grid of one KPI, unit and period ready to show.
type targetsPage struct {
	Grid    *app.TargetGrid
	Methods []app.ProposalMethod
	Method  string
	N       string
	Growth  string
	Total   string
	Query   string // the grid's query, for links back to it
	Rows    []gridRow
	Cascade []cascadeRow
	Changes []changeRow
	Locked  string
	Reason  string
	// Errors: at the reason, and for the whole save.
	ReasonErr, SaveErr string
	Flash              string
}

type gridRow struct {
	Kind, ID, Name, Link string
	Actuals              []gridValue
	Current, CurrentRaw  string
	Proposal, Explain    string
	ProposalRaw          string
	Value                string // what the cell holds: typed, proposed or current
	Error                string
	Changed              bool
}

type gridValue struct{ Text, Raw string }

type cascadeRow struct {
	Unit, Target, Sum, Difference, Missing string
}

type changeRow struct {
	When, By, Subject, Old, New, Reason string
}

// gridRequest reads the grid's query (or form) parameters.
func gridRequest(q url.Values, period string) (app.TargetGridRequest, error) {
	req := app.TargetGridRequest{KPI: q.Get("kpi"), Unit: q.Get("unit"), Period: period, Method: q.Get("method")}
	if n := q.Get("n"); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 1 || v > 36 {
			return req, kpi.Errorf(kpi.EINVALID, "Periods to look back %q: want a whole number from 1 to 36.", n)
		}
		req.N = v
	}
	if g := q.Get("growth"); g != "" {
		d, err := decimal.NewFromString(g)
		if err != nil || d.IsNegative() {
			return req, kpi.Errorf(kpi.EINVALID, "Growth %q: want a factor like 1.10 for 10 %% more.", g)
		}
		req.Growth = &d
	}
	if t := q.Get("total"); t != "" {
		d, err := decimal.NewFromString(t)
		if err != nil || d.IsNegative() {
			return req, kpi.Errorf(kpi.EINVALID, "Total to split %q: want a number, 0 or more.", t)
		}
		req.Total = &d
	}
	return req, nil
}

func (s *Server) pageTargets(w http.ResponseWriter, r *http.Request) error {
	pg := &targetsPage{}
	if n := r.URL.Query().Get("saved"); n != "" {
		pg.Flash = "Saved " + n + " targets."
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("pending")); err == nil && n > 0 {
		if r.URL.Query().Get("saved") == "0" {
			pg.Flash = ""
		}
		what := strconv.Itoa(n) + " changes above the guardrails wait"
		if n == 1 {
			what = "1 change above the guardrails waits"
		}
		pg.Flash = strings.TrimSpace(pg.Flash + " " + what + " for approval by the next level up (see Unit levels on the strategy page).")
	}
	return s.targets(w, r, r.URL.Query(), pg, nil)
}

// targets renders the grid; typed are the cells a refused save sent, with
// their errors.
func (s *Server) targets(w http.ResponseWriter, r *http.Request, q url.Values, pg *targetsPage, typed map[string]string) error {
	v, err := s.newView(r, "Targets", "targets")
	if err != nil {
		return err
	}
	// The change counters before the numbers: records that arrive while
	// they are computed show as new numbers, never as missed ones.
	vs, err := s.App.Versions(r.Context(), who(r))
	if err != nil {
		return err
	}
	v.Versions = versions(vs)
	period := q.Get("period")
	if period == "" {
		period = v.period(r, "kpi", "unit", "method", "n", "growth", "total")
	} else {
		v.period(r, "kpi", "unit", "method", "n", "growth", "total")
		v.Picker.Period = period
	}
	req, err := gridRequest(q, period)
	if err != nil {
		return err
	}
	g, err := s.App.TargetGrid(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	f := v.F
	pg.Grid, pg.Methods, pg.Method, pg.N, pg.Growth = g, app.ProposalMethods, req.Method, q.Get("n"), q.Get("growth")
	pg.Total = q.Get("total")
	pg.Query = pairs("kpi", g.KPI.Name, "unit", g.Unit, "period", g.Period.Label(), "method", req.Method, "n", pg.N, "growth", pg.Growth, "total", pg.Total)
	v.Picker.Keep = map[string]string{"kpi": g.KPI.Name, "unit": g.Unit}
	if req.Method != "" {
		v.Picker.Keep["method"] = req.Method
	}
	v.Title = "Targets · " + g.KPI.Name + " · " + g.Period.Label()
	if g.Lock != nil {
		pg.Locked = "The period " + g.Lock.Period.Label() + " is locked (by " + g.Lock.LockedBy + ", " + f.Time(g.Lock.LockedAt) + ")"
		if g.Lock.Reason != "" {
			pg.Locked += ": " + g.Lock.Reason
		}
		pg.Locked += ". Its targets cannot change."
	}
	k := g.KPI
	for _, row := range g.Rows {
		gr := gridRow{Kind: row.Subject.Kind, ID: row.Subject.ID, Name: row.Name}
		if row.Subject.Kind == kpi.SubjectEmployee {
			gr.Link = "/people/" + url.PathEscape(row.Subject.ID) + "?period=" + url.QueryEscape(g.Period.Label())
		}
		for _, a := range row.Actuals {
			gv := gridValue{Text: f.Value(k, a.Value, a.Null)}
			if !a.Null {
				gv.Raw = a.Value.String()
			}
			gr.Actuals = append(gr.Actuals, gv)
		}
		gr.Current = "–"
		if row.Current != nil {
			gr.Current, gr.CurrentRaw = f.Value(k, row.Current.Value, false), row.Current.Value.String()
			gr.Value = gr.CurrentRaw
		}
		if p := row.Proposal; p != nil {
			gr.Explain = p.Explanation
			if !p.Null {
				gr.Proposal, gr.ProposalRaw = f.Value(k, p.Value, false), p.Value.String()
				gr.Value = gr.ProposalRaw
			} else {
				gr.Proposal = "–"
			}
		}
		if t, ok := typed[cellName(row.Subject)]; ok {
			gr.Value = t
			gr.Error = typed["error:"+cellName(row.Subject)]
		}
		gr.Changed = gr.Value != "" && gr.Value != gr.CurrentRaw
		pg.Rows = append(pg.Rows, gr)
	}
	for _, c := range g.Cascade {
		cr := cascadeRow{Unit: c.Unit.ID, Target: "none of its own", Sum: f.Value(k, c.Sum, false), Difference: "–"}
		if !c.Null {
			cr.Target, cr.Difference = f.Value(k, c.Target, false), f.Value(k, c.Difference, false)
		}
		var missing []string
		for _, m := range c.Missing {
			missing = append(missing, m.ID)
		}
		cr.Missing = strings.Join(missing, ", ")
		pg.Cascade = append(pg.Cascade, cr)
	}
	for _, c := range g.Changes {
		cr := changeRow{When: f.Time(c.At), By: c.By, Subject: c.Subject.ID, Old: "–", New: "–", Reason: c.Reason}
		if c.Old != nil {
			cr.Old = f.Value(k, *c.Old, false)
		}
		if c.New != nil {
			cr.New = f.Value(k, *c.New, false)
		}
		pg.Changes = append(pg.Changes, cr)
	}
	v.Data = pg
	return s.render(w, r, "targets", v)
}

// cellName is the form field of a subject's cell.
func cellName(s kpi.Subject) string { return "t." + s.Kind + "." + s.ID }

// postTargets saves the grid's changed cells, all or nothing, with the
// reason; errors go back to the grid, next to their cell.
func (s *Server) postTargets(w http.ResponseWriter, r *http.Request) error {
	if err := readPageForm(w, r); err != nil {
		return err
	}
	q := r.PostForm
	req, err := gridRequest(q, q.Get("period"))
	if err != nil {
		return err
	}
	// The method stays: a split's rows include the child units it proposes
	// for, whose cells are saved too.
	g, err := s.App.TargetGrid(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	pg := &targetsPage{Reason: strings.TrimSpace(q.Get("reason"))}
	typed := map[string]string{}
	var in []kpi.TargetInput
	bad := false
	for _, row := range g.Rows {
		name := cellName(row.Subject)
		val := strings.TrimSpace(q.Get(name))
		typed[name] = val
		if val == "" {
			continue
		}
		d, err := decimal.NewFromString(val)
		switch {
		case err != nil || len(val) > 40:
			typed["error:"+name] = "“" + val + "” is not a number; write it like 12 or 1500.50."
			bad = true
			continue
		case d.IsNegative():
			typed["error:"+name] = "A target cannot be negative."
			bad = true
			continue
		}
		if row.Current != nil && row.Current.Value.Equal(d) {
			continue
		}
		in = append(in, kpi.TargetInput{KPI: g.KPI.Name, Subject: row.Subject, Period: g.Period, Value: &d})
	}
	switch {
	case pg.Reason == "":
		pg.ReasonErr = "Say why the targets change; the history keeps it."
		bad = true
	case len([]rune(pg.Reason)) > maxReason:
		pg.ReasonErr = "The reason is " + strconv.Itoa(len([]rune(pg.Reason))) + " characters long; at most " + strconv.Itoa(maxReason) + "."
		bad = true
	}
	if !bad && len(in) == 0 {
		pg.SaveErr = "No target changed: type a new value into a cell."
		bad = true
	}
	if !bad {
		res, err := s.App.ChangeTargets(r.Context(), who(r), in, pg.Reason)
		if err == nil {
			back := pairs("kpi", g.KPI.Name, "unit", g.Unit, "period", g.Period.Label(), "saved", strconv.Itoa(len(res.Targets)))
			if n := res.Pending(); n > 0 {
				back += "&" + pairs("pending", strconv.Itoa(n))
			}
			http.Redirect(w, r, "/targets?"+back+"#history", http.StatusSeeOther)
			return nil
		}
		if c := kpi.ErrorCode(err); c != kpi.ECONFLICT && c != kpi.EINVALID && c != kpi.ENOTFOUND {
			return err
		}
		pg.SaveErr = kpi.ErrorMessage(err)
	}
	for k := range q {
		if k != "kpi" && k != "unit" && k != "period" && k != "n" && k != "growth" && k != "method" && k != "total" {
			delete(q, k)
		}
	}
	q.Set("period", g.Period.Label())
	htmlStatus(w, http.StatusBadRequest)
	return s.targets(w, r, q, pg, typed)
}
