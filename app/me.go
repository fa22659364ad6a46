package app

import (
	"context"
	"slices"

	"attain/kpi"
)

// Me is who is signed in and what their pages are: the navigation of the
// web app follows from it.
type Me struct {
	Actor kpi.Actor `json:"-"`
	// Name is who acts, as the audit trail names them ("user:EMAIL",
	// "token:NAME"); Display is the person's name.
	Name       string         `json:"name"`
	Display    string         `json:"display"`
	Role       kpi.Role       `json:"role"`
	EmployeeID string         `json:"employee_id,omitempty"`
	Scopes     []string       `json:"scopes,omitempty"` // a token's
	User       *kpi.User      `json:"user,omitempty"`   // nil: an integration or the command line
	Workspace  *kpi.Workspace `json:"workspace"`
	Employee   *kpi.Employee  `json:"employee,omitempty"` // nil: no employee (an admin, an auditor)
	// Heads are the units the person heads; Reports says anyone reports
	// to them. Either makes them a manager.
	Heads   []*kpi.OrgUnit `json:"heads,omitempty"`
	Reports bool           `json:"reports,omitempty"`
	// Home is the unit their team pages start at: the first unit they
	// head, their own unit when they only have reports, the top unit for
	// those who see everything.
	Home string `json:"home,omitempty"`
	// May says which kinds of page they may open.
	MayReadAll      bool `json:"may_read_all"`
	MayWriteTargets bool `json:"may_write_targets"`
	MayReadPayouts  bool `json:"may_read_payouts"`
	MayAdmin        bool `json:"may_admin"`
	// Unread counts the person's unread notifications.
	Unread int `json:"unread"`
}

// Manager reports whether the person manages anyone.
func (m *Me) Manager() bool { return len(m.Heads) > 0 || m.Reports }

// Me returns who acts (a signed-in user, a user's token with its scopes,
// an integration) and what they may open.
func (a *App) Me(ctx context.Context, who kpi.Actor) (*Me, error) {
	ctx, err := a.begin(ctx, who, ReadWorkspace, on{})
	if err != nil {
		return nil, err
	}
	m := &Me{Actor: who, Name: who.Name, Display: who.Name, Role: who.Role, EmployeeID: who.EmployeeID, Scopes: who.Scopes}
	if m.Workspace, err = a.svc.Workspaces.FindWorkspaceByID(ctx, who.WorkspaceID); err != nil {
		return nil, err
	}
	if who.UserID != 0 {
		if m.User, err = a.svc.Users.FindUserByID(ctx, who.UserID); err != nil {
			return nil, err
		}
		if m.User.Name != "" {
			m.Display = m.User.Name
		}
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	for _, e := range org.Employees {
		if who.EmployeeID != "" && e.ID == who.EmployeeID {
			m.Employee, m.Display = e, e.Name
		}
		m.Reports = m.Reports || (who.EmployeeID != "" && e.ManagerID == who.EmployeeID)
	}
	for _, u := range org.Units {
		if who.EmployeeID != "" && u.HeadID == who.EmployeeID {
			m.Heads = append(m.Heads, u)
		}
	}
	can := func(act Action) bool {
		r := Policy[act]
		return who.System || r.Everyone || slices.Contains(r.Roles, who.Role)
	}
	m.MayReadAll, m.MayWriteTargets, m.MayReadPayouts, m.MayAdmin = can(ReadValues), can(WriteTargets) || m.Manager(), can(ReadPayouts), can(WriteOrg)
	switch {
	case len(m.Heads) > 0:
		m.Home = m.Heads[0].ID
	case m.MayReadAll:
		for _, u := range org.Units {
			if u.ParentID == "" {
				m.Home = u.ID
				break
			}
		}
	case m.Reports && m.Employee != nil:
		m.Home = m.Employee.UnitID
	}
	m.Unread = a.unread(ctx, who)
	return m, nil
}
