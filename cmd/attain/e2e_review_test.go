package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// reviewYAML is the workspace of the review tests (see review/review_test.go):
// deals won or lost; won (count), won_value (sum), days (median, lower is
// better); Whit Monday 9 June 2025 a holiday; the "rep" scorecard: won 40 %
// and won_value 30 % against the person's target (80 %/120 %), days 30 %
// fixed at 3/2/1.
const reviewYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Won, Lost]}
      - {name: amount, type: money}
      - {name: closed_on, type: date}
      - {name: days, type: decimal, scale: 1}
kpis:
  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: won_value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
  - {name: days, unit: duration, time_unit: days, direction: lower, dataset: deals, aggregation: median, expr: days, filter: 'stage == "Won"'}
calendar:
  holidays:
    - {date: 2025-06-09, name: Whit Monday}
scorecards:
  - name: rep
    position: rep
    items:
      - {kpi: won, weight: 40, basis: plan, threshold: 80, stretch: 120}
      - {kpi: won_value, weight: 30, basis: plan, threshold: 80, stretch: 120, curve: {kind: capped}}
      - {kpi: days, weight: 30, basis: fixed, threshold: 3, target: 2, stretch: 1}
`

// reviewWorkspace loads, through the binary, co → sales → t1 (ann, bob),
// t2 (cy, and eve, an intern without a template); ann manages the others.
// Deals: ann won 10, 12 and 15 in March–May 2025, and in June 9 worth
// 8 × 100 + 300 closed in 1.0 1.0 1.2 1.4 1.5 2.0 2.0 2.5 3.0 days (median
// 1.5) and lost one; bob won 12, 11, 10 in March–May and 7 in June, 2 of
// them on 10 June and 5 on 20 June, each worth 100 in 1.5 days.
func reviewWorkspace(t *testing.T) (db, dir string) {
	t.Helper()
	db, dir = t.TempDir(), t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	attain(t, db, "apply", "-f", write("attain.yaml", reviewYAML))
	attain(t, db, "org", "import", "--units", write("units.csv", "id,name,kind,parent_id\nco,Acme,company,\nsales,Sales,department,co\nt1,Team 1,team,sales\nt2,Team 2,team,sales\n"))
	attain(t, db, "org", "import", write("employees.csv", "id,name,unit_id,manager_id,position\nann,Ann,t1,,rep\nbob,Bob,t1,ann,rep\ncy,Cy,t2,ann,rep\neve,Eve,t2,ann,intern\n"))

	var b strings.Builder
	b.WriteString("id,rep,stage,amount,closed_on,days\n")
	n := 0
	row := func(rep, stage, amount, day, days string) {
		n++
		fmt.Fprintf(&b, "d%03d,%s,%s,%s,%s,%s\n", n, rep, stage, amount, day, days)
	}
	for m, k := range []int{10, 12, 15} {
		for range k {
			row("ann", "Won", "10", fmt.Sprintf("2025-%02d-05", m+3), "1")
		}
	}
	for i, d := range []string{"1.0", "1.0", "1.2", "1.4", "1.5", "2.0", "2.0", "2.5"} {
		row("ann", "Won", "100", fmt.Sprintf("2025-06-%02d", 2+i), d)
	}
	row("ann", "Won", "300", "2025-06-30", "3.0")
	row("ann", "Lost", "500", "2025-06-30", "9.0")
	for m, k := range []int{12, 11, 10} {
		for range k {
			row("bob", "Won", "100", fmt.Sprintf("2025-%02d-05", m+3), "1.5")
		}
	}
	for _, day := range []string{"10", "10", "20", "20", "20", "20", "20"} {
		row("bob", "Won", "100", "2025-06-"+day, "1.5")
	}
	attain(t, db, "import", "deals", write("deals.csv", b.String()))
	return db, dir
}

// cli is who the binary records as the actor.
func cli() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli:unknown"
}

func TestTargetsCLI(t *testing.T) {
	db, dir := reviewWorkspace(t)
	list := func() string {
		t.Helper()
		return attain(t, db, "target", "list", "--format", "csv")
	}

	t.Run("SetChangeHistory", func(t *testing.T) {
		attain(t, db, "target", "set", "won", "10", "--employee", "ann", "--period", "2025-06")
		before := list()
		_, stderr, err := attainErr(db, "target", "set", "won", "11", "--employee", "ann", "--period", "2025-06")
		if err == nil || !strings.Contains(stderr, "reason") {
			t.Fatalf("a change without a reason: err %v, stderr %q; want it refused asking for a reason", err, stderr)
		}
		if got := list(); got != before {
			t.Errorf("the refused change wrote:\n%s\nwant\n%s", got, before)
		}
		attain(t, db, "target", "set", "won", "11", "--employee", "ann", "--period", "2025-06", "--reason", "new territory")
		got := attain(t, db, "target", "history", "--kpi", "won", "--employee", "ann", "--format", "csv")
		lines := strings.Split(strings.TrimSpace(got), "\n")
		var rows []string
		for _, l := range lines[1:] {
			f := strings.Split(l, ",")
			rows = append(rows, strings.Join(f[1:], ","))
		}
		want := []string{
			cli() + ",won,employee,ann,2025-06,-,10,",
			cli() + ",won,employee,ann,2025-06,10,11,new territory",
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("history:\n%s\nwant (after the time)\n%s", got, strings.Join(want, "\n"))
		}
	})

	t.Run("ErrUnknownSubject", func(t *testing.T) {
		_, stderr, err := attainErr(db, "target", "set", "won", "5", "--employee", "zed", "--period", "2025-06")
		if err == nil || !strings.Contains(stderr, `no employee "zed"`) {
			t.Errorf("err %v, stderr %q; want it refused naming zed", err, stderr)
		}
	})

	t.Run("ImportCSV", func(t *testing.T) {
		before := list()
		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte("kpi,employee,period,value\nwon,bob,2025-06,8\nwon,cy,2025-06,lots\n"), 0o644)
		_, stderr, err := attainErr(db, "target", "import", bad)
		if err == nil || !strings.Contains(stderr, `bad.csv:3: column value value "lots"`) || !strings.Contains(stderr, "nothing was imported") {
			t.Fatalf("err %v, stderr %q; want bad.csv:3, column value, nothing imported", err, stderr)
		}
		if got := list(); got != before {
			t.Errorf("the bad file wrote:\n%s\nwant nothing new:\n%s", got, before)
		}
		good := filepath.Join(dir, "good.csv")
		os.WriteFile(good, []byte("kpi,employee,unit,period,value\nwon,bob,,2025-06,8\nwon,cy,,2025-06,5\nwon,,t1,2025-06,20\n"), 0o644)
		if got, want := attain(t, db, "target", "import", good), "3 target(s) in the file; 3 stored now.\n"; got != want {
			t.Errorf("import = %q, want %q", got, want)
		}
		if got := attain(t, db, "target", "list", "--unit", "t1", "--format", "csv"); !strings.Contains(got, "won,unit,t1,2025-06,20,1,") {
			t.Errorf("t1's target not stored:\n%s", got)
		}
	})

	t.Run("ImportXLSX", func(t *testing.T) {
		write := func(name string, rows [][]any) string {
			t.Helper()
			f := excelize.NewFile()
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
					t.Fatal(err)
				}
			}
			p := filepath.Join(dir, name)
			if err := f.SaveAs(p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		before := list()
		bad := write("bad.xlsx", [][]any{{"kpi", "employee", "period", "value"}, {"won", "ann", "2025-07", 12}, {"won", "bob", "2025-13", 9}})
		_, stderr, err := attainErr(db, "target", "import", bad)
		if err == nil || !strings.Contains(stderr, `bad.xlsx:3: column period value "2025-13"`) || !strings.Contains(stderr, "nothing was imported") {
			t.Fatalf("err %v, stderr %q; want bad.xlsx:3, column period, nothing imported", err, stderr)
		}
		if got := list(); got != before {
			t.Errorf("the bad workbook wrote:\n%s", got)
		}
		good := write("good.xlsx", [][]any{{"kpi", "employee", "period", "value"}, {"won", "ann", "2025-07", 12}, {"won_value", "ann", "2025-06", 1000}})
		attain(t, db, "target", "import", good)
		if got := attain(t, db, "target", "list", "--employee", "ann", "--period", "2025-07", "--format", "csv"); !strings.Contains(got, "won,employee,ann,2025-07,12,1,") {
			t.Errorf("ann's July target not stored:\n%s", got)
		}
	})

	t.Run("Lock", func(t *testing.T) {
		attain(t, db, "target", "set", "won", "9", "--employee", "bob", "--period", "2025-05")
		attain(t, db, "period", "lock", "2025-05", "--reason", "May closed")
		before := list()
		_, stderr, err := attainErr(db, "target", "set", "won", "7", "--employee", "bob", "--period", "2025-05", "--reason", "too high")
		if err == nil || !strings.Contains(stderr, "lock") {
			t.Fatalf("a change in a locked period: err %v, stderr %q; want it refused", err, stderr)
		}
		if got := list(); got != before {
			t.Errorf("the refused change wrote:\n%s", got)
		}
		if _, _, err := attainErr(db, "period", "reopen", "2025-05"); err == nil {
			t.Errorf("reopened without a reason")
		}
		attain(t, db, "period", "reopen", "2025-05", "--reason", "correction approved")
		attain(t, db, "target", "set", "won", "7", "--employee", "bob", "--period", "2025-05", "--reason", "too high")
		if got := attain(t, db, "target", "list", "--employee", "bob", "--period", "2025-05", "--format", "csv"); !strings.Contains(got, "won,employee,bob,2025-05,7,2,") {
			t.Errorf("bob's May target after reopening:\n%s", got)
		}
	})

	// ann's won in March–May: 10, 12, 15: median 12 × 1.1 = 13.20.
	t.Run("ProposeApply", func(t *testing.T) {
		// eve has no records: no proposal, and nothing to apply.
		out := attain(t, db, "target", "propose", "won", "--period", "2025-06", "--method", "median", "--employee", "eve", "--format", "csv")
		if !strings.Contains(out, "won,employee,eve,2025-06,-,No proposal: no values in 2025-03..2025-05.") {
			t.Errorf("eve's proposal:\n%s", out)
		}
		out = attain(t, db, "target", "propose", "won", "--period", "2025-06", "--method", "median", "--growth", "1.1", "--employee", "ann", "--format", "csv")
		if !strings.Contains(out, `won,employee,ann,2025-06,13.2,"median of 2025-03..2025-05 (10, 12, 15) = 12, × 1.1 = 13.20"`) {
			t.Errorf("proposal:\n%s", out)
		}
		attain(t, db, "target", "propose", "won", "--period", "2025-06", "--method", "median", "--growth", "1.1", "--employee", "ann", "--apply", "--reason", "from history")
		if got := attain(t, db, "target", "list", "--employee", "ann", "--kpi", "won", "--period", "2025-06", "--format", "csv"); !strings.Contains(got, "won,employee,ann,2025-06,13.2,") {
			t.Errorf("proposal not applied:\n%s", got)
		}
	})
}

// cardJSON is the part of `scorecard --format json` the tests read.
type cardJSON struct {
	Total string
	Items []struct {
		KPI    string
		Actual string
		Target string
		Score  string
	}
}

func scorecard(t *testing.T, db string, args ...string) cardJSON {
	t.Helper()
	var c cardJSON
	mustJSON(t, attain(t, db, append([]string{"scorecard", "--format", "json"}, args...)...), &c)
	return c
}

func TestScorecardCLI(t *testing.T) {
	db, dir := reviewWorkspace(t)
	attain(t, db, "target", "set", "won", "10", "--employee", "ann", "--period", "2025-06")
	attain(t, db, "target", "set", "won_value", "1000", "--employee", "ann", "--period", "2025-06")
	attain(t, db, "target", "set", "won", "10", "--employee", "bob", "--period", "2025-05")
	attain(t, db, "target", "set", "won", "10", "--employee", "bob", "--period", "2025-06")

	// ann's June: won 9 of 10: 75 (× 40); won_value 1100 of 1000 capped:
	// 110 (× 30); days median 1.5 on 3/2/1: 125 (× 30):
	// (3000 + 3300 + 3750) / 100 = 100.50.
	t.Run("Employee", func(t *testing.T) {
		c := scorecard(t, db, "ann", "--period", "2025-06")
		var got []string
		for _, it := range c.Items {
			got = append(got, it.KPI+" "+it.Actual+"/"+it.Target+" "+it.Score)
		}
		if got, want := fmt.Sprint(got, " ", c.Total), "[won 9/10 75 won_value 1100/1000 110 days 1.5/2 125] 100.5"; got != want {
			t.Errorf("ann's June = %s, want %s", got, want)
		}
		out := attain(t, db, "scorecard", "ann", "--period", "2025-06")
		if !strings.Contains(out, "Total score: 100.5  ((40 × 75.00 + 30 × 110.00 + 30 × 125.00) / 100 = 100.50)") {
			t.Errorf("table output:\n%s", out)
		}
	})

	t.Run("XLSX", func(t *testing.T) {
		file := filepath.Join(dir, "t1.xlsx")
		if got, want := attain(t, db, "scorecard", "--unit", "t1", "--period", "2025-06", "--xlsx", file), "Wrote 3 scorecard(s) to "+file+".\n"; got != want {
			t.Errorf("export = %q, want %q", got, want)
		}
		x, err := excelize.OpenFile(file)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("Summary")
		if err != nil {
			t.Fatal(err)
		}
		total := ""
		for _, r := range rows {
			if len(r) > 4 && r[0] == "ann" {
				total = r[4]
			}
		}
		if got, want := total, "100.50"; got != want {
			t.Errorf("ann's total in the workbook = %q, want %q", got, want)
		}
	})

	// bob's won: 12, 11, 10, 7 (3 declines; May 10 ≥ 8, June 7 < 8: fell
	// below threshold): 4 + 2; won_value 1200, 1100, 1000, 700: declining,
	// 2. 8 points. cy has nothing; eve has no template.
	t.Run("Attention", func(t *testing.T) {
		out, stderr, err := attainErr(db, "attention", "--manager", "ann", "--period", "2025-06", "--format", "csv")
		if err != nil {
			t.Fatal(err, stderr)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		want := `bob,8,"won: fell below the threshold in 2025-06, after 2025-05 was not (10 → 7 (-3, -30.0 %)); won: declined 3 periods in a row to 2025-06; won_value: declined 3 periods in a row to 2025-06"`
		if len(lines) != 2 || lines[1] != want {
			t.Errorf("attention:\n%s\nwant one row:\n%s", out, want)
		}
		if !strings.Contains(stderr, `skipped eve: No scorecard template for the position "intern"`) {
			t.Errorf("stderr = %q, want eve skipped with the reason", stderr)
		}
	})

	// bob moves to t2 from 16 June: his 2 deals of the 10th stay with t1
	// (9 + 2 = 11), the 5 of the 20th count for t2.
	t.Run("TeamChange", func(t *testing.T) {
		attain(t, db, "org", "set-employee", "bob", "--unit", "t2", "--unit-from", "2025-06-16")
		for _, tt := range []struct{ unit, want string }{{"t1", "11"}, {"t2", "5"}} {
			if got := scorecard(t, db, "--unit", tt.unit, "--period", "2025-06").Items[0].Actual; got != tt.want {
				t.Errorf("%s won in June = %s, want %s", tt.unit, got, tt.want)
			}
		}
		if got, want := scorecard(t, db, "--unit", "t1", "--period", "2025-05").Items[0].Actual, "25"; got != want {
			t.Errorf("t1 won in May = %s, want %s (ann 15 + bob 10)", got, want)
		}
	})

	// won counts lost deals too from 1 June: ann's June 9 + 1 lost = 10,
	// May stays 15.
	t.Run("EffectiveKPIChange", func(t *testing.T) {
		changed := strings.Replace(reviewYAML, `filter: 'stage == "Won"'}`, `filter: 'stage == "Won" or stage == "Lost"'}`, 1)
		file := filepath.Join(dir, "changed.yaml")
		os.WriteFile(file, []byte(changed), 0o644)
		won := func(p string) string { return scorecard(t, db, "ann", "--period", p).Items[0].Actual }

		attain(t, db, "apply", "-f", file, "--effective", "2025-06-01", "--dry-run")
		if got, want := won("2025-06")+" "+won("2025-05"), "9 15"; got != want {
			t.Errorf("after a dry run, June and May won = %s, want %s", got, want)
		}
		attain(t, db, "apply", "-f", file, "--effective", "2025-06-01", "--reason", "lost deals count")
		if got, want := won("2025-06")+" "+won("2025-05"), "10 15"; got != want {
			t.Errorf("after the change, June and May won = %s, want %s", got, want)
		}
	})
}
