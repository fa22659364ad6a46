package browser

import (
	"fmt"
	"testing"
)

// TestMePilotBoxAsParticipant signs in as a person the demo's shadow
// pilot measured: their /me shows their own would-be bonus and the
// current scheme's, as the API's report has them for that person, marked
// not paid. The pilot's report and its PDF link are screenshot too.
func TestMePilotBoxAsParticipant(t *testing.T) {
	id := demoPilotID(t)
	var rep struct {
		Payouts []struct {
			Employee, Current, Shadow, Difference string
		} `json:"payouts"`
		CappedCurrent int `json:"capped_current"`
		CappedShadow  int `json:"capped_shadow"`
	}
	api(t, fmt.Sprintf("/api/v1/pilots/%d/report", id), &rep)
	if len(rep.Payouts) == 0 {
		t.Fatal("the demo pilot has no would-be bonuses")
	}
	p := rep.Payouts[0]
	var e struct {
		Email string `json:"email"`
	}
	api(t, "/api/v1/employees/"+p.Employee, &e)
	if e.Email == "" {
		t.Fatalf("%s has no e-mail to sign in with", p.Employee)
	}
	demo.users["participant"] = e.Email
	ctx := browser(t, "participant")
	open(t, ctx, "/me")
	screenshot(t, ctx, "me-pilot")
	got := append(values(t, ctx, "#my-pilots td.shadow"), values(t, ctx, "#my-pilots td.current")...)
	if fmt.Sprint(got) != fmt.Sprint([]string{p.Shadow, p.Current}) {
		t.Errorf("%s's /me box: %v, the API's report: %s, %s", p.Employee, got, p.Shadow, p.Current)
	}
	if b := texts(t, ctx, "#my-pilots .badge.bad"); len(b) != 1 || b[0] != "not paid" {
		t.Errorf("the box is not marked not paid: %v", b)
	}
	admin := browser(t, "admin")
	open(t, admin, fmt.Sprintf("/pilots/%d", id))
	if l := texts(t, admin, fmt.Sprintf(`a[href="/api/v1/pilots/%d/report.pdf"]`, id)); len(l) != 1 {
		t.Errorf("the pilot page links its PDF %d times", len(l))
	}
	got = append(values(t, admin, "#pilot-capped .capped-current"), values(t, admin, "#pilot-capped .capped-shadow")...)
	if want := []string{fmt.Sprint(rep.CappedCurrent), fmt.Sprint(rep.CappedShadow)}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("capped on the page %v, in the API %v", got, want)
	}
	if rep.CappedShadow == 0 {
		t.Errorf("the demo pilot pays the curve's flat top to some: want them counted as capped")
	}
	screenshot(t, admin, "pilot-pdf-capped")
}

// TestMeetingTrends opens last month's review meeting of order processing:
// each scorecard's trend row ends with the score the pack's JSON gives,
// and has a sparkline; the awards of the pack are listed.
func TestMeetingTrends(t *testing.T) {
	var pl struct {
		End string `json:"end"`
	}
	api(t, fmt.Sprintf("/api/v1/pilots/%d", demoPilotID(t)), &pl)
	period := pl.End[:7]
	var pack struct {
		Trends []struct {
			Subject struct{ ID string } `json:"subject"`
			Totals  []*string           `json:"totals"`
		} `json:"trends"`
		Awards []struct{ Title string } `json:"awards"`
	}
	api(t, "/api/v1/meetings/pack?unit=order-processing&period="+period, &pack)
	if len(pack.Trends) == 0 {
		t.Fatal("the pack has no trends")
	}
	ctx := browser(t, "admin")
	open(t, ctx, "/meetings?unit=order-processing&period="+period)
	screenshot(t, ctx, "meeting-trends")
	for _, tr := range pack.Trends {
		cells := values(t, ctx, fmt.Sprintf("#pack-trends tr[data-subject=%q] td.num", tr.Subject.ID))
		if len(cells) != len(tr.Totals) {
			t.Fatalf("%s: %d cells for %d months", tr.Subject.ID, len(cells), len(tr.Totals))
		}
		for i, v := range tr.Totals {
			want := ""
			if v != nil {
				want = *v
			}
			if cells[i] != want {
				t.Errorf("%s month %d: page %q, API %q", tr.Subject.ID, i, cells[i], want)
			}
		}
	}
	if n := len(texts(t, ctx, "#pack-trends svg.spark")); n != len(pack.Trends) {
		t.Errorf("%d sparklines for %d trends", n, len(pack.Trends))
	}
	if n := len(texts(t, ctx, "#pack-trends ul.awards li")); n != len(pack.Awards) {
		t.Errorf("%d awards on the page, %d in the pack", n, len(pack.Awards))
	}
}
