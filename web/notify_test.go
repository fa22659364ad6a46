package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestInbox raises an award for bob and reads it through the API and the
// page as bob: the unread count in the navigation, the notification,
// marking it read; ann sees only her own, and cannot mark bob's.
func TestInbox(t *testing.T) {
	a, root := apptest.Small(t)
	tokens := apptest.People(t, a, root)
	ctx := context.Background()
	system := kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "job:test", System: true}
	if err := a.NotifyAward(ctx, system, app.AwardNotice{Rule: "top1", Employee: "bob", Period: "2025-06", Text: "Most deals won in 2025-06"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	do := func(method, path, token string, status int) string {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != status {
			t.Fatalf("%s %s = %d, want %d:\n%s", method, path, res.StatusCode, status, b)
		}
		return string(b)
	}
	var in app.Inbox
	if err := json.Unmarshal([]byte(do("GET", "/api/v1/inbox", tokens["bob"], 200)), &in); err != nil {
		t.Fatal(err)
	}
	if in.Unread != 1 || len(in.Notifications) != 1 || in.Notifications[0].Title != "Award for Bob: Most deals won in 2025-06" {
		t.Fatalf("bob's inbox %+v", in)
	}
	id := in.Notifications[0].ID
	page := do("GET", "/inbox", tokens["bob"], 200)
	for _, want := range []string{`<span class="count" aria-label="1 unread">1</span>`, `data-unread="1"`, `data-kind="award"`,
		`<a href="/people/bob?period=2025-06">Award for Bob: Most deals won in 2025-06</a>`, `action="/inbox/` + strconv.FormatInt(id, 10) + `/read"`} {
		if !strings.Contains(page, want) {
			t.Errorf("bob's inbox page lacks %q", want)
		}
	}
	// ann, bob's manager, got it too; cy did not.
	if page := do("GET", "/inbox", tokens["cy"], 200); !strings.Contains(page, "Nothing unread") || strings.Contains(page, "Award for Bob") {
		t.Errorf("cy's inbox shows bob's award")
	}
	if page := do("GET", "/inbox", tokens["ann"], 200); !strings.Contains(page, "Award for Bob") {
		t.Errorf("ann's inbox lacks bob's award")
	}
	do("POST", "/api/v1/inbox/"+strconv.FormatInt(id, 10)+"/read", tokens["cy"], 404) // not hers
	do("POST", "/inbox/"+strconv.FormatInt(id, 10)+"/read", tokens["bob"], http.StatusSeeOther)
	page = do("GET", "/inbox", tokens["bob"], 200)
	if !strings.Contains(page, "Nothing unread") || strings.Contains(page, `class="count"`) {
		t.Errorf("after marking read, the inbox still shows it unread")
	}
	if page := do("GET", "/inbox?show=all", tokens["bob"], 200); !strings.Contains(page, "Award for Bob") || strings.Contains(page, "Mark read") {
		t.Errorf("show=all lacks the read notification, or offers to mark it read again")
	}
}
