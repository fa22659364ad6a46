package web

import (
	"io"
	"net/http"
	"strings"

	"attain/app/preview"
	"attain/attainyaml"
	"attain/kpi"
)

func (s *Server) getDefinitions(w http.ResponseWriter, r *http.Request) error {
	defs, err := s.Definitions.FindDefinitions(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, defs)
	return nil
}

// applyDefinitions takes JSON, or an attain.yaml when the content type says
// YAML; both are validated whole by the same rules as `attain apply`.
func (s *Server) applyDefinitions(w http.ResponseWriter, r *http.Request) error {
	var defs *kpi.Definitions
	if strings.Contains(r.Header.Get("Content-Type"), "yaml") {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		if defs, err = attainyaml.Load("request body", data); err != nil {
			return err
		}
	} else {
		defs = new(kpi.Definitions)
		if err := readJSON(r, defs); err != nil {
			return err
		}
		if err := attainyaml.Validate(defs, "request body", nil); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	opt := kpi.ApplyOptions{DryRun: q.Get("dry_run") == "true", Reason: q.Get("reason")}
	if v := q.Get("effective_from"); v != "" {
		d, err := kpi.ParseDate(v)
		if err != nil {
			return kpi.Errorf(kpi.EINVALID, "effective_from: %s", err)
		}
		opt.EffectiveFrom = &d
	}
	var popt preview.Options
	if opt.DryRun {
		for _, p := range []struct {
			name string
			d    **kpi.Date
		}{{"preview_from", &popt.From}, {"preview_to", &popt.To}} {
			if v := q.Get(p.name); v != "" {
				d, err := kpi.ParseDate(v)
				if err != nil {
					return kpi.Errorf(kpi.EINVALID, "%s: %s", p.name, err)
				}
				*p.d = &d
			}
		}
		popt.Effective = opt.EffectiveFrom
	}
	changes, err := s.Definitions.ApplyDefinitions(r.Context(), defs, opt)
	if err != nil {
		return err
	}
	if !opt.DryRun {
		writeJSON(w, http.StatusOK, nonNil(changes))
		return nil
	}
	rows, err := s.Preview.Rows(r.Context(), defs, changes, popt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dryRun{Changes: nonNil(changes), Preview: nonNil(preview.Changed(rows))})
	return nil
}

// dryRun is the answer to a dry run: the changes that would be made and
// the values they would change.
type dryRun struct {
	Changes []kpi.Change  `json:"changes"`
	Preview []preview.Row `json:"preview"`
}

func (s *Server) listDatasets(w http.ResponseWriter, r *http.Request) error {
	defs, err := s.Definitions.FindDefinitions(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(defs.Datasets))
	return nil
}

func (s *Server) getDataset(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.findDataset(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ds)
	return nil
}

func (s *Server) listKPIs(w http.ResponseWriter, r *http.Request) error {
	defs, err := s.Definitions.FindDefinitions(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(defs.KPIs))
	return nil
}

func (s *Server) getKPI(w http.ResponseWriter, r *http.Request) error {
	defs, err := s.Definitions.FindDefinitions(r.Context())
	if err != nil {
		return err
	}
	k := defs.KPI(r.PathValue("name"))
	if k == nil {
		return kpi.Errorf(kpi.ENOTFOUND, "KPI %q not found.", r.PathValue("name"))
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

func (s *Server) findDataset(r *http.Request, name string) (*kpi.Dataset, error) {
	defs, err := s.Definitions.FindDefinitions(r.Context())
	if err != nil {
		return nil, err
	}
	ds := defs.Dataset(name)
	if ds == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Dataset %q not found.", name)
	}
	return ds, nil
}
