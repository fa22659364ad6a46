package sqldb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

func ptr[T any](v T) *T { return &v }

// mustOrg creates acme > sales > (north, south) with a lead and two reps.
func mustOrg(t testing.TB, ctx context.Context, s *sqldb.OrgService) {
	t.Helper()
	for _, u := range []*kpi.OrgUnit{
		{ID: "acme", Name: "Acme", Kind: "company"},
		{ID: "sales", Name: "Sales", ParentID: "acme"},
		{ID: "north", Name: "North", ParentID: "sales"},
		{ID: "south", Name: "South", ParentID: "sales"},
	} {
		if err := s.CreateOrgUnit(ctx, u); err != nil {
			t.Fatalf("create unit %s: %v", u.ID, err)
		}
	}
	hired := kpi.NewDate(2020, 1, 15)
	for _, e := range []*kpi.Employee{
		{ID: "lead", Name: "Lea", UnitID: "sales", Position: "lead", HiredOn: &hired},
		{ID: "e1", Name: "Ann", UnitID: "north", ManagerID: "lead", Position: "rep", Email: "ann@example.com"},
		{ID: "e2", Name: "Bob", UnitID: "south", ManagerID: "lead", Position: "rep"},
	} {
		if err := s.CreateEmployee(ctx, e); err != nil {
			t.Fatalf("create employee %s: %v", e.ID, err)
		}
	}
}

func TestOrgService_Units(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewOrgService(db)
		mustOrg(t, ctx, s)

		t.Run("OK", func(t *testing.T) {
			u, err := s.FindOrgUnitByID(ctx, "north")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := u.ParentID, "sales"; got != want {
				t.Errorf("parent = %q, want %q", got, want)
			}
			us, err := s.FindOrgUnits(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(us), 4; got != want {
				t.Errorf("units = %d, want %d", got, want)
			}
			u, err = s.UpdateOrgUnit(ctx, "south", kpi.OrgUnitUpdate{Name: ptr("South & East"), ParentID: ptr("acme")})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := *u, (kpi.OrgUnit{ID: "south", Name: "South & East", ParentID: "acme", UpdatedAt: u.UpdatedAt}); got != want {
				t.Errorf("updated = %+v, want %+v", got, want)
			}
			entries, err := sqldb.NewAuditService(db).FindAuditEntries(ctx, "org_unit", "south", 0)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(entries), 2; got != want || entries[0].Action != "update" || entries[0].Actor != "tester" || entries[0].Old == "" {
				t.Errorf("audit entries = %d %+v, want %d, newest an update by tester with old", got, entries[0], want)
			}
		})
		t.Run("ErrCycle", func(t *testing.T) {
			_, err := s.UpdateOrgUnit(ctx, "sales", kpi.OrgUnitUpdate{ParentID: ptr("north")})
			wantCode(t, err, kpi.EINVALID)
			_, err = s.UpdateOrgUnit(ctx, "sales", kpi.OrgUnitUpdate{ParentID: ptr("sales")})
			wantCode(t, err, kpi.EINVALID)
		})
		t.Run("ErrParentNotFound", func(t *testing.T) {
			wantCode(t, s.CreateOrgUnit(ctx, &kpi.OrgUnit{ID: "x", Name: "X", ParentID: "nope"}), kpi.EINVALID)
		})
		t.Run("ErrConflict", func(t *testing.T) {
			wantCode(t, s.CreateOrgUnit(ctx, &kpi.OrgUnit{ID: "north", Name: "Again"}), kpi.ECONFLICT)
			wantCode(t, s.DeleteOrgUnit(ctx, "sales"), kpi.ECONFLICT) // children
			wantCode(t, s.DeleteOrgUnit(ctx, "north"), kpi.ECONFLICT) // employees
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := s.FindOrgUnitByID(ctx, "nope")
			wantCode(t, err, kpi.ENOTFOUND)
			_, err = s.UpdateOrgUnit(ctx, "nope", kpi.OrgUnitUpdate{Name: ptr("x")})
			wantCode(t, err, kpi.ENOTFOUND)
			wantCode(t, s.DeleteOrgUnit(ctx, "nope"), kpi.ENOTFOUND)
		})
		t.Run("Delete", func(t *testing.T) {
			if err := s.CreateOrgUnit(ctx, &kpi.OrgUnit{ID: "tmp", Name: "Tmp", ParentID: "acme"}); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteOrgUnit(ctx, "tmp"); err != nil {
				t.Fatal(err)
			}
			_, err := s.FindOrgUnitByID(ctx, "tmp")
			wantCode(t, err, kpi.ENOTFOUND)
		})
	})
}

func TestOrgService_Employees(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewOrgService(db)
		mustOrg(t, ctx, s)

		t.Run("OK", func(t *testing.T) {
			e, err := s.FindEmployeeByID(ctx, "lead")
			if err != nil {
				t.Fatal(err)
			}
			if e.HiredOn == nil || *e.HiredOn != kpi.NewDate(2020, 1, 15) || e.LeftOn != nil || e.ManagerID != "" {
				t.Errorf("lead = %+v", e)
			}
			reps, err := s.FindEmployees(ctx, kpi.EmployeeFilter{ManagerID: "lead"})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(reps), 2; got != want {
				t.Errorf("reports = %d, want %d", got, want)
			}
			north, err := s.FindEmployees(ctx, kpi.EmployeeFilter{UnitID: "north", Position: "rep"})
			if err != nil || len(north) != 1 || north[0].ID != "e1" || north[0].Email != "ann@example.com" {
				t.Errorf("north reps = %v, %v", north, err)
			}
			left := kpi.NewDate(2024, 3, 31)
			e, err = s.UpdateEmployee(ctx, "e2", kpi.EmployeeUpdate{UnitID: ptr("north"), LeftOn: ptr(&left), ManagerID: ptr("e1")})
			if err != nil {
				t.Fatal(err)
			}
			if e.UnitID != "north" || e.LeftOn == nil || *e.LeftOn != left || e.ManagerID != "e1" {
				t.Errorf("updated = %+v", e)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			wantCode(t, s.CreateEmployee(ctx, &kpi.Employee{ID: "x", Name: "X", UnitID: "nope"}), kpi.EINVALID)
			wantCode(t, s.CreateEmployee(ctx, &kpi.Employee{ID: "x", Name: "X", UnitID: "north", ManagerID: "ghost"}), kpi.EINVALID)
			wantCode(t, s.CreateEmployee(ctx, &kpi.Employee{ID: "x", Name: "X", UnitID: "north", ManagerID: "x"}), kpi.EINVALID)
			_, err := s.UpdateEmployee(ctx, "lead", kpi.EmployeeUpdate{ManagerID: ptr("e1")}) // e1 reports to lead
			wantCode(t, err, kpi.EINVALID)
		})
		t.Run("ErrConflict", func(t *testing.T) {
			wantCode(t, s.CreateEmployee(ctx, &kpi.Employee{ID: "e1", Name: "Again", UnitID: "north"}), kpi.ECONFLICT)
			wantCode(t, s.DeleteEmployee(ctx, "lead"), kpi.ECONFLICT)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := s.FindEmployeeByID(ctx, "nope")
			wantCode(t, err, kpi.ENOTFOUND)
			wantCode(t, s.DeleteEmployee(ctx, "nope"), kpi.ENOTFOUND)
		})
		t.Run("Delete", func(t *testing.T) {
			if err := s.DeleteEmployee(ctx, "e2"); err != nil {
				t.Fatal(err)
			}
			_, err := s.FindEmployeeByID(ctx, "e2")
			wantCode(t, err, kpi.ENOTFOUND)
		})
	})
}

func TestOrgService_ImportOrg(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewOrgService(db)
		rs := sqldb.NewRecordService(db)
		mustOrg(t, ctx, s)
		before, err := rs.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("OK", func(t *testing.T) {
			// A child before its parent, a manager after the report.
			res, err := s.ImportOrg(ctx,
				[]*kpi.OrgUnit{
					{ID: "west-1", Name: "West 1", ParentID: "west"},
					{ID: "west", Name: "West", ParentID: "sales"},
					{ID: "north", Name: "North", ParentID: "sales"},      // unchanged
					{ID: "south", Name: "South team", ParentID: "sales"}, // updated
				},
				[]*kpi.Employee{
					{ID: "e3", Name: "Cy", UnitID: "west-1", ManagerID: "e4"},
					{ID: "e4", Name: "Di", UnitID: "west", ManagerID: "lead"},
					{ID: "e1", Name: "Ann", UnitID: "north", ManagerID: "lead", Position: "rep", Email: "ann@example.com"}, // unchanged
				})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res, (kpi.ImportResult{Created: 4, Updated: 1, Unchanged: 2}); got != want {
				t.Errorf("result = %+v, want %+v", got, want)
			}
			after, err := rs.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if after.Org <= before.Org {
				t.Errorf("org version = %d, want > %d", after.Org, before.Org)
			}
		})
		t.Run("ErrAllOrNothing", func(t *testing.T) {
			v0, _ := rs.Versions(ctx)
			_, err := s.ImportOrg(ctx,
				[]*kpi.OrgUnit{{ID: "east", Name: "East", ParentID: "sales"}, {ID: "sales", Name: "Sales", ParentID: "east"}},
				[]*kpi.Employee{{ID: "e9", Name: "Ed", UnitID: "east"}})
			wantCode(t, err, kpi.EINVALID)
			if len(kpi.ErrorDetails(err)) == 0 {
				t.Error("no problem details")
			}
			_, err = s.ImportOrg(ctx,
				[]*kpi.OrgUnit{{ID: "east", Name: "East", ParentID: "sales"}},
				[]*kpi.Employee{{ID: "e9", Name: "Ed", UnitID: "east"}, {ID: "e10", Name: "Fay", UnitID: "nowhere"}})
			wantCode(t, err, kpi.EINVALID)
			_, err = s.FindOrgUnitByID(ctx, "east")
			wantCode(t, err, kpi.ENOTFOUND)
			_, err = s.FindEmployeeByID(ctx, "e9")
			wantCode(t, err, kpi.ENOTFOUND)
			if v1, _ := rs.Versions(ctx); v1 != v0 {
				t.Errorf("versions = %+v, want unchanged %+v", v1, v0)
			}
		})
	})
}

func TestOrgService_Memberships(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewOrgService(db)
		rs := sqldb.NewRecordService(db)
		mustOrg(t, ctx, s)
		on := func(y int, m time.Month, d int) *kpi.Date { v := kpi.NewDate(y, m, d); return &v }
		memberships := func(t *testing.T) string {
			t.Helper()
			ms, err := s.FindMemberships(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range ms {
				out = append(out, fmt.Sprintf("%s:%s<=%s", m.EmployeeID, m.UnitID, m.Until))
			}
			return strings.Join(out, " ")
		}

		t.Run("OK", func(t *testing.T) {
			v0, _ := rs.Versions(ctx)
			// e1: north → south from March 15, south → sales from July 1.
			if _, err := s.UpdateEmployee(ctx, "e1", kpi.EmployeeUpdate{UnitID: ptr("south"), UnitFrom: on(2025, 3, 15)}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UpdateEmployee(ctx, "e1", kpi.EmployeeUpdate{UnitID: ptr("sales"), UnitFrom: on(2025, 7, 1)}); err != nil {
				t.Fatal(err)
			}
			// e2: south → north from Feb 1.
			if _, err := s.UpdateEmployee(ctx, "e2", kpi.EmployeeUpdate{UnitID: ptr("north"), UnitFrom: on(2025, 2, 1)}); err != nil {
				t.Fatal(err)
			}
			if got, want := memberships(t), "e1:north<=2025-03-14 e1:south<=2025-06-30 e2:south<=2025-01-31"; got != want {
				t.Errorf("memberships = %q, want %q", got, want)
			}
			if v1, _ := rs.Versions(ctx); v1.Org != v0.Org+3 {
				t.Errorf("org version = %d, want %d", v1.Org, v0.Org+3)
			}
			entries, err := sqldb.NewAuditService(db).FindAuditEntries(ctx, "membership", "e2", 0)
			if err != nil || len(entries) != 1 || !strings.Contains(entries[0].New, `"until":"2025-01-31"`) {
				t.Errorf("audit = %+v, %v; want one membership entry", entries, err)
			}
		})
		t.Run("NotRecorded", func(t *testing.T) {
			// Without UnitFrom, or without a change of unit, or by import:
			// the move applies to all records after the last membership.
			if _, err := s.UpdateEmployee(ctx, "e2", kpi.EmployeeUpdate{UnitID: ptr("sales")}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UpdateEmployee(ctx, "e2", kpi.EmployeeUpdate{Position: ptr("senior rep"), UnitFrom: on(2025, 9, 1)}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ImportOrg(ctx, nil, []*kpi.Employee{{ID: "e2", Name: "Bob", UnitID: "north", ManagerID: "lead", Position: "senior rep"}}); err != nil {
				t.Fatal(err)
			}
			if got, want := memberships(t), "e1:north<=2025-03-14 e1:south<=2025-06-30 e2:south<=2025-01-31"; got != want {
				t.Errorf("memberships = %q, want %q", got, want)
			}
		})
		t.Run("SameDay", func(t *testing.T) {
			// Moved again from the day after the last membership: the unit
			// left (sales) was never in effect and is not kept.
			if _, err := s.UpdateEmployee(ctx, "e1", kpi.EmployeeUpdate{UnitID: ptr("north"), UnitFrom: on(2025, 7, 1)}); err != nil {
				t.Fatal(err)
			}
			if got, want := memberships(t), "e1:north<=2025-03-14 e1:south<=2025-06-30 e2:south<=2025-01-31"; got != want {
				t.Errorf("memberships = %q, want %q", got, want)
			}
		})
		t.Run("ErrBeforeLastMembership", func(t *testing.T) {
			v0, _ := rs.Versions(ctx)
			_, err := s.UpdateEmployee(ctx, "e1", kpi.EmployeeUpdate{UnitID: ptr("south"), UnitFrom: on(2025, 6, 30)})
			wantCode(t, err, kpi.EINVALID)
			if msg := kpi.ErrorMessage(err); !strings.Contains(msg, "2025-07-01") {
				t.Errorf("message %q does not name the first possible day", msg)
			}
			e, err := s.FindEmployeeByID(ctx, "e1")
			if err != nil || e.UnitID != "north" {
				t.Errorf("e1 = %+v, %v; want unchanged in north", e, err)
			}
			if v1, _ := rs.Versions(ctx); v1 != v0 {
				t.Errorf("versions = %+v, want unchanged %+v", v1, v0)
			}
		})
		t.Run("ErrDeleteUnitOfMembership", func(t *testing.T) {
			// No employee is in south any more, but e1's records up to
			// 2025-06-30 and e2's up to 2025-01-31 count for it.
			err := s.DeleteOrgUnit(ctx, "south")
			wantCode(t, err, kpi.ECONFLICT)
			if msg := kpi.ErrorMessage(err); !strings.Contains(msg, "south") {
				t.Errorf("message %q does not name the unit", msg)
			}
		})
		t.Run("DeleteEmployee", func(t *testing.T) {
			if err := s.DeleteEmployee(ctx, "e2"); err != nil {
				t.Fatal(err)
			}
			if got, want := memberships(t), "e1:north<=2025-03-14 e1:south<=2025-06-30"; got != want {
				t.Errorf("memberships = %q, want %q", got, want)
			}
			if err := s.DeleteEmployee(ctx, "e1"); err != nil {
				t.Fatal(err)
			}
			if got := memberships(t); got != "" {
				t.Errorf("memberships = %q, want none", got)
			}
			if err := s.DeleteOrgUnit(ctx, "south"); err != nil {
				t.Errorf("delete south without memberships: %v", err)
			}
		})
		t.Run("ErrNoWorkspace", func(t *testing.T) {
			_, err := s.FindMemberships(context.Background())
			wantCode(t, err, kpi.EUNAUTHORIZED)
		})
	})
}
