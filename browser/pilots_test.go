package browser

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// demoPilotID finds the demo's shadow pilot through the API.
func demoPilotID(t *testing.T) int64 {
	t.Helper()
	var ps []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	api(t, "/api/v1/pilots", &ps)
	for _, p := range ps {
		if p.Name == "Order Entry: new processing bonus" {
			return p.ID
		}
	}
	t.Fatalf("no demo pilot in %v", ps)
	return 0
}

// values reads the data-value attributes of what sel matches.
func values(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%q)).map(e => e.dataset.value)`, sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return out
}

// TestPilotReportMatchesAPI opens the demo pilot's report and checks every
// KPI's difference in differences and interval, every person's would-be
// bonus and the totals against the API's report.
func TestPilotReportMatchesAPI(t *testing.T) {
	ctx := browser(t, "admin")
	id := demoPilotID(t)
	var rep struct {
		KPIs []struct {
			KPI    string `json:"kpi"`
			Result struct {
				Estimate, Low, High string
				Valid               bool
			} `json:"result"`
		} `json:"kpis"`
		Payouts []struct {
			Employee, Current, Shadow, Difference string
		} `json:"payouts"`
		Current string `json:"current_total"`
		Shadow  string `json:"shadow_total"`
		Diff    string `json:"difference_total"`
	}
	api(t, fmt.Sprintf("/api/v1/pilots/%d/report", id), &rep)
	open(t, ctx, fmt.Sprintf("/pilots/%d", id))
	screenshot(t, ctx, "pilot")
	if len(rep.KPIs) == 0 || len(rep.Payouts) == 0 {
		t.Fatalf("the API's report is empty: %+v", rep)
	}
	for _, k := range rep.KPIs {
		sel := fmt.Sprintf("div.did[data-kpi=%q] ", k.KPI)
		got := append(values(t, ctx, sel+"strong.estimate"), append(values(t, ctx, sel+"span.low"), values(t, ctx, sel+"span.high")...)...)
		want := []string{k.Result.Estimate, k.Result.Low, k.Result.High}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: page %v, API %v", k.KPI, got, want)
		}
		if svg := texts(t, ctx, sel+"svg.interval title"); len(svg) == 0 {
			t.Errorf("%s: no interval chart", k.KPI)
		}
	}
	for _, p := range rep.Payouts {
		sel := fmt.Sprintf("tr[data-employee=%q] ", p.Employee)
		got := append(values(t, ctx, sel+"td.current"), append(values(t, ctx, sel+"td.shadow"), values(t, ctx, sel+"td.difference")...)...)
		want := []string{p.Current, p.Shadow, p.Difference}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: page %v, API %v", p.Employee, got, want)
		}
	}
	for sel, want := range map[string]string{"#pilot-current": rep.Current, "#pilot-shadow": rep.Shadow, "#pilot-difference": rep.Diff} {
		if got := values(t, ctx, sel); len(got) != 1 || got[0] != want {
			t.Errorf("%s: page %v, API %s", sel, got, want)
		}
	}
}

// TestMeetingPackPage opens last month's review meeting of order
// processing: the comments, the open proposal and the pilot of the API's
// pack are on the page.
func TestMeetingPackPage(t *testing.T) {
	ctx := browser(t, "admin")
	p := lastMonth()
	var pack struct {
		Cards     []any `json:"cards"`
		Pilots    []any `json:"pilots"`
		Proposals []struct {
			ID int64 `json:"id"`
		} `json:"proposals"`
		Comments []struct {
			Text string `json:"text"`
		} `json:"comments"`
	}
	api(t, "/api/v1/meetings/pack?unit=order-processing&period="+p, &pack)
	open(t, ctx, "/meetings?unit=order-processing&period="+p)
	screenshot(t, ctx, "meeting")
	if got := texts(t, ctx, ".comment > p"); len(got) != len(pack.Comments) || len(got) == 0 {
		t.Errorf("page shows %d comments, the API %d", len(got), len(pack.Comments))
	} else {
		for i, c := range pack.Comments {
			if got[i] != squash(c.Text) {
				t.Errorf("comment %d: page %q, API %q", i, got[i], c.Text)
			}
		}
	}
	if got := texts(t, ctx, ".proposal h3"); len(got) != len(pack.Proposals) || len(got) == 0 {
		t.Errorf("page shows %d proposals, the API %d", len(got), len(pack.Proposals))
	}
	if got := texts(t, ctx, ".meeting-pilot h3"); len(got) != len(pack.Pilots) {
		t.Errorf("page shows %d pilots, the API %d", len(got), len(pack.Pilots))
	}
	if got := texts(t, ctx, "table.meeting-cards tbody tr"); len(got) != len(pack.Cards) {
		t.Errorf("page shows %d scorecards, the API %d", len(got), len(pack.Cards))
	}
}
