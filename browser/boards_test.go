package browser

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// heatCell is one coloured cell of the heat map page: its row's link, its
// column and its exact %.
type heatCell struct {
	Row   string `json:"row"`
	Col   int    `json:"col"`
	Value string `json:"value"`
}

// pageHeatCells reads the heat map's cells that have a value.
func pageHeatCells(t *testing.T, ctx context.Context) []heatCell {
	t.Helper()
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]heatCell](`Array.from(document.querySelectorAll('table.heat tbody tr')).flatMap(tr =>
		Array.from(tr.querySelectorAll('td')).map((td, i) => ({row: tr.querySelector('th a').getAttribute('href'), col: i, value: td.dataset.value}))
		.filter(c => c.value !== ""))`))
	if err != nil {
		t.Fatal(err)
	}
	return cells
}

// heatAPI is what GET /api/v1/heatmap answers, as far as the test reads it.
type heatAPI struct {
	Unit  struct{ ID string }
	Lines []struct {
		Subject struct{ Kind, ID string }
		Cells   []struct {
			Value string
			Null  bool
		}
	}
}

// checkHeatMap compares the page's cells with the API's heat map of the
// same unit, KPI and period: every cell, and no cell more or less.
func checkHeatMap(t *testing.T, ctx context.Context, kpiName, period string) {
	t.Helper()
	unit := texts(t, ctx, `select#unit option:checked`)
	if len(unit) != 1 {
		t.Fatalf("the unit picker shows %v", unit)
	}
	units, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('select#unit').value`))
	if err != nil {
		t.Fatal(err)
	}
	var hm heatAPI
	api(t, fmt.Sprintf("/api/v1/heatmap?unit=%s&kpi=%s&period=%s", units, kpiName, period), &hm)
	want := map[string]string{}
	for _, l := range hm.Lines {
		for i, c := range l.Cells {
			if !c.Null {
				want[fmt.Sprintf("/people/%s?period=%s#%d", l.Subject.ID, period, i)] = c.Value
			}
		}
	}
	got := pageHeatCells(t, ctx)
	if len(got) == 0 || len(got) != len(want) {
		t.Errorf("%s: the page has %d cells with a value, the API %d", units, len(got), len(want))
	}
	for _, c := range got {
		k := fmt.Sprintf("%s#%d", c.Row, c.Col)
		if want[k] != c.Value {
			t.Errorf("%s %s, column %d: page %s %%, API %q", units, c.Row, c.Col, c.Value, want[k])
		}
	}
}

// TestHeatMapMatchesAPI opens the heat map as the head of sales (deals
// won) and as a team lead (the weighted score), and checks every
// cell's % against the API's; a lead cannot open the company's.
func TestHeatMapMatchesAPI(t *testing.T) {
	p := lastMonth()
	t.Run("head", func(t *testing.T) {
		ctx := browser(t, "head")
		open(t, ctx, "/heatmap?kpi=deals_won&period="+p)
		checkHeatMap(t, ctx, "deals_won", p)
	})
	t.Run("lead", func(t *testing.T) {
		ctx := browser(t, "lead")
		open(t, ctx, "/heatmap?period="+p)
		checkHeatMap(t, ctx, "score", p)
		screenshot(t, ctx, "heatmap")
		if got := texts(t, ctx, "select#unit option"); len(got) != 1 {
			t.Errorf("a team lead picks among the units %v, want their team alone", got)
		}
		open(t, ctx, "/heatmap?unit=northwind&period="+p)
		if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] != "Not yours to see" {
			t.Errorf("a lead opens the company's heat map: %v", got)
		}
	})
}

// TestPlanHealthMatchesAPI opens plan health as finance and checks the
// band counts and the share at target against the API's.
func TestPlanHealthMatchesAPI(t *testing.T) {
	p := lastMonth()
	ctx := browser(t, "finance")
	open(t, ctx, "/health?period="+p)
	screenshot(t, ctx, "health")
	unit, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('select#unit').value`))
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Bands []struct {
			Name  string
			Count int
		}
		Measured      int
		AtTargetShare string `json:"at_target_share"`
		Curves        []struct{ Plan string }
	}
	api(t, "/api/v1/plan-health?unit="+unit+"&period="+p, &h)
	if len(h.Bands) != 5 || h.Measured == 0 {
		t.Fatalf("the API's plan health: %+v", h)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries(Array.from(document.querySelectorAll('table.bands tr[data-band]')).map(tr => [tr.dataset.band, tr.querySelector('td[data-value]').dataset.value]))`))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range h.Bands {
		if got[b.Name] != fmt.Sprint(b.Count) {
			t.Errorf("band %s: page %q, API %d", b.Name, got[b.Name], b.Count)
		}
	}
	share, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('at-target').dataset.value`))
	if err != nil {
		t.Fatal(err)
	}
	if share != h.AtTargetShare {
		t.Errorf("share at target: page %s, API %s", share, h.AtTargetShare)
	}
	charts := texts(t, ctx, "svg.scatter > title")
	if len(charts) != len(h.Curves) || len(charts) == 0 {
		t.Errorf("the page draws %d payout curves, the API has %d", len(charts), len(h.Curves))
	}
	if dots := texts(t, ctx, "svg.scatter circle.dot"); len(dots) == 0 {
		t.Error("nobody is plotted on the payout curves")
	}
}

// TestMemberRefusedPlanHealth: a sales manager has no plan health link
// and is refused the page by URL.
func TestMemberRefusedPlanHealth(t *testing.T) {
	ctx := browser(t, "member")
	open(t, ctx, "/me")
	for _, l := range texts(t, ctx, "nav a") {
		if strings.Contains(l, "Plan health") {
			t.Error("a sales manager's navigation offers plan health")
		}
	}
	open(t, ctx, "/health?period="+lastMonth())
	if got := texts(t, ctx, "h1"); len(got) != 1 || got[0] != "Not yours to see" {
		t.Errorf("a sales manager opens plan health: %v", got)
	}
}
