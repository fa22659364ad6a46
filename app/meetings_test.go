package app_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestProposalTargetPreview: a target proposal's preview is the scorecard
// the subject has after it is accepted.
func TestProposalTargetPreview(t *testing.T) {
	a, who := apptest.Small(t)
	ctx := context.Background()
	three := decimal.NewFromInt(3)
	v, err := a.Propose(ctx, who, app.ProposalInput{Kind: kpi.ProposeTarget, KPI: "won", Employee: "bob", Period: "2025-06", Value: &three, Why: "a slow June"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Target == nil || !v.Target.Before.Target.Equal(decimal.NewFromInt(4)) || !v.Target.After.Target.Equal(three) {
		t.Fatalf("preview: %+v", v.Target)
	}
	if v.Target.Before.Achievement.Equal(v.Target.After.Achievement) {
		t.Errorf("the achievement should move: %s", v.Target.After.Achievement)
	}
	if _, err := a.DecideProposal(ctx, who, v.ID, true, "agreed"); err != nil {
		t.Fatal(err)
	}
	card, err := a.Scorecard(ctx, who, app.ScorecardRequest{Employee: "bob", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	var got app.CardFigures
	got.Total, got.TotalNull = card.Total, card.TotalNull
	for _, it := range card.Items {
		if it.KPI == "won" {
			got.Target, got.Actual, got.Achievement, got.AchievementNull, got.Score = it.Target, it.Actual, it.Achievement, it.AchievementNull, it.Score
		}
	}
	want := v.Target.After
	if !got.Target.Equal(want.Target) || !got.Achievement.Equal(want.Achievement) || !got.Score.Equal(want.Score) || !got.Total.Equal(want.Total) {
		t.Errorf("after accepting: %+v, preview said %+v", got, want)
	}
	// Decided once only; a rejection needs a reason.
	if _, err := a.DecideProposal(ctx, who, v.ID, false, "no"); kpi.ErrorCode(err) != kpi.ECONFLICT {
		t.Errorf("deciding again: %v, want conflict", err)
	}
	v2, err := a.Propose(ctx, who, app.ProposalInput{Kind: kpi.ProposeTarget, KPI: "won", Employee: "cy", Period: "2025-06", Value: &three, Why: "more"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.DecideProposal(ctx, who, v2.ID, false, ""); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("rejecting without a reason: %v", err)
	}
	if r, err := a.DecideProposal(ctx, who, v2.ID, false, "cy keeps 2"); err != nil || r.Status != kpi.ProposalRejected {
		t.Errorf("reject: %v %+v", err, r)
	}
	ts, err := a.Targets(ctx, who, app.TargetQuery{KPIs: []string{"won"}, Employees: []string{"cy"}, Period: "2025-06"})
	if err != nil || len(ts) != 1 || !ts[0].Value.Equal(decimal.NewFromInt(2)) {
		t.Errorf("a rejected proposal changed cy's target: %v %v", ts, err)
	}
}

// TestProposalDefinitionPreview: a definition proposal's preview (the dry
// run's) is what the values are after it is accepted.
func TestProposalDefinitionPreview(t *testing.T) {
	a, who := apptest.Small(t)
	ctx := context.Background()
	def := `{"name": "won_value", "unit": "money", "currency": "EUR", "direction": "higher", "dataset": "deals", "aggregation": "sum", "expr": "amount", "filter": "stage == \"Won\" && amount >= 150"}`
	v, err := a.Propose(ctx, who, app.ProposalInput{Kind: kpi.ProposeDefinition, KPI: "won_value", Period: "2025-06", Definition: []byte(def), Why: "small deals do not count"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Definition) == 0 {
		t.Fatalf("no preview rows: %+v", v)
	}
	if _, err := a.DecideProposal(ctx, who, v.ID, true, "agreed"); err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Definition {
		vals, err := a.Values(ctx, who, app.ValuesRequest{KPIs: []string{r.KPI}, Units: []string{r.Subject.ID}, Period: r.Period.Label()})
		if err != nil {
			t.Fatal(err)
		}
		if len(vals) != 1 || r.After == nil || !vals[0].Value.Equal(*r.After) {
			t.Errorf("%s of %s in %s: preview %v, after accepting %v", r.KPI, r.Subject.ID, r.Period.Label(), r.After, vals)
		}
	}
}

// TestComments: threads, replies take the thread's subject, resolution.
func TestComments(t *testing.T) {
	a, who := apptest.Small(t)
	ctx := context.Background()
	c, err := a.AddComment(ctx, who, app.CommentInput{Employee: "bob", KPI: "won", Period: "2025-06", Text: "Why only 3?"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := a.AddComment(ctx, who, app.CommentInput{Parent: c.ID, Text: "Two deals slipped to July."})
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != c.Subject || r.KPI != "won" {
		t.Errorf("reply: %+v", r)
	}
	if _, err := a.AddComment(ctx, who, app.CommentInput{Employee: "bob", Period: "2025-06", Text: " "}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("empty comment: %v", err)
	}
	if _, err := a.ResolveComment(ctx, who, r.ID); err != nil {
		t.Fatal(err)
	}
	cs, err := a.Comments(ctx, who, app.MeetingQuery{Unit: "t1", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].ID != c.ID || cs[0].ResolvedAt == nil || cs[1].ID != r.ID {
		t.Errorf("comments of t1: %+v", cs)
	}
	if cs, _ := a.Comments(ctx, who, app.MeetingQuery{Unit: "t2", Period: "2025-06"}); len(cs) != 0 {
		t.Errorf("t2 sees t1's comments: %+v", cs)
	}
}
