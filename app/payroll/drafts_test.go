package payroll_test

import (
	"testing"

	"attain/kpitest"
	"attain/sqldb"
)

// TestDraftCache: a service that keeps drafts (Versions set) gives the
// statement one that computes every draft gives, keeps it while nothing
// changes, and computes it again after a record changes and after a
// statement is locked; what a caller does to the statement it got does
// not reach the kept one.
func TestDraftCache(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		f.deal("d1", "ann", "Won", "3000", "2026-03-05")
		f.deal("d2", "ann", "Won", "2000", "2026-03-10")
		f.deal("d3", "ann", "Won", "5000", "2026-04-02")

		plain := f.svc
		targets := &countTargets{TargetService: plain.Targets}
		cached := keeping(f, targets)
		p := period(t, "2026-04")
		// same checks the cached statement against the computed one and
		// returns how many target reads it took.
		same := func(step string) int {
			t.Helper()
			want, err := plain.Statement(f.ctx, "ann", p)
			if err != nil {
				t.Fatal(err)
			}
			before := targets.n
			got, err := cached.Statement(f.ctx, "ann", p)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Payout.Equal(want.Payout) || got.Status != want.Status || len(got.Adjustments) != len(want.Adjustments) || len(got.Notes) != len(want.Notes) {
				t.Fatalf("%s: kept payout %s (%s), adjustments %+v, notes %q; computed %s (%s), %+v, %q", step,
					got.Payout, got.Status, got.Adjustments, got.Notes, want.Payout, want.Status, want.Adjustments, want.Notes)
			}
			if g, w := got.Sections[0].Inputs.YTDPaid, want.Sections[0].Inputs.YTDPaid; !g.Equal(w) {
				t.Fatalf("%s: kept year-to-date %s, computed %s", step, g, w)
			}
			got.Notes = append(got.Notes, "a caller's note")
			got.Status = "changed by a caller"
			return targets.n - before
		}
		if n := same("first"); n == 0 {
			t.Fatal("the first draft read no targets")
		}
		if n := same("asked again"); n != 0 {
			t.Errorf("the second draft read targets %d times: not kept", n)
		}
		f.deal("d3", "ann", "Won", "6000", "2026-04-02")
		if n := same("record changed"); n == 0 {
			t.Error("after a record changed the draft was not computed again")
		}
		same("record changed, asked again")
		// Locking March changes nothing but the statements: April's
		// year-to-date is March's payout now.
		f.approveLock("ann", "2026-03")
		if n := same("March locked"); n == 0 {
			t.Error("after March was locked April's draft was not computed again")
		}
		money(t, f.statement("ann", "2026-04").Sections[0].Inputs.YTDPaid, "1000")
		f.deal("d1", "ann", "Won", "4000", "2026-03-05") // April corrects March
		same("March locked, then changed")
		if n := same("March locked, asked again"); n != 0 {
			t.Errorf("asked again after the lock, the draft read targets %d times: not kept", n)
		}
		f.approveLock("ann", "2026-04")
		if n := same("April locked"); n != 0 {
			t.Errorf("a locked statement is read as stored, yet targets were read %d times", n)
		}
	})
}
