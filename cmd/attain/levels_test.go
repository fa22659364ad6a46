package main

import (
	"context"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
)

// TestLevelsCLI: ann, head of team 1, runs attain levels through --server:
// a dry run of switching on bob's optional KPI prints the score before and
// after, the change applies, a threshold moved too far waits, cy's team is
// refused (exit 6), and the admin approves the waiting change with attain
// levels decide; attain levels show prints what is in effect.
func TestLevelsCLI(t *testing.T) {
	a, root, tokens, run := smallOnServer(t, apptest.OwnershipYAML())
	ctx := context.Background()
	set := []string{"levels", "scorecard", "--employee", "bob", "--from", "2025-06", "--on", "deals", "--weight", "won_value=20", "--reason", "cli"}
	code, out := run(tokens["ann"], append(set, "--dry-run")...)
	if code != 0 || !strings.Contains(out, "applied") || !strings.Contains(out, "30 → 40") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	if code, out = run(tokens["ann"], set...); code != 0 || !strings.Contains(out, "deals on, won_value weight 30 → 20") {
		t.Fatalf("set: exit %d\n%s", code, out)
	}
	if code, out = run(tokens["ann"], "levels", "scorecard", "--employee", "bob", "--from", "2025-06", "--threshold", "won=70"); code != 0 || !strings.Contains(out, "pending") {
		t.Fatalf("threshold too far: exit %d\n%s", code, out)
	}
	if code, out = run(tokens["ann"], "levels", "scorecard", "--unit", "t2", "--from", "2025-06", "--on", "deals", "--weight", "won_value=20"); code != 6 {
		t.Errorf("team 2: exit %d, want 6\n%s", code, out)
	}
	if code, out = run(tokens["ann"], "levels", "scorecard", "--employee", "bob", "--from", "2025-06", "--weight", "won=x"); code == 0 || !strings.Contains(out, "--weight") {
		t.Errorf("a weight that is no number: exit %d\n%s", code, out)
	}
	code, out = run(tokens["admin"], "levels", "list", "--status", "pending", "--format", "csv")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.Contains(lines[1], "won threshold 80 → 70") {
		t.Fatalf("pending: exit %d\n%s", code, out)
	}
	id, _, _ := strings.Cut(lines[1], ",")
	// People's tokens are all named "people", so each acts as
	// token:people: the admin approves with a token of their own name.
	approver, err := a.CreateToken(ctx, root, app.TokenRequest{Name: "approver", Integration: true})
	if err != nil {
		t.Fatal(err)
	}
	if code, out = run(approver.Secret, "levels", "decide", id, "--approve"); code != 0 || !strings.Contains(out, "approved") {
		t.Errorf("decide: exit %d\n%s", code, out)
	}
	if code, out = run(tokens["ann"], "levels", "show", "--employee", "bob", "--period", "2025-06"); code != 0 || !strings.Contains(out, "deals") || !strings.Contains(out, "mandatory") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
}
