package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"attain/kpi"
)

// TestDemoStatements loads the demo and checks its bonus statements: every
// employee with a plan has one for this month, this month's claws back the
// deal lost after it was paid on, and some payout was capped.
func TestDemoStatements(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo")
	}
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Config.DB = filepath.Join(t.TempDir(), "demo.db")
	m.Config.Workspace = demoSlug
	ctx := context.Background()
	if err := m.open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := m.loadDemo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	ctx, ws, err := m.workspaceContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := ws.Location()
	thisMonth := kpi.PeriodOf(kpi.Month, kpi.DateOf(time.Now(), loc))

	rows, err := m.Svc.Payroll.Payouts(ctx, thisMonth)
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
		st, err := m.Svc.Payroll.Statement(ctx, r.EmployeeID, thisMonth)
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

	stored, err := m.Svc.Statements.FindStatements(ctx, kpi.StatementFilter{})
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
