package payroll_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app/payroll"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// countTargets counts the target reads, which every recomputation of a
// locked statement makes.
type countTargets struct {
	kpi.TargetService
	n int
}

func (c *countTargets) FindTargets(ctx context.Context, f kpi.TargetFilter) ([]*kpi.Target, error) {
	c.n++
	return c.TargetService.FindTargets(ctx, f)
}

// keeping is f's service keeping what it may between statements
// (Versions set), reading targets through targets.
func keeping(f *fixture, targets kpi.TargetService) *payroll.Service {
	plain := f.svc
	return &payroll.Service{Workspaces: plain.Workspaces, Org: plain.Org, Definitions: plain.Definitions, Values: plain.Values,
		Targets: targets, Statements: plain.Statements, Records: plain.Records, Review: plain.Review, Now: plain.Now,
		Versions: f.records.Versions}
}

// TestRecheckCache: a service that keeps what locked statements pay
// recomputed (Versions set) drafts the same statements as one that
// recomputes them every time, before and after records and targets change,
// and does keep them while nothing changes.
func TestRecheckCache(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		f.deal("d1", "ann", "Won", "3000", "2026-03-05")
		f.deal("d2", "ann", "Won", "2000", "2026-03-10")
		f.deal("d3", "ann", "Won", "5000", "2026-04-02")
		f.approveLock("ann", "2026-03") // 500 + 500 = 1,000
		f.approveLock("ann", "2026-04")

		plain := f.svc
		targets := &countTargets{TargetService: plain.Targets}
		cached := keeping(f, targets)
		same := func(step string, wantAdjust string) {
			t.Helper()
			for _, emp := range []string{"ann"} {
				want, err := plain.Statement(f.ctx, emp, period(t, "2026-05"))
				if err != nil {
					t.Fatal(err)
				}
				got, err := cached.Statement(f.ctx, emp, period(t, "2026-05"))
				if err != nil {
					t.Fatal(err)
				}
				if !got.Payout.Equal(want.Payout) || len(got.Adjustments) != len(want.Adjustments) || len(got.Notes) != len(want.Notes) {
					t.Fatalf("%s, %s: cached payout %s, adjustments %+v; recomputed payout %s, adjustments %+v", step, emp, got.Payout, got.Adjustments, want.Payout, want.Adjustments)
				}
				for i := range got.Adjustments {
					g, w := got.Adjustments[i], want.Adjustments[i]
					if g.Of != w.Of || !g.Amount.Equal(w.Amount) || g.Reason != w.Reason {
						t.Errorf("%s, %s: cached adjustment %+v, recomputed %+v", step, emp, got.Adjustments[i], want.Adjustments[i])
					}
				}
				for i := range got.Notes {
					if got.Notes[i] != want.Notes[i] {
						t.Errorf("%s, %s: cached note %q, recomputed %q", step, emp, got.Notes[i], want.Notes[i])
					}
				}
				adj := decimal.Zero
				for _, a := range got.Adjustments {
					adj = adj.Add(a.Amount)
				}
				money(t, adj, wantAdjust)
			}
		}
		same("nothing changed", "0")
		before := targets.n
		same("asked again", "0")
		if again := targets.n - before; again >= before {
			t.Errorf("the second draft read targets %d times, the first %d: nothing kept", again, before)
		}

		// A record changes: March now pays 600 + 600 = 1,200.
		f.deal("d1", "ann", "Won", "4000", "2026-03-05")
		same("record changed", "200")
		same("record changed, asked again", "200")

		// A target changes: March's bonus is 1,000 × 6,000 / 12,500 = 480,
		// so March pays 480 + 600 = 1,080.
		v := decimal.RequireFromString("12500")
		if _, err := f.targets.SetTargets(f.ctx, []kpi.TargetInput{{KPI: "won_value", Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "ann"}, Period: period(t, "2026-03"), Value: &v}}, "test"); err != nil {
			t.Fatal(err)
		}
		same("target changed", "80")
		same("target changed, asked again", "80")
	})
}

// TestStatementsOf: the statements of several people at once are each
// one's Statement, and one that cannot be computed fails alone.
func TestStatementsOf(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		f.deal("d1", "ann", "Won", "3000", "2026-03-05")
		f.deal("d3", "ann", "Won", "5000", "2026-04-02")
		f.approveLock("ann", "2026-03")
		f.deal("d1", "ann", "Won", "4000", "2026-03-05")
		p := period(t, "2026-04")
		sts, failed, err := f.svc.StatementsOf(f.ctx, []string{"ann", "bob", "nobody"}, p)
		if err != nil {
			t.Fatal(err)
		}
		want := f.statement("ann", "2026-04")
		if failed[0] != nil || !sts[0].Payout.Equal(want.Payout) || len(sts[0].Adjustments) != 1 {
			t.Fatalf("ann: %v, %+v; want payout %s", failed[0], sts[0], want.Payout)
		}
		money(t, sts[0].Payout, "1200") // 500 + 500 + March: 800 now, 600 locked
		if _, err := f.svc.Statement(f.ctx, "bob", p); err == nil || failed[1] == nil || failed[1].Error() != err.Error() {
			t.Errorf("bob: %v, alone %v", failed[1], err)
		}
		if kpi.ErrorCode(failed[2]) != kpi.ENOTFOUND || sts[2] != nil {
			t.Errorf("nobody: %v", failed[2])
		}
	})
}
