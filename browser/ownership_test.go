package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUnitScorecard: the head of sales switches on the optional KPI
// distinct accounts won for the mid-market team and shifts weight to it:
// the preview says it would apply and what it does to the scores, saving
// applies it (the API says so); a mandatory KPI weighted below its minimum
// is refused at its field, and a weight that is not a number too, with
// everything typed kept.
func TestUnitScorecard(t *testing.T) {
	ctx := browser(t, "head")
	const team = "sales/mid-market"
	open(t, ctx, "/strategy?sc_subject=unit:"+team+"&sc_from="+thisMonth()+"#scorecard")
	if rows := texts(t, ctx, "#sc-form tr[data-kpi]"); len(rows) != 5 {
		t.Fatalf("scorecard rows %q, want the 5 items of sales-manager", rows)
	}
	fill := func(kv map[string]string, on bool) {
		t.Helper()
		for id, v := range kv {
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#"+id), v)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('#sc-on-distinct_accounts_won').checked = %v; true`, on))); err != nil {
			t.Fatal(err)
		}
	}
	submit := func(button string) {
		t.Helper()
		submitAndWait(t, ctx, fmt.Sprintf(`document.querySelector('#sc-form button%s').click()`, button))
	}
	value := func(id string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector('#%s').value`, id)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	inside := map[string]string{"sc-weight-distinct_accounts_won": "10", "sc-weight-won_value": "20", "sc-reason": "browser test"}
	fill(inside, true)
	submit(`[name=dry_run]`)
	if got := squash(strings.Join(texts(t, ctx, "#sc-preview"), " ")); !strings.Contains(got, "Would be applied") || !strings.Contains(got, "score") {
		t.Errorf("preview: %q", got)
	}
	if value("sc-weight-won_value") != "20" {
		t.Errorf("after the preview the form has won value at %q, want 20 as typed", value("sc-weight-won_value"))
	}
	submit(`[type=submit]:not([name])`)
	if got := squash(strings.Join(texts(t, ctx, ".flash"), " ")); !strings.Contains(got, "applies at once") {
		t.Errorf("saved: flash %q", got)
	}
	var levels struct {
		Change *struct{ ID int64 }
		Items  []struct {
			KPI    string `json:"kpi"`
			Off    bool   `json:"off"`
			Weight string `json:"weight"`
		}
	}
	api(t, "/api/v1/levels/scorecard?unit="+team+"&period="+thisMonth(), &levels)
	got := map[string]string{}
	for _, it := range levels.Items {
		got[it.KPI] = fmt.Sprintf("%v %s", !it.Off, it.Weight)
	}
	if levels.Change == nil || got["distinct_accounts_won"] != "true 10" || got["won_value"] != "true 20" {
		t.Errorf("in effect after saving: change %v, items %v", levels.Change, got)
	}

	// The team's page says its scorecard is the head's.
	open(t, ctx, "/team?unit="+team+"&period="+thisMonth())
	if got := texts(t, ctx, "[data-set-by]"); len(got) != 1 {
		t.Errorf("the team page does not say the scorecard is set by the head: %q", got)
	}
	open(t, ctx, "/strategy?sc_subject=unit:"+team+"&sc_from="+thisMonth()+"#scorecard")

	// Won value is mandatory, at least 20 %: refused at its field; a
	// weight that is no number, at its own.
	fill(map[string]string{"sc-weight-won_value": "10", "sc-weight-deals_won": "40"}, true)
	submit(`[type=submit]:not([name])`)
	if errs := texts(t, ctx, `tr[data-kpi=won_value] .error`); len(errs) != 1 || !strings.Contains(errs[0], "mandatory") {
		t.Errorf("mandatory below its minimum: errors at won value %q", errs)
	}
	if value("sc-weight-won_value") != "10" || value("sc-weight-deals_won") != "40" {
		t.Errorf("typed values lost: won value %q, deals won %q", value("sc-weight-won_value"), value("sc-weight-deals_won"))
	}
	elementShot(t, ctx, "strategy-scorecard", "#levels")
	fill(map[string]string{"sc-weight-won_value": "2O"}, true)
	submit(`[type=submit]:not([name])`)
	if errs := texts(t, ctx, `tr[data-kpi=won_value] .error`); len(errs) != 1 || !strings.Contains(errs[0], "not a number") {
		t.Errorf("not a number: errors at won value %q", errs)
	}
}

// elementShot keeps a PNG of the element sel as NAME.png in
// $ATTAIN_SCREENSHOTS, if set.
func elementShot(t *testing.T, ctx context.Context, name, sel string) {
	t.Helper()
	dir := os.Getenv("ATTAIN_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(sel))); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// submitAndWait marks the page, runs js (which submits a form) and waits
// for the next page to load.
func submitAndWait(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.body.dataset.before = "1"; `+js+`; true`)); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.body.dataset.before && document.readyState === "complete" && !!document.querySelector("main")`))
		if err == nil && done {
			return
		}
		if i > 100 {
			t.Fatalf("the form's answer did not load: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
