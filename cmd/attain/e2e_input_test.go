package main_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const inputYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Open, Won, Lost]}
      - {name: amount, type: money, non_negative: true}
      - {name: closed_on, type: date}
kpis:
  - {name: won, title: Won, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
`

// newInputWorkspace makes a data directory with the deals dataset, two
// employees and two deals already imported.
func newInputWorkspace(t *testing.T) (db, dir string) {
	t.Helper()
	db, dir = t.TempDir(), t.TempDir()
	write(t, dir, "attain.yaml", inputYAML)
	write(t, dir, "units.csv", "id,name\nco,Company\n")
	write(t, dir, "people.csv", "id,name,unit_id\nann,Ann,co\nbob,Bob,co\n")
	write(t, dir, "good.csv", "id,rep,stage,amount,closed_on\nd1,ann,Won,100.00,2017-06-01\nd2,bob,Lost,50,2017-06-02\n")
	attain(t, db, "apply", "-f", filepath.Join(dir, "attain.yaml"))
	attain(t, db, "org", "import", "--units", filepath.Join(dir, "units.csv"))
	attain(t, db, "org", "import", filepath.Join(dir, "people.csv"))
	attain(t, db, "import", "deals", filepath.Join(dir, "good.csv"))
	return db, dir
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportBadInput feeds the binary broken files: each must fail with the
// file, line, column and reason, and leave the dataset exactly as it was.
func TestImportBadInput(t *testing.T) {
	db, dir := newInputWorkspace(t)
	const header = "id,rep,stage,amount,closed_on\n"
	// A key again 1,000 rows later (the store finds it, in another chunk
	// of the import), and a bad cell after it: both are listed.
	var far strings.Builder
	far.WriteString(header + "d3,ann,Won,1,2017-06-01\n")
	for i := range 1000 {
		fmt.Fprintf(&far, "f%d,ann,Won,1,2017-06-01\n", i)
	}
	far.WriteString("d3,bob,Won,2,2017-06-02\nd9,ann,Won,x,2017-06-01\n")
	for _, tt := range []struct {
		file, content string
		want          []string // all must appear in the error output
	}{
		{"tab.csv", "id\trep\tstage\tamount\tclosed_on\nd3\tann\tWon\t1\t2017-06-01\n", []string{"tab.csv", "tab"}},
		{"missing.csv", "id,stage,amount,closed_on\nd3,Won,1,2017-06-01\n", []string{"missing.csv", "rep"}},
		{"date.csv", header + "d3,ann,Won,1,2017-02-30\n", []string{"date.csv:2", "closed_on", "2017-02-30"}},
		{"negative.csv", header + "d3,ann,Won,-5,2017-06-01\n", []string{"negative.csv:2", "amount", "-5"}},
		{"text.csv", header + "d3,ann,Won,12abc,2017-06-01\n", []string{"text.csv:2", "amount", "12abc"}},
		{"thousands.csv", header + "d3,ann,Won,\"1,200.00\",2017-06-01\n", []string{"thousands.csv:2", "amount", "thousands"}},
		{"dup.csv", header + "d3,ann,Won,1,2017-06-01\nd3,bob,Won,2,2017-06-02\n", []string{"dup.csv:3", "d3", "line 2"}},
		{"dupfar.csv", far.String(), []string{"dupfar.csv:1003", `value "d3": duplicate key, first on line 2`, "dupfar.csv:1004", "amount"}},
		{"owner.csv", header + "d3,zed,Won,1,2017-06-01\n", []string{"owner.csv:2", "zed"}},
		{"stage.csv", header + "d3,ann,won,1,2017-06-01\n", []string{"stage.csv:2", "stage", "won"}},
		{"empty.csv", "", []string{"empty.csv", "empty"}},
		{"late.csv", header + "d3,ann,Won,1,2017-06-01\nd4,ann,Won,x,2017-06-01\n", []string{"late.csv:3", "amount"}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			p := write(t, dir, tt.file, tt.content)
			_, stderr, err := attainErr(db, "import", "deals", p)
			if err == nil {
				t.Fatalf("import succeeded; want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("error output lacks %q:\n%s", w, stderr)
				}
			}
			if _, stderr, _ := attainErr(db, "records", "deals", "--limit", "0"); !strings.Contains(stderr, "2 records in deals") {
				t.Errorf("the dataset changed: %s", stderr)
			}
		})
	}
}

func TestImportSkipInvalid(t *testing.T) {
	db, dir := newInputWorkspace(t)
	p := write(t, dir, "mixed.csv", "id,rep,stage,amount,closed_on\nd3,ann,Won,1,2017-06-01\nd4,zed,Won,2,2017-06-01\nd5,bob,Won,-1,2017-06-01\nd1,ann,Lost,100.00,2017-06-01\nd3,bob,Lost,7.50,2017-06-09\n")
	out := attain(t, db, "import", "deals", p, "--skip-invalid")
	if !strings.Contains(out, "1 created, 1 updated, 0 unchanged, 3 rejected") {
		t.Errorf("import: %s", out)
	}
	// The first d3 is kept; the second is rejected with its values.
	if recs := attain(t, db, "records", "deals", "--key", "d3", "--format", "csv"); !strings.Contains(recs, "ann") || strings.Contains(recs, "bob") {
		t.Errorf("d3 = %s, want the first one", recs)
	}
	rej, err := os.ReadFile(p + ".rejected.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"d4", "zed", "d5", "-1", "6,\"column id value \"\"d3\"\": duplicate key, first on line 2\",d3,bob,Lost,7.50,2017-06-09"} {
		if !strings.Contains(string(rej), w) {
			t.Errorf("rejected file lacks %q:\n%s", w, rej)
		}
	}
}

// TestImportLargeFile imports a large file through the binary, in many
// batches, then re-imports it: the second run must change nothing. The
// file has 25 MB (about 250,000 records) unless ATTAIN_TEST_LARGE_MB asks
// for more.
func TestImportLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("large file: skipped with -short")
	}
	mb := 25
	if v := os.Getenv("ATTAIN_TEST_LARGE_MB"); v != "" {
		var err error
		if mb, err = strconv.Atoi(v); err != nil {
			t.Fatalf("ATTAIN_TEST_LARGE_MB=%q: %v", v, err)
		}
	}
	db, dir := newInputWorkspace(t)
	p := filepath.Join(dir, "big.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,rep,stage,amount,closed_on")
	pad := strings.Repeat("x", 40)
	n := 0
	for size := 0; size < mb<<20; n++ {
		k, _ := fmt.Fprintf(w, "big-%08d-%s,%s,%s,%d.%02d,2017-%02d-%02d\n", n, pad, []string{"ann", "bob"}[n%2], []string{"Won", "Lost", "Open"}[n%3], n%100000, n%100, n%12+1, n%28+1)
		size += k
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if out := attain(t, db, "import", "deals", p); !strings.Contains(out, fmt.Sprintf("%d created", n)) {
		t.Errorf("import: %s", out)
	}
	if out := attain(t, db, "import", "deals", p); !strings.Contains(out, fmt.Sprintf("%d unchanged", n)) {
		t.Errorf("re-import: %s", out)
	}
}
