package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"attain/demo"
	"attain/kpi"
)

// TestStrategyCLI applies objectives with attain apply, prints them with
// attain strategy, and lists and applies library entries, a wrong mapping
// named in the error.
func TestStrategyCLI(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "attain.yaml")
	// The demo's scorecard items name its objectives; this file has others.
	yaml := regexp.MustCompile(`, objective: [a-z-]+`).ReplaceAllString(string(demo.Config), "") + `
objectives:
  - id: grow
    title: Grow
    period: 2026
    measures:
      - {kpi: won_value, target: 1000000, weight: 1}
functions:
  sales: sales
`
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	m := NewMain()
	out := new(bytes.Buffer)
	m.Stdout, m.Stderr = out, new(bytes.Buffer)
	m.Config.DB = filepath.Join(dir, "attain.db")
	t.Cleanup(func() { m.Close() })
	who, _, err := m.actor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.App.ImportOrg(context.Background(), who, []*kpi.OrgUnit{{ID: "co", Name: "Co", Kind: "company"}, {ID: "sales", Name: "Sales", ParentID: "co"}}, nil); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		t.Helper()
		out.Reset()
		err := m.Run(context.Background(), args)
		return out.String(), err
	}
	if got, err := run("apply", "-f", file); err != nil || !strings.Contains(got, "objective") || !strings.Contains(got, "grow") {
		t.Fatalf("apply: %v\n%s", err, got)
	}
	got, err := run("strategy", "--period", "2026")
	if err != nil || !strings.Contains(got, "grow") || !strings.Contains(got, "uncarried") {
		t.Errorf("strategy: %v\n%s", err, got)
	}
	if got, err := run("library", "list", "--function", "order_processing"); err != nil || !strings.Contains(got, "order-processing-manager") || strings.Contains(got, "sales-pipeline") {
		t.Errorf("library list: %v\n%s", err, got)
	}
	if got, err := run("library", "apply", "order-processing-manager", "--position", "processing lead"); err != nil || !strings.Contains(got, "on_time_share") {
		t.Errorf("library apply: %v\n%s", err, got)
	}
	_, err = run("library", "apply", "sales-pipeline", "--map", "stage=phase")
	if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(detailText(err), `no column "phase"`) {
		t.Errorf("a wrong mapping: %v", err)
	}
	if got, err := run("library", "show", "sales-pipeline"); err != nil || !strings.Contains(got, "values of stage: Won, Lost") ||
		!strings.Contains(got, `count of deals where stage == "Won" by closed_at`) || !strings.Contains(got, "Scorecard template sales-pipeline") {
		t.Errorf("library show: %v\n%s", err, got)
	}
	_, err = run("library", "apply", "sales-pipeline", "--map-value", "stage:Wonn=Closed Won", "--dry-run")
	if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(detailText(err), `stage: entry sales-pipeline relies on the values Won, Lost of stage, not "Wonn"`) {
		t.Errorf("a wrong value mapping: %v\n%s", err, detailText(err))
	}
	// The demo's stage column lists its values: Closed Won is not one.
	_, err = run("library", "apply", "sales-pipeline", "--map-value", "stage:Won=Closed Won|Won", "--dry-run")
	if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(detailText(err), `deals.stage: the entry's stage value Won would be "Closed Won", but column stage of deals allows only Prospecting, Engaging, Won, Lost`) {
		t.Errorf("a value the column does not allow: %v\n%s", err, detailText(err))
	}
}

func detailText(err error) string {
	e, ok := err.(*kpi.Error)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, p := range e.Details {
		b.WriteString(p.Column + ": " + p.Reason + "\n")
	}
	return b.String()
}
