package web

import (
	"fmt"
	"net/http"
	"strconv"

	"attain/app"
	"attain/calc/bonus"
	"attain/kpi"
)

// statementOf reads the employee and period of a statement route.
func statementOf(r *http.Request) app.StatementRef {
	return app.StatementRef{Employee: r.PathValue("employee"), Period: r.PathValue("period")}
}

// statementJSON is a statement as the API shows it: every KPI line's
// explain query with the API call that runs it.
type statementJSON struct {
	*app.Statement
	Explain []explainLinkJSON `json:"explain"`
}

type explainLinkJSON struct {
	app.ExplainLink
	Href string `json:"href"`
}

func newStatementJSON(st *app.Statement) statementJSON {
	out := statementJSON{Statement: st, Explain: []explainLinkJSON{}}
	for _, l := range st.Explain {
		out.Explain = append(out.Explain, explainLinkJSON{ExplainLink: l, Href: explainURL(l.Query)})
	}
	return out
}

func (s *Server) getStatement(w http.ResponseWriter, r *http.Request) error {
	st, err := s.App.Statement(r.Context(), who(r), statementOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newStatementJSON(st))
	return nil
}

type whatIfBody struct {
	Changes []bonus.Change `json:"changes"`
}

func (s *Server) statementWhatIf(w http.ResponseWriter, r *http.Request) error {
	var body whatIfBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	res, err := s.App.WhatIf(r.Context(), who(r), statementOf(r), body.Changes)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		*app.StatementWhatIf
		Statement statementJSON `json:"statement"`
	}{res, newStatementJSON(res.Statement)})
	return nil
}

// statementStep approves, locks or pays a statement.
func (s *Server) statementStep(step app.Step) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := s.App.StepStatement(r.Context(), who(r), statementOf(r), step)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, newStatementJSON(st))
		return nil
	}
}

type inquiryBody struct {
	Line string `json:"line"`
	Text string `json:"text"`
}

func (s *Server) createInquiry(w http.ResponseWriter, r *http.Request) error {
	var body inquiryBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	q, err := s.App.Inquire(r.Context(), who(r), statementOf(r), body.Line, body.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, q)
	return nil
}

type answerBody struct {
	Text string `json:"text"`
}

func (s *Server) answerInquiry(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return kpi.Errorf(kpi.EINVALID, "Inquiry id %q is not a number.", r.PathValue("id"))
	}
	var body answerBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	q, err := s.App.Answer(r.Context(), who(r), statementOf(r), id, body.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

func (s *Server) statementPDF(w http.ResponseWriter, r *http.Request) error {
	f, err := s.App.StatementPDF(r.Context(), who(r), statementOf(r))
	if err != nil {
		return err
	}
	return writeFile(w, f)
}

func (s *Server) listPayouts(w http.ResponseWriter, r *http.Request) error {
	period := r.URL.Query().Get("period")
	switch format := r.URL.Query().Get("format"); format {
	case "", "json":
		rows, err := s.App.Payouts(r.Context(), who(r), period)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, rows)
		return nil
	default:
		f, err := s.App.PayoutsFile(r.Context(), who(r), period, format)
		if err != nil {
			return err
		}
		return writeFile(w, f)
	}
}

// writeFile sends an export as a download.
func writeFile(w http.ResponseWriter, f *app.File) error {
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", f.Name))
	return f.Save(w)
}

type bonusCostBody struct {
	Plan   string `json:"plan"`
	Unit   string `json:"unit"`
	Period string `json:"period"`
}

func (s *Server) bonusCost(w http.ResponseWriter, r *http.Request) error {
	var body bonusCostBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	d, err := s.App.TeamCost(r.Context(), who(r), "plan", []byte(body.Plan), body.Unit, body.Period)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// bonusEval is the body of POST /api/v1/bonus/eval: a plan and one
// employee's inputs, as YAML (JSON is YAML too), and what-if changes.
type bonusEval struct {
	Plan    string         `json:"plan"`
	Inputs  string         `json:"inputs"`
	Changes []bonus.Change `json:"changes"`
}

func (s *Server) evalBonus(w http.ResponseWriter, r *http.Request) error {
	var body bonusEval
	if err := readJSON(r, &body); err != nil {
		return err
	}
	res, err := app.EvalBonus("plan", []byte(body.Plan), "inputs", []byte(body.Inputs), body.Changes)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
