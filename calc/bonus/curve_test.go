package bonus

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestPayoutCurve evaluates a scale (nothing below 80 %, 0.5 to 1 from 80
// to 100 %, an accelerator of 1.5 above, at most 2) and a two-component
// plan weighted by its targets, by hand.
func TestPayoutCurve(t *testing.T) {
	d := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	p := func(s string) *decimal.Decimal { v := d(s); return &v }
	scale := &Coefficient{Scale: []ScaleRow{
		{From: p("80"), To: p("100"), Coefficient: d("0.5"), ToCoefficient: p("1")},
		{From: p("100"), Coefficient: d("1"), Slope: p("1.5")},
	}, Max: p("2")}
	plan := &Plan{Components: []*Component{{ID: "bonus", Kind: KindBonus, SalaryPercent: p("10"), Coefficient: scale},
		{ID: "c", Kind: KindCommission, KPI: "won", Rate: p("2")}}}
	at := []decimal.Decimal{d("0"), d("79.99"), d("80"), d("90"), d("100"), d("120"), d("200")}
	pts, ok := PayoutCurve(plan, at)
	if !ok {
		t.Fatal("a plan with a bonus component has no curve")
	}
	for i, want := range []string{"0", "0", "50", "75", "100", "130", "200"} {
		if got := pts[i].Payout.String(); got != want {
			t.Errorf("at %s %%: %s %%, want %s %%", at[i], got, want)
		}
	}
	// Two bonus components: 300 on the scale, 100 always paid (no
	// coefficient): at 90 %, (300 × 0.75 + 100 × 1) / 400 = 81.25 %.
	two := &Plan{Components: []*Component{{ID: "a", Kind: KindBonus, Target: p("300"), Coefficient: scale}, {ID: "b", Kind: KindBonus, Target: p("100")}}}
	pts, _ = PayoutCurve(two, []decimal.Decimal{d("90")})
	if got := pts[0].Payout.String(); got != "81.25" {
		t.Errorf("two components at 90 %%: %s %%, want 81.25 %%", got)
	}
	if _, ok := PayoutCurve(&Plan{Components: []*Component{{ID: "c", Kind: KindCommission, KPI: "won", Rate: p("2")}}}, at); ok {
		t.Error("a commission-only plan has a payout curve")
	}
}
