package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/calc/score"
	"attain/kpi"
)

// targetFilter reads kpi, employee, unit and period (overlap).
func targetFilter(v url.Values) (kpi.TargetFilter, error) {
	f := kpi.TargetFilter{KPIs: splitList(v.Get("kpi")), Subjects: subjects(v)}
	if p := v.Get("period"); p != "" {
		period, err := kpi.ParsePeriod(p)
		if err != nil {
			return f, err
		}
		f.From, f.To = period.From, period.To
	}
	return f, nil
}

func (s *Server) listTargets(w http.ResponseWriter, r *http.Request) error {
	f, err := targetFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if err := s.Review.CheckNames(r.Context(), f.KPIs, f.Subjects); err != nil {
		return err
	}
	ts, err := s.Targets.FindTargets(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(ts))
	return nil
}

func (s *Server) targetHistory(w http.ResponseWriter, r *http.Request) error {
	f, err := targetFilter(r.URL.Query())
	if err != nil {
		return err
	}
	hist, err := s.Targets.TargetHistory(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(hist))
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
	if err := s.Review.CheckTargets(r.Context(), body.Targets); err != nil {
		return err
	}
	ts, err := s.Targets.SetTargets(r.Context(), body.Targets, body.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(ts))
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
	p, err := kpi.ParsePeriod(body.Period)
	if err != nil {
		return err
	}
	req := review.ProposeRequest{KPI: body.KPI, Period: p, Method: body.Method, Subjects: body.Subjects,
		Unit: body.Unit, Total: body.Total, N: body.N, Places: body.Places}
	if body.Growth != nil {
		req.Growth = *body.Growth
	}
	props, err := s.Review.Propose(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(props))
	return nil
}

func (s *Server) targetCascade(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	p, err := kpi.ParsePeriod(v.Get("period"))
	if err != nil {
		return err
	}
	checks, err := s.Review.Cascade(r.Context(), v.Get("kpi"), p)
	if err != nil {
		return err
	}
	if v.Get("all") != "true" {
		checks = score.Disagreements(checks)
	}
	writeJSON(w, http.StatusOK, nonNil(checks))
	return nil
}

func (s *Server) listLocks(w http.ResponseWriter, r *http.Request) error {
	locks, err := s.Targets.FindPeriodLocks(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(locks))
	return nil
}

// lockBody is the body of the lock and reopen calls.
type lockBody struct {
	Period string `json:"period"`
	Reason string `json:"reason"`
}

func (s *Server) lockPeriod(w http.ResponseWriter, r *http.Request) error {
	return s.changeLock(w, r, s.Targets.LockPeriod)
}

func (s *Server) reopenPeriod(w http.ResponseWriter, r *http.Request) error {
	return s.changeLock(w, r, s.Targets.ReopenPeriod)
}

func (s *Server) changeLock(w http.ResponseWriter, r *http.Request, change func(context.Context, kpi.Period, string) error) error {
	var body lockBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	p, err := kpi.ParsePeriod(body.Period)
	if err != nil {
		return err
	}
	if err := change(r.Context(), p, body.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// scorecardQuery reads employee or unit, period and template.
func scorecardQuery(v url.Values) (kpi.Subject, kpi.Period, error) {
	subj := subjects(v)
	if len(subj) != 1 {
		return kpi.Subject{}, kpi.Period{}, kpi.Errorf(kpi.EINVALID, "Give one employee or one unit.")
	}
	p, err := kpi.ParsePeriod(v.Get("period"))
	return subj[0], p, err
}

func (s *Server) getScorecard(w http.ResponseWriter, r *http.Request) error {
	subj, p, err := scorecardQuery(r.URL.Query())
	if err != nil {
		return err
	}
	card, err := s.Review.Scorecard(r.Context(), subj, p, r.URL.Query().Get("template"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, card)
	return nil
}

func (s *Server) exportScorecards(w http.ResponseWriter, r *http.Request) error {
	subj, p, err := scorecardQuery(r.URL.Query())
	if err != nil {
		return err
	}
	if subj.Kind != kpi.SubjectUnit {
		return kpi.Errorf(kpi.EINVALID, "The export is of a unit: give unit.")
	}
	cards, names, err := s.Review.UnitCards(r.Context(), subj.ID, p, r.URL.Query().Get("template"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", fmt.Sprintf("scorecards-%s-%s.xlsx", subj.ID, p.Label())))
	return review.WriteXLSX(w, fmt.Sprintf("Scorecards of %s, %s", subj.ID, p.Label()), cards, names)
}

func (s *Server) getAttention(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	p, err := kpi.ParsePeriod(v.Get("period"))
	if err != nil {
		return err
	}
	att, err := s.Review.Attention(r.Context(), v.Get("manager"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, att)
	return nil
}
