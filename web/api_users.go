package web

import (
	"net/http"
	"strconv"

	"attain/app"
	"attain/kpi"
)

// userRoutes are the API of users, API tokens and the audit export.
func (s *Server) userRoutes() []route {
	email := param("email", "path", "The user's e-mail.")
	return []route{
		{"GET", "/api/v1/me", false, s.getMe, opDoc{tag: "users", summary: "Who acts: name, role, employee, scopes, and the user if any", resp: "Whoami"}},
		{"GET", "/api/v1/users", false, s.listUsers, opDoc{tag: "users", summary: "List users (admins)", resp: "User[]"}},
		{"POST", "/api/v1/users", false, s.createUser, opDoc{tag: "users", summary: "Create a user (admins)", body: "UserRequest", resp: "User", status: http.StatusCreated}},
		{"GET", "/api/v1/users/{email}", false, s.getUser, opDoc{tag: "users", summary: "Get a user (admins)", params: []paramDoc{email}, resp: "User"}},
		{"PATCH", "/api/v1/users/{email}", false, s.updateUser, opDoc{tag: "users", summary: "Change a user's name, employee, role or whether disabled (admins); disabling signs them out", params: []paramDoc{email}, body: "UserUpdate", resp: "User"}},
		{"POST", "/api/v1/users/{email}/reset-link", false, s.resetLink, opDoc{tag: "users", summary: "A one-time link for the user to set a new password, shown once (admins)", params: []paramDoc{email}, resp: "ResetLink", status: http.StatusCreated}},
		{"GET", "/api/v1/tokens", false, s.listTokens, opDoc{tag: "users", summary: "API tokens without secrets: one's own, or with all=true every token (admins)", params: []paramDoc{
			param("all", "query", "true: every token of the workspace (admins)."),
		}, resp: "APIToken[]"}},
		{"POST", "/api/v1/tokens", false, s.createToken, opDoc{tag: "users", summary: "Create an API token; its secret is in the answer, once", body: "TokenRequest", resp: "APIToken", status: http.StatusCreated}},
		{"DELETE", "/api/v1/tokens/{id}", false, s.revokeToken, opDoc{tag: "users", summary: "Revoke an API token: one's own, or any (admins)", params: []paramDoc{param("id", "path", "The token's id.")}, status: http.StatusNoContent}},
		{"GET", "/api/v1/audit/export.csv", false, s.exportAudit, opDoc{tag: "audit", summary: "The whole audit trail (or of one entity) as CSV, oldest first (admins, finance, auditors)", params: []paramDoc{
			param("entity", "query", "user, api_token, kpi, dataset, org_unit, employee, records, ..."),
			param("entity_id", "query", "The entity's id, name or e-mail."),
		}}},
	}
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) error {
	u, err := s.App.Me(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.App.Users(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, users)
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var req app.UserRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	u, err := s.App.CreateUser(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.App.User(r.Context(), who(r), r.PathValue("email"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	var upd kpi.UserUpdate
	if err := readJSON(r, &upd); err != nil {
		return err
	}
	u, err := s.App.UpdateUser(r.Context(), who(r), r.PathValue("email"), upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) resetLink(w http.ResponseWriter, r *http.Request) error {
	link, err := s.App.ResetPassword(r.Context(), who(r), r.PathValue("email"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, link)
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	toks, err := s.App.Tokens(r.Context(), who(r), r.URL.Query().Get("all") == "true")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toks)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var req app.TokenRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	tok, err := s.App.CreateToken(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, tok)
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return kpi.Errorf(kpi.EINVALID, "Token id %q: want a number.", r.PathValue("id"))
	}
	if err := s.App.RevokeToken(r.Context(), who(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := s.App.AuditFile(r.Context(), who(r), q.Get("entity"), q.Get("entity_id"))
	if err != nil {
		return err
	}
	return writeFile(w, f)
}
