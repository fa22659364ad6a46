package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecognitionCLI ranks the review workspace's June 2025 by score
// (only days has levels without targets: ann and bob both took a median
// 1.5 days, 125 points each, so they share first place; cy has no deals),
// then awards the first place: provisional, and frozen once June is
// locked.
func TestRecognitionCLI(t *testing.T) {
	db, dir := reviewWorkspace(t)
	yaml := filepath.Join(dir, "awards.yaml")
	if err := os.WriteFile(yaml, []byte(reviewYAML+`
awards:
  rules:
    - {name: top, title: Top of the month, kind: top, n: 1}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	attain(t, db, "apply", "-f", yaml)
	got := attain(t, db, "leaderboard", "--period", "2025-06", "--format", "csv")
	want := "place,medal,subject,name,score,streak,change,note\n1,gold,ann,Ann,125,4,0,\n1,gold,bob,Bob,125,4,1,\n-,,cy,Cy,-,0,-,no value\n"
	if got != want {
		t.Errorf("leaderboard:\n%s\nwant\n%s", got, want)
	}
	awards := func() string {
		t.Helper()
		return attain(t, db, "awards", "--period", "2025-06", "--format", "csv")
	}
	if got := awards(); !strings.Contains(got, "Top of the month,1,ann,Ann,125,1st place on the weighted score: 125.00 points,provisional\n") ||
		!strings.Contains(got, "Top of the month,1,bob,Bob,125,") {
		t.Errorf("awards of open June:\n%s", got)
	}
	attain(t, db, "period", "lock", "2025-06", "--reason", "closed")
	if got := awards(); strings.Count(got, ",frozen\n") != 2 {
		t.Errorf("awards of locked June:\n%s", got)
	}
	if _, stderr, err := attainErr(db, "leaderboard", "--period", "2025-06", "--by", "pets"); err == nil || !strings.Contains(stderr, "by: want people or teams") {
		t.Errorf("--by pets: %v %s", err, stderr)
	}
}
