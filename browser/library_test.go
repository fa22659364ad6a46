package browser

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLibraryValueMapping tries the strategy page's library form as the
// admin, in dry runs (the demo is shared): a value the entry does not rely
// on is named at the values field, and what was typed is in the form
// again; a good mapping gives the dry run's changes.
func TestLibraryValueMapping(t *testing.T) {
	ctx := browser(t, "admin")
	open(t, ctx, "/strategy")
	try := func(values string) {
		t.Helper()
		set := fmt.Sprintf(`document.querySelector('#lb-entry').value = "sales-pipeline"; document.querySelector('#lb-map').value = "";
			document.querySelector('#lb-values').value = %q; document.querySelector('#lb-position').value = "browser test"; true`, values)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](set)); err != nil {
			t.Fatal(err)
		}
		submitDryRun(t, ctx)
	}
	typed := "stage:Won=Won\nstage:Wonn=Won"
	try(typed)
	errs := texts(t, ctx, "#lb-values-error li")
	if len(errs) != 1 || !strings.Contains(errs[0], `stage Wonn: entry sales-pipeline relies on the values Won, Lost of stage, not "Wonn"`) {
		t.Errorf("a wrong value: errors at the field %v", errs)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.querySelector('#lb-values').value, document.querySelector('#lb-values').getAttribute('aria-invalid'), document.querySelector('#lb-entry').value, document.querySelector('#lb-position').value]`))
	if err != nil || len(got) != 4 || got[0] != typed || got[1] != "true" || got[2] != "sales-pipeline" || got[3] != "browser test" {
		t.Errorf("the form again: %q %v", got, err)
	}
	screenshot(t, ctx, "strategy-library-values")

	try("stage:Lost=Lost")
	if got := squash(strings.Join(texts(t, ctx, "#library .flash"), " ")); !strings.Contains(got, "Would") || len(texts(t, ctx, "#lb-values-error")) != 0 {
		t.Errorf("a good value mapping: flash %q", got)
	}
}

// submitDryRun presses the library form's dry run and waits for the
// answer to load.
func submitDryRun(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.body.dataset.before = "1"; document.querySelector('#library button[name=dry_run]').click(); true`)); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.body.dataset.before && document.readyState === "complete" && !!document.querySelector("#library")`))
		if err == nil && done {
			return
		}
		if i > 100 {
			t.Fatalf("the library form's answer did not load: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
