package main_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// binary is the attain binary built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "attain-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "attain")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build attain: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// attain runs the binary against a data directory and returns stdout; a
// failure ends the test with stderr.
func attain(t *testing.T, db string, args ...string) string {
	t.Helper()
	out, stderr, err := attainErr(db, args...)
	if err != nil {
		t.Fatalf("attain %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return out
}

func attainErr(db string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(binary, append([]string{"--db", db, "--log-level", "warn"}, args...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.Env = append(os.Environ(), "ATTAIN_DB=", "ATTAIN_WORKSPACE=")
	err = cmd.Run()
	return o.String(), e.String(), err
}

const mavenDir = "../../../shared/datasets/maven-crm-sales-opportunities"

// TestMavenEndToEnd imports the public CRM dataset through the real binary
// and checks every KPI for every agent, team (manager), office and the
// company, per month of 2017, against an independent computation over the
// raw CSV in this test.
func TestMavenEndToEnd(t *testing.T) {
	if _, err := os.Stat(mavenDir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs the public CRM dataset at %s: %v", mavenDir, err)
		}
		t.Skipf("dataset not found at %s (CI fails here)", mavenDir)
	}
	db := t.TempDir()
	attain(t, db, "org", "import", filepath.Join(mavenDir, "sales_teams.csv"),
		"--id-column", "sales_agent", "--name-column", "sales_agent",
		"--unit-path", "regional_office,manager", "--root", "MavenTech")
	attain(t, db, "apply", "-f", "../../examples/maven/attain.yaml")
	if out := attain(t, db, "apply", "-f", "../../examples/maven/attain.yaml"); !strings.Contains(out, "No changes") {
		t.Errorf("second apply changed something:\n%s", out)
	}
	out := attain(t, db, "import", "deals", filepath.Join(mavenDir, "sales_pipeline.csv"))
	if !strings.Contains(out, "8800 created") {
		t.Errorf("import: %s", out)
	}
	if out := attain(t, db, "import", "deals", filepath.Join(mavenDir, "sales_pipeline.csv")); !strings.Contains(out, "8800 unchanged") {
		t.Errorf("re-import should change nothing: %s", out)
	}

	// Where each agent sits, from the org the binary imported.
	var units []struct{ ID, Name, Kind, Parent_ID string }
	mustJSON(t, attain(t, db, "org", "units", "--format", "json"), &units)
	var emps []struct{ ID, Unit_ID string }
	mustJSON(t, attain(t, db, "org", "employees", "--format", "json"), &emps)
	parent := map[string]string{}
	for _, u := range units {
		parent[u.ID] = u.Parent_ID
	}
	unitsOf := map[string][]string{} // agent → the units it counts for, bottom up
	for _, e := range emps {
		for u := e.Unit_ID; u != ""; u = parent[u] {
			unitsOf[e.ID] = append(unitsOf[e.ID], u)
		}
	}
	if got := len(units); got != 1+3+6 {
		t.Fatalf("units = %d, want 10 (company, 3 offices, 6 managers)", got)
	}

	want := expectedMaven(t, unitsOf)
	var got []struct {
		KPI     string
		Subject struct{ Kind, ID string }
		Period  struct{ From string }
		Value   string
		Null    bool
		Records int
	}
	mustJSON(t, attain(t, db, "kpi", "values", "--grain", "month", "--from", "2017-01-01", "--to", "2017-12-31", "--format", "json"), &got)
	seen := 0
	for _, v := range got {
		k := mavenKey{v.KPI, v.Subject.Kind + ":" + v.Subject.ID, v.Period.From[:7]}
		w, ok := want[k]
		if !ok {
			continue // KPIs the example defines beyond the six checked here
		}
		seen++
		gotVal := v.Value
		if v.Null {
			gotVal = "null"
		}
		if gotVal != w {
			t.Errorf("%v = %s, want %s", k, gotVal, w)
		}
	}
	if seen != len(want) {
		t.Errorf("compared %d values, want %d (every KPI × subject × month)", seen, len(want))
	}

	// Explain lists exactly the records behind a value.
	var ex struct {
		Value   struct{ Value string }
		Records []struct{ Key string }
	}
	mustJSON(t, attain(t, db, "kpi", "explain", "won_deals", "--employee", "Darcel Schlecht", "--period", "2017-03", "--format", "json"), &ex)
	if n := fmt.Sprint(len(ex.Records)); n != ex.Value.Value || n != want[mavenKey{"won_deals", "employee:Darcel Schlecht", "2017-03"}] {
		t.Errorf("explain lists %s records for a value of %s", n, ex.Value.Value)
	}
}

type mavenKey struct{ kpi, subject, month string }

// expectedMaven computes the example's KPIs from the raw CSV, independently
// of Attain: plain loops, decimal arithmetic, the documented rounding (avg to
// 6 places, ratios to 10, half-even).
func expectedMaven(t *testing.T, unitsOf map[string][]string) map[mavenKey]string {
	t.Helper()
	f, err := os.Open(filepath.Join(mavenDir, "sales_pipeline.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type acc struct {
		won, lost int
		wonValue  decimal.Decimal
		days      []int
	}
	groups := map[[2]string]*acc{} // subject, month
	for _, r := range rows[1:] {
		agent, stage, engage, closeDate, value := r[1], r[4], r[5], r[6], r[7]
		if closeDate == "" {
			continue // open deals are dated by close_date, so belong to no month
		}
		subjects := []string{"employee:" + agent}
		for _, u := range unitsOf[agent] {
			subjects = append(subjects, "unit:"+u)
		}
		for _, s := range subjects {
			k := [2]string{s, closeDate[:7]}
			a := groups[k]
			if a == nil {
				a = &acc{}
				groups[k] = a
			}
			switch stage {
			case "Won":
				a.won++
				a.wonValue = a.wonValue.Add(decimal.RequireFromString(value))
			case "Lost":
				a.lost++
			}
			if stage == "Won" || stage == "Lost" {
				e, _ := time.Parse("2006-01-02", engage)
				c, _ := time.Parse("2006-01-02", closeDate)
				a.days = append(a.days, int(c.Sub(e).Hours()/24))
			}
		}
	}
	want := map[mavenKey]string{}
	var subjects []string
	for agent, us := range unitsOf {
		subjects = append(subjects, "employee:"+agent)
		for _, u := range us {
			subjects = append(subjects, "unit:"+u)
		}
	}
	slices.Sort(subjects)
	subjects = slices.Compact(subjects)
	for _, s := range subjects {
		for m := 1; m <= 12; m++ {
			month := fmt.Sprintf("2017-%02d", m)
			a := groups[[2]string{s, month}]
			if a == nil {
				a = &acc{}
			}
			put := func(name, v string) { want[mavenKey{name, s, month}] = v }
			put("won_deals", fmt.Sprint(a.won))
			put("lost_deals", fmt.Sprint(a.lost))
			put("won_value", a.wonValue.String())
			if a.won+a.lost == 0 {
				put("win_rate", "null")
			} else {
				put("win_rate", divHalfEven(decimal.NewFromInt(int64(a.won)), decimal.NewFromInt(int64(a.won+a.lost)), 10))
			}
			if a.won == 0 {
				put("avg_won_deal_size", "null")
			} else {
				put("avg_won_deal_size", divHalfEven(a.wonValue, decimal.NewFromInt(int64(a.won)), 6))
			}
			if len(a.days) == 0 {
				put("median_days_engage_to_close", "null")
			} else {
				d := slices.Clone(a.days)
				slices.Sort(d)
				n := len(d)
				med := decimal.NewFromInt(int64(d[n/2]))
				if n%2 == 0 {
					med = decimal.NewFromInt(int64(d[n/2-1] + d[n/2])).Div(decimal.NewFromInt(2))
				}
				put("median_days_engage_to_close", med.String())
			}
		}
	}
	return want
}

// divHalfEven is p/q rounded half to even at the given places, computed
// with exact rationals, written in its shortest form.
func divHalfEven(p, q decimal.Decimal, places int32) string {
	r := new(big.Rat).Quo(p.Rat(), q.Rat())
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)))
	quo, rem := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	twice := new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2))
	if c := twice.Cmp(r.Denom()); c > 0 || (c == 0 && quo.Bit(0) == 1) {
		quo.Add(quo, big.NewInt(int64(r.Sign())))
	}
	return decimal.NewFromBigInt(quo, -places).String()
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decode %q...: %v", s[:min(len(s), 200)], err)
	}
}

// TestBonusEvalCLI runs `attain bonus eval` on the bonus package's worked
// cases: the binary must print exactly their golden statements.
func TestBonusEvalCLI(t *testing.T) {
	plans, err := filepath.Glob("../../calc/bonus/testdata/*.plan.yaml")
	if err != nil || len(plans) < 3 {
		t.Fatalf("plans: %v %v", plans, err)
	}
	for _, pf := range plans {
		name := strings.TrimSuffix(filepath.Base(pf), ".plan.yaml")
		dir := "../../calc/bonus/testdata/"
		got := attain(t, t.TempDir(), "bonus", "eval", "--plan", dir+name+".plan.yaml", "--inputs", dir+name+".inputs.yaml")
		want, err := os.ReadFile(dir + name + ".golden.txt")
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s: statement differs from %s.golden.txt:\n%s", name, name, got)
		}
	}
}
