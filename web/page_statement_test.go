package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/calc/bonus"
	"attain/kpi"
)

// statementServer serves Small with the matrix's plan (reps earn 10 % of
// their won value) and returns a request helper for each person's token.
func statementServer(t *testing.T) (*app.App, kpi.Actor, func(who, method, path string, form url.Values) (int, string, string)) {
	t.Helper()
	a, root := apptest.Small(t)
	if _, err := a.Apply(context.Background(), root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + matrixPlan)}); err != nil {
		t.Fatal(err)
	}
	tokens := apptest.People(t, a, root)
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return a, root, func(who, method, path string, form url.Values) (int, string, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, srv.URL+path, body)
		req.Header.Set("Authorization", "Bearer "+tokens[who])
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Location"), string(b)
	}
}

// TestStatementPage checks the statement page's numbers, what each person
// is offered, and the what-if form: its result is the use case's, a bad
// value is refused at its field and kept.
func TestStatementPage(t *testing.T) {
	a, root, do := statementServer(t)
	ref := app.StatementRef{Employee: "bob", Period: "2025-06"}
	st, err := a.Statement(context.Background(), root, ref)
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := do("bob", "GET", "/statements/bob/2025-06", nil)
	if status != 200 {
		t.Fatalf("bob's statement: %d %s", status, body)
	}
	for _, want := range []string{`id="payout" data-value="` + st.Payout.String() + `"`, "€30.00", `data-line="commission.amount"`,
		"The records behind it", `action="/statements/bob/2025-06/inquiries"`, `name="kpi.won_value" value="300"`} {
		if !strings.Contains(body, want) {
			t.Errorf("bob's statement lacks %q", want)
		}
	}
	if strings.Contains(body, `data-step="approve"`) {
		t.Error("bob is offered to approve his own statement")
	}
	// His manager may approve and answer, not ask; an admin may approve.
	_, _, body = do("ann", "GET", "/statements/bob/2025-06", nil)
	if !strings.Contains(body, `data-step="approve"`) || strings.Contains(body, `action="/statements/bob/2025-06/inquiries"`) {
		t.Error("ann: want the approve button and no inquiry form")
	}
	// /statements/me goes to this month's statement.
	if status, loc, _ := do("bob", "GET", "/statements/me", nil); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/statements/bob/") {
		t.Errorf("/statements/me: %d to %q", status, loc)
	}
	// A colleague's: refused.
	if status, _, _ := do("cy", "GET", "/statements/bob/2025-06", nil); status != http.StatusForbidden {
		t.Errorf("cy opens bob's statement: %d", status)
	}

	// The what-if form: the payout is the use case's.
	status, _, body = do("bob", "POST", "/statements/bob/2025-06/what-if", url.Values{"kpi.won_value": {"500"}})
	if status != 200 {
		t.Fatalf("what-if: %d %s", status, body)
	}
	set := decimal.NewFromInt(500)
	wi, err := a.WhatIf(context.Background(), root, ref, []bonus.Change{{KPI: "won_value", Set: &set}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `id="whatif-payout" data-value="` + wi.Payout.String() + `"`; !strings.Contains(body, want) || wi.Payout.String() != "50" {
		t.Errorf("what-if form: want %s (50)", want)
	}
	if !strings.Contains(body, `name="kpi.won_value" value="500"`) {
		t.Error("the what-if form lost the value typed")
	}
	status, _, body = do("bob", "POST", "/statements/bob/2025-06/what-if", url.Values{"kpi.won_value": {"lots"}})
	if status != 200 || !strings.Contains(body, "“lots” is not a number") || !strings.Contains(body, `value="lots"`) {
		t.Errorf("a bad what-if value: %d, want the error at the field and the value kept", status)
	}

	// An empty inquiry: the error at the line's form.
	status, _, body = do("bob", "POST", "/statements/bob/2025-06/inquiries", url.Values{"line": {"commission.amount"}, "text": {" "}})
	if status != http.StatusBadRequest || !strings.Contains(body, "Write your question.") {
		t.Errorf("an empty inquiry: %d", status)
	}
	// A question, then its answer, shown on the page.
	if status, loc, _ := do("bob", "POST", "/statements/bob/2025-06/inquiries", url.Values{"line": {"commission.amount"}, "text": {"Is the rate 10 %?"}}); status != http.StatusSeeOther || !strings.Contains(loc, "done=inquiry") {
		t.Fatalf("inquiry: %d %s", status, loc)
	}
	st, _ = a.Statement(context.Background(), root, ref)
	id := st.Inquiries[len(st.Inquiries)-1].ID
	if status, _, _ := do("ann", "POST", "/statements/bob/2025-06/inquiries/"+itoa(id)+"/answer", url.Values{"text": {"Yes, 10 % of won value."}}); status != http.StatusSeeOther {
		t.Fatalf("answer: %d", status)
	}
	_, _, body = do("bob", "GET", "/statements/bob/2025-06", nil)
	if !strings.Contains(body, "Is the rate 10 %?") || !strings.Contains(body, "Yes, 10 % of won value.") {
		t.Error("the inquiry and its answer are not on the statement")
	}

	// Approve, then the admin locks and pays: each button as its step allows.
	if status, loc, _ := do("ann", "POST", "/statements/bob/2025-06/step", url.Values{"step": {"approve"}}); status != http.StatusSeeOther || !strings.Contains(loc, "done=approve") {
		t.Fatalf("approve: %d %s", status, loc)
	}
	_, _, body = do("admin", "GET", "/statements/bob/2025-06", nil)
	if !strings.Contains(body, `data-step="lock"`) || strings.Contains(body, `data-step="pay"`) {
		t.Error("an approved statement: want lock, not pay")
	}
	if status, _, _ := do("admin", "POST", "/statements/bob/2025-06/step", url.Values{"step": {"pay"}}); status != http.StatusConflict {
		t.Errorf("paying an approved statement: %d, want 409", status)
	}
}

// TestTargetsPage checks the targets grid: a manager's people without the
// manager, a save with its reason in the history, and errors at the cell
// and the reason with what was typed kept.
func TestTargetsPage(t *testing.T) {
	a, root, do := statementServer(t)
	status, _, body := do("ann", "GET", "/targets?unit=t1&kpi=won&period=2025-07&method=average", nil)
	if status != 200 {
		t.Fatalf("ann's grid: %d %s", status, body)
	}
	if !strings.Contains(body, `name="t.employee.bob"`) || strings.Contains(body, `name="t.employee.ann"`) {
		t.Error("ann's grid: want bob, never ann herself")
	}
	if status, _, _ := do("bob", "GET", "/targets", nil); status != http.StatusForbidden {
		t.Errorf("bob, who manages nobody, opens the grid: %d", status)
	}
	// Errors: a cell that is not a number, no reason.
	status, _, body = do("ann", "POST", "/targets", url.Values{"kpi": {"won"}, "unit": {"t1"}, "period": {"2025-07"}, "t.employee.bob": {"five"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "“five” is not a number") || !strings.Contains(body, `value="five"`) || !strings.Contains(body, "Say why") {
		t.Errorf("a bad save: %d, want the errors at the cell and the reason", status)
	}
	// A good one, inside the guardrail (an admin set 5.5; 6 is +9.09 %,
	// the default allows 10 %): stored, and in the history with its reason.
	five5 := decimal.RequireFromString("5.5")
	july := kpi.PeriodOf(kpi.Month, kpi.NewDate(2025, 7, 1))
	if _, err := a.SetTargets(context.Background(), root, []kpi.TargetInput{{KPI: "won", Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: "bob"}, Period: july, Value: &five5}}, "company value"); err != nil {
		t.Fatal(err)
	}
	status, loc, _ := do("ann", "POST", "/targets", url.Values{"kpi": {"won"}, "unit": {"t1"}, "period": {"2025-07"}, "t.employee.bob": {"6"}, "reason": {"new key account"}})
	if status != http.StatusSeeOther || !strings.Contains(loc, "saved=1") || strings.Contains(loc, "pending") {
		t.Fatalf("save: %d %s", status, loc)
	}
	bobJuly := func() *kpi.Target {
		ts, err := a.Targets(context.Background(), root, app.TargetQuery{KPIs: []string{"won"}, Employees: []string{"bob"}, Period: "2025-07"})
		if err != nil || len(ts) != 1 {
			t.Fatalf("bob's July target: %+v, %v", ts, err)
		}
		return ts[0]
	}
	if tg := bobJuly(); tg.Value.String() != "6" || tg.Reason != "level change by the unit head: new key account" {
		t.Fatalf("bob's target after the save: %+v", tg)
	}
	// Above the guardrail (8 is +45 % of the company value 5.5): it waits
	// for the next level up, the grid says so, the target stays 6.
	status, loc, _ = do("ann", "POST", "/targets", url.Values{"kpi": {"won"}, "unit": {"t1"}, "period": {"2025-07"}, "t.employee.bob": {"8"}, "reason": {"big deal"}})
	if status != http.StatusSeeOther || !strings.Contains(loc, "saved=0") || !strings.Contains(loc, "pending=1") {
		t.Fatalf("save above the guardrail: %d %s", status, loc)
	}
	if tg := bobJuly(); tg.Value.String() != "6" {
		t.Errorf("a change waiting for approval was stored: %s", tg.Value)
	}
	if _, _, body := do("ann", "GET", loc, nil); !strings.Contains(body, "1 change above the guardrails waits for approval") {
		t.Error("the grid does not say a change waits for approval")
	}
	// Below the floor (4 is under 80 % of 5.5 = 4.4): refused at the grid.
	status, _, body = do("ann", "POST", "/targets", url.Values{"kpi": {"won"}, "unit": {"t1"}, "period": {"2025-07"}, "t.employee.bob": {"4"}, "reason": {"bad month"}})
	if status != http.StatusBadRequest || !strings.Contains(body, "4.4") || !strings.Contains(body, `value="4"`) {
		t.Errorf("save below the floor: %d, want 400 naming 4.4 with the 4 kept", status)
	}
	_, _, body = do("ann", "GET", "/targets?unit=t1&kpi=won&period=2025-07", nil)
	if !strings.Contains(body, "new key account") || !strings.Contains(body, `class="num current" data-value="6"`) {
		t.Error("the grid does not show the saved target and its history")
	}
	// A locked period: a read-only grid, and a save refused at the grid.
	if _, err := a.LockPeriod(context.Background(), root, "2025-07", "closed", true); err != nil {
		t.Fatal(err)
	}
	_, _, body = do("ann", "GET", "/targets?unit=t1&kpi=won&period=2025-07", nil)
	if !strings.Contains(body, `id="locked"`) || !strings.Contains(body, "disabled") {
		t.Error("a locked period's grid is not read-only")
	}
	status, _, body = do("ann", "POST", "/targets", url.Values{"kpi": {"won"}, "unit": {"t1"}, "period": {"2025-07"}, "t.employee.bob": {"7"}, "reason": {"late"}})
	if status != http.StatusBadRequest || !strings.Contains(body, `id="save-error"`) {
		t.Errorf("a save in a locked period: %d", status)
	}
}
