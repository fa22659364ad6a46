package browser

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// lastMonth is the month before this one in the demo's zone: closed, so
// its numbers do not move while the test runs.
func lastMonth() string {
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Now().In(loc)
	return time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, loc).Format("2006-01")
}

// TestScorecardMatchesAPI opens a rep's scorecard and checks each KPI's
// actual, % of target and score against the API's scorecard.
func TestScorecardMatchesAPI(t *testing.T) {
	ctx := browser(t, "admin")
	p := lastMonth()
	open(t, ctx, "/people/amelie.krause?period="+p)
	screenshot(t, ctx, "scorecard")
	var card struct {
		Items []struct {
			KPI, Actual, Achievement, Score        string
			ActualNull, AchievementNull, ScoreNull bool `json:"-"`
		}
	}
	api(t, "/api/v1/scorecard?employee=amelie.krause&period="+p, &card)
	if len(card.Items) == 0 {
		t.Fatal("the API's scorecard has no items")
	}
	for _, it := range card.Items {
		cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(
			`Array.from(document.querySelectorAll('table.numbers tr[data-kpi=%q] td[data-value]')).map(e => e.dataset.value)`, it.KPI)))
		if err != nil {
			t.Fatal(err)
		}
		if len(cells) != 3 {
			t.Errorf("%s: the page's row has %d exact cells, want 3", it.KPI, len(cells))
			continue
		}
		for i, want := range []string{it.Actual, it.Achievement, it.Score} {
			if cells[i] != "" && cells[i] != want {
				t.Errorf("%s: page %q, API %q", it.KPI, cells[i], want)
			}
		}
	}
	if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] != "Amelie Krause" {
		t.Errorf("heading %v", got)
	}
}

// TestDrillDown goes from the company to a department, a team and a person
// by clicking.
func TestDrillDown(t *testing.T) {
	ctx := browser(t, "admin")
	open(t, ctx, "/team?unit=northwind&period="+lastMonth())
	for _, step := range []struct{ link, heading string }{
		{"Sales", "Sales"}, {"Key Accounts", "Key Accounts"},
	} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.Search(fmt.Sprintf(`//table//a[normalize-space()=%q]`, step.link))), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatalf("click %s: %v", step.link, err)
		}
		if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] != step.heading {
			t.Fatalf("after clicking %s: heading %v", step.link, got)
		}
	}
	screenshot(t, ctx, "team")
	people := texts(t, ctx, "table.sortable tbody td:first-child a")
	if len(people) == 0 {
		t.Fatal("Key Accounts lists nobody")
	}
	name := people[0]
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`table.sortable tbody td:first-child a`)), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	if got := texts(t, ctx, "h1"); len(got) != 1 || !strings.EqualFold(got[0], name) {
		t.Errorf("clicked %s, got the page %v", name, got)
	}
}

// TestRepSeesOnlyOwn signs in as a sales manager: the start page is their
// own scorecard, and a colleague's scorecard by URL is refused.
func TestRepSeesOnlyOwn(t *testing.T) {
	ctx := browser(t, "member")
	open(t, ctx, "/")
	own := strings.TrimSuffix(demo.users["member"], "@northwind.example")
	if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] == "" {
		t.Fatalf("start page heading %v", got)
	}
	screenshot(t, ctx, "my-scorecard")
	other := strings.TrimSuffix(demo.users["lead"], "@northwind.example")
	if other == own {
		t.Fatal("the demo's lead and member are one person")
	}
	open(t, ctx, "/people/"+other+"?period="+lastMonth())
	if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] != "Not yours to see" {
		t.Errorf("a colleague's scorecard shows %v", got)
	}
}
