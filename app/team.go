package app

import (
	"context"
	"sync"

	"attain/kpi"
)

// team is who a manager manages: the units they head and all units below
// those, the people in them, and everyone whose chain of managers leads to
// them; never the manager themself.
type team struct {
	employees map[string]bool
	units     map[string]bool
}

func (t *team) has(s kpi.Subject) bool {
	if s.Kind == kpi.SubjectUnit {
		return t.units[s.ID]
	}
	return t.employees[s.ID]
}

// teamOf returns who's team over period p: those below them on its first
// day or on its last (today, while p runs); a person who moved teams is
// seen by the manager of each team they were in.
func (a *App) teamOf(ctx context.Context, who kpi.Actor, p kpi.Period) (*team, error) {
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	today, err := a.today(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID))
	if err != nil {
		return nil, err
	}
	days := []kpi.Date{today}
	if p.From != 0 {
		days = []kpi.Date{min(p.From, today), min(p.To, today)}
	}
	t := &team{employees: map[string]bool{}, units: map[string]bool{}}
	for _, d := range days {
		below(org, who.EmployeeID, d, t)
	}
	delete(t.employees, who.EmployeeID)
	return t, nil
}

// below adds to t who and what is below manager on day d.
func below(org *kpi.Org, manager string, d kpi.Date, t *team) {
	children := map[string][]string{}
	for _, u := range org.Units {
		children[u.ParentID] = append(children[u.ParentID], u.ID)
	}
	var addUnit func(id string)
	addUnit = func(id string) {
		if t.units[id] {
			return
		}
		t.units[id] = true
		for _, c := range children[id] {
			addUnit(c)
		}
	}
	for _, u := range org.Units {
		if u.HeadID == manager && manager != "" {
			addUnit(u.ID)
		}
	}
	reports := map[string][]string{}
	for _, e := range org.Employees {
		reports[e.ManagerID] = append(reports[e.ManagerID], e.ID)
	}
	var addPerson func(id string)
	addPerson = func(id string) {
		if t.employees[id] {
			return
		}
		t.employees[id] = true
		for _, r := range reports[id] {
			addPerson(r)
		}
	}
	for _, r := range reports[manager] {
		addPerson(r)
	}
	for _, e := range org.Employees {
		if t.units[unitOn(org, e, d)] {
			addPerson(e.ID)
		}
	}
}

// unitOn is the unit e belonged to on day d: their earliest membership
// lasting until d or later, else their unit now.
func unitOn(org *kpi.Org, e *kpi.Employee, d kpi.Date) string { return org.UnitOn(e, d) }

// orgCache keeps each workspace's org tree until its org version moves.
type orgCache struct {
	mu   sync.Mutex
	byWS map[int64]cachedOrg
}

type cachedOrg struct {
	version int64
	org     *kpi.Org
}

// org returns the workspace's org tree, read again only when it changed.
func (a *App) org(ctx context.Context, ws int64) (*kpi.Org, error) {
	ctx = kpi.NewContextWithWorkspace(ctx, ws)
	v, err := a.svc.Records.Versions(ctx)
	if err != nil {
		return nil, err
	}
	a.orgs.mu.Lock()
	c, ok := a.orgs.byWS[ws]
	a.orgs.mu.Unlock()
	if ok && c.version == v.Org {
		return c.org, nil
	}
	units, err := a.svc.Org.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	emps, err := a.svc.Org.FindEmployees(ctx, kpi.EmployeeFilter{})
	if err != nil {
		return nil, err
	}
	ms, err := a.svc.Org.FindMemberships(ctx)
	if err != nil {
		return nil, err
	}
	org := &kpi.Org{Units: units, Employees: emps, Memberships: ms}
	a.orgs.mu.Lock()
	if a.orgs.byWS == nil {
		a.orgs.byWS = map[int64]cachedOrg{}
	}
	a.orgs.byWS[ws] = cachedOrg{v.Org, org}
	a.orgs.mu.Unlock()
	return org, nil
}
