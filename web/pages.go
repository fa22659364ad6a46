package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/calc/score"
	"attain/kpi"
)

// page is a page handler: it returns an error instead of writing one, and
// pageWrap shows it as a page.
type page func(w http.ResponseWriter, r *http.Request) error

// pageWrap shows errors as pages: a visitor who is not signed in goes to
// the sign-in page; others see what went wrong, with the status of the
// code → status table; internal errors are logged and shown as "Internal
// error.".
func (s *Server) pageWrap(h page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		code := kpi.ErrorCode(err)
		if code == kpi.EUNAUTHORIZED {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if code == kpi.EINTERNAL {
			s.Logger.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		status, ok := codes[code]
		if !ok {
			status = http.StatusInternalServerError
		}
		titles := map[string]string{kpi.EFORBIDDEN: "Not yours to see", kpi.ENOTFOUND: "Not found", kpi.EINVALID: "That cannot be read"}
		title := titles[code]
		if title == "" {
			title = "Something went wrong"
		}
		v := &view{Title: title, Data: kpi.ErrorMessage(err)}
		if me, merr := s.App.Me(r.Context(), who(r)); merr == nil {
			v.Me, v.F = me, formatter(me)
		}
		w.WriteHeader(status)
		if rerr := s.render(w, r, "error", v); rerr != nil {
			s.Logger.Error("error page failed", "err", rerr)
		}
	})
}

// formatter is the signed-in workspace's formatter.
func formatter(me *app.Me) *Formatter {
	loc, err := me.Workspace.Location()
	if err != nil {
		loc = time.UTC
	}
	return NewFormatter(me.Workspace.Locale, loc)
}

// newView starts a page's view: who is signed in, how numbers are written.
func (s *Server) newView(r *http.Request, title, section string) (*view, error) {
	me, err := s.App.Me(r.Context(), who(r))
	if err != nil {
		return nil, err
	}
	return &view{Title: title, Section: section, Me: me, F: formatter(me)}, nil
}

// picker is the period picker's state: the period shown, quick picks, and
// the page's other query parameters to keep.
type picker struct {
	Period string
	Quick  []quickPick
	Keep   map[string]string
}

type quickPick struct {
	Name, Label, URL string
	Current          bool
}

// period reads the page's period, defaulting to this month in the
// workspace's zone, and sets the view's picker; keep names the query
// parameters the picker's links carry along.
func (v *view) period(r *http.Request, keep ...string) string {
	loc, err := v.Me.Workspace.Location()
	if err != nil {
		loc = time.UTC
	}
	today := kpi.DateOf(time.Now(), loc)
	p := r.URL.Query().Get("period")
	if p == "" {
		p = kpi.PeriodOf(kpi.Month, today).Label()
	}
	pk := &picker{Period: p, Keep: map[string]string{}}
	q := url.Values{}
	for _, k := range keep {
		if val := r.URL.Query().Get(k); val != "" {
			pk.Keep[k] = val
			q.Set(k, val)
		}
	}
	month := kpi.PeriodOf(kpi.Month, today)
	for _, c := range []struct {
		name string
		p    kpi.Period
	}{
		{"This week", kpi.PeriodOf(kpi.Week, today)},
		{"This month", month},
		{"Last month", score.Previous(month)},
		{"This quarter", kpi.PeriodOf(kpi.Quarter, today)},
		{"This year", kpi.PeriodOf(kpi.Year, today)},
	} {
		q.Set("period", c.p.Label())
		pk.Quick = append(pk.Quick, quickPick{Name: c.name, Label: c.p.Label(), URL: r.URL.Path + "?" + q.Encode(), Current: c.p.Label() == p})
	}
	v.Picker = pk
	return p
}

// versions writes the change counters a page was computed from, as the
// live refresh compares them.
func versions(v kpi.Versions) string {
	return fmt.Sprintf("%d.%d.%d", v.Records, v.Definitions, v.Org)
}

// live answers the pages' live refresh: the workspace's change counters.
func (s *Server) live(w http.ResponseWriter, r *http.Request) error {
	v, err := s.App.Versions(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// home sends each person to their first page: their scorecard, their
// team, or, for those who see everything, the top of the org.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	me, err := s.App.Me(r.Context(), who(r))
	if err != nil {
		return err
	}
	to := "/leaderboard"
	switch {
	case me.Employee != nil && !me.Manager():
		to = "/me"
	case me.Home != "":
		to = "/team"
	case me.Employee != nil:
		to = "/me"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// delta is a change shown with an arrow, coloured by whether it is better.
type delta struct {
	Null                      bool
	Text, Arrow, Class, Title string
}

// change shows a change in % (points of a percentage), better when its
// sign agrees with the KPI's direction.
func change(f *Formatter, pct decimal.Decimal, null bool, dir kpi.Direction, title string) delta {
	if null {
		return delta{Null: true}
	}
	d := delta{Text: f.Number(pct.Abs(), 1) + "\u00a0%", Title: title, Arrow: "→", Class: "flat"}
	switch pct.Sign() {
	case 1:
		d.Arrow, d.Class = "▲", "up"
	case -1:
		d.Arrow, d.Class = "▼", "down"
	}
	if dir == kpi.LowerIsBetter && pct.Sign() != 0 {
		if d.Class == "up" {
			d.Class = "down"
		} else {
			d.Class = "up"
		}
	}
	return d
}

// statusBadge names an item's status for a badge and its colour class.
func statusBadge(st score.Status) (string, string) {
	switch st {
	case score.StatusAboveTarget:
		return st.Words(), "good"
	case score.StatusBelowThreshold:
		return st.Words(), "bad"
	}
	return st.Words(), "info"
}

// pageRoute is one page. Pages are listed once here, beside the API's
// routes table.
type pageRoute struct {
	method, path string
	public       bool // no sign-in needed
	handler      page
}

func (s *Server) pageRoutes() []pageRoute {
	return slices.Concat([]pageRoute{
		{"GET", "/static/{file}", true, s.static},
		{"GET", "/{$}", false, s.home},
		{"GET", "/live", false, s.live},
		{"GET", "/me", false, s.pageMe},
		{"GET", "/people/{id}", false, s.pagePerson},
		{"GET", "/team", false, s.pageTeam},
		{"GET", "/explain", false, s.pageExplain},
	},
		s.StatementPages(),
		s.TargetPages(),
		s.adminPages(),
		s.recognitionPages(),
		s.boardsPages(),
		s.notifyPages(),
		s.pilotsPages(),
		s.strategyPages(),
	)
}
