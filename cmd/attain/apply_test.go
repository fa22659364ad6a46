package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"attain/app"
	"attain/demo"
	"attain/kpi"
)

// TestApplyCLIAndAPIAgree applies the same attain.yaml (datasets, KPIs,
// scorecards, calendar, bonus plans and targets) once with `attain apply`
// and once with PUT /api/v1/definitions, each into a fresh database, and
// checks both leave the same stored state.
func TestApplyCLIAndAPIAgree(t *testing.T) {
	yaml := string(demo.Config) + `
targets:
  - {kpi: won_value, period: 2026-06, unit: sales, value: 90000}
  - {kpi: deals_won, period: 2026-06, employee: ann, value: 12}
`
	dir := t.TempDir()
	file := filepath.Join(dir, "attain.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	units := []*kpi.OrgUnit{{ID: "co", Name: "Co"}, {ID: "sales", Name: "Sales", ParentID: "co"}}
	emps := []*kpi.Employee{{ID: "ann", Name: "Ann", UnitID: "sales", Position: "sales manager"}}

	state := func(m *Main) (defs, targets string) {
		t.Helper()
		who, _, err := m.actor(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		d, err := m.App.Definitions(context.Background(), who)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range d.KPIs {
			k.UpdatedAt = time.Time{}
		}
		for _, ds := range d.Datasets {
			ds.UpdatedAt = time.Time{}
		}
		ts, err := m.App.Targets(context.Background(), who, app.TargetQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for _, x := range ts {
			rows = append(rows, x.KPI+" "+x.Subject.String()+" "+x.Period.Label()+" "+x.Value.String())
		}
		return mustMarshal(t, d), mustMarshal(t, rows)
	}
	// open opens a database with the org in it.
	open := func(name string) *Main {
		m := NewMain()
		m.Stdout, m.Stderr = new(bytes.Buffer), new(bytes.Buffer)
		m.Config.DB = filepath.Join(dir, name)
		who, _, err := m.actor(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		if _, err := m.App.ImportOrg(context.Background(), who, units, emps); err != nil {
			t.Fatal(err)
		}
		return m
	}

	cli := open("cli.db")
	if err := cli.Run(context.Background(), []string{"apply", "-f", file, "--reason", "same"}); err != nil {
		t.Fatalf("attain apply: %v\n%s", err, cli.Stderr)
	}
	cli = open("cli.db")

	api := open("api.db")
	serveMain(t, api).must("PUT", "/api/v1/definitions?reason=same", "application/yaml", yaml, 200)

	cliDefs, cliTargets := state(cli)
	apiDefs, apiTargets := state(api)
	if cliDefs != apiDefs {
		t.Errorf("definitions differ:\nCLI %s\nAPI %s", cliDefs, apiDefs)
	}
	if want := `["deals_won employee:ann 2026-06 12","won_value unit:sales 2026-06 90000"]`; cliTargets != want {
		t.Errorf("targets applied by the CLI: %s, want %s", cliTargets, want)
	}
	if cliTargets != apiTargets {
		t.Errorf("targets differ:\nCLI %s\nAPI %s", cliTargets, apiTargets)
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
