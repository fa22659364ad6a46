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
	"attain/kpi"
)

// pilotsPageFixture gives the small workspace what the pilot and meeting
// pages show: a bonus plan, a shadow pilot of it in t1 compared with t2 in
// June 2025, a comment and an open proposal.
func pilotsPageFixture(t *testing.T, a *app.App, admin kpi.Actor) {
	t.Helper()
	ctx := context.Background()
	if _, err := a.Apply(ctx, admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + matrixPlan)}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreatePilot(ctx, admin, app.PilotInput{Name: "June trial", Unit: "t1", Comparison: "t2", Start: "2025-06-02", End: "2025-06-29", Plan: "reps", Template: "rep", Shadow: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddComment(ctx, admin, app.CommentInput{Employee: "bob", KPI: "won", Period: "2025-06", Text: "Two deals slipped."}); err != nil {
		t.Fatal(err)
	}
	five := decimal.NewFromInt(5)
	if _, err := a.Propose(ctx, admin, app.ProposalInput{Kind: kpi.ProposeTarget, KPI: "won", Employee: "bob", Period: "2025-06", Value: &five, Why: "stretch him"}); err != nil {
		t.Fatal(err)
	}
}

// TestPilotFormsKeepInput: a refused form comes back with what was typed
// and why it was refused, next to the field.
func TestPilotFormsKeepInput(t *testing.T) {
	a, admin := apptest.Small(t)
	pilotsPageFixture(t, a, admin)
	tok, err := a.CreateToken(context.Background(), admin, app.TokenRequest{Name: "forms", Integration: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	status, body := post("/pilots", url.Values{"name": {"Kept name"}, "unit": {"t1"}, "start": {"2025-06-30"}, "end": {"2025-06-01"}, "plan": {"reps"}, "mode": {"shadow"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="Kept name"`) || !strings.Contains(body, "the pilot ends before it starts") {
		t.Errorf("bad pilot: %d\n%.2000s", status, body)
	}
	status, body = post("/meetings/proposals", url.Values{"unit": {"t1"}, "period": {"2025-06"}, "subject": {"employee:bob"}, "kpi": {"won"}, "value": {"lots"}, "why": {"kept why"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="kept why"`) || !strings.Contains(body, "is not a number") {
		t.Errorf("bad proposal: %d\n%.2000s", status, body)
	}
	status, _ = post("/meetings/comments", url.Values{"unit": {"t1"}, "period": {"2025-06"}, "subject": {"employee:bob"}, "kpi": {"won"}, "text": {"Fine."}})
	if status != http.StatusSeeOther {
		t.Errorf("a good comment: %d", status)
	}
}
