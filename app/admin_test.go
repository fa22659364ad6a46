package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// TestAuditSearch filters the audit trail by entity, who and time and
// pages through it, on SQLite and PostgreSQL; only readers may.
func TestAuditSearch(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a, root := apptest.SmallOn(t, db)
		ctx := context.Background()
		ann := root
		ann.Name = "user:ann_100%@small.example"
		for _, id := range []string{"x1", "x2", "x3"} {
			if err := a.CreateUnit(ctx, ann, &kpi.OrgUnit{ID: id, Name: id, ParentID: "co"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := a.AuditSearch(ctx, root, kpi.AuditFilter{Entity: "org_unit", Actor: "ANN_100%"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].EntityID != "x3" || got[2].EntityID != "x1" {
			t.Fatalf("by entity and who: %d entries", len(got))
		}
		if got, _ := a.AuditSearch(ctx, root, kpi.AuditFilter{Actor: "ann_1000"}); len(got) != 0 {
			t.Errorf("%% and _ are wildcards: %d entries", len(got))
		}
		page, err := a.AuditSearch(ctx, root, kpi.AuditFilter{Entity: "org_unit", Actor: "ann", Offset: 1, Limit: 1})
		if err != nil || len(page) != 1 || page[0].EntityID != "x2" {
			t.Errorf("second page of one: %v %v", page, err)
		}
		at := got[0].At
		if got, _ := a.AuditSearch(ctx, root, kpi.AuditFilter{Actor: "ann", From: at.Add(time.Second)}); len(got) != 0 {
			t.Errorf("from after the last entry: %d entries", len(got))
		}
		if got, _ := a.AuditSearch(ctx, root, kpi.AuditFilter{Actor: "ann", From: at.Add(-time.Hour), To: at.Add(time.Hour)}); len(got) != 3 {
			t.Errorf("within the hour: %d entries", len(got))
		}
		if _, err := a.AuditSearch(ctx, root, kpi.AuditFilter{Limit: app.MaxAuditSearch + 1}); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("a page too long: %v", err)
		}
		member := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:bob", Role: kpi.RoleMember, EmployeeID: "bob"}
		if _, err := a.AuditSearch(ctx, member, kpi.AuditFilter{}); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("a member searches the audit trail: %v", err)
		}
	})
}

// TestImportColumns guesses a file's columns by name and imports through
// a mapping; a member may not.
func TestImportColumns(t *testing.T) {
	a, root := apptest.Small(t)
	ctx := context.Background()
	file := "ID;Sales Rep;STAGE;amount;Closed-On;days\nz1;bob;Won;5;2025-07-01;1\n"
	plan, err := a.ImportColumns(ctx, root, "deals", "z.csv", "", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"id": "ID", "stage": "STAGE", "amount": "amount", "closed_on": "Closed-On", "days": "days"}
	for col, h := range want {
		if plan.Guess[col] != h {
			t.Errorf("%s guessed %q, want %q", col, plan.Guess[col], h)
		}
	}
	if _, ok := plan.Guess["rep"]; ok {
		t.Errorf("rep guessed as %q", plan.Guess["rep"])
	}
	cols := map[string]string{"rep": "Sales Rep"}
	for k, v := range plan.Guess {
		cols[k] = v
	}
	rep, err := a.ImportRecords(ctx, root, app.ImportRequest{Dataset: "deals", File: "z.csv", Body: strings.NewReader(file), Columns: cols})
	if err != nil || rep.Created != 1 {
		t.Fatalf("import through the mapping: %+v %v", rep, err)
	}
	delete(cols, "rep")
	if _, err := a.ImportRecords(ctx, root, app.ImportRequest{Dataset: "deals", File: "z.csv", Body: strings.NewReader(file), Columns: cols}); err == nil || !strings.Contains(err.Error(), "Map dataset column rep") {
		t.Errorf("rep mapped to nothing: %v", err)
	}
	cols["nope"] = "ID"
	if _, err := a.ImportRecords(ctx, root, app.ImportRequest{Dataset: "deals", File: "z.csv", Body: strings.NewReader(file), Columns: cols}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("a column the dataset lacks: %v", err)
	}
	member := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:bob", Role: kpi.RoleMember, EmployeeID: "bob"}
	if _, err := a.ImportColumns(ctx, member, "deals", "z.csv", "", strings.NewReader(file)); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("a member: %v", err)
	}
	if _, err := a.Importable(ctx, member); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("a member's importable datasets: %v", err)
	}
	if _, err := a.AdminOrg(ctx, member); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("a member opens the admin's org: %v", err)
	}
	if _, err := a.DefinitionsYAML(ctx, member); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("a member opens the definitions to edit: %v", err)
	}
}
