package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
)

// The admin pages: the org, users and tokens, imports, definitions and the
// audit log, as tabs of /admin. Each calls the same use cases as the API;
// a form that fails is shown again with what was typed and the error next
// to its field.

// adminPage is what every admin tab gets.
type adminPage struct {
	Tab  string
	Tabs []adminTab
	// Flash is what the last action did; Secret a value shown once (a
	// token's secret, a reset link).
	Flash, Secret, SecretNote string
	Org                       *orgTab
	Users                     *usersTab
	Import                    *importTab
	Defs                      *defsTab
	Audit                     *auditTab
}

type adminTab struct {
	Name, Label, URL string
	Current          bool
}

// fields is a form's values as typed and its errors, by field; Error is
// one that belongs to no field.
type fields struct {
	V      map[string]string
	Errors map[string]string
	Error  string
}

func newFields() *fields { return &fields{V: map[string]string{}, Errors: map[string]string{}} }

// fieldsOf keeps the fields of r's form named in names.
func fieldsOf(r *http.Request, names ...string) *fields {
	f := newFields()
	for _, n := range names {
		f.V[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return f
}

// require marks the named fields that are empty.
func (f *fields) require(names ...string) bool {
	ok := true
	for _, n := range names {
		if f.V[n] == "" {
			f.Errors[n] = "Required."
			ok = false
		}
	}
	return ok
}

// date reads field name as YYYY-MM-DD; "" is nil.
func (f *fields) date(name string) *kpi.Date {
	if f.V[name] == "" {
		return nil
	}
	d, err := kpi.ParseDate(f.V[name])
	if err != nil {
		f.Errors[name] = "Want a day as YYYY-MM-DD, not " + strconv.Quote(f.V[name]) + "."
		return nil
	}
	return &d
}

func (f *fields) failed() bool { return len(f.Errors) > 0 || f.Error != "" }

// fail takes a use case's error into the form: a problem naming a column
// goes next to that field, a message naming a field (by the words in
// fields, checked in order) next to it, anything else above the form.
// Errors that are not about the input (refused, internal) are returned.
func (f *fields) fail(err error, fields ...string) error {
	switch kpi.ErrorCode(err) {
	case kpi.EINVALID, kpi.ECONFLICT, kpi.ENOTFOUND:
	default:
		return err
	}
	msg := kpi.ErrorMessage(err)
	for _, p := range kpi.ErrorDetails(err) {
		if _, ok := f.V[p.Column]; ok && p.Column != "" {
			f.Errors[p.Column] = p.Reason
		}
	}
	lower := strings.ToLower(msg)
	for i := 0; i+1 < len(fields); i += 2 {
		if strings.Contains(lower, fields[i]) {
			f.Errors[fields[i+1]] = msg
			return nil
		}
	}
	f.Error = msg
	return nil
}

// adminView starts an admin tab's page.
func (s *Server) adminView(r *http.Request, tab, title string) (*view, *adminPage, error) {
	v, err := s.newView(r, title, "admin")
	if err != nil {
		return nil, nil, err
	}
	p := &adminPage{Tab: tab}
	for _, t := range []adminTab{
		{Name: "org", Label: "Org", URL: "/admin"},
		{Name: "users", Label: "Users and tokens", URL: "/admin/users"},
		{Name: "import", Label: "Import", URL: "/admin/import"},
		{Name: "definitions", Label: "Definitions", URL: "/admin/definitions"},
		{Name: "audit", Label: "Audit log", URL: "/admin/audit"},
	} {
		if !v.Me.MayAdmin && t.Name != "audit" {
			continue
		}
		t.Current = t.Name == tab
		p.Tabs = append(p.Tabs, t)
	}
	if text, ok := doneText[r.URL.Query().Get("done")]; ok {
		p.Flash = fmt.Sprintf(text, r.URL.Query().Get("item"))
	}
	v.Data = p
	return v, p, nil
}

// done sends the browser back to a tab after an action, saying what was
// done: one of doneText's messages, about item.
func done(w http.ResponseWriter, r *http.Request, to, what, item string) error {
	http.Redirect(w, r, to+"?"+pairs("done", what, "item", item), http.StatusSeeOther)
	return nil
}

// doneText are the messages of done: what a link can make a page say is
// only ever one of these.
var doneText = map[string]string{
	"unit":         "Unit %s saved.",
	"employee":     "Employee %s saved.",
	"moved":        "%s moved.",
	"user":         "User %s created; send them a reset link to set a password.",
	"user-role":    "The role of %s changed.",
	"user-disable": "%s deactivated and signed out everywhere.",
	"user-enable":  "%s reactivated.",
	"revoked":      "Token %s revoked.",
	"applied":      "%s applied.",
}

// renderForm shows a tab again with a form's errors: 400 when the input
// was wrong.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, v *view, failed bool) error {
	if failed {
		return s.renderStatus(w, r, http.StatusBadRequest, "admin", v)
	}
	return s.render(w, r, "admin", v)
}

// renderStatus is render with a status other than 200.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, v *view) error {
	return s.render(&statusOnce{ResponseWriter: w, status: status}, r, name, v)
}

// statusOnce writes status instead of 200 the first time.
type statusOnce struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusOnce) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if code == http.StatusOK {
			code = w.status
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusOnce) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// ---- Org ----

type orgTab struct {
	Tree *app.OrgTree
	// People and All are each unit's people, directly and with the units
	// below, as the workspace writes numbers.
	People, All map[string]string
	Unit        *fields // add or edit a unit
	Employee    *fields // add or edit an employee
	Move        *fields // move a person to another unit from a day
}

func (s *Server) pageAdminOrg(w http.ResponseWriter, r *http.Request) error {
	return s.showOrg(w, r, nil)
}

// showOrg renders the org tab; t carries forms that failed.
func (s *Server) showOrg(w http.ResponseWriter, r *http.Request, t *orgTab) error {
	v, p, err := s.adminView(r, "org", "Admin · Org")
	if err != nil {
		return err
	}
	tree, err := s.App.AdminOrg(r.Context(), who(r))
	if err != nil {
		return err
	}
	failed := t != nil
	if t == nil {
		t = &orgTab{}
	}
	t.Tree, t.People, t.All = tree, map[string]string{}, map[string]string{}
	for _, u := range tree.Units {
		t.People[u.ID] = v.F.Number(decimal.NewFromInt(int64(u.People)), 0)
		t.All[u.ID] = v.F.Number(decimal.NewFromInt(int64(u.AllBelow)), 0)
	}
	q := r.URL.Query()
	if t.Unit == nil {
		t.Unit = newFields()
		if id := q.Get("unit"); id != "" {
			for _, u := range tree.Units {
				if u.ID == id {
					t.Unit.V = map[string]string{"edit": u.ID, "id": u.ID, "name": u.Name, "kind": u.Kind, "parent_id": u.ParentID, "head_id": u.HeadID}
				}
			}
		}
	}
	if t.Employee == nil {
		t.Employee = newFields()
		if id := q.Get("employee"); id != "" {
			for _, e := range tree.Employees {
				if e.ID == id {
					t.Employee.V = map[string]string{"edit": e.ID, "id": e.ID, "name": e.Name, "email": e.Email, "unit_id": e.UnitID,
						"manager_id": e.ManagerID, "position": e.Position}
					if e.HiredOn != nil {
						t.Employee.V["hired_on"] = e.HiredOn.String()
					}
				}
			}
		}
	}
	if t.Move == nil {
		t.Move = newFields()
		t.Move.V["employee"] = q.Get("employee")
	}
	p.Org = t
	return s.renderForm(w, r, v, failed)
}

// adminOrg handles the org tab's forms: form=unit, employee or move.
func (s *Server) adminOrg(w http.ResponseWriter, r *http.Request) error {
	ctx, me := r.Context(), who(r)
	switch r.PostFormValue("form") {
	case "unit":
		f := fieldsOf(r, "edit", "id", "name", "kind", "parent_id", "head_id")
		if f.require("id", "name") {
			var err error
			if f.V["edit"] != "" {
				_, err = s.App.UpdateUnit(ctx, me, f.V["edit"], kpi.OrgUnitUpdate{Name: ptr(f.V["name"]), Kind: ptr(f.V["kind"]),
					ParentID: ptr(f.V["parent_id"]), HeadID: ptr(f.V["head_id"])})
			} else {
				err = s.App.CreateUnit(ctx, me, &kpi.OrgUnit{ID: f.V["id"], Name: f.V["name"], Kind: f.V["kind"], ParentID: f.V["parent_id"], HeadID: f.V["head_id"]})
			}
			if err == nil {
				return done(w, r, "/admin", "unit", f.V["id"])
			}
			if err := f.fail(err, "parent", "parent_id", "head", "head_id", "name", "name", "id", "id", "exists", "id"); err != nil {
				return err
			}
		}
		return s.showOrg(w, r, &orgTab{Unit: f})
	case "employee":
		f := fieldsOf(r, "edit", "id", "name", "email", "unit_id", "manager_id", "position", "hired_on")
		hired := f.date("hired_on")
		if f.require("id", "name", "unit_id") && !f.failed() {
			var err error
			if f.V["edit"] != "" {
				_, err = s.App.UpdateEmployee(ctx, me, f.V["edit"], kpi.EmployeeUpdate{Name: ptr(f.V["name"]), Email: ptr(f.V["email"]),
					UnitID: ptr(f.V["unit_id"]), ManagerID: ptr(f.V["manager_id"]), Position: ptr(f.V["position"]), HiredOn: &hired})
			} else {
				err = s.App.CreateEmployee(ctx, me, &kpi.Employee{ID: f.V["id"], Name: f.V["name"], Email: f.V["email"], UnitID: f.V["unit_id"],
					ManagerID: f.V["manager_id"], Position: f.V["position"], HiredOn: hired})
			}
			if err == nil {
				return done(w, r, "/admin", "employee", f.V["id"])
			}
			if err := f.fail(err, "e-mail", "email", "email", "email", "manager", "manager_id", "unit", "unit_id", "hire", "hired_on",
				"name", "name", "exists", "id", "id", "id"); err != nil {
				return err
			}
		}
		return s.showOrg(w, r, &orgTab{Employee: f})
	case "move":
		f := fieldsOf(r, "employee", "unit_id", "from")
		from := f.date("from")
		if f.require("employee", "unit_id", "from") && !f.failed() {
			_, err := s.App.UpdateEmployee(ctx, me, f.V["employee"], kpi.EmployeeUpdate{UnitID: ptr(f.V["unit_id"]), UnitFrom: from})
			if err == nil {
				return done(w, r, "/admin", "moved", f.V["employee"])
			}
			if err := f.fail(err, "unit", "unit_id", "employee", "employee", "from", "from", "date", "from"); err != nil {
				return err
			}
		}
		return s.showOrg(w, r, &orgTab{Move: f})
	}
	if _, err := s.App.AdminOrg(ctx, me); err != nil {
		return err
	}
	return kpi.Errorf(kpi.EINVALID, "Which form? Send form=unit, employee or move.")
}

func ptr[T any](v T) *T { return &v }

// ---- Users and tokens ----

type usersTab struct {
	Users     []*kpi.User
	Tokens    []tokenRow
	Employees []*kpi.Employee
	Names     map[string]string // employee id → name
	Roles     []kpi.Role
	New       *fields // a new user
	Token     *fields // a new integration token
	Row       *fields // an action on one user or token that failed
}

type tokenRow struct {
	*kpi.APIToken
	Owner string // the user's e-mail; "" for an integration
}

func (s *Server) pageAdminUsers(w http.ResponseWriter, r *http.Request) error {
	return s.showUsers(w, r, nil, "", "")
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, t *usersTab, secret, note string) error {
	v, p, err := s.adminView(r, "users", "Admin · Users and tokens")
	if err != nil {
		return err
	}
	ctx, me := r.Context(), who(r)
	users, err := s.App.Users(ctx, me)
	if err != nil {
		return err
	}
	toks, err := s.App.Tokens(ctx, me, true)
	if err != nil {
		return err
	}
	emps, err := s.App.Employees(ctx, me, kpi.EmployeeFilter{})
	if err != nil {
		return err
	}
	failed := t != nil
	if t == nil {
		t = &usersTab{}
	}
	if t.New == nil {
		t.New = newFields()
		t.New.V["role"] = string(kpi.RoleMember)
	}
	if t.Token == nil {
		t.Token = newFields()
	}
	if t.Row == nil {
		t.Row = newFields()
	}
	t.Users, t.Employees, t.Roles, t.Names = users, emps, kpi.Roles, map[string]string{}
	for _, e := range emps {
		t.Names[e.ID] = e.Name
	}
	emails := map[int64]string{}
	for _, u := range users {
		emails[u.ID] = u.Email
	}
	for _, tok := range toks {
		if tok.RevokedAt != nil {
			continue
		}
		t.Tokens = append(t.Tokens, tokenRow{APIToken: tok, Owner: emails[tok.UserID]})
	}
	p.Users, p.Secret, p.SecretNote = t, secret, note
	if secret != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	return s.renderForm(w, r, v, failed)
}

// adminUsers handles the users tab's forms: do=create, role, disable,
// enable, reset, token or revoke.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	ctx, me := r.Context(), who(r)
	switch r.PostFormValue("do") {
	case "create":
		f := fieldsOf(r, "email", "name", "role", "employee_id")
		if f.require("email") {
			u, err := s.App.CreateUser(ctx, me, app.UserRequest{Email: f.V["email"], Name: f.V["name"], Role: kpi.Role(f.V["role"]), EmployeeID: f.V["employee_id"]})
			if err == nil {
				return done(w, r, "/admin/users", "user", u.Email)
			}
			if err := f.fail(err, "e-mail", "email", "role", "role", "employee", "employee_id", "exists", "email"); err != nil {
				return err
			}
		}
		return s.showUsers(w, r, &usersTab{New: f}, "", "")
	case "role", "disable", "enable":
		f := fieldsOf(r, "email", "role")
		var upd kpi.UserUpdate
		switch r.PostFormValue("do") {
		case "role":
			upd.Role = ptr(kpi.Role(f.V["role"]))
		case "disable":
			upd.Disabled = ptr(true)
		case "enable":
			upd.Disabled = ptr(false)
		}
		u, err := s.App.UpdateUser(ctx, me, f.V["email"], upd)
		if err == nil {
			return done(w, r, "/admin/users", "user-"+r.PostFormValue("do"), u.Email)
		}
		if err := f.fail(err); err != nil {
			return err
		}
		f.Error = f.V["email"] + ": " + f.Error
		return s.showUsers(w, r, &usersTab{Row: f}, "", "")
	case "reset":
		f := fieldsOf(r, "email")
		link, err := s.App.ResetPassword(ctx, me, f.V["email"])
		if err == nil {
			return s.showUsers(w, r, nil, link.URL, "A reset link for "+f.V["email"]+", shown once; it works until "+formatterOf(r, s).Time(link.ExpiresAt)+".")
		}
		if err := f.fail(err); err != nil {
			return err
		}
		return s.showUsers(w, r, &usersTab{Row: f}, "", "")
	case "token":
		f := fieldsOf(r, "name", "scopes", "expires")
		if f.require("name") {
			tok, err := s.App.CreateToken(ctx, me, app.TokenRequest{Name: f.V["name"], Scopes: splitList(f.V["scopes"]), Expires: f.V["expires"], Integration: true})
			if err == nil {
				return s.showUsers(w, r, nil, tok.Secret, "The secret of integration token "+tok.Name+", shown this once: copy it now.")
			}
			if err := f.fail(err, "scope", "scopes", "expir", "expires", "name", "name"); err != nil {
				return err
			}
		}
		return s.showUsers(w, r, &usersTab{Token: f}, "", "")
	case "revoke":
		f := fieldsOf(r, "id")
		id, err := strconv.ParseInt(f.V["id"], 10, 64)
		if err != nil {
			err = kpi.Errorf(kpi.EINVALID, "Token id %q: want a number.", f.V["id"])
		} else if err = s.App.RevokeToken(ctx, me, id); err == nil {
			return done(w, r, "/admin/users", "revoked", f.V["id"])
		}
		if err := f.fail(err); err != nil {
			return err
		}
		return s.showUsers(w, r, &usersTab{Row: f}, "", "")
	}
	if _, err := s.App.Users(ctx, me); err != nil {
		return err
	}
	return kpi.Errorf(kpi.EINVALID, "What to do? Send do=create, role, disable, enable, reset, token or revoke.")
}

// formatterOf is the formatter of the signed-in workspace, for a message.
func formatterOf(r *http.Request, s *Server) *Formatter {
	if me, err := s.App.Me(r.Context(), who(r)); err == nil {
		return formatter(me)
	}
	return NewFormatter("en", time.UTC)
}

// ---- Audit log ----

type auditTab struct {
	Filter  *fields
	Entries []auditRow
	Page    int
	Prev    string
	Next    string
	Export  string
	Entity  []string
}

type auditRow struct {
	*kpi.AuditEntry
	When string
}

const auditPage = 50

// auditEntities are the kinds of entity the filter offers.
var auditEntities = []string{"kpi", "kpi_revision", "dataset", "scorecard", "bonus_plan", "org_unit", "employee", "membership", "records",
	"target", "period", "statement", "user", "api_token", "workspace"}

func (s *Server) pageAdminAudit(w http.ResponseWriter, r *http.Request) error {
	v, p, err := s.adminView(r, "audit", "Admin · Audit log")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := newFields()
	for _, k := range []string{"entity", "who", "from", "to"} {
		f.V[k] = strings.TrimSpace(q.Get(k))
	}
	t := &auditTab{Filter: f, Entity: auditEntities}
	t.Page, _ = strconv.Atoi(q.Get("page"))
	if t.Page < 1 {
		t.Page = 1
	}
	loc, err := v.Me.Workspace.Location()
	if err != nil {
		loc = time.UTC
	}
	filter := kpi.AuditFilter{Entity: f.V["entity"], Actor: f.V["who"], Offset: (t.Page - 1) * auditPage, Limit: auditPage + 1}
	if d := f.date("from"); d != nil {
		filter.From = dayStart(*d, loc)
	}
	if d := f.date("to"); d != nil {
		filter.To = dayStart(*d+1, loc)
	}
	p.Audit = t
	if f.failed() {
		if _, err := s.App.AuditSearch(r.Context(), who(r), kpi.AuditFilter{Limit: 1}); err != nil {
			return err
		}
		return s.renderForm(w, r, v, true)
	}
	entries, err := s.App.AuditSearch(r.Context(), who(r), filter)
	if err != nil {
		if err := f.fail(err); err != nil {
			return err
		}
		return s.renderForm(w, r, v, true)
	}
	keep := []string{"entity", f.V["entity"], "who", f.V["who"], "from", f.V["from"], "to", f.V["to"]}
	if len(entries) > auditPage {
		entries = entries[:auditPage]
		t.Next = "/admin/audit?" + pairs(append(keep, "page", strconv.Itoa(t.Page+1))...)
	}
	if t.Page > 1 {
		t.Prev = "/admin/audit?" + pairs(append(keep, "page", strconv.Itoa(t.Page-1))...)
	}
	t.Export = "/api/v1/audit/export.csv?" + pairs("entity", f.V["entity"])
	for _, e := range entries {
		t.Entries = append(t.Entries, auditRow{AuditEntry: e, When: v.F.Time(e.At)})
	}
	return s.render(w, r, "admin", v)
}

// dayStart is when day d begins in loc.
func dayStart(d kpi.Date, loc *time.Location) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// adminPages are the admin tabs' pages.
func (s *Server) adminPages() []pageRoute {
	return []pageRoute{
		{"GET", "/admin", false, s.pageAdminOrg},
		{"POST", "/admin/org", false, s.adminOrg},
		{"GET", "/admin/users", false, s.pageAdminUsers},
		{"POST", "/admin/users", false, s.adminUsers},
		{"GET", "/admin/import", false, s.pageAdminImport},
		{"POST", "/admin/import", false, s.adminUpload},
		{"GET", "/admin/import/{job}", false, s.pageAdminImportJob},
		{"POST", "/admin/import/{job}", false, s.adminRunImport},
		{"GET", "/admin/import/{job}/progress", false, s.adminImportProgress},
		{"GET", "/admin/import/{job}/rejected.csv", false, s.adminRejected},
		{"GET", "/admin/definitions", false, s.pageAdminDefinitions},
		{"POST", "/admin/definitions", false, s.adminDefinitions},
		{"GET", "/admin/audit", false, s.pageAdminAudit},
	}
}
