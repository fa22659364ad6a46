package web

import (
	"net/http"

	"attain/kpi"
)

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.App.Workspace(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ws)
	return nil
}

func (s *Server) getVersions(w http.ResponseWriter, r *http.Request) error {
	v, err := s.App.Versions(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) error {
	units, err := s.App.Units(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, units)
	return nil
}

func (s *Server) createUnit(w http.ResponseWriter, r *http.Request) error {
	var u kpi.OrgUnit
	if err := readJSON(r, &u); err != nil {
		return err
	}
	if err := s.App.CreateUnit(r.Context(), who(r), &u); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) getUnit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.App.Unit(r.Context(), who(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) updateUnit(w http.ResponseWriter, r *http.Request) error {
	var upd kpi.OrgUnitUpdate
	if err := readJSON(r, &upd); err != nil {
		return err
	}
	u, err := s.App.UpdateUnit(r.Context(), who(r), r.PathValue("id"), upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) deleteUnit(w http.ResponseWriter, r *http.Request) error {
	if err := s.App.DeleteUnit(r.Context(), who(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listEmployees(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	emps, err := s.App.Employees(r.Context(), who(r), kpi.EmployeeFilter{
		UnitID: q.Get("unit"), ManagerID: q.Get("manager"), Position: q.Get("position"),
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, emps)
	return nil
}

func (s *Server) createEmployee(w http.ResponseWriter, r *http.Request) error {
	var e kpi.Employee
	if err := readJSON(r, &e); err != nil {
		return err
	}
	if err := s.App.CreateEmployee(r.Context(), who(r), &e); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) getEmployee(w http.ResponseWriter, r *http.Request) error {
	e, err := s.App.Employee(r.Context(), who(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) updateEmployee(w http.ResponseWriter, r *http.Request) error {
	var upd kpi.EmployeeUpdate
	if err := readJSON(r, &upd); err != nil {
		return err
	}
	e, err := s.App.UpdateEmployee(r.Context(), who(r), r.PathValue("id"), upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) deleteEmployee(w http.ResponseWriter, r *http.Request) error {
	if err := s.App.DeleteEmployee(r.Context(), who(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) personalData(w http.ResponseWriter, r *http.Request) error {
	f, err := s.App.PersonalDataFile(r.Context(), who(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeFile(w, f)
}

func (s *Server) pseudonymise(w http.ResponseWriter, r *http.Request) error {
	alias, err := s.App.Pseudonymise(r.Context(), who(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"employee": r.PathValue("id"), "name": alias})
	return nil
}

// orgImport is the body of POST /api/v1/org/import.
type orgImport struct {
	Units     []*kpi.OrgUnit  `json:"units"`
	Employees []*kpi.Employee `json:"employees"`
}

func (s *Server) importOrg(w http.ResponseWriter, r *http.Request) error {
	var body orgImport
	if err := readJSON(r, &body); err != nil {
		return err
	}
	rep, err := s.App.ImportOrg(r.Context(), who(r), body.Units, body.Employees)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep.ImportResult)
	return nil
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), 100, 10000)
	if err != nil {
		return err
	}
	entries, err := s.App.Audit(r.Context(), who(r), q.Get("entity"), q.Get("entity_id"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, entries)
	return nil
}
