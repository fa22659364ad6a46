package payroll_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app/payroll"
	"attain/calc/bonus"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// scoreYAML pays reps a 1,000 bonus × the scorecard's score / 100 and 10 %
// commission on won value. The rep scorecard weights won deals 70 (plan
// based: threshold 80 %, stretch 120 % of the target) and the median
// processing days 30 (fixed, lower is better: threshold 6, target 4,
// stretch 2). Won value is not on the scorecard.
const scoreYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Open, Won, Lost]}
      - {name: amount, type: money, non_negative: true}
      - {name: closed_on, type: date}
      - {name: days, type: decimal, scale: 1}
kpis:
  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: won_value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
  - {name: processing_days, unit: duration, time_unit: days, direction: lower, dataset: deals, aggregation: median, expr: days, filter: 'stage == "Won"'}
  - {name: lost, unit: count, direction: lower, dataset: deals, aggregation: count, filter: 'stage == "Lost"'}
scorecards:
  - name: rep
    position: rep
    items:
      - {kpi: won, weight: 70, basis: plan, threshold: 80, stretch: 120}
      - {kpi: processing_days, weight: 30, basis: fixed, threshold: 6, target: 4, stretch: 2}
bonus_plans:
  - name: reps
    plan:
      components:
        - id: bonus
          kind: bonus
          target: 1000
          coefficient: {of: score, scale: [{from: 0, coefficient: 0, slope: 1}]}
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
    assign:
      - {position: rep}
`

// newScoreFixture is ann in March 2026 with a target of 5 won deals and
// five won deals: 10,000 in all, processed in 3, 5, 5, 6 and 8 days.
//
// Her scorecard: won 5 of 5 scores 100; a median of 5 days scores
// 50 + 50 × (5 − 6) / (4 − 6) = 75; the score is (70 × 100 + 30 × 75) /
// 100 = 92.50. Her statement: bonus 1,000 × 0.925 = 925.00, commission
// 10 % × 10,000 = 1,000.00, payout 1,925.00.
func newScoreFixture(t *testing.T, db *sqldb.DB) *fixture {
	t.Helper()
	f := newFixtureYAML(t, db, scoreYAML)
	five := decimal.NewFromInt(5)
	if _, err := f.targets.SetTargets(f.ctx, []kpi.TargetInput{{KPI: "won", Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "ann"}, Period: period(t, "2026-03"), Value: &five}}, "test"); err != nil {
		t.Fatal(err)
	}
	var recs []kpi.Record
	for i, d := range []struct{ amount, days string }{{"1000", "3"}, {"1000", "5"}, {"2000", "5"}, {"2000", "6"}, {"4000", "8"}} {
		key := "d" + string(rune('1'+i))
		day, err := kpi.ParseDate("2026-03-1" + string(rune('0'+i)))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, kpi.Record{Key: key, Owner: "ann", Values: []kpi.Value{{S: key}, {S: "ann"}, {S: "Won"},
			{N: decimal.RequireFromString(d.amount).Shift(2).IntPart()}, {N: int64(day)}, {N: decimal.RequireFromString(d.days).Shift(1).IntPart()}}})
	}
	if _, err := f.records.UpsertRecords(f.ctx, "deals", recs); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) whatIf(emp, p string, changes ...bonus.Change) *payroll.WhatIf {
	f.t.Helper()
	w, err := f.svc.WhatIf(f.ctx, emp, period(f.t, p), changes)
	if err != nil {
		f.t.Fatalf("what-if %s %s: %v", emp, p, err)
	}
	return w
}

func dec(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

// whatIfLine is the result of a line of the changed section.
func whatIfLine(tb testing.TB, w *payroll.WhatIf, id string) decimal.Decimal {
	tb.Helper()
	l := w.WhatIf.Line(id)
	if l == nil {
		tb.Fatalf("what-if statement has no line %s", id)
	}
	return l.Result
}

func hasNote(notes []string, prefix string) bool {
	return slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, prefix) })
}

// A what-if on a KPI of the scorecard rescores the card and pays the bonus
// on the new score; one on a KPI off the card leaves the score; the stored
// statement is untouched.
func TestWhatIfRescoresScorecard(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		f := newScoreFixture(t, db)
		st := f.statement("ann", "2026-03")
		money(t, lineResult(t, st, "score"), "92.5")
		money(t, lineResult(t, st, "bonus.amount"), "925")
		money(t, lineResult(t, st, "commission.amount"), "1000")
		money(t, st.Payout, "1925")

		f.approveLock("ann", "2026-03")
		before, err := f.svc.Statements.FindStatement(f.ctx, "ann", period(t, "2026-03"))
		if err != nil {
			t.Fatal(err)
		}

		t.Run("LowerIsBetter", func(t *testing.T) {
			// 2 days is the stretch: 150; (70 × 100 + 30 × 150) / 100 =
			// 115.00; bonus 1,150.00, commission 1,000.00.
			w := f.whatIf("ann", "2026-03", bonus.SetActual("processing_days", decimal.NewFromInt(2)))
			if w.Score == nil || !w.Score.Rescored {
				t.Fatalf("score: %+v", w.Score)
			}
			money(t, w.Score.Was, "92.5")
			money(t, w.Score.Score, "115")
			money(t, whatIfLine(t, w, "score"), "115")
			money(t, whatIfLine(t, w, "bonus.amount"), "1150")
			money(t, whatIfLine(t, w, "commission.amount"), "1000")
			money(t, w.Payout, "2150")
			money(t, w.Delta, "225")
			if got := w.WhatIf.Line("score").Rule; got != "scorecard rep rescored with the what-if actuals: (70 × 100.00 + 30 × 150.00) / 100 = 115.00" {
				t.Errorf("score rule: %s", got)
			}
			if !hasNote(w.WhatIf.Notes, "what-if: processing_days 5 → 2") || !hasNote(w.WhatIf.Notes, "what-if: score 92.5") {
				t.Errorf("notes: %q", w.WhatIf.Notes)
			}
			it := w.Score.Scorecard.Items[1]
			if it.KPI != "processing_days" || !it.Score.Equal(decimal.NewFromInt(150)) || !hasNote(it.Notes, "what-if: processing_days 5 → 2") {
				t.Errorf("rescored item: %+v", it)
			}
			// The draft it started from is as it was.
			money(t, w.Statement.Payout, "1925")
			money(t, *w.Statement.Sections[0].Inputs.Score, "92.5")
			if w.Statement.Sections[0].Inputs.KPI("processing_days") != nil {
				t.Error("the draft's inputs gained processing_days")
			}
		})

		t.Run("MoreDeals", func(t *testing.T) {
			// 8 won of 5 is past the stretch (6): 150; (70 × 150 + 30 × 75)
			// / 100 = 127.50; bonus 1,275.00, commission 10 % × 20,000 =
			// 2,000.00.
			w := f.whatIf("ann", "2026-03", bonus.AddRecords("won", 3, "won_value", decimal.NewFromInt(10000))...)
			if w.Score == nil || !w.Score.Rescored {
				t.Fatalf("score: %+v", w.Score)
			}
			money(t, w.Score.Score, "127.5")
			money(t, whatIfLine(t, w, "bonus.amount"), "1275")
			money(t, whatIfLine(t, w, "commission.amount"), "2000")
			money(t, w.Payout, "3275")
			money(t, w.Delta, "1350")
			if !hasNote(w.Score.Scorecard.Items[0].Notes, "what-if: won 5 → 8") {
				t.Errorf("won notes: %q", w.Score.Scorecard.Items[0].Notes)
			}
		})

		t.Run("OffScorecard", func(t *testing.T) {
			// Won value is not on the card: score 92.50, bonus 925.00;
			// commission 2,000.00.
			w := f.whatIf("ann", "2026-03", bonus.Change{KPI: "won_value", Add: dec("10000")})
			if w.Score == nil || w.Score.Rescored {
				t.Fatalf("score: %+v", w.Score)
			}
			money(t, w.Score.Score, "92.5")
			money(t, whatIfLine(t, w, "score"), "92.5")
			money(t, whatIfLine(t, w, "bonus.amount"), "925")
			money(t, whatIfLine(t, w, "commission.amount"), "2000")
			money(t, w.Payout, "2925")
			money(t, w.Delta, "1000")
			if got := w.WhatIf.Line("score").Rule; got != "from the scorecard rep, unchanged: none of the changed KPIs is on it" {
				t.Errorf("score rule: %s", got)
			}
		})

		// A what-if on a KPI the workspace lacks, or that nothing reads, is
		// an error, not a change that changes nothing.
		t.Run("ErrUnknownKPI", func(t *testing.T) {
			_, err := f.svc.WhatIf(f.ctx, "ann", period(t, "2026-03"), []bonus.Change{{KPI: "wonn", Add: dec("1")}})
			if kpi.ErrorCode(err) != kpi.ENOTFOUND || kpi.ErrorMessage(err) != `What-if on wonn: the workspace has no KPI "wonn".` {
				t.Errorf("unknown KPI: %v", err)
			}
			_, err = f.svc.WhatIf(f.ctx, "ann", period(t, "2026-03"), []bonus.Change{{KPI: "lost", Add: dec("1")}})
			if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(kpi.ErrorMessage(err), "What-if on lost changes nothing") {
				t.Errorf("a KPI nothing reads: %v", err)
			}
		})

		t.Run("ErrInvalidChange", func(t *testing.T) {
			_, err := f.svc.WhatIf(f.ctx, "ann", period(t, "2026-03"), []bonus.Change{{KPI: "won"}})
			if kpi.ErrorCode(err) != kpi.EINVALID {
				t.Errorf("a change without add or set: %v", err)
			}
		})

		after, err := f.svc.Statements.FindStatement(f.ctx, "ann", period(t, "2026-03"))
		if err != nil {
			t.Fatal(err)
		}
		if after.Status != kpi.StatusLocked || !after.Payout.Equal(before.Payout) || !sameJSON(t, after, before) {
			t.Errorf("the locked statement changed: %s %s", after.Status, after.Payout)
		}
		st = f.statement("ann", "2026-03")
		money(t, st.Payout, "1925")
		money(t, lineResult(t, st, "score"), "92.5")
	})
}

// sameJSON reports whether a and b encode to the same JSON.
func sameJSON(tb testing.TB, a, b any) bool {
	tb.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		tb.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Equal(ja, jb)
}
