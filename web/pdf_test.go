package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// pilotServer is the small workspace with the pilot fixture, served, and
// a GET as its admin.
func pilotServer(t *testing.T) func(path string) (string, string) {
	t.Helper()
	a, admin := apptest.Small(t)
	tok, err := a.CreateToken(context.Background(), admin, app.TokenRequest{Name: "pilots", Integration: true})
	if err != nil {
		t.Fatal(err)
	}
	pilotsPageFixture(t, a, admin)
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	return func(path string) (string, string) {
		t.Helper()
		return bearerGet(t, srv, tok.Secret, path)
	}
}

// TestPilotReportPDF: the pilot's page links its PDF, and the PDF has the
// report's totals and each person's would-be bonus, as the API gives them.
func TestPilotReportPDF(t *testing.T) {
	get := pilotServer(t)
	page, _ := get("/pilots/1")
	if !strings.Contains(page, `href="/api/v1/pilots/1/report.pdf"`) {
		t.Errorf("the pilot page does not link its PDF")
	}
	body, _ := get("/api/v1/pilots/1/report")
	var rep app.PilotReport
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	if w := fmt.Sprintf(`class="capped-shadow" data-value="%d"`, rep.CappedShadow); !strings.Contains(page, w) {
		t.Errorf("the pilot page lacks %s", w)
	}
	pdf, ct := get("/api/v1/pilots/1/report.pdf")
	if ct != app.ContentPDF || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("report.pdf: %s, starts %q", ct, pdf[:min(8, len(pdf))])
	}
	if len(rep.Payouts) == 0 {
		t.Fatal("the fixture's pilot has no would-be bonuses")
	}
	want := []string{"Pilot report: June trial", "Did the KPIs move?", "(" + kpi.Grouped(rep.Current, 2) + " " + rep.Currency + ")", "(" + kpi.Grouped(rep.Shadow, 2) + " " + rep.Currency + ")"}
	for _, pp := range rep.Payouts {
		want = append(want, "("+pp.Employee+")", "("+kpi.Grouped(pp.Shadow, 2)+" "+pp.Currency+")")
	}
	for _, w := range want {
		if !strings.Contains(pdf, w) {
			t.Errorf("the PDF lacks %q", w)
		}
	}
}

// TestMeetingPackPDF: the meeting page links the pack's PDF, which has its
// five parts in the meeting's order, the pilot, the proposal and the comment.
func TestMeetingPackPDF(t *testing.T) {
	get := pilotServer(t)
	page, _ := get("/meetings?unit=t1&period=2025-06")
	if !strings.Contains(page, `href="/api/v1/meetings/pack.pdf?unit=t1&amp;period=2025-06"`) {
		t.Errorf("the meeting page does not link the pack's PDF")
	}
	var pack app.MeetingPack
	body, _ := get("/api/v1/meetings/pack?unit=t1&period=2025-06")
	if err := json.Unmarshal([]byte(body), &pack); err != nil {
		t.Fatal(err)
	}
	if len(pack.Trends) == 0 || len(pack.Trends) != len(pack.Cards) {
		t.Fatalf("pack: %d trends for %d cards", len(pack.Trends), len(pack.Cards))
	}
	for i, tr := range pack.Trends {
		c := pack.Cards[i]
		if c.Subject != tr.Subject || (tr.Totals[len(tr.Totals)-1] == nil) != c.TotalNull || (!c.TotalNull && !tr.Totals[len(tr.Totals)-1].Equal(c.Total)) {
			t.Errorf("%s: the trend ends %v, the card's total is %s", tr.Subject.ID, tr.Totals[len(tr.Totals)-1], c.Total)
		}
		row, _, _ := strings.Cut(page[strings.Index(page, fmt.Sprintf(`<tr data-subject="%s">`, tr.Subject.ID))+1:], "</tr>")
		if last := row[strings.LastIndex(row, "<td"):]; !c.TotalNull && !strings.Contains(last, fmt.Sprintf(`data-value="%s"`, c.Total)) {
			t.Errorf("the trend row of %s ends %q, the card's total is %s", tr.Subject.ID, last, c.Total)
		}
	}
	if !strings.Contains(page, `id="pack-trends"`) || !strings.Contains(page, `class="chart spark"`) {
		t.Errorf("the meeting page has no trends card with sparklines")
	}
	pdf, ct := get("/api/v1/meetings/pack.pdf?unit=t1&period=2025-06")
	if ct != app.ContentPDF || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("pack.pdf: %s", ct)
	}
	at := -1
	for _, part := range []string{"(1. Plan vs actual)", "(Total score over 12 months)", "(Awards in 2025-06)", "(2. Who needs attention)", "(3. Pilots)", "(Pilot: June trial)", "(4. Open proposals)", "stretch him", "(5. Comments)", "Two deals slipped."} {
		i := strings.Index(pdf, part)
		if i < at {
			t.Errorf("%q is missing or out of order (at %d, after %d)", part, i, at)
		}
		at = i
	}
}

// TestMePilotBox: on /me, bob (measured by the fixture's shadow pilot in
// t1) sees his own would-be bonus, the same as the report's line for him,
// marked not paid; cy, compared in t2, sees no box (ann, who heads t1
// and is not measured, is in TestMyPilots in app).
func TestMePilotBox(t *testing.T) {
	a, admin := apptest.Small(t)
	tokens := apptest.People(t, a, admin)
	pilotsPageFixture(t, a, admin)
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	get := func(as, path string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens[as])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s as %s = %d:\n%s", path, as, res.StatusCode, b)
		}
		return string(b)
	}
	var rep app.PilotReport
	if err := json.Unmarshal([]byte(get("admin", "/api/v1/pilots/1/report")), &rep); err != nil {
		t.Fatal(err)
	}
	var bob *app.PilotPayout
	for i := range rep.Payouts {
		if rep.Payouts[i].Employee == "bob" {
			bob = &rep.Payouts[i]
		}
	}
	if bob == nil {
		t.Fatalf("bob is not in the pilot: %+v", rep.Payouts)
	}
	page := get("bob", "/me?period=2025-06")
	for _, w := range []string{`id="my-pilots"`, "June trial", "not paid", fmt.Sprintf(`class="num shadow" data-value="%s"`, bob.Shadow), fmt.Sprintf(`class="num current" data-value="%s"`, bob.Current)} {
		if !strings.Contains(page, w) {
			t.Errorf("bob's /me lacks %s", w)
		}
	}
	for _, as := range []string{"cy"} {
		if strings.Contains(get(as, "/me?period=2025-06"), `id="my-pilots"`) {
			t.Errorf("%s's /me shows a pilot box", as)
		}
	}
}
