package browser

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

type boardJSON struct {
	Rows []struct {
		Subject struct{ ID string }
		Place   int
		Value   string
	}
}

type awardsJSON struct {
	Provisional bool
	Awards      []struct {
		Title, Name, Rule string
		Subject           struct{ ID string }
	}
}

// TestLeaderboard opens last month's leaderboard as a member: the order of
// its rows equals the API's, the values are its % of target, and no pay is
// shown. Then the TV mode: bare, large, reloading by itself.
func TestLeaderboard(t *testing.T) {
	ctx := browser(t, "member")
	p := lastMonth()
	path := "/leaderboard?period=" + p + "&metric=won_value"
	open(t, ctx, path)
	viewShot(t, ctx, "leaderboard", 1360, 1300)
	var lb boardJSON
	api(t, "/api/v1/leaderboard?period="+p+"&metric=won_value", &lb)
	if len(lb.Rows) == 0 {
		t.Fatal("the API's leaderboard is empty")
	}
	var want, wantValues []string
	for _, r := range lb.Rows {
		want = append(want, r.Subject.ID)
		if r.Place > 0 {
			wantValues = append(wantValues, r.Value)
		}
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table.board tbody tr[data-subject]')).map(e => e.dataset.subject)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("page order %v, API %v", got, want)
	}
	values, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table.board tbody tr[data-place]:not([data-place="0"]) td.num[data-value]')).filter((e, i) => i % 2 == 0).map(e => e.dataset.value)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(values, ",") != strings.Join(wantValues, ",") {
		t.Errorf("page values %v, API %v", values, wantValues)
	}
	medals := texts(t, ctx, "table.board .medal.gold")
	if len(medals) == 0 || medals[0] != "1" {
		t.Errorf("gold medals: %v", medals)
	}
	body := strings.Join(texts(t, ctx, "main"), " ")
	for _, pay := range []string{"€", "EUR", "Bonus", "salary"} {
		if strings.Contains(body, pay) {
			t.Errorf("the leaderboard shows %q to a member", pay)
		}
	}

	// On a phone the page fits its width (the table scrolls inside its card).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, path)
	viewShot(t, ctx, "leaderboard-phone", 390, 844)
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil {
		t.Fatal(err)
	}
	if overflow {
		t.Error("on a phone the leaderboard is wider than the screen")
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1360, 900)); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, "/leaderboard/tv?period="+p+"&metric=score")
	screenshot(t, ctx, "leaderboard-tv")
	refresh, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('meta[http-equiv=refresh]') || {}).content || ''`))
	if err != nil {
		t.Fatal(err)
	}
	if refresh != "60" {
		t.Errorf("TV mode refresh %q, want 60", refresh)
	}
	if got := texts(t, ctx, "body.tv nav"); len(got) != 0 {
		t.Errorf("TV mode has navigation: %v", got)
	}
	var score boardJSON
	api(t, "/api/v1/leaderboard?period="+p+"&metric=score", &score)
	rows := texts(t, ctx, ".tv-row .tv-name")
	if len(rows) == 0 || len(rows) > 10 {
		t.Fatalf("TV rows: %v", rows)
	}
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.tv-row').dataset.subject`))
	if err != nil {
		t.Fatal(err)
	}
	if first != score.Rows[0].Subject.ID {
		t.Errorf("TV first %s, API first %s", first, score.Rows[0].Subject.ID)
	}
}

// TestAwardsOnMe finds a month in which the member earned an award and
// sees it on their scorecard page.
func TestAwardsOnMe(t *testing.T) {
	ctx := browser(t, "member")
	open(t, ctx, "/me")
	name := strings.Join(texts(t, ctx, "h1"), "")
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Now().In(loc)
	for i := 1; i <= 11; i++ {
		m := time.Date(now.Year(), now.Month()-time.Month(i), 1, 0, 0, 0, 0, loc).Format("2006-01")
		var l awardsJSON
		api(t, "/api/v1/awards?period="+m, &l)
		var titles []string
		for _, a := range l.Awards {
			if a.Name == name {
				titles = append(titles, a.Title)
			}
		}
		if len(titles) == 0 {
			continue
		}
		open(t, ctx, "/me?period="+m)
		strip := strings.Join(texts(t, ctx, "#awards-strip"), " ")
		for _, title := range titles {
			if !strings.Contains(strip, title) {
				t.Errorf("%s: the strip lacks %q: %s", m, title, strip)
			}
		}
		if i >= 2 && strings.Contains(strip, "provisional") && l.Provisional == false && !strings.Contains(strip, "provisional") {
			t.Errorf("%s: a locked month's award shown as provisional", m)
		}
		screenshot(t, ctx, "awards-me")
		return
	}
	t.Fatalf("%s earned no award in the last 11 months of the demo", name)
}

// viewShot keeps a PNG of the top width × height of the current page as
// NAME.png in $ATTAIN_SCREENSHOTS, if set: a long page's full screenshot
// would be too big to commit.
func viewShot(t *testing.T, ctx context.Context, name string, width, height int64) {
	t.Helper()
	dir := os.Getenv("ATTAIN_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
