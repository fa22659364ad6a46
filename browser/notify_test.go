package browser

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// inboxAPI is the signed-in person's inbox as the API answers it, fetched
// by the page's own session.
type inboxAPI struct {
	Unread        int `json:"unread"`
	Notifications []struct {
		ID     int64   `json:"id"`
		Kind   string  `json:"kind"`
		Title  string  `json:"title"`
		ReadAt *string `json:"read_at"`
	} `json:"notifications"`
}

func fetchInbox(t *testing.T, ctx context.Context) inboxAPI {
	t.Helper()
	in, err := chromedp.Run(ctx, chromedp.Evaluate[inboxAPI](`fetch('/api/v1/inbox').then(r => r.json())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("GET /api/v1/inbox: %v", err)
	}
	return in
}

// TestInboxAsMember opens the sales manager's inbox: the unread count in
// the navigation and on the page is the API's, every unread notification
// of the API is listed with its title, and marking one read takes one off
// the count.
func TestInboxAsMember(t *testing.T) {
	ctx := browser(t, "member")
	open(t, ctx, "/inbox")
	in := fetchInbox(t, ctx)
	if in.Unread < 2 {
		t.Fatalf("the member has %d unread notifications, want a few from the demo", in.Unread)
	}
	screenshot(t, ctx, "inbox")
	if got := texts(t, ctx, "nav a[href='/inbox'] .count"); len(got) != 1 || got[0] != strconv.Itoa(in.Unread) {
		t.Errorf("nav count %v, API unread %d", got, in.Unread)
	}
	var want []string
	for _, n := range in.Notifications {
		if n.ReadAt == nil {
			want = append(want, n.Title)
		}
	}
	got := texts(t, ctx, "ul.inbox li.unread .note-title")
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("page lists %q, API's unread %q", got, want)
	}
	kinds := texts(t, ctx, "ul.inbox li .badge")
	if len(kinds) != len(want) {
		t.Errorf("kinds %v", kinds)
	}
	// Mark the first read, with the keyboard: focus its button, press Enter.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`ul.inbox li.unread form button`)), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	var after inboxAPI
	for range 50 { // the form's POST and its redirect back to the inbox
		if after = fetchInbox(t, ctx); after.Unread < in.Unread {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	open(t, ctx, "/inbox")
	if after.Unread != in.Unread-1 {
		t.Errorf("unread %d after marking one read, want %d", after.Unread, in.Unread-1)
	}
	if got := texts(t, ctx, "ul.inbox li.unread .note-title"); len(got) != len(want)-1 || (len(got) > 0 && got[0] != want[1]) {
		t.Errorf("after marking the first read the page lists %q", got)
	}
	if got := texts(t, ctx, "nav a[href='/inbox'] .count"); len(got) != 1 || got[0] != strconv.Itoa(after.Unread) {
		t.Errorf("nav count %v after, want %d", got, after.Unread)
	}
	open(t, ctx, "/inbox?show=all")
	if got := texts(t, ctx, "ul.inbox li .note-title"); len(got) != len(in.Notifications) {
		t.Errorf("show=all lists %d, want %d", len(got), len(in.Notifications))
	}
	// On a phone the button goes below the text and nothing is wider than
	// the screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, "/inbox")
	screenshot(t, ctx, "inbox-phone")
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Errorf("the inbox is wider than a phone's screen (%v)", err)
	}
}
