package sqldb_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

func targetPeriod(t testing.TB, s string) kpi.Period {
	t.Helper()
	p, err := kpi.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// targetInput returns an input; value "" deletes.
func targetInput(t testing.TB, k, subject, period, value string) kpi.TargetInput {
	t.Helper()
	kind, id, _ := strings.Cut(subject, ":")
	in := kpi.TargetInput{KPI: k, Subject: kpi.Subject{Kind: kind, ID: id}, Period: targetPeriod(t, period)}
	if value != "" {
		v := decimal.RequireFromString(value)
		in.Value = &v
	}
	return in
}

// describeTargets writes targets as "kpi subject period value vVERSION".
func describeTargets(ts []*kpi.Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, fmt.Sprintf("%s %s %s %s v%d", t.KPI, t.Subject, t.Period, t.Value, t.Version))
	}
	return out
}

// describeHistory writes changes as "kpi subject period old->new vVERSION by
// (reason)", none for no value.
func describeHistory(cs []*kpi.TargetChange) []string {
	str := func(d *decimal.Decimal) string {
		if d == nil {
			return "none"
		}
		return d.String()
	}
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %s %s->%s v%d %s (%s)", c.KPI, c.Subject, c.Period, str(c.Old), str(c.New), c.Version, c.By, c.Reason))
	}
	return out
}

func wantLines(t testing.TB, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func historyLines(t testing.TB, ctx context.Context, s *sqldb.TargetService, f kpi.TargetFilter) []string {
	t.Helper()
	cs, err := s.TargetHistory(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return describeHistory(cs)
}

func targetLines(t testing.TB, ctx context.Context, s *sqldb.TargetService, f kpi.TargetFilter) []string {
	t.Helper()
	ts, err := s.FindTargets(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return describeTargets(ts)
}

func TestTargetService_SetTargets(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewTargetService(db)
		all := kpi.TargetFilter{}

		t.Run("Create", func(t *testing.T) {
			ts, err := s.SetTargets(ctx, []kpi.TargetInput{
				targetInput(t, "won_value", "unit:sales", "2026-06", "50000"),
				targetInput(t, "won_value", "employee:E042", "2026-Q3", "12000.00"),
			}, "") // a first value needs no reason
			if err != nil {
				t.Fatal(err)
			}
			wantLines(t, "returned", describeTargets(ts), []string{
				"won_value unit:sales 2026-06 50000 v1",
				"won_value employee:E042 2026-Q3 12000 v1",
			})
			if ts[0].UpdatedBy != "tester" || ts[0].UpdatedAt.IsZero() {
				t.Errorf("updated by %q at %v, want tester and a time", ts[0].UpdatedBy, ts[0].UpdatedAt)
			}
			wantLines(t, "stored", targetLines(t, ctx, s, all), []string{
				"won_value employee:E042 2026-Q3 12000 v1",
				"won_value unit:sales 2026-06 50000 v1",
			})
		})
		t.Run("ErrChangeNeedsReason", func(t *testing.T) {
			_, err := s.SetTargets(ctx, []kpi.TargetInput{
				targetInput(t, "won_value", "unit:north", "2026-06", "20000"), // new: fine alone
				targetInput(t, "won_value", "unit:sales", "2026-06", "55000"),
				targetInput(t, "won_value", "employee:E042", "2026-Q3", ""),
			}, "  ")
			wantCode(t, err, kpi.EINVALID)
			if got, want := len(kpi.ErrorDetails(err)), 2; got != want {
				t.Errorf("%d problems, want %d: %v", got, want, err)
			}
			if got := targetLines(t, ctx, s, all); len(got) != 2 {
				t.Errorf("something was written: %v", got)
			}
		})
		t.Run("Update", func(t *testing.T) {
			ts, err := s.SetTargets(ctx, []kpi.TargetInput{targetInput(t, "won_value", "unit:sales", "2026-06", "55000")}, "new territory")
			if err != nil {
				t.Fatal(err)
			}
			wantLines(t, "returned", describeTargets(ts), []string{"won_value unit:sales 2026-06 55000 v2"})
			if got, want := ts[0].Reason, "new territory"; got != want {
				t.Errorf("reason = %q, want %q", got, want)
			}
		})
		t.Run("UnchangedSkipped", func(t *testing.T) {
			// Equal values are no change: no reason needed, no history.
			ts, err := s.SetTargets(ctx, []kpi.TargetInput{
				targetInput(t, "won_value", "unit:sales", "2026-06", "55000.000"),
				targetInput(t, "won_value", "unit:nobody", "2026-06", ""), // deleting what is not there
			}, "")
			if err != nil {
				t.Fatal(err)
			}
			wantLines(t, "returned", describeTargets(ts), []string{"won_value unit:sales 2026-06 55000 v2"})
		})
		t.Run("Delete", func(t *testing.T) {
			ts, err := s.SetTargets(ctx, []kpi.TargetInput{targetInput(t, "won_value", "employee:E042", "2026-Q3", "")}, "left the company")
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != 0 {
				t.Errorf("returned %v, want nothing", describeTargets(ts))
			}
			wantLines(t, "stored", targetLines(t, ctx, s, all), []string{"won_value unit:sales 2026-06 55000 v2"})
		})
		t.Run("CreateAgain", func(t *testing.T) {
			// Versions go on from the history: a target created again
			// after a delete does not start over at 1.
			ts, err := s.SetTargets(ctx, []kpi.TargetInput{targetInput(t, "won_value", "employee:E042", "2026-Q3", "9000")}, "")
			if err != nil {
				t.Fatal(err)
			}
			wantLines(t, "returned", describeTargets(ts), []string{"won_value employee:E042 2026-Q3 9000 v3"})
		})
		t.Run("History", func(t *testing.T) {
			wantLines(t, "history", historyLines(t, ctx, s, all), []string{
				"won_value unit:sales 2026-06 none->50000 v1 tester ()",
				"won_value employee:E042 2026-Q3 none->12000 v1 tester ()",
				"won_value unit:sales 2026-06 50000->55000 v2 tester (new territory)",
				"won_value employee:E042 2026-Q3 12000->none v2 tester (left the company)",
				"won_value employee:E042 2026-Q3 none->9000 v3 tester ()",
			})
		})
		t.Run("Audit", func(t *testing.T) {
			entries, err := sqldb.NewAuditService(db).FindAuditEntries(ctx, "target", "won_value/employee:E042/2026-Q3", 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, fmt.Sprintf("%s %s (%s) old=%t new=%t", e.Action, e.Actor, e.Reason, e.Old != "", e.New != ""))
			}
			wantLines(t, "audit, newest first", got, []string{
				"create tester () old=false new=true",
				"delete tester (left the company) old=true new=false",
				"create tester () old=false new=true",
			})
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			june := targetPeriod(t, "2026-06")
			notAMonth := kpi.Period{Grain: kpi.Month, From: june.From + 1, To: june.To}
			v := decimal.NewFromInt(1)
			_, err := s.SetTargets(ctx, []kpi.TargetInput{
				{KPI: "", Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "sales"}, Period: june, Value: &v},
				{KPI: "k", Subject: kpi.Subject{Kind: "team", ID: "sales"}, Period: june, Value: &v},
				{KPI: "k", Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "sales"}, Period: notAMonth, Value: &v},
				{KPI: "k", Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "sales"}, Period: kpi.Period{Grain: kpi.Range, From: june.To, To: june.From}, Value: &v},
				{KPI: "k", Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "x"}, Period: june, Value: &v},
				{KPI: "k", Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "x"}, Period: kpi.Period{Grain: kpi.Range, From: june.From, To: june.To}, Value: &v},
			}, "why")
			wantCode(t, err, kpi.EINVALID)
			var got []string
			for _, p := range kpi.ErrorDetails(err) {
				got = append(got, p.Reason)
			}
			wantLines(t, "problems", got, []string{
				"no KPI",
				`the subject must be an employee or a unit, not "team"`,
				"2026-06-02..2026-06-30 is not one month",
				"the period ends before it starts",
				"the same target as target 5", // the same dates are the same target
			})
		})
	})
}

func TestTargetService_Locks(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		db.Now = func() time.Time { return time.Date(2026, 7, 2, 9, 30, 0, 0, time.UTC) }
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewTargetService(db)
		june, q2 := targetPeriod(t, "2026-06"), targetPeriod(t, "2026-Q2")
		if _, err := s.SetTargets(ctx, []kpi.TargetInput{targetInput(t, "won_value", "unit:sales", "2026-06", "100")}, ""); err != nil {
			t.Fatal(err)
		}

		t.Run("ErrLockWithoutReason", func(t *testing.T) {
			wantCode(t, s.LockPeriod(ctx, june, " "), kpi.EINVALID)
		})
		t.Run("Lock", func(t *testing.T) {
			if err := s.LockPeriod(ctx, june, "June closed"); err != nil {
				t.Fatal(err)
			}
			ls, err := s.FindPeriodLocks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ls) != 1 || ls[0].Period != june || ls[0].LockedBy != "tester" || ls[0].Reason != "June closed" || !ls[0].LockedAt.Equal(db.Now()) {
				t.Errorf("locks = %+v", ls)
			}
		})
		t.Run("ErrLockTwice", func(t *testing.T) {
			wantCode(t, s.LockPeriod(ctx, june, "again"), kpi.ECONFLICT)
		})
		t.Run("ErrLockedBlocksWholeCall", func(t *testing.T) {
			_, err := s.SetTargets(ctx, []kpi.TargetInput{
				targetInput(t, "won_value", "unit:sales", "2026-08", "300"), // open: would be fine alone
				targetInput(t, "won_value", "unit:sales", "2026-06", "120"),
				targetInput(t, "won_value", "unit:north", "2026-Q2", "200"), // overlaps June
			}, "late change")
			wantCode(t, err, kpi.ECONFLICT)
			want := "Target won_value/unit:sales/2026-06 cannot change: 2026-06 is locked since 2026-07-02 09:30 UTC by tester: reopen it with a reason."
			if msg := kpi.ErrorMessage(err); !strings.HasSuffix(msg, want) || !strings.HasPrefix(msg, "2 targets fall in locked periods") {
				t.Errorf("message = %q, want it to end in %q", msg, want)
			}
			if got, want := len(kpi.ErrorDetails(err)), 2; got != want {
				t.Errorf("%d problems, want %d", got, want)
			}
			wantLines(t, "stored", targetLines(t, ctx, s, kpi.TargetFilter{}), []string{"won_value unit:sales 2026-06 100 v1"})
			if got := historyLines(t, ctx, s, kpi.TargetFilter{}); len(got) != 1 {
				t.Errorf("history written: %v", got)
			}
		})
		t.Run("UnchangedInLockedPeriod", func(t *testing.T) {
			// Setting what is there already changes nothing, so a file
			// with last month's targets can be applied again.
			if _, err := s.SetTargets(ctx, []kpi.TargetInput{targetInput(t, "won_value", "unit:sales", "2026-06", "100.0")}, ""); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("ErrReopen", func(t *testing.T) {
			wantCode(t, s.ReopenPeriod(ctx, june, ""), kpi.EINVALID)
			err := s.ReopenPeriod(ctx, q2, "not locked")
			wantCode(t, err, kpi.ENOTFOUND)
			if got, want := kpi.ErrorMessage(err), "2026-Q2 is not locked itself; locked: 2026-06."; got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
		})
		t.Run("ReopenThenSet", func(t *testing.T) {
			if err := s.ReopenPeriod(ctx, june, "correction approved by CFO"); err != nil {
				t.Fatal(err)
			}
			ts, err := s.SetTargets(ctx, []kpi.TargetInput{targetInput(t, "won_value", "unit:sales", "2026-06", "120")}, "correction approved by CFO")
			if err != nil {
				t.Fatal(err)
			}
			wantLines(t, "returned", describeTargets(ts), []string{"won_value unit:sales 2026-06 120 v2"})
			wantCode(t, s.ReopenPeriod(ctx, june, "twice"), kpi.ENOTFOUND)
			if ls, err := s.FindPeriodLocks(ctx); err != nil || len(ls) != 0 {
				t.Errorf("locks = %v, %v; want none", ls, err)
			}
		})
		t.Run("Audit", func(t *testing.T) {
			entries, err := sqldb.NewAuditService(db).FindAuditEntries(ctx, "period_lock", "2026-06", 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Action+" "+e.Actor+" ("+e.Reason+")")
			}
			wantLines(t, "audit", got, []string{"reopen tester (correction approved by CFO)", "lock tester (June closed)"})
		})
	})
}

func TestTargetService_Workspaces(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a, b := mustWorkspace(t, db, "a"), mustWorkspace(t, db, "b")
		s := sqldb.NewTargetService(db)
		june := targetPeriod(t, "2026-06")
		if _, err := s.SetTargets(a, []kpi.TargetInput{targetInput(t, "won_value", "unit:sales", "2026-06", "1")}, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.LockPeriod(a, june, "closed in a"); err != nil {
			t.Fatal(err)
		}
		// b sees nothing of a, and a's lock does not hold b.
		if got := targetLines(t, b, s, kpi.TargetFilter{}); len(got) != 0 {
			t.Errorf("b sees targets %v", got)
		}
		if got := historyLines(t, b, s, kpi.TargetFilter{}); len(got) != 0 {
			t.Errorf("b sees history %v", got)
		}
		if ls, err := s.FindPeriodLocks(b); err != nil || len(ls) != 0 {
			t.Errorf("b sees locks %v, %v", ls, err)
		}
		if _, err := s.SetTargets(b, []kpi.TargetInput{targetInput(t, "won_value", "unit:sales", "2026-06", "2")}, ""); err != nil {
			t.Fatalf("b blocked by a's lock: %v", err)
		}
		wantLines(t, "a", targetLines(t, a, s, kpi.TargetFilter{}), []string{"won_value unit:sales 2026-06 1 v1"})
		wantCode(t, s.ReopenPeriod(b, june, "not b's"), kpi.ENOTFOUND)

		_, err := s.FindTargets(context.Background(), kpi.TargetFilter{})
		wantCode(t, err, kpi.EUNAUTHORIZED)
		_, err = s.SetTargets(context.Background(), nil, "")
		wantCode(t, err, kpi.EUNAUTHORIZED)
	})
}

func TestTargetService_Filters(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewTargetService(db)
		_, err := s.SetTargets(ctx, []kpi.TargetInput{
			targetInput(t, "deals_won", "employee:e1", "2026-05", "8"),
			targetInput(t, "deals_won", "employee:e1", "2026-06", "10"),
			targetInput(t, "deals_won", "employee:e2", "2026-06", "9"),
			targetInput(t, "deals_won", "unit:north", "2026-Q2", "60"),
			targetInput(t, "won_value", "employee:e1", "2026-06-08..2026-06-26", "5000"),
			targetInput(t, "won_value", "unit:north", "2026", "1000000"),
		}, "")
		if err != nil {
			t.Fatal(err)
		}
		june := targetPeriod(t, "2026-06")
		for _, tt := range []struct {
			name string
			f    kpi.TargetFilter
			want []string
		}{
			{"All", kpi.TargetFilter{}, []string{
				"deals_won employee:e1 2026-05 8 v1",
				"deals_won employee:e1 2026-06 10 v1",
				"deals_won employee:e2 2026-06 9 v1",
				"deals_won unit:north 2026-Q2 60 v1",
				"won_value employee:e1 2026-06-08..2026-06-26 5000 v1",
				"won_value unit:north 2026 1000000 v1",
			}},
			{"KPI", kpi.TargetFilter{KPIs: []string{"won_value"}}, []string{
				"won_value employee:e1 2026-06-08..2026-06-26 5000 v1",
				"won_value unit:north 2026 1000000 v1",
			}},
			{"Subjects", kpi.TargetFilter{Subjects: []kpi.Subject{{Kind: kpi.SubjectEmployee, ID: "e2"}, {Kind: kpi.SubjectUnit, ID: "north"}}}, []string{
				"deals_won employee:e2 2026-06 9 v1",
				"deals_won unit:north 2026-Q2 60 v1",
				"won_value unit:north 2026 1000000 v1",
			}},
			{"KindMatters", kpi.TargetFilter{Subjects: []kpi.Subject{{Kind: kpi.SubjectUnit, ID: "e1"}}}, nil},
			{"OverlapJune", kpi.TargetFilter{From: june.From, To: june.To}, []string{
				"deals_won employee:e1 2026-06 10 v1",
				"deals_won employee:e2 2026-06 9 v1",
				"deals_won unit:north 2026-Q2 60 v1",
				"won_value employee:e1 2026-06-08..2026-06-26 5000 v1",
				"won_value unit:north 2026 1000000 v1",
			}},
			{"OverlapOneDay", kpi.TargetFilter{From: kpi.NewDate(2026, 5, 31), To: kpi.NewDate(2026, 5, 31)}, []string{
				"deals_won employee:e1 2026-05 8 v1",
				"deals_won unit:north 2026-Q2 60 v1",
				"won_value unit:north 2026 1000000 v1",
			}},
			{"From", kpi.TargetFilter{From: kpi.NewDate(2026, 6, 27)}, []string{
				"deals_won employee:e1 2026-06 10 v1",
				"deals_won employee:e2 2026-06 9 v1",
				"deals_won unit:north 2026-Q2 60 v1",
				"won_value unit:north 2026 1000000 v1",
			}},
			{"To", kpi.TargetFilter{To: kpi.NewDate(2026, 5, 31)}, []string{
				"deals_won employee:e1 2026-05 8 v1",
				"deals_won unit:north 2026-Q2 60 v1",
				"won_value unit:north 2026 1000000 v1",
			}},
			{"GrainMonth", kpi.TargetFilter{Grain: kpi.Month}, []string{
				"deals_won employee:e1 2026-05 8 v1",
				"deals_won employee:e1 2026-06 10 v1",
				"deals_won employee:e2 2026-06 9 v1",
			}},
			{"GrainRange", kpi.TargetFilter{Grain: kpi.Range}, []string{
				"won_value employee:e1 2026-06-08..2026-06-26 5000 v1",
			}},
			{"Everything", kpi.TargetFilter{KPIs: []string{"deals_won"}, Subjects: []kpi.Subject{{Kind: kpi.SubjectEmployee, ID: "e1"}}, Grain: kpi.Month, From: june.From, To: june.To}, []string{
				"deals_won employee:e1 2026-06 10 v1",
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantLines(t, "targets", targetLines(t, ctx, s, tt.f), tt.want)
				// The history of the same filter holds one creation each.
				var want []string
				for _, w := range tt.want {
					f := strings.Fields(w)
					want = append(want, fmt.Sprintf("%s %s %s none->%s v1 tester ()", f[0], f[1], f[2], f[3]))
				}
				got := historyLines(t, ctx, s, tt.f)
				slices.Sort(got)
				slices.Sort(want)
				wantLines(t, "history", got, want)
			})
		}
	})
}

func TestTargetService_Exact(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		ws, _ := kpi.WorkspaceIDFromContext(ctx)
		s := sqldb.NewTargetService(db)
		big := "123456789012345678901234567890.000000000000000000001"
		_, err := s.SetTargets(ctx, []kpi.TargetInput{
			targetInput(t, "a", "unit:u", "2026-06", "12000.10"),
			targetInput(t, "b", "unit:u", "2026-06", "0.3"),
			targetInput(t, "c", "unit:u", "2026-06", big),
			targetInput(t, "d", "unit:u", "2026-06", "-0.000001"),
		}, "")
		if err != nil {
			t.Fatal(err)
		}
		stored, err := sqldb.TargetValuesForTest(ctx, db, ws)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(stored), fmt.Sprintf("map[a/u:12000.1 b/u:0.3 c/u:%s d/u:-0.000001]", big); got != want {
			t.Errorf("stored %s, want %s", got, want)
		}

		// Equal values are no change, however they are written.
		sum := decimal.RequireFromString("0.1").Add(decimal.RequireFromString("0.2"))
		ts, err := s.SetTargets(ctx, []kpi.TargetInput{
			targetInput(t, "a", "unit:u", "2026-06", "12000.1"),
			{KPI: "b", Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: "u"}, Period: targetPeriod(t, "2026-06"), Value: &sum},
			targetInput(t, "c", "unit:u", "2026-06", big+"000"),
		}, "")
		if err != nil {
			t.Fatal(err)
		}
		wantLines(t, "returned", describeTargets(ts), []string{
			"a unit:u 2026-06 12000.1 v1",
			"b unit:u 2026-06 0.3 v1",
			"c unit:u 2026-06 " + big + " v1",
		})

		// The smallest change is a change.
		if _, err := s.SetTargets(ctx, []kpi.TargetInput{targetInput(t, "c", "unit:u", "2026-06", strings.TrimSuffix(big, "1")+"2")}, "rounding"); err != nil {
			t.Fatal(err)
		}
		wantLines(t, "history of c", historyLines(t, ctx, s, kpi.TargetFilter{KPIs: []string{"c"}}), []string{
			"c unit:u 2026-06 none->" + big + " v1 tester ()",
			"c unit:u 2026-06 " + big + "->" + strings.TrimSuffix(big, "1") + "2 v2 tester (rounding)",
		})
	})
}

// TestTargetService_TargetsVersion: the version grows with every change of
// a target, not with a write that changes nothing, and per workspace.
func TestTargetService_TargetsVersion(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a, b := mustWorkspace(t, db, "a"), mustWorkspace(t, db, "b")
		s := sqldb.NewTargetService(db)
		version := func(ctx context.Context) int64 {
			t.Helper()
			v, err := s.TargetsVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if v := version(a); v != 0 {
			t.Errorf("before any target: %d", v)
		}
		set := func(value string) {
			t.Helper()
			if _, err := s.SetTargets(a, []kpi.TargetInput{targetInput(t, "won_value", "unit:sales", "2026-06", value)}, "test"); err != nil {
				t.Fatal(err)
			}
		}
		set("1")
		v1 := version(a)
		set("1") // unchanged
		if v := version(a); v != v1 {
			t.Errorf("an unchanged target moved the version from %d to %d", v1, v)
		}
		set("2")
		if v := version(a); v <= v1 {
			t.Errorf("a changed target left the version at %d (was %d)", v, v1)
		}
		if v := version(b); v != 0 {
			t.Errorf("b's version moved with a's targets: %d", v)
		}
		_, err := s.TargetsVersion(context.Background())
		wantCode(t, err, kpi.EUNAUTHORIZED)
	})
}
