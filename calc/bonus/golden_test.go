package bonus_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"attain/calc/bonus"
	"attain/kpi"
)

var update = flag.Bool("update", false, "rewrite the golden statements in testdata/")

// TestGolden evaluates every testdata/NAME.plan.yaml on NAME.inputs.yaml
// and compares the text statement with NAME.golden.txt.
func TestGolden(t *testing.T) {
	plans, err := filepath.Glob("testdata/*.plan.yaml")
	if err != nil || len(plans) == 0 {
		t.Fatalf("no plans in testdata: %v", err)
	}
	for _, pf := range plans {
		name := strings.TrimSuffix(filepath.Base(pf), ".plan.yaml")
		t.Run(name, func(t *testing.T) {
			st := evalFiles(t, pf, filepath.Join("testdata", name+".inputs.yaml"))
			var buf bytes.Buffer
			if err := bonus.WriteText(&buf, st); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden.txt")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("statement differs from %s (run with -update after checking):\n%s", golden, got)
			}
			// JSON round trip: the API serves the same statement.
			b, err := json.Marshal(st)
			if err != nil {
				t.Fatal(err)
			}
			var back kpi.Evaluation
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !back.Payout.Equal(st.Payout) || len(back.Lines) != len(st.Lines) {
				t.Errorf("JSON round trip changed the statement")
			}
		})
	}
}

func evalFiles(t *testing.T, planFile, inputsFile string) *kpi.Evaluation {
	t.Helper()
	pb, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	ib, err := os.ReadFile(inputsFile)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := bonus.ParsePlan(planFile, pb)
	if err != nil {
		t.Fatal(err)
	}
	in, err := bonus.ParseInputs(inputsFile, ib)
	if err != nil {
		t.Fatal(err)
	}
	st, err := bonus.Eval(plan, in)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestGoldenFacts pins what the golden files are there to show.
func TestGoldenFacts(t *testing.T) {
	st := evalFiles(t, "testdata/capped.plan.yaml", "testdata/capped.inputs.yaml")
	if l := st.Line("limit.year_cap"); l == nil || !st.Earned.Equal(dec("11750")) {
		t.Errorf("capped: earned %s, want 11750.00 (year cap 50,000 less 38,250 paid)", st.Earned)
	}
	st = evalFiles(t, "testdata/clawback.plan.yaml", "testdata/clawback.inputs.yaml")
	if !st.Recovered.IsPositive() {
		t.Errorf("clawback: nothing recovered")
	}
	st = evalFiles(t, "testdata/ae_monthly.plan.yaml", "testdata/ae_monthly.inputs.yaml")
	if l := st.Line("kpi.won_value"); l == nil || l.KPI == nil || l.KPI.Subject.ID != "e17" || l.KPI.Period.Label() != "2026-03" {
		t.Errorf("KPI line does not name KPI, subject and period: %+v", l)
	}
}
