package review_test

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Rescore scores the card again with changed actuals, on the targets the
// card had: dan, hired on 16 June, has won 10 cut to 5.50 (threshold 4.40,
// stretch 6.60) and won no deals (0: score 0). With 6.05 won: 100 + 50 × (6.05 − 5.50) /
// (6.60 − 5.50) = 125.00 (on the full target of 10 it would be below the
// threshold of 8: 0). won_value has no target and days no actual: both left
// out, so the total is won's score, 125.00.
func TestRescore(t *testing.T) {
	f := newFixture(t, "2025-07-10")
	f.target([4]string{"won", "dan", "2025-06", "10"})
	card := f.card("dan", "2025-06")

	got, err := f.svc.Rescore(f.ctx, card, map[string]decimal.Decimal{"won": decimal.RequireFromString("6.05")})
	if err != nil {
		t.Fatal(err)
	}
	it := got.Items[0]
	if s := fmt.Sprintf("%s %s %s %s", it.KPI, it.Actual, it.Target, it.Score); s != "won 6.05 5.5 125" {
		t.Errorf("won item = %s", s)
	}
	if n := it.Notes; len(n) != 1 || n[0] != "what-if: won 0 → 6.05" {
		t.Errorf("won notes = %q", n)
	}
	if got.TotalNull || got.Total.String() != "125" || got.Rule != "(40 × 125.00) / 40 = 125.00" {
		t.Errorf("total = %s (%s)", got.Total, got.Rule)
	}
	if len(got.Prorations) != 1 || got.Prorations[0].KPI != "won" {
		t.Errorf("prorations = %+v", got.Prorations)
	}
	// A KPI the card does not have is an error, not ignored: invalid
	// when the workspace has it, not found when it does not.
	for _, tt := range []struct{ name, code, msg string }{
		{"lost", kpi.EINVALID, "What-if on lost: not on the scorecard rep, which has won, won_value, days."},
		{"wonn", kpi.ENOTFOUND, "What-if on wonn: not on the scorecard rep, which has won, won_value, days."},
	} {
		_, err := f.svc.Rescore(f.ctx, card, map[string]decimal.Decimal{"won": decimal.NewFromInt(1), tt.name: decimal.NewFromInt(7)})
		if kpi.ErrorCode(err) != tt.code || kpi.ErrorMessage(err) != tt.msg {
			t.Errorf("what-if on %s: %v (%s), want %s: %s", tt.name, err, kpi.ErrorCode(err), tt.code, tt.msg)
		}
	}
	// The card itself is as it was.
	if it := card.Items[0]; !it.Actual.IsZero() || !it.Score.IsZero() || len(it.Notes) != 0 || card.Total.String() != "0" {
		t.Errorf("the card changed: %+v", card.Items[0])
	}
}
