package web

import (
	"net/http"

	"attain/calc/bonus"
	"attain/kpi"
)

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
	plan, err := bonus.ParsePlan("plan", []byte(body.Plan))
	if err != nil {
		return err
	}
	in, err := bonus.ParseInputs("inputs", []byte(body.Inputs))
	if err != nil {
		return err
	}
	base, changed, err := bonus.WhatIf(plan, in, body.Changes)
	if err != nil {
		return err
	}
	out := map[string]*kpi.Evaluation{"statement": base}
	if len(body.Changes) > 0 {
		out["what_if"] = changed
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
