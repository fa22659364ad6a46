package app_test

import (
	"context"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

func TestPersonAndTeam(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	v, err := a.Person(ctx, admin, "bob", "2025-06")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Periods) != 12 || v.Periods[11].Label() != "2025-06" || v.Periods[0].Label() != "2024-07" {
		t.Errorf("trend periods %v", v.Periods)
	}
	won := v.Trends["won"]
	if won == nil || won.Values[11].Value.String() != "3" || won.Targets[11] == nil || won.Targets[11].String() != "4" || won.TrailingNull || !won.Trailing.IsZero() || !won.VsTrailingNull {
		t.Errorf("bob's won trend: %+v", won)
	}
	if v.Pace != nil {
		t.Errorf("a closed month has pace curves: %+v", v.Pace)
	}

	team, err := a.Team(ctx, admin, "sales", "2025-06")
	if err != nil {
		t.Fatal(err)
	}
	var units, people []string
	for _, r := range team.Units {
		units = append(units, r.Subject.ID)
	}
	for _, r := range team.People {
		people = append(people, r.Subject.ID)
		if r.Trends["won_value"] == nil {
			t.Errorf("%s has no won_value trend", r.Subject.ID)
		}
	}
	if len(units) != 2 || units[0] != "t1" || len(people) != 2 || people[0] != "bob" || people[1] != "cy" {
		t.Errorf("sales shows units %v and people %v, want t1, t2 and bob, cy", units, people)
	}
	if len(team.Path) != 2 || team.Path[0].ID != "co" {
		t.Errorf("path %v", team.Path)
	}
	// The trends equal the values asked for one by one, whether taken
	// from the cards (a month: its history holds the 12 months) or read
	// again (a quarter's history does not).
	for _, period := range []string{"2025-06", "2025-Q2"} {
		team, err := a.Team(ctx, admin, "sales", period)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range append(append([]app.TeamRow{}, team.Units...), team.People...) {
			for k, tr := range r.Trends {
				for i, q := range team.Periods {
					req := app.ValuesRequest{KPIs: []string{k}, Period: q.Label()}
					if r.Subject.Kind == kpi.SubjectUnit {
						req.Units = []string{r.Subject.ID}
					} else {
						req.Employees = []string{r.Subject.ID}
					}
					want, err := a.Values(ctx, admin, req)
					if err != nil || len(want) != 1 {
						t.Fatalf("%s %s %s: %v %v", r.Subject.ID, k, q.Label(), want, err)
					}
					if got := tr.Values[i]; got.Null != want[0].Null || !got.Value.Equal(want[0].Value) {
						t.Errorf("%s: %s of %s in %s = %s (null %v), want %s (null %v)", period, k, r.Subject.ID, q.Label(), got.Value, got.Null, want[0].Value, want[0].Null)
					}
					n++
				}
			}
		}
		if n < 100 {
			t.Errorf("%s: %d trend values checked", period, n)
		}
	}
	bob := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "user:bob", EmployeeID: "bob", Role: kpi.RoleMember}
	if _, err := a.Team(ctx, bob, "sales", "2025-06"); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("bob opens the sales team: %v", err)
	}
}
