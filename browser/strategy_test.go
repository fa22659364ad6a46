package browser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"
)

// TestStrategy opens the strategy page as the head of sales: each
// objective whose numbers they may see shows the API's progress; a level
// inside the guardrail is applied, one below the floor is refused, with
// the value typed kept in the form.
func TestStrategy(t *testing.T) {
	ctx := browser(t, "head")
	open(t, ctx, "/strategy")
	var view struct {
		Objectives []struct {
			Objective struct{ ID string }
			UnitID    string `json:"unit_id"`
			Progress  *struct {
				Progress     string
				ProgressNull bool `json:"progress_null"`
			}
		}
	}
	api(t, "/api/v1/strategy", &view)
	shown := 0
	for _, o := range view.Objectives {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(
			`Array.from(document.querySelectorAll('li[data-objective=%q] [data-progress]')).map(e => e.dataset.progress)`, o.Objective.ID)))
		if err != nil {
			t.Fatal(err)
		}
		if o.UnitID != "sales" { // the head of sales sees the numbers of sales only
			if len(got) != 0 {
				t.Errorf("%s (%s): the head of sales sees its progress %v", o.Objective.ID, o.UnitID, got)
			}
			continue
		}
		if o.Progress == nil || o.Progress.ProgressNull {
			t.Fatalf("%s: the API has no progress", o.Objective.ID)
		}
		shown++
		if len(got) != 1 || got[0] != o.Progress.Progress {
			t.Errorf("%s: page %v, API %s", o.Objective.ID, got, o.Progress.Progress)
		}
	}
	if shown < 2 {
		t.Errorf("%d sales objectives with numbers, want 2", shown)
	}
	screenshot(t, ctx, "strategy")

	// A team of sales other than the one the demo changed: its deals won
	// target of this month.
	var units []struct {
		ID       string `json:"id"`
		ParentID string `json:"parent_id"`
	}
	api(t, "/api/v1/units", &units)
	var teams []string
	for _, u := range units {
		if u.ParentID == "sales" {
			teams = append(teams, u.ID)
		}
	}
	if len(teams) < 2 {
		t.Fatalf("sales teams %v", teams)
	}
	team := teams[1]
	target := func() decimal.Decimal {
		var ts []struct{ Value decimal.Decimal }
		api(t, "/api/v1/targets?kpi=deals_won&unit="+team+"&period="+thisMonth(), &ts)
		if len(ts) != 1 {
			t.Fatalf("targets of %s: %v", team, ts)
		}
		return ts[0].Value
	}
	before := target()
	set := func(v decimal.Decimal) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`#lv-subject`), "unit:"+team),
			chromedp.SetValue(chromedp.CSS(`#lv-kpi`), "deals_won"),
			chromedp.SetValue(chromedp.CSS(`#lv-period`), thisMonth()),
			chromedp.SetValue(chromedp.CSS(`#lv-value`), v.String()),
			chromedp.SetValue(chromedp.CSS(`#lv-reason`), "browser test"))
		if err != nil {
			t.Fatal(err)
		}
		submitAndWait(t, ctx, `document.querySelector('form.level-form').requestSubmit()`)
	}
	inside := before.Mul(decimal.RequireFromString("1.05")).Round(2)
	set(inside)
	if got := squash(strings.Join(texts(t, ctx, ".flash"), " ")); !strings.Contains(got, "The level is set") {
		t.Errorf("inside the guardrail: flash %q", got)
	}
	if got := target(); !got.Equal(inside) {
		t.Errorf("target after a change inside the guardrail: %s, want %s", got, inside)
	}
	below := before.Mul(decimal.RequireFromString("0.5")).Round(2)
	set(below)
	errs := texts(t, ctx, "#lv-error")
	if len(errs) != 1 || !strings.Contains(errs[0], "is below") {
		t.Errorf("below the floor: error %v", errs)
	}
	typed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#lv-value').value`))
	if err != nil || typed != below.String() {
		t.Errorf("the value typed is %q in the form again, want %q (%v)", typed, below, err)
	}
	if got := target(); !got.Equal(inside) {
		t.Errorf("target after a refused change: %s, want %s", got, inside)
	}
	screenshot(t, ctx, "strategy-levels")

	// The tasks of the head's people: the demo's, all in sales.
	var tasks []struct{ ID int64 }
	api(t, "/api/v1/tasks", &tasks)
	open(t, ctx, "/tasks")
	if rows := texts(t, ctx, "tr[data-task]"); len(tasks) == 0 || len(rows) != len(tasks) {
		t.Errorf("the head of sales sees %d tasks, the API has %d", len(rows), len(tasks))
	}
	screenshot(t, ctx, "tasks")
}
