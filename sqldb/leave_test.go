package sqldb_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// leave reads "FROM..TO; FROM..TO" into leave periods.
func leave(tb testing.TB, s string) []kpi.Period {
	tb.Helper()
	ps, err := kpi.ParseLeave(s)
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

// wantLeave checks the leave of employee id as FindEmployeeByID and
// FindEmployees return it.
func wantLeave(tb testing.TB, ctx context.Context, s *sqldb.OrgService, id, want string) {
	tb.Helper()
	e, err := s.FindEmployeeByID(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	if got := kpi.LeaveText(e.Leave); got != want {
		tb.Errorf("%s: leave = %q, want %q", id, got, want)
	}
	for _, l := range e.Leave {
		if l.Grain != kpi.Range {
			tb.Errorf("%s: leave %s has grain %q, want range", id, l, l.Grain)
		}
	}
	es, err := s.FindEmployees(ctx, kpi.EmployeeFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, x := range es {
		if x.ID == id && !reflect.DeepEqual(x.Leave, e.Leave) {
			tb.Errorf("%s: FindEmployees leave = %v, FindEmployeeByID %v", id, x.Leave, e.Leave)
		}
	}
}

func orgVersion(tb testing.TB, ctx context.Context, db *sqldb.DB) int64 {
	tb.Helper()
	v, err := sqldb.NewRecordService(db).Versions(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return v.Org
}

func TestOrgService_Leave(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewOrgService(db)
		mustOrg(t, ctx, s)

		t.Run("RoundTrip", func(t *testing.T) {
			// A month names a leave period too; it is stored as a range.
			l := append(leave(t, "2026-06-01..2026-06-14"), kpi.PeriodOf(kpi.Month, kpi.NewDate(2026, 8, 1)))
			if err := s.CreateEmployee(ctx, &kpi.Employee{ID: "e3", Name: "Cy", UnitID: "north", Leave: l}); err != nil {
				t.Fatal(err)
			}
			wantLeave(t, ctx, s, "e3", "2026-06-01..2026-06-14; 2026-08-01..2026-08-31")
			wantLeave(t, ctx, s, "e1", "")
			entries, err := sqldb.NewAuditService(db).FindAuditEntries(ctx, "employee", "e3", 0)
			if err != nil {
				t.Fatal(err)
			}
			if want := `"leave":[{"grain":"range","from":"2026-06-01","to":"2026-06-14"},{"grain":"range","from":"2026-08-01","to":"2026-08-31"}]`; len(entries) != 1 || !strings.Contains(entries[0].New, want) {
				t.Errorf("audit = %+v, want a create with %s", entries, want)
			}
		})
		t.Run("Replace", func(t *testing.T) {
			v0 := orgVersion(t, ctx, db)
			l := leave(t, "2026-03-02..2026-03-06; 2026-03-09")
			e, err := s.UpdateEmployee(ctx, "e1", kpi.EmployeeUpdate{Leave: &l})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := kpi.LeaveText(e.Leave), "2026-03-02..2026-03-06; 2026-03-09..2026-03-09"; got != want {
				t.Errorf("updated leave = %q, want %q", got, want)
			}
			wantLeave(t, ctx, s, "e1", "2026-03-02..2026-03-06; 2026-03-09..2026-03-09")
			if got, want := orgVersion(t, ctx, db), v0+1; got != want {
				t.Errorf("org version = %d, want %d", got, want)
			}
			l = leave(t, "2026-06-01..2026-06-14")
			if _, err := s.UpdateEmployee(ctx, "e1", kpi.EmployeeUpdate{Leave: &l}); err != nil {
				t.Fatal(err)
			}
			wantLeave(t, ctx, s, "e1", "2026-06-01..2026-06-14")
			entries, err := sqldb.NewAuditService(db).FindAuditEntries(ctx, "employee", "e1", 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Action != "update" || !strings.Contains(entries[0].Old, `"from":"2026-03-09"`) || !strings.Contains(entries[0].New, `"to":"2026-06-14"`) {
				t.Errorf("audit = %+v, want an update from the March leave to the June leave", entries)
			}
			// The same list again changes nothing.
			v1 := orgVersion(t, ctx, db)
			if _, err := s.UpdateEmployee(ctx, "e1", kpi.EmployeeUpdate{Leave: &l}); err != nil {
				t.Fatal(err)
			}
			if got := orgVersion(t, ctx, db); got != v1 {
				t.Errorf("org version = %d after an unchanged leave, want %d", got, v1)
			}
			// Other changes keep the leave.
			if _, err := s.UpdateEmployee(ctx, "e1", kpi.EmployeeUpdate{Position: ptr("senior rep")}); err != nil {
				t.Fatal(err)
			}
			wantLeave(t, ctx, s, "e1", "2026-06-01..2026-06-14")
		})
		t.Run("Clear", func(t *testing.T) {
			v0 := orgVersion(t, ctx, db)
			e, err := s.UpdateEmployee(ctx, "e1", kpi.EmployeeUpdate{Leave: &[]kpi.Period{}})
			if err != nil {
				t.Fatal(err)
			}
			if e.Leave != nil {
				t.Errorf("updated leave = %v, want none", e.Leave)
			}
			wantLeave(t, ctx, s, "e1", "")
			if got, want := orgVersion(t, ctx, db), v0+1; got != want {
				t.Errorf("org version = %d, want %d", got, want)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			l := leave(t, "2026-06-01..2026-06-14")
			if _, err := s.UpdateEmployee(ctx, "e2", kpi.EmployeeUpdate{Leave: &l}); err != nil {
				t.Fatal(err)
			}
			v0 := orgVersion(t, ctx, db)
			for _, tt := range []struct{ leave, msg string }{
				{"2026-06-14..2026-06-01", `Employee "e2": Leave 2026-06-14..2026-06-01 ends before it starts.`},
				{"2026-06-01..2026-06-10; 2026-06-10..2026-06-12", `Employee "e2": Leave 2026-06-10..2026-06-12 overlaps 2026-06-01..2026-06-10.`},
				{"2026-08-03..2026-08-07; 2026-06-01..2026-06-14", `Employee "e2": Leave 2026-06-01..2026-06-14 is listed after 2026-08-03..2026-08-07; list leave in date order.`},
			} {
				l := leave(t, tt.leave)
				_, err := s.UpdateEmployee(ctx, "e2", kpi.EmployeeUpdate{Leave: &l})
				wantCode(t, err, kpi.EINVALID)
				if got := kpi.ErrorMessage(err); got != tt.msg {
					t.Errorf("%s: message = %q, want %q", tt.leave, got, tt.msg)
				}
			}
			err := s.CreateEmployee(ctx, &kpi.Employee{ID: "e9", Name: "Ed", UnitID: "north", Leave: leave(t, "2026-06-14..2026-06-01")})
			wantCode(t, err, kpi.EINVALID)
			wantLeave(t, ctx, s, "e2", "2026-06-01..2026-06-14")
			if got := orgVersion(t, ctx, db); got != v0 {
				t.Errorf("org version = %d after rejected changes, want %d", got, v0)
			}
			// Touching periods do not overlap.
			l = leave(t, "2026-06-01..2026-06-14; 2026-06-15..2026-06-19")
			if _, err := s.UpdateEmployee(ctx, "e2", kpi.EmployeeUpdate{Leave: &l}); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("Import", func(t *testing.T) {
			l := leave(t, "2026-06-01..2026-06-14")
			if _, err := s.UpdateEmployee(ctx, "e2", kpi.EmployeeUpdate{Leave: &l}); err != nil {
				t.Fatal(err)
			}
			emp := func(l []kpi.Period) []*kpi.Employee {
				return []*kpi.Employee{{ID: "e2", Name: "Bob", UnitID: "south", ManagerID: "lead", Position: "rep", Leave: l}}
			}
			// No leave column (nil): the stored leave stays, nothing changes.
			res, err := s.ImportOrg(ctx, nil, emp(nil))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res, (kpi.ImportResult{Unchanged: 1}); got != want {
				t.Errorf("result = %+v, want %+v", got, want)
			}
			wantLeave(t, ctx, s, "e2", "2026-06-01..2026-06-14")
			// A leave column replaces it.
			v0 := orgVersion(t, ctx, db)
			res, err = s.ImportOrg(ctx, nil, emp(leave(t, "2026-06-01..2026-06-14; 2026-08-03..2026-08-07")))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res, (kpi.ImportResult{Updated: 1}); got != want {
				t.Errorf("result = %+v, want %+v", got, want)
			}
			wantLeave(t, ctx, s, "e2", "2026-06-01..2026-06-14; 2026-08-03..2026-08-07")
			if got, want := orgVersion(t, ctx, db), v0+1; got != want {
				t.Errorf("org version = %d, want %d", got, want)
			}
			// An empty cell (an empty, non-nil list) clears it.
			if _, err := s.ImportOrg(ctx, nil, emp([]kpi.Period{})); err != nil {
				t.Fatal(err)
			}
			wantLeave(t, ctx, s, "e2", "")
			// Bad leave rejects the whole import.
			_, err = s.ImportOrg(ctx, nil, emp(leave(t, "2026-06-01..2026-06-14; 2026-06-14..2026-06-20")))
			wantCode(t, err, kpi.EINVALID)
			if d := kpi.ErrorDetails(err); len(d) != 1 || d[0].Reason != `Employee "e2": Leave 2026-06-14..2026-06-20 overlaps 2026-06-01..2026-06-14.` {
				t.Errorf("details = %+v", d)
			}
			wantLeave(t, ctx, s, "e2", "")
		})
		t.Run("Isolation", func(t *testing.T) {
			other := mustWorkspace(t, db, "other")
			mustOrg(t, other, s)
			l := leave(t, "2027-01-04..2027-01-08")
			if _, err := s.UpdateEmployee(other, "e1", kpi.EmployeeUpdate{Leave: &l}); err != nil {
				t.Fatal(err)
			}
			wantLeave(t, other, s, "e1", "2027-01-04..2027-01-08")
			wantLeave(t, ctx, s, "e1", "")
			if _, err := s.FindEmployeeByID(other, "e3"); kpi.ErrorCode(err) != kpi.ENOTFOUND {
				t.Errorf("acme's e3 in the other workspace: %v", err)
			}
		})
	})
}
