package web

import (
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
)

// targetQuery reads kpi, employee, unit and period (overlap).
func targetQuery(v url.Values) app.TargetQuery {
	return app.TargetQuery{KPIs: splitList(v.Get("kpi")), Employees: splitList(v.Get("employee")),
		Units: splitList(v.Get("unit")), Period: v.Get("period")}
}

func (s *Server) listTargets(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.App.Targets(r.Context(), who(r), targetQuery(r.URL.Query()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ts)
	return nil
}

func (s *Server) targetHistory(w http.ResponseWriter, r *http.Request) error {
	hist, err := s.App.TargetHistory(r.Context(), who(r), targetQuery(r.URL.Query()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hist)
	return nil
}

// setTargetsBody is the body of PUT /api/v1/targets.
type setTargetsBody struct {
	Targets []kpi.TargetInput `json:"targets"`
	Reason  string            `json:"reason"`
}

func (s *Server) setTargets(w http.ResponseWriter, r *http.Request) error {
	var body setTargetsBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	res, err := s.App.ChangeTargets(r.Context(), who(r), body.Targets, body.Reason)
	if err != nil {
		return err
	}
	// A unit head's change above the guardrails waits for the next level
	// up: 202, and where to find it; the body is still the targets stored.
	status := http.StatusOK
	if res.Pending() > 0 {
		status = http.StatusAccepted
		w.Header().Set("Location", "/api/v1/levels?status="+kpi.LevelPending)
	}
	writeJSON(w, status, res.Targets)
	return nil
}

// proposeBody is the body of POST /api/v1/targets/propose.
type proposeBody struct {
	KPI      string           `json:"kpi"`
	Period   string           `json:"period"`
	Method   string           `json:"method"`
	Subjects []kpi.Subject    `json:"subjects"`
	Unit     string           `json:"unit"`
	Total    *decimal.Decimal `json:"total"`
	N        int              `json:"n"`
	Growth   *decimal.Decimal `json:"growth"`
	Places   *int32           `json:"places"` // null or left out: 2
}

func (s *Server) proposeTargets(w http.ResponseWriter, r *http.Request) error {
	var body proposeBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	req := app.ProposeRequest{KPI: body.KPI, Period: body.Period, Method: body.Method, Unit: body.Unit,
		Total: body.Total, N: body.N, Growth: body.Growth, Places: body.Places}
	for _, s := range body.Subjects {
		if s.Kind != kpi.SubjectEmployee {
			return kpi.Errorf(kpi.EINVALID, "Proposals from history are for employees; %s is a %s.", s.ID, s.Kind)
		}
		req.Employees = append(req.Employees, s.ID)
	}
	props, err := s.App.ProposeTargets(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, props.Proposals)
	return nil
}

func (s *Server) targetCascade(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	checks, err := s.App.Cascade(r.Context(), who(r), v.Get("kpi"), v.Get("period"), v.Get("all") == "true")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, checks)
	return nil
}

func (s *Server) listLocks(w http.ResponseWriter, r *http.Request) error {
	locks, err := s.App.PeriodLocks(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, locks)
	return nil
}

// lockBody is the body of the lock and reopen calls.
type lockBody struct {
	Period string `json:"period"`
	Reason string `json:"reason"`
}

func (s *Server) lockPeriod(w http.ResponseWriter, r *http.Request) error {
	return s.changeLock(w, r, true)
}

func (s *Server) reopenPeriod(w http.ResponseWriter, r *http.Request) error {
	return s.changeLock(w, r, false)
}

func (s *Server) changeLock(w http.ResponseWriter, r *http.Request, lock bool) error {
	var body lockBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	if _, err := s.App.LockPeriod(r.Context(), who(r), body.Period, body.Reason, lock); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// scorecardRequest reads employee or unit, period and template.
func scorecardRequest(v url.Values) app.ScorecardRequest {
	return app.ScorecardRequest{Employee: v.Get("employee"), Unit: v.Get("unit"), Period: v.Get("period"), Template: v.Get("template")}
}

func (s *Server) getScorecard(w http.ResponseWriter, r *http.Request) error {
	card, err := s.App.Scorecard(r.Context(), who(r), scorecardRequest(r.URL.Query()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, card)
	return nil
}

func (s *Server) exportScorecards(w http.ResponseWriter, r *http.Request) error {
	f, err := s.App.ScorecardsXLSX(r.Context(), who(r), scorecardRequest(r.URL.Query()))
	if err != nil {
		return err
	}
	return writeFile(w, f)
}

func (s *Server) getAttention(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	att, err := s.App.Attention(r.Context(), who(r), v.Get("manager"), v.Get("period"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, att)
	return nil
}
