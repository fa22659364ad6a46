package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCSVOutputFormulaInjection: --format csv writes cells a spreadsheet
// would run as formulas with a quote in front; a negative amount stays a
// number. JSON output keeps the data as it is.
func TestCSVOutputFormulaInjection(t *testing.T) {
	db, dir := t.TempDir(), t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	attain(t, db, "apply", "-f", write("attain.yaml", `
datasets:
  - name: notes
    key: id
    owner: rep
    time_columns: [day]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: note, type: string}
      - {name: amount, type: money}
      - {name: day, type: date}
kpis:
  - {name: n, unit: count, direction: higher, dataset: notes, aggregation: count}
`))
	attain(t, db, "org", "import", "--units", write("units.csv", "id,name,kind,parent_id\nco,=1+1,company,\n"))
	attain(t, db, "org", "import", write("employees.csv", "id,name,unit_id\nann,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",co\n"))
	attain(t, db, "import", "notes", write("notes.csv", "id,rep,note,amount,day\n"+
		"a,ann,@SUM(A1:A9),-120.50,2026-06-01\n"+
		"b,ann,-2+3,+7,2026-06-02\n"+
		"c,ann,-,,2026-06-03\n"))

	if got, want := attain(t, db, "org", "units", "--format", "csv"), "id,name,kind,parent_id,head_id\nco,'=1+1,company,,\n"; got != want {
		t.Errorf("org units:\n%s\nwant:\n%s", got, want)
	}
	if got, want := attain(t, db, "org", "employees", "--format", "csv"),
		"ann,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",,co,"; !strings.Contains(got, want) {
		t.Errorf("org employees:\n%s\nwant a row starting %s", got, want)
	}
	got := attain(t, db, "records", "notes", "--format", "csv")
	for _, want := range []string{"a,ann,'@SUM(A1:A9),-120.50,2026-06-01\n", "b,ann,'-2+3,7.00,2026-06-02\n", "c,ann,-,,2026-06-03\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("records:\n%s\nwant a row %q", got, want)
		}
	}
	if got := attain(t, db, "records", "notes", "--format", "json"); !strings.Contains(got, `"note": "@SUM(A1:A9)"`) {
		t.Errorf("records as JSON changed the data:\n%s", got)
	}
}
