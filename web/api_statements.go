package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"attain/app/payroll"
	"attain/calc/bonus"
	"attain/kpi"
)

// statementOf reads the employee and period of a statement route.
func statementOf(r *http.Request) (string, kpi.Period, error) {
	p, err := kpi.ParsePeriod(r.PathValue("period"))
	if err != nil {
		return "", kpi.Period{}, err
	}
	return r.PathValue("employee"), p, nil
}

func (s *Server) getStatement(w http.ResponseWriter, r *http.Request) error {
	emp, p, err := statementOf(r)
	if err != nil {
		return err
	}
	st, err := s.Payroll.Statement(r.Context(), emp, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

type whatIfBody struct {
	Changes []bonus.Change `json:"changes"`
}

func (s *Server) statementWhatIf(w http.ResponseWriter, r *http.Request) error {
	emp, p, err := statementOf(r)
	if err != nil {
		return err
	}
	var body whatIfBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	res, err := s.Payroll.WhatIf(r.Context(), emp, p, body.Changes)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// statementStep approves, locks or pays a statement.
func (s *Server) statementStep(step func(*payroll.Service) stepFunc) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		emp, p, err := statementOf(r)
		if err != nil {
			return err
		}
		st, err := step(s.Payroll)(r.Context(), emp, p)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, st)
		return nil
	}
}

type inquiryBody struct {
	Line string `json:"line"`
	Text string `json:"text"`
}

func (s *Server) createInquiry(w http.ResponseWriter, r *http.Request) error {
	emp, p, err := statementOf(r)
	if err != nil {
		return err
	}
	var body inquiryBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	q, err := s.Payroll.Inquire(r.Context(), emp, p, body.Line, body.Text)
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
	emp, p, err := statementOf(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return kpi.Errorf(kpi.EINVALID, "Inquiry id %q is not a number.", r.PathValue("id"))
	}
	var body answerBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	q, err := s.Payroll.Answer(r.Context(), emp, p, id, body.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

func (s *Server) statementPDF(w http.ResponseWriter, r *http.Request) error {
	emp, p, err := statementOf(r)
	if err != nil {
		return err
	}
	var pdf bytes.Buffer
	if err := s.Payroll.PDF(r.Context(), &pdf, emp, p); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "statement-"+emp+"-"+p.Label()+".pdf"))
	_, err = w.Write(pdf.Bytes())
	return err
}

func (s *Server) listPayouts(w http.ResponseWriter, r *http.Request) error {
	p, err := kpi.ParsePeriod(r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	rows, err := s.Payroll.Payouts(r.Context(), p)
	if err != nil {
		return err
	}
	name := "payouts-" + p.Label()
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		writeJSON(w, http.StatusOK, rows)
		return nil
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".csv"))
		return payroll.WritePayoutsCSV(w, rows)
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".xlsx"))
		return payroll.WritePayoutsXLSX(w, rows)
	default:
		return kpi.Errorf(kpi.EINVALID, "Unknown format %q: want json, csv or xlsx.", f)
	}
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
	draft, err := bonus.ParsePlan("plan", []byte(body.Plan))
	if err != nil {
		return err
	}
	p, err := kpi.ParsePeriod(body.Period)
	if err != nil {
		return err
	}
	d, err := s.Payroll.TeamCost(r.Context(), body.Unit, p, draft)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
