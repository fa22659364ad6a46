package web

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// pilotsPageFixture gives the small workspace what the pilot and meeting
// pages show: a bonus plan, a shadow pilot of it in t1 compared with t2 in
// June 2025, a comment and an open proposal.
func pilotsPageFixture(t *testing.T, a *app.App, admin kpi.Actor) {
	t.Helper()
	ctx := context.Background()
	if _, err := a.Apply(ctx, admin, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + matrixPlan)}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreatePilot(ctx, admin, app.PilotInput{Name: "June trial", Unit: "t1", Comparison: "t2", Start: "2025-06-02", End: "2025-06-29", Plan: "reps", Template: "rep", Shadow: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddComment(ctx, admin, app.CommentInput{Employee: "bob", KPI: "won", Period: "2025-06", Text: "Two deals slipped."}); err != nil {
		t.Fatal(err)
	}
	five := decimal.NewFromInt(5)
	if _, err := a.Propose(ctx, admin, app.ProposalInput{Kind: kpi.ProposeTarget, KPI: "won", Employee: "bob", Period: "2025-06", Value: &five, Why: "stretch him"}); err != nil {
		t.Fatal(err)
	}
}
