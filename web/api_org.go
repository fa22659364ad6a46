package web

import (
	"net/http"

	"attain/kpi"
)

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) error {
	id, err := kpi.WorkspaceIDFromContext(r.Context())
	if err != nil {
		return err
	}
	ws, err := s.Workspaces.FindWorkspaceByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ws)
	return nil
}

func (s *Server) getVersions(w http.ResponseWriter, r *http.Request) error {
	v, err := s.Records.Versions(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request) error {
	units, err := s.Org.FindOrgUnits(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(units))
	return nil
}

func (s *Server) createUnit(w http.ResponseWriter, r *http.Request) error {
	var u kpi.OrgUnit
	if err := readJSON(r, &u); err != nil {
		return err
	}
	if err := s.Org.CreateOrgUnit(r.Context(), &u); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) getUnit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.Org.FindOrgUnitByID(r.Context(), r.PathValue("id"))
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
	u, err := s.Org.UpdateOrgUnit(r.Context(), r.PathValue("id"), upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) deleteUnit(w http.ResponseWriter, r *http.Request) error {
	if err := s.Org.DeleteOrgUnit(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listEmployees(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	emps, err := s.Org.FindEmployees(r.Context(), kpi.EmployeeFilter{
		UnitID: q.Get("unit"), ManagerID: q.Get("manager"), Position: q.Get("position"),
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(emps))
	return nil
}

func (s *Server) createEmployee(w http.ResponseWriter, r *http.Request) error {
	var e kpi.Employee
	if err := readJSON(r, &e); err != nil {
		return err
	}
	if err := s.Org.CreateEmployee(r.Context(), &e); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) getEmployee(w http.ResponseWriter, r *http.Request) error {
	e, err := s.Org.FindEmployeeByID(r.Context(), r.PathValue("id"))
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
	e, err := s.Org.UpdateEmployee(r.Context(), r.PathValue("id"), upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) deleteEmployee(w http.ResponseWriter, r *http.Request) error {
	if err := s.Org.DeleteEmployee(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
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
	res, err := s.Org.ImportOrg(r.Context(), body.Units, body.Employees)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), 100, 10000)
	if err != nil {
		return err
	}
	entries, err := s.Audit.FindAuditEntries(r.Context(), q.Get("entity"), q.Get("entity_id"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(entries))
	return nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
