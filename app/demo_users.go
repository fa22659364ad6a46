package app

import (
	"context"

	"attain/demo"
	"attain/kpi"
)

// DemoPassword is the password of every demo user. It is printed when the
// demo starts; the demo is for trying Attain, never for real data.
const DemoPassword = "northwind-demo"

// DemoUsers says who to sign in as in the demo, all with DemoPassword.
type DemoUsers struct {
	Password string
	Created  int    // users made by this run
	Admin    string // an admin, no employee
	Finance  string // finance: reads everything, changes nothing
	Head     string // the head of sales: manages the department through the org tree
	Lead     string // a sales team lead: manages their team
	Member   string // a sales manager: sees their own numbers
}

// demoUsers makes a user for every demo person, with the e-mail of the
// demo data, as a member (heads and team leads manage through the org
// tree), plus admin@ and finance@ who are no employees. Users that exist
// are left as they are. They share the known password, and so one hash.
func (a *App) demoUsers(ctx context.Context, data *demo.Data) (*DemoUsers, error) {
	const domain = "@northwind.example"
	out := &DemoUsers{Password: DemoPassword, Admin: "admin" + domain, Finance: "finance" + domain}
	want := []*kpi.User{{Email: out.Admin, Name: "Demo Admin", Role: kpi.RoleAdmin}, {Email: out.Finance, Name: "Demo Finance", Role: kpi.RoleFinance}}
	for _, e := range data.Employees {
		if e.Email == "" {
			continue
		}
		want = append(want, &kpi.User{Email: e.Email, Name: e.Name, EmployeeID: e.ID, Role: kpi.RoleMember})
		switch {
		case e.Position == demo.PositionHeadOfSales && out.Head == "":
			out.Head = e.Email
		case e.Position == demo.PositionTeamLead && e.UnitID != "" && out.Lead == "" && isSalesTeam(data, e.UnitID):
			out.Lead = e.Email
		case e.Position == demo.PositionSalesManager && out.Member == "":
			out.Member = e.Email
		}
	}
	existing, err := a.svc.Users.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, u := range existing {
		have[u.Email] = true
	}
	var hash string
	for _, u := range want {
		if have[u.Email] {
			continue
		}
		if hash == "" {
			if hash, err = hashPassword(DemoPassword); err != nil {
				return nil, err
			}
		}
		if err := a.svc.Users.CreateUser(ctx, u, hash); err != nil {
			return nil, err
		}
		out.Created++
	}
	return out, nil
}

func isSalesTeam(data *demo.Data, unit string) bool {
	for _, u := range data.Units {
		if u.ID == unit {
			return u.ParentID == demo.UnitSales
		}
	}
	return false
}
