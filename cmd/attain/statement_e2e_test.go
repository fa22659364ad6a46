package main_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatementCLI runs the statement lifecycle through the binary: a
// workspace with a bonus plan in attain.yaml, pay from the org file, the
// draft, what-if, approve, lock, an inquiry and its answer, the PDF and the
// payouts for payroll.
func TestStatementCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	yaml := write("attain.yaml", `
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
  - {name: won_value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
bonus_plans:
  - name: reps
    plan:
      components:
        - {id: base, kind: bonus, salary_percent: 5}
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
    assign:
      - {position: rep}
`)
	attain(t, db, "org", "import", "--units", write("units.csv", "id,name\nco,Acme\n"))
	attain(t, db, "org", "import", write("emps.csv", "id,name,unit_id,position,currency,salary\nann,Ann,co,rep,EUR,3000\n"))
	attain(t, db, "apply", "-f", yaml)
	attain(t, db, "import", "deals", write("deals.csv", "id,rep,stage,amount,closed_on\nd1,ann,Won,1000,2026-03-02\nd2,ann,Lost,500,2026-03-03\n"))

	out := attain(t, db, "statement", "show", "ann", "--period", "2026-03")
	// 5 % of 3,000 + 10 % of 1,000.
	if !strings.Contains(out, "Status: draft") || !strings.Contains(out, "payout 250.00 EUR") {
		t.Fatalf("show:\n%s", out)
	}
	if out := attain(t, db, "statement", "show", "ann", "--period", "2026-03", "--add", "won_value=500"); !strings.Contains(out, "Payout 250.00 → 300.00 (+50.00 EUR)") {
		t.Errorf("what-if:\n%s", out)
	}
	if _, stderr, err := attainErr(db, "statement", "pay", "ann", "--period", "2026-03"); err == nil || !strings.Contains(stderr, "draft") {
		t.Errorf("pay a draft: %v %s", err, stderr)
	}
	attain(t, db, "org", "set-employee", "ann", "--salary", "4000")
	if out := attain(t, db, "statement", "approve", "ann", "--period", "2026-03"); !strings.Contains(out, "approved, payout 300.00 EUR") {
		t.Errorf("approve: %s", out)
	}
	attain(t, db, "statement", "lock", "ann", "--period", "2026-03")
	attain(t, db, "statement", "inquire", "ann", "--period", "2026-03", "--line", "commission.amount", "--text", "Is d1 in?")
	attain(t, db, "statement", "answer", "ann", "--period", "2026-03", "--id", "1", "--text", "Yes.")
	out = attain(t, db, "statement", "show", "ann", "--period", "2026-03")
	if !strings.Contains(out, "Status: locked") || !strings.Contains(out, "Is d1 in?") || !strings.Contains(out, "answer") {
		t.Errorf("locked statement:\n%s", out)
	}

	pdf := filepath.Join(dir, "ann.pdf")
	attain(t, db, "statement", "pdf", "ann", "--period", "2026-03", "-o", pdf)
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("pdf: %v", err)
	}
	payouts := filepath.Join(dir, "payouts.csv")
	attain(t, db, "payouts", "--period", "2026-03", "--csv", payouts)
	f, err := os.Open(payouts)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := "employee_id,name,currency,plan,payout,status,period|ann,Ann,EUR,reps,300.00,locked,2026-03|,total,EUR,,300.00,total,2026-03"
	var got []string
	for _, r := range rows {
		got = append(got, strings.Join(r, ","))
	}
	if strings.Join(got, "|") != want {
		t.Errorf("payouts.csv = %q, want %q", strings.Join(got, "|"), want)
	}
	attain(t, db, "payouts", "--period", "2026-03", "--xlsx", filepath.Join(dir, "payouts.xlsx"))
}
