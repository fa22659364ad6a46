package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// In the small workspace's June 2025 (see apptest.SmallDeals): bob won 3
// of 4 deals planned (75 %) worth 300 of 400 (75 %), median 2 days (the
// target: 100 %), a score of (0×40 + 0×30 + 100×30) / 100 = 30; cy won 2
// of 2 (100 %) worth 500 of 200 (250 %), 2 days, a score of
// (100×40 + 150×30 + 100×30) / 100 = 115. Ann, a team lead, has no card.

func board(t *testing.T, a *app.App, who kpi.Actor, q app.LeaderboardQuery) string {
	t.Helper()
	lb, err := a.Leaderboard(context.Background(), who, q)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, r := range lb.Rows {
		v := r.Value.String()
		if r.Hidden {
			v = "hidden"
		} else if r.Null {
			v = "-"
		}
		rows = append(rows, fmt.Sprintf("%d%s %s %s", r.Place, r.Medal, r.Subject.ID, v))
	}
	return strings.Join(rows, ", ")
}

func awardList(t *testing.T, a *app.App, who kpi.Actor, period string) (*app.AwardList, string) {
	t.Helper()
	l, err := a.Awards(context.Background(), who, period)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, aw := range l.Awards {
		out = append(out, fmt.Sprintf("%s:%s=%s", aw.Rule, aw.Subject.ID, aw.Value))
	}
	return l, strings.Join(out, " ")
}

func setRules(t *testing.T, a *app.App, who kpi.Actor, aw *kpi.Awards) {
	t.Helper()
	if _, err := a.SetAwardRules(context.Background(), who, aw, "test"); err != nil {
		t.Fatal(err)
	}
}

func TestLeaderboard(t *testing.T) {
	a, admin := apptest.Small(t)
	for _, c := range []struct {
		q    app.LeaderboardQuery
		want string
	}{
		{app.LeaderboardQuery{Period: "2025-06"}, "1gold cy 115, 2silver bob 30"},
		{app.LeaderboardQuery{Period: "2025-06", Metric: "won_value"}, "1gold cy 250, 2silver bob 75"},
		{app.LeaderboardQuery{Period: "2025-06", Metric: "won"}, "1gold cy 100, 2silver bob 75"},
		{app.LeaderboardQuery{Period: "2025-06", Unit: "t2"}, "1gold cy 115"},
		// The teams have no targets of their own: only days (fixed
		// levels) scores, 100 each: tied, both first.
		{app.LeaderboardQuery{Period: "2025-06", By: "teams", Unit: "sales"}, "1gold t1 100, 1gold t2 100"},
		// An empty period: nobody ranked.
		{app.LeaderboardQuery{Period: "2025-03"}, "0 bob -, 0 cy -"},
	} {
		if got := board(t, a, admin, c.q); got != c.want {
			t.Errorf("%+v: got %s, want %s", c.q, got, c.want)
		}
	}
	t.Run("Blend", func(t *testing.T) {
		setRules(t, a, admin, &kpi.Awards{Leaderboards: []*kpi.Leaderboard{{Name: "mix", Metrics: []kpi.BoardMetric{
			{KPI: "won", Weight: decimal.NewFromInt(1)}, {KPI: "won_value", Weight: decimal.NewFromInt(3)}}, MinAtThreshold: 1}}})
		// cy (100 + 3×250) / 4 = 212.5; bob has neither at threshold.
		if got, want := board(t, a, admin, app.LeaderboardQuery{Period: "2025-06", Metric: "mix"}), "1gold cy 212.5, 0 bob 75"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, q := range []app.LeaderboardQuery{{Period: "2025-06", Metric: "salary"}, {Period: "2025-06", By: "pets"}, {Period: "june"}} {
			if _, err := a.Leaderboard(context.Background(), admin, q); kpi.ErrorCode(err) != kpi.EINVALID {
				t.Errorf("%+v: err = %v", q, err)
			}
		}
		if _, err := a.Leaderboard(context.Background(), admin, app.LeaderboardQuery{Period: "2025-06", Unit: "nowhere"}); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("unknown unit: err = %v", err)
		}
	})
}

// A rep sees peers only as the workspace's peers option allows, and never
// their pay: a leaderboard carries % of target and scores only.
func TestLeaderboardPeers(t *testing.T) {
	a, admin := apptest.Small(t)
	bob := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "bob", EmployeeID: "bob", Role: kpi.RoleMember}
	ann := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "ann", EmployeeID: "ann", Role: kpi.RoleMember}
	q := app.LeaderboardQuery{Period: "2025-06", Metric: "won_value"}
	for _, c := range []struct {
		peers     string
		who       kpi.Actor
		want      string
		wantAward string
	}{
		{kpi.PeersPercent, bob, "1gold cy 250, 2silver bob 75", "top:cy=250"},
		{kpi.PeersRank, bob, "1gold cy hidden, 2silver bob 75", "top:cy=0"},
		{kpi.PeersNone, bob, "2silver bob 75", ""},
		// ann manages both: she sees them in full whatever the option.
		{kpi.PeersNone, ann, "1gold cy 250, 2silver bob 75", "top:cy=250"},
	} {
		setRules(t, a, admin, &kpi.Awards{Peers: c.peers, Rules: []*kpi.AwardRule{{Name: "top", Kind: kpi.AwardTop, Metric: "won_value", N: 1}}})
		if got := board(t, a, c.who, q); got != c.want {
			t.Errorf("peers %s, as %s: got %s, want %s", c.peers, c.who.Name, got, c.want)
		}
		if _, got := awardList(t, a, c.who, "2025-06"); got != c.wantAward {
			t.Errorf("peers %s, as %s: awards %s, want %s", c.peers, c.who.Name, got, c.wantAward)
		}
	}
	lb, err := a.Leaderboard(context.Background(), bob, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Rows) != 1 || !lb.Rows[0].Self || !lb.Rows[0].Full {
		t.Errorf("bob's own row: %+v", lb.Rows)
	}
}

func TestAwardsLocked(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	setRules(t, a, admin, &kpi.Awards{Rules: []*kpi.AwardRule{
		{Name: "top", Kind: kpi.AwardTop, N: 1},
		{Name: "over", Kind: kpi.AwardAbove, Metric: "won_value", Percent: decimal.NewFromInt(110)},
		{Name: "all", Kind: kpi.AwardAllMet},
		{Name: "teams", Kind: kpi.AwardTeam, Unit: "sales"},
	}})
	l, got := awardList(t, a, admin, "2025-06")
	if want := "top:cy=115 over:cy=250 all:cy=3 teams:t1=100 teams:t2=100"; got != want || !l.Provisional || l.FrozenAt != nil {
		t.Fatalf("open June: %s (provisional %v), want %s", got, l.Provisional, want)
	}
	if _, got := awardList(t, a, admin, "2025-03"); got != "" {
		t.Errorf("an empty period earns nothing: %s", got)
	}
	if _, err := a.LockPeriod(ctx, admin, "2025-06", "closed", true); err != nil {
		t.Fatal(err)
	}
	l, got = awardList(t, a, admin, "2025-06")
	if want := "top:cy=115 over:cy=250 all:cy=3 teams:t1=100 teams:t2=100"; got != want || l.Provisional || l.FrozenAt == nil || l.Awards[0].Provisional {
		t.Fatalf("locked June: %s (provisional %v, frozen %v), want %s", got, l.Provisional, l.FrozenAt, want)
	}
	// Neither new rules nor new records change a locked period's awards.
	setRules(t, a, admin, &kpi.Awards{Rules: []*kpi.AwardRule{{Name: "top3", Kind: kpi.AwardTop, N: 3}}})
	if _, err := a.ImportRecords(ctx, admin, app.ImportRequest{Dataset: "deals", File: "more.csv",
		Body: strings.NewReader("id,rep,stage,amount,closed_on,days\nd9,bob,Won,5000,2025-06-30,1.0\n")}); err != nil {
		t.Fatal(err)
	}
	if _, again := awardList(t, a, admin, "2025-06"); again != got {
		t.Errorf("locked June changed: %s, want %s", again, got)
	}
	// Frozen awards keep their numbers, not names: a renamed (or
	// pseudonymised) person shows as they are called now.
	if _, err := a.ImportOrg(ctx, admin, nil, []*kpi.Employee{{ID: "cy", Name: "Cy Renamed", UnitID: "t2", ManagerID: "ann", Position: "rep"}}); err != nil {
		t.Fatal(err)
	}
	if l, _ := awardList(t, a, admin, "2025-06"); l.Awards[0].Name != "Cy Renamed" {
		t.Errorf("frozen award's name %q, want Cy Renamed", l.Awards[0].Name)
	}
	// The person's strip: July's (none yet) and June's, frozen.
	mine, err := a.AwardsOf(ctx, admin, "cy", "2025-07")
	if err != nil {
		t.Fatal(err)
	}
	if len(mine.Awards) != 3 || mine.Awards[0].Rule != "top" || mine.Awards[0].FrozenAt == nil {
		t.Errorf("cy's awards: %+v", mine.Awards)
	}
	bob := kpi.Actor{WorkspaceID: admin.WorkspaceID, Name: "bob", EmployeeID: "bob", Role: kpi.RoleMember}
	if _, err := a.AwardsOf(ctx, bob, "cy", "2025-07"); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
		t.Errorf("bob reads cy's strip: err = %v", err)
	}
	// Reopened, the period shows provisional awards by today's rules and
	// numbers (bob: 4 of 4 deals, 5,300 of 400, 1.5 days: 40 + 45 + 37.5);
	// locked again, the awards frozen first stand.
	if _, err := a.LockPeriod(ctx, admin, "2025-06", "reopen", false); err != nil {
		t.Fatal(err)
	}
	if l, now := awardList(t, a, admin, "2025-06"); !l.Provisional || now != "top3:bob=122.5 top3:cy=115" {
		t.Errorf("reopened June: %s (provisional %v)", now, l.Provisional)
	}
	if _, err := a.LockPeriod(ctx, admin, "2025-06", "closed again", true); err != nil {
		t.Fatal(err)
	}
	if _, again := awardList(t, a, admin, "2025-06"); again != got {
		t.Errorf("locked again: %s, want %s", again, got)
	}
}

// Someone who joined with fewer than min_working_days of the month left
// does not compete that month: the next in line wins.
func TestAwardsJoiner(t *testing.T) {
	a, admin := apptest.Small(t)
	ctx := context.Background()
	setRules(t, a, admin, &kpi.Awards{MinWorkingDays: 10, Rules: []*kpi.AwardRule{{Name: "top", Kind: kpi.AwardTop, N: 1}}})
	hired := kpi.NewDate(2025, 6, 20) // 7 working days of June's 21 left
	if _, err := a.ImportOrg(ctx, admin, nil, []*kpi.Employee{{ID: "cy", Name: "Cy", UnitID: "t2", ManagerID: "ann", Position: "rep", HiredOn: &hired}}); err != nil {
		t.Fatal(err)
	}
	if _, got := awardList(t, a, admin, "2025-06"); got != "top:bob=30" {
		t.Errorf("awards: %s, want top:bob=30", got)
	}
	lb, err := a.Leaderboard(ctx, admin, app.LeaderboardQuery{Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	last := lb.Rows[len(lb.Rows)-1]
	if last.Subject.ID != "cy" || last.Place != 0 || last.Eligible || last.Why != "there 7 of the period's 21 working days" {
		t.Errorf("cy: %+v", last)
	}
}
