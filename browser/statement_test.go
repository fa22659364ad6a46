package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"
)

// apiPost posts body as JSON to the API as the demo's token and decodes
// the answer.
func apiPost(t *testing.T, path string, body, v any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", demo.url+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+demo.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		out, _ := io.ReadAll(res.Body)
		t.Fatalf("POST %s = %d: %s", path, res.StatusCode, out)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestStatement signs in as a sales manager: /statements/me opens their
// statement of this month, whose payout is the API's; a KPI line opens to
// its rule and its records; a what-if changes the payout to what the
// what-if API says; a colleague's statement is refused.
func TestStatement(t *testing.T) {
	ctx := browser(t, "member")
	open(t, ctx, "/statements/me")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	month := thisMonth()
	const me = "anna.berger"
	if want := "/statements/" + me + "/" + month; !strings.HasSuffix(loc, want) {
		t.Fatalf("/statements/me went to %s, want %s", loc, want)
	}
	var st struct {
		Payout   string `json:"payout"`
		Sections []struct {
			Statement struct {
				Lines []struct {
					ID     string `json:"id"`
					Result string `json:"result"`
					KPI    *struct {
						KPI string `json:"kpi"`
					} `json:"kpi"`
				} `json:"lines"`
			} `json:"statement"`
		} `json:"sections"`
	}
	api(t, "/api/v1/statements/"+me+"/"+month, &st)
	if got := attr(t, ctx, "#payout", "data-value"); !decEqual(got, st.Payout) {
		t.Errorf("payout on the page %q, API %q", got, st.Payout)
	}
	// Every line of the API's statement is on the page with its result.
	lines := st.Sections[len(st.Sections)-1].Statement.Lines
	for _, l := range lines {
		if got := attr(t, ctx, fmt.Sprintf(`details.line[data-line=%q] .result`, l.ID), "data-value"); !decEqual(got, l.Result) {
			t.Errorf("line %s: page %q, API %q", l.ID, got, l.Result)
		}
	}

	// A KPI line opens to its rule and to the records behind it.
	var kpiLine, kpiName string
	for _, l := range lines {
		if l.KPI != nil {
			kpiLine, kpiName = l.ID, l.KPI.KPI
			break
		}
	}
	if kpiLine == "" {
		t.Fatal("the statement has no KPI line")
	}
	sel := fmt.Sprintf(`details.line[data-line=%q]`, kpiLine)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel+" summary")), chromedp.WaitVisible(chromedp.CSS(sel+" .rule"))); err != nil {
		t.Fatalf("open the line %s: %v", kpiLine, err)
	}
	if rule := texts(t, ctx, sel+" .rule"); len(rule) != 1 || !strings.Contains(rule[0], "actual") {
		t.Errorf("the rule of %s: %v", kpiLine, rule)
	}
	var explain struct {
		Records []json.RawMessage `json:"records"`
	}
	api(t, "/api/v1/explain?kpi="+kpiName+"&employee="+me+"&period="+month, &explain)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel+" a.explain")), chromedp.WaitVisible(chromedp.CSS("main h2"))); err != nil {
		t.Fatalf("follow the records link: %v", err)
	}
	heads := texts(t, ctx, "main h2")
	if len(heads) == 0 || !strings.Contains(heads[0], kpiName) || !strings.Contains(heads[0], fmt.Sprintf("from %d records", len(explain.Records))) {
		t.Errorf("the records page says %v, want %s from %d records", heads, kpiName, len(explain.Records))
	}

	// The what-if: add 10,000 to the first what-if KPI and wait for the
	// payout the what-if API gives for the same change.
	open(t, ctx, "/statements/"+me+"/"+month)
	kpiOf := attr(t, ctx, "#whatif .field[data-kpi]", "data-kpi")
	actual := attr(t, ctx, "#whatif input[data-actual]", "data-actual")
	set := decimal.RequireFromString(actual).Add(decimal.NewFromInt(10000)).String()
	var wi struct {
		Payout string `json:"payout"`
		Delta  string `json:"delta"`
	}
	apiPost(t, "/api/v1/statements/"+me+"/"+month+"/what-if", map[string]any{"changes": []map[string]string{{"kpi": kpiOf, "set": set}}}, &wi)
	if decEqual(wi.Payout, st.Payout) {
		t.Fatalf("the what-if of %s = %s pays %s, as before: pick a change that moves it", kpiOf, set, wi.Payout)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#whatif input[data-actual]"), set)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#whatif input[data-actual]").dispatchEvent(new Event("input", {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	got := poll(t, ctx, `document.getElementById("whatif-payout").dataset.value`, func(v string) bool { return !decEqual(v, st.Payout) })
	if !decEqual(got, wi.Payout) {
		t.Errorf("what-if payout on the page %s, API %s", got, wi.Payout)
	}
	if d := attr(t, ctx, "#whatif-delta", "data-value"); !decEqual(d, wi.Delta) {
		t.Errorf("what-if delta on the page %s, API %s", d, wi.Delta)
	}
	if rows := texts(t, ctx, "#whatif-lines tr"); len(rows) == 0 {
		t.Error("the what-if shows no changed line")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel+" summary")), chromedp.WaitVisible(chromedp.CSS(sel+" .rule"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "statement")

	// On a phone the page fits the screen's width.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, "/statements/"+me+"/"+month)
	if w := poll(t, ctx, `String(document.documentElement.scrollWidth - document.documentElement.clientWidth)`, func(string) bool { return true }); w != "0" {
		t.Errorf("on a phone the statement is %s px wider than the screen", w)
	}
	shot(t, ctx, "statement-phone")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1360, 900)); err != nil {
		t.Fatal(err)
	}

	// A colleague's statement, by URL: refused.
	open(t, ctx, "/statements/daniel.schulz/"+month)
	if h := texts(t, ctx, "h1"); len(h) != 1 || h[0] != "Not yours to see" {
		t.Errorf("a colleague's statement shows %v", h)
	}
}

// TestTargetsAndApproval signs in as a team lead: a target changed in the
// grid with a reason shows in the history (and in the API's); a direct
// report's statement is approved with the button the policy shows.
func TestTargetsAndApproval(t *testing.T) {
	ctx := browser(t, "lead")
	const unit, who, kpiName = "sales/key-accounts", "sofia.marino", "won_value"
	next := nextMonth()
	// An admin sets next month's company value; then the lead changes it.
	companyValue := `{"targets": [{"kpi": "` + kpiName + `", "subject": {"kind": "employee", "id": "` + who + `"}, "period": "` + next + `", "value": "50000"}], "reason": "browser test: the company value"}`
	req, _ := http.NewRequest("PUT", demo.url+"/api/v1/targets", strings.NewReader(companyValue))
	req.Header.Set("Authorization", "Bearer "+demo.token)
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("the admin sets the company value: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	// Change one person's target with a reason.
	open(t, ctx, "/targets?kpi="+kpiName+"&unit="+unit+"&period="+next)
	// The lead plans their people, never themselves.
	if n := texts(t, ctx, `tr[data-subject="katrin.vogel"]`); len(n) != 0 {
		t.Error("the lead's own target is in the grid")
	}
	if n := texts(t, ctx, `tr[data-subject="`+who+`"]`); len(n) != 1 {
		t.Fatalf("%s is not in the lead's grid", who)
	}
	// A lead is a unit head: inside the guardrail (the demo's 10 % of the
	// company value) the change applies at once, so 5 % more.
	current := attr(t, ctx, `tr[data-subject="`+who+`"] td.current`, "data-value")
	base, err := decimal.NewFromString(current)
	if err != nil || !base.IsPositive() {
		t.Fatalf("%s has no target for %s to change: %q", who, next, current)
	}
	value := base.Mul(decimal.RequireFromString("1.05")).Round(0).String()
	reason := "browser test: a bigger account moved to Sofia " + time.Now().Format("150405")
	cell := `input[name="t.employee.` + who + `"]`
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(cell), value),
		chromedp.SetValue(chromedp.CSS("#reason"), reason),
		chromedp.Submit(chromedp.CSS("#grid")),
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
	); err != nil {
		t.Fatalf("save the grid: %v", err)
	}
	found := false
	for _, row := range texts(t, ctx, "table.history tbody tr") {
		if strings.Contains(row, who) && strings.Contains(row, reason) && strings.Contains(row, fmtThousands(value)) {
			found = true
		}
	}
	if !found {
		t.Errorf("the history does not show the change: %v", texts(t, ctx, "table.history tbody tr"))
	}
	if got := attr(t, ctx, `tr[data-subject="`+who+`"] td.current`, "data-value"); !decEqual(got, value) {
		t.Errorf("the current target of %s after the save: %q, want %s", who, got, value)
	}
	var hist []struct {
		New    string `json:"new"`
		Reason string `json:"reason"`
	}
	api(t, "/api/v1/targets/history?kpi="+kpiName+"&employee="+who+"&period="+next, &hist)
	if len(hist) == 0 || !decEqual(hist[len(hist)-1].New, value) || hist[len(hist)-1].Reason != "level change by the unit head: "+reason {
		t.Errorf("the API's history: %+v", hist)
	}

	// Half as much again: above the guardrail, it waits for the next
	// level up; the grid says so and the target stays.
	big := base.Mul(decimal.RequireFromString("1.5")).Round(0).String()
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(cell), big),
		chromedp.SetValue(chromedp.CSS("#reason"), "browser test: far more"),
		chromedp.Submit(chromedp.CSS("#grid")),
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
	); err != nil {
		t.Fatalf("save above the guardrail: %v", err)
	}
	if f := texts(t, ctx, ".flash.ok"); len(f) != 1 || !strings.Contains(f[0], "1 change above the guardrails waits for approval") {
		t.Errorf("the flash after a change above the guardrail: %v", f)
	}
	if got := attr(t, ctx, `tr[data-subject="`+who+`"] td.current`, "data-value"); !decEqual(got, value) {
		t.Errorf("a waiting change was stored: %q, want %s", got, value)
	}
	var pending []struct {
		New     string              `json:"new"`
		Subject struct{ ID string } `json:"subject"`
	}
	api(t, "/api/v1/levels?status=pending", &pending)
	waits := false
	for _, c := range pending {
		waits = waits || (c.Subject.ID == who && decEqual(c.New, big))
	}
	if !waits {
		t.Errorf("the API's pending level changes lack %s's %s: %+v", who, big, pending)
	}
	shot(t, ctx, "targets-pending")

	// Proposals from history: the method's formula in words, a proposal
	// per person equal to the API's.
	open(t, ctx, "/targets?kpi="+kpiName+"&unit="+unit+"&period="+next+"&method=average")
	if f := texts(t, ctx, "#formula"); len(f) != 1 || !strings.Contains(f[0], "sum of the actuals") {
		t.Errorf("the method's formula: %v", f)
	}
	var props []struct {
		Subject struct{ ID string } `json:"subject"`
		Value   string              `json:"value"`
		Null    bool                `json:"null"`
	}
	apiPost(t, "/api/v1/targets/propose", map[string]any{"kpi": kpiName, "period": next, "method": "average",
		"subjects": []map[string]string{{"kind": "employee", "id": who}}}, &props)
	if len(props) != 1 || props[0].Null {
		t.Fatalf("the API proposes %+v", props)
	}
	if got := attr(t, ctx, `tr[data-subject="`+who+`"] td.proposal`, "data-value"); !decEqual(got, props[0].Value) {
		t.Errorf("the proposal for %s on the page %q, API %q", who, got, props[0].Value)
	}
	shot(t, ctx, "targets")

	// A cell that is not a number: the error at the cell, the input kept.
	open(t, ctx, "/targets?kpi="+kpiName+"&unit="+unit+"&period="+next)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(cell), "lots"), chromedp.SetValue(chromedp.CSS("#reason"), "x"), chromedp.Submit(chromedp.CSS("#grid")), chromedp.WaitVisible(chromedp.CSS("#grid .error"))); err != nil {
		t.Fatalf("save a bad cell: %v", err)
	}
	if got := attr(t, ctx, cell, "value"); got != "lots" {
		t.Errorf("the bad cell holds %q after the error, want what was typed", got)
	}

	// Approve a direct report's statement of this month.
	const report = "tobias.klein"
	month := thisMonth()
	open(t, ctx, "/statements/"+report+"/"+month)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-step="approve"]`)), chromedp.WaitVisible(chromedp.CSS(".flash.ok"))); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if s := texts(t, ctx, "#status"); len(s) != 1 || s[0] != "approved" {
		t.Errorf("status after approving: %v", s)
	}
	var st struct {
		Status     string `json:"status"`
		ApprovedBy string `json:"approved_by"`
	}
	api(t, "/api/v1/statements/"+report+"/"+month, &st)
	if st.Status != "approved" || !strings.Contains(st.ApprovedBy, demo.users["lead"]) {
		t.Errorf("the API's statement: %+v", st)
	}
	// Nobody approves their own: the lead's own statement has no button.
	open(t, ctx, "/statements/katrin.vogel/"+month)
	if b := texts(t, ctx, `button[data-step]`); len(b) != 0 {
		t.Errorf("the lead's own statement offers %v", b)
	}
}

// nextMonth is the month after this one in the demo's zone.
func nextMonth() string {
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Now().In(loc)
	return time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, loc).Format("2006-01")
}

// attr returns an attribute (or, for "value", the property) of the first
// element sel matches.
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	js := fmt.Sprintf(`(function(){var e=document.querySelector(%q); if(!e) return "<none>"; return %s;})()`, sel,
		map[bool]string{true: `e.value`, false: fmt.Sprintf(`e.getAttribute(%q) || ""`, name)}[name == "value"])
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("read %s of %s: %v", name, sel, err)
	}
	if out == "<none>" {
		t.Fatalf("no element %s", sel)
	}
	return out
}

// poll evaluates js until ok accepts its value, for at most 20 seconds.
func poll(t *testing.T, ctx context.Context, js string, ok func(string) bool) string {
	t.Helper()
	var v string
	for range 80 {
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatal(err)
		}
		if v = out; ok(v) {
			return v
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("waited 20 s for %s; it is %q", js, v)
	return v
}

// decEqual compares two decimals as numbers ("405.4" = "405.40").
func decEqual(a, b string) bool {
	x, err1 := decimal.NewFromString(a)
	y, err2 := decimal.NewFromString(b)
	return err1 == nil && err2 == nil && x.Equal(y)
}

// shot scrolls to the top and keeps a screenshot.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0); true`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, name)
}

// fmtThousands writes a whole number as the demo workspace's formatter
// does: 54321 as 54,321.
func fmtThousands(n string) string {
	var b strings.Builder
	for i, r := range n {
		if i > 0 && (len(n)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
