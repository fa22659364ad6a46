package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
	"attain/kpitest"
	"attain/web"
)

// TestCLIOnServer runs the everyday commands with --server against a real
// server of the small workspace, as each kind of person, and checks who
// gets an answer and who is refused (exit 6): the server's policy decides,
// as for every API call. An admin's answers equal those of the command
// line on the database itself.
func TestCLIOnServer(t *testing.T) {
	plan := "\nbonus_plans:\n  - name: reps\n    plan:\n      currency: EUR\n      components:\n        - {id: commission, kind: commission, kpi: won_value, rate: 10}\n    assign:\n      - {position: rep}\n"
	a, root, tokens, run := smallOnServer(t, apptest.SmallYAML+plan)
	ctx := context.Background()
	csv := filepath.Join(t.TempDir(), "more.csv")
	if err := os.WriteFile(csv, []byte("id,rep,stage,amount,closed_on,days\nd8,cy,Won,70,2025-06-29,1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	everyone := []string{"admin", "finance", "auditor", "bob", "cy", "ann", "dan"}
	ofBob := []string{"admin", "finance", "auditor", "bob", "ann"}
	for _, c := range []struct {
		args    []string
		allowed []string
	}{
		{[]string{"kpi", "values", "--employee", "bob", "--period", "2025-06"}, ofBob},
		{[]string{"kpi", "explain", "won", "--employee", "bob", "--period", "2025-06"}, ofBob},
		{[]string{"scorecard", "bob", "--period", "2025-06"}, ofBob},
		{[]string{"scorecard", "--unit", "t1", "--period", "2025-06"}, []string{"admin", "finance", "auditor", "ann"}},
		{[]string{"attention", "--manager", "ann", "--period", "2025-06"}, []string{"admin", "finance", "auditor", "ann"}},
		{[]string{"target", "list", "--employee", "bob"}, ofBob},
		{[]string{"statement", "show", "bob", "--period", "2025-06"}, ofBob},
		{[]string{"payouts", "--period", "2025-06"}, []string{"admin", "finance", "auditor"}},
		{[]string{"org", "units"}, everyone},
		{[]string{"kpi", "list"}, everyone},
		{[]string{"import", "deals", csv}, []string{"admin"}},
	} {
		for _, name := range everyone {
			code, out := run(tokens[name], c.args...)
			want := slices.Contains(c.allowed, name)
			if (code == 0) != want || (!want && code != 6) {
				t.Errorf("attain --server %v as %s: exit %d, want allowed %v:\n%s", c.args, name, code, want, out)
			}
		}
	}
	// The admin's answer on the server is the use case's answer on the
	// database itself, to the digit.
	code, out := run(tokens["admin"], "kpi", "values", "--period", "2025-06", "--format", "json")
	vals, err := a.Values(ctx, root, app.ValuesRequest{Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := writeJSON(&want, vals); err != nil {
		t.Fatal(err)
	}
	if code != 0 || out != want.String() {
		t.Errorf("kpi values on the server:\n%s\nwant:\n%s", out, want.String())
	}
}

// smallOnServer is the small workspace with doc applied and its people's
// tokens, served by a real server; run runs a command line against it
// with --server and a token, and returns its exit code and output.
func smallOnServer(t *testing.T, doc string) (*app.App, kpi.Actor, map[string]string, func(token string, args ...string) (int, string)) {
	t.Helper()
	a, root := apptest.SmallOn(t, kpitest.MustOpenDB(t))
	ctx := context.Background()
	if _, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(doc)}); err != nil {
		t.Fatal(err)
	}
	tokens := apptest.People(t, a, root)
	srv := httptest.NewServer((&web.Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	run := func(token string, args ...string) (int, string) {
		m := NewMain()
		var out, errOut bytes.Buffer
		m.Stdout, m.Stderr = &out, &errOut
		err := m.Run(ctx, append([]string{"--server", srv.URL, "--token", token}, args...))
		var shown bytes.Buffer
		return report(&shown, err), out.String() + shown.String()
	}
	return a, root, tokens, run
}
