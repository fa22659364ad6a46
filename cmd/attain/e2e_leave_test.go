package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLeaveCLI sets leave through the binary and reads the prorated target
// off the scorecard. June 2025 has 20 working days (Whit Monday, 9 June, is
// a holiday); leave from Monday 9 to Monday 16 June takes 5 of them.
func TestLeaveCLI(t *testing.T) {
	db, dir := reviewWorkspace(t)
	employee := func(id string) string {
		t.Helper()
		for _, l := range strings.Split(attain(t, db, "org", "employees", "--format", "csv"), "\n") {
			if strings.HasPrefix(l, id+",") {
				return l
			}
		}
		t.Fatalf("employee %s not listed", id)
		return ""
	}
	attain(t, db, "target", "set", "won", "10", "--employee", "bob", "--period", "2025-06")

	t.Run("Scorecard", func(t *testing.T) {
		if got, want := attain(t, db, "org", "set-employee", "bob", "--leave", "2025-06-09..2025-06-16"), "Updated employee bob.\n"; got != want {
			t.Errorf("set-employee = %q, want %q", got, want)
		}
		if got, want := employee("bob"), "bob,Bob,,t1,ann,rep,,,2025-06-09..2025-06-16"; got != want {
			t.Errorf("employees row = %q, want %q", got, want)
		}
		out := attain(t, db, "scorecard", "bob", "--period", "2025-06")
		if want := "Target of won prorated: 10 × 15 / 20 working days of 2025-06 = 7.50 (minus leave 2025-06-09..2025-06-16)\n"; !strings.Contains(out, want) {
			t.Errorf("scorecard:\n%s\nwant a line %q", out, want)
		}
		var c struct {
			Items []struct {
				KPI    string `json:"kpi"`
				Target string `json:"target"`
			} `json:"items"`
		}
		mustJSON(t, attain(t, db, "scorecard", "bob", "--period", "2025-06", "--format", "json"), &c)
		if len(c.Items) == 0 || c.Items[0].KPI != "won" || c.Items[0].Target != "7.5" {
			t.Errorf("items = %+v, want won with target 7.5", c.Items)
		}
	})
	t.Run("ReplaceAndClear", func(t *testing.T) {
		attain(t, db, "org", "set-employee", "bob", "--leave", "2025-06-02..2025-06-06", "--leave", "2025-06-23..2025-06-27")
		if got, want := employee("bob"), "bob,Bob,,t1,ann,rep,,,2025-06-02..2025-06-06; 2025-06-23..2025-06-27"; got != want {
			t.Errorf("employees row = %q, want %q", got, want)
		}
		// 20 − 5 − 5 = 10 working days: 10 × 10 / 20 = 5.00.
		if out, want := attain(t, db, "scorecard", "bob", "--period", "2025-06"), "= 5.00 (minus leave 2025-06-02..2025-06-06, 2025-06-23..2025-06-27)\n"; !strings.Contains(out, want) {
			t.Errorf("scorecard:\n%s\nwant %q", out, want)
		}
		attain(t, db, "org", "set-employee", "bob", "--leave", "none")
		if got, want := employee("bob"), "bob,Bob,,t1,ann,rep,,,"; got != want {
			t.Errorf("employees row = %q, want %q", got, want)
		}
		if out := attain(t, db, "scorecard", "bob", "--period", "2025-06"); strings.Contains(out, "prorated") {
			t.Errorf("scorecard without leave:\n%s\nwant no proration", out)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"--leave", "2025-06-16..2025-06-09"}, `Employee "bob": Leave 2025-06-16..2025-06-09 ends before it starts.`},
			{[]string{"--leave", "2025-06-02..2025-06-10", "--leave", "2025-06-09..2025-06-13"}, `Employee "bob": Leave 2025-06-09..2025-06-13 overlaps 2025-06-02..2025-06-10.`},
			{[]string{"--leave", "June"}, `--leave: Cannot read leave "June"`},
		} {
			_, stderr, err := attainErr(db, append([]string{"org", "set-employee", "bob"}, tt.args...)...)
			if err == nil || !strings.Contains(stderr, tt.want) {
				t.Errorf("%v: err %v, stderr %q; want %q", tt.args, err, stderr, tt.want)
			}
		}
		if got, want := employee("bob"), "bob,Bob,,t1,ann,rep,,,"; got != want {
			t.Errorf("employees row = %q, want %q", got, want)
		}
	})
	t.Run("Import", func(t *testing.T) {
		write := func(name, body string) string {
			t.Helper()
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		attain(t, db, "org", "import", write("leave.csv", "id,name,unit_id,manager_id,position,leave\n"+
			"cy,Cy,t2,ann,rep,2025-06-02..2025-06-06; 2025-08-04..2025-08-08\n"))
		if got, want := employee("cy"), "cy,Cy,,t2,ann,rep,,,2025-06-02..2025-06-06; 2025-08-04..2025-08-08"; got != want {
			t.Errorf("employees row = %q, want %q", got, want)
		}
		// Without a leave column the leave stays.
		attain(t, db, "org", "import", write("noleave.csv", "id,name,unit_id,manager_id,position\ncy,Cy,t2,ann,rep\n"))
		if got, want := employee("cy"), "cy,Cy,,t2,ann,rep,,,2025-06-02..2025-06-06; 2025-08-04..2025-08-08"; got != want {
			t.Errorf("employees row = %q, want %q", got, want)
		}
		_, stderr, err := attainErr(db, "org", "import", write("bad.csv", "id,name,unit_id,leave\ncy,Cy,t2,2025-06-09..2025-06-02\n"))
		if want := `bad.csv:2: column leave value "2025-06-09..2025-06-02": Leave 2025-06-09..2025-06-02 ends before it starts.`; err == nil || !strings.Contains(stderr, want) {
			t.Errorf("bad leave: err %v, stderr %q; want %q", err, stderr, want)
		}
	})
}
