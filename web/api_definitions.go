package web

import (
	"io"
	"net/http"
	"strings"

	"attain/app"
	"attain/kpi"
)

func (s *Server) getDefinitions(w http.ResponseWriter, r *http.Request) error {
	defs, err := s.App.Definitions(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, defs)
	return nil
}

// applyDefinitions takes an attain.yaml when the content type says YAML
// (its targets too), JSON otherwise: the same use case as `attain apply`.
func (s *Server) applyDefinitions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req := app.ApplyRequest{Source: "request body", DryRun: q.Get("dry_run") == "true", Effective: q.Get("effective_from"),
		Reason: q.Get("reason"), PreviewFrom: q.Get("preview_from"), PreviewTo: q.Get("preview_to")}
	if strings.Contains(r.Header.Get("Content-Type"), "yaml") {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		req.YAML = data
	} else {
		req.Definitions = new(kpi.Definitions)
		if err := readJSON(r, req.Definitions); err != nil {
			return err
		}
	}
	res, err := s.App.Apply(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) listDatasets(w http.ResponseWriter, r *http.Request) error {
	defs, err := s.App.Definitions(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(defs.Datasets))
	return nil
}

func (s *Server) getDataset(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.App.Dataset(r.Context(), who(r), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ds)
	return nil
}

func (s *Server) listKPIs(w http.ResponseWriter, r *http.Request) error {
	defs, err := s.App.Definitions(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(defs.KPIs))
	return nil
}

func (s *Server) getKPI(w http.ResponseWriter, r *http.Request) error {
	k, err := s.App.KPI(r.Context(), who(r), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
