package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
	"attain/sqldb"
)

// TestDemoStatements loads the demo and checks its bonus statements: every
// employee with a plan has one for this month, this month's claws back the
// deal lost after it was paid on, and some payout was capped.
func TestDemoStatements(t *testing.T) {
	w := apptest.Demo(t)
	ctx, who := context.Background(), w.Report.Actor
	loc, _ := w.Report.Workspace.Location()
	thisMonth := kpi.PeriodOf(kpi.Month, kpi.DateOf(time.Now(), loc)).Label()

	rows, err := w.App.Payouts(ctx, who, thisMonth)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 30 {
		t.Errorf("%d statements this month, want one per sales and order-processing manager", len(rows))
	}
	clawback := false
	for _, r := range rows {
		if r.Status != kpi.StatusDraft {
			t.Errorf("%s: status %s (%s), want a draft", r.EmployeeID, r.Status, r.Error)
			continue
		}
		st, err := w.App.Statement(ctx, who, app.StatementRef{Employee: r.EmployeeID, Period: thisMonth})
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range st.Sections {
			for _, l := range sec.Evaluation.Lines {
				if strings.HasPrefix(l.ID, "clawback.D-") && l.Result.IsNegative() {
					clawback = true
				}
			}
		}
	}
	if !clawback {
		t.Error("no statement this month claws back a lost deal")
	}

	stored, err := sqldb.NewStatementService(w.DB).FindStatements(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID), kpi.StatementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	capped, paid, locked := false, 0, 0
	for _, s := range stored {
		switch s.Status {
		case kpi.StatusPaid:
			paid++
		case kpi.StatusLocked:
			locked++
		}
		for _, sec := range s.Sections {
			if l := sec.Evaluation.Line("limit.period_cap"); l != nil && l.Inputs[0].Value.GreaterThan(l.Result) {
				capped = true
			}
		}
	}
	if !capped {
		t.Error("no locked statement was capped")
	}
	if paid == 0 || locked == 0 {
		t.Errorf("%d paid and %d locked statements, want both", paid, locked)
	}
}
