package main_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"attain/bench/gen"
	"attain/kpitest"
)

// attainEnv runs the binary with env added, logging at info, and returns
// stdout and stderr; a failure ends the test unless fail is set.
func attainEnv(t *testing.T, db string, env []string, fail bool, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--db", db, "--log-level", "info"}, args...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.Env = append(append(os.Environ(), "ATTAIN_DB=", "ATTAIN_WORKSPACE="), env...)
	err := cmd.Run()
	if (err != nil) != fail {
		t.Fatalf("attain %s: %v (want failure: %v)\n%s", strings.Join(args, " "), err, fail, e.String())
	}
	return o.String(), e.String()
}

// TestImportReady: after `attain import`, a fresh `attain kpi values`
// answers from the state the import saved, without a change to read, with
// the values a scan of the store gives; after an import that fails, too.
// On SQLite and (with ATTAIN_TEST_POSTGRES) PostgreSQL.
func TestImportReady(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "data")
			if dialect == "postgres" {
				db = kpitest.PostgresDSN(t)
			}
			env := []string{"ATTAIN_STATE_DIR=" + filepath.Join(dir, "state")}
			c := gen.Config{Records: 5000, Departments: 2, Teams: 4, Employees: 12, Year: 2025, Seed: 3}
			files, err := gen.WriteFiles(filepath.Join(dir, "files"), c)
			if err != nil {
				t.Fatal(err)
			}
			attainEnv(t, db, env, false, "org", "import", files.Employees, "--unit-path", "department,team", "--root", "C")
			attainEnv(t, db, env, false, "apply", "-f", files.Definitions)

			year := []string{"kpi", "values", "--grain", "month", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv"}
			check := func(what string) {
				t.Helper()
				got, log := attainEnv(t, db, env, false, year...)
				if !strings.Contains(log, "saved state loaded") || !strings.Contains(log, "changes=0 ") {
					t.Fatalf("%s: values were not read from a saved state without changes:\n%s", what, log)
				}
				want, _ := attainEnv(t, db, []string{"ATTAIN_STATE_DIR=off"}, false, year...)
				if got != want {
					t.Fatalf("%s: values from the saved state differ from a scan's", what)
				}
				if strings.Count(want, "\n") < 1000 {
					t.Fatalf("%s: only %d values", what, strings.Count(want, "\n"))
				}
			}
			_, log := attainEnv(t, db, env, false, "import", "deals", files.Deals)
			if !strings.Contains(log, "state saved after the import") {
				t.Fatalf("the import did not save the state:\n%s", log)
			}
			check("first import")

			// Every third deal's amount changed, 100 new deals: first with
			// a key twice or a bad row, which fail the whole file.
			lines := strings.Split(strings.TrimSpace(readFile(t, files.Deals)), "\n")
			changed := []string{lines[0]}
			for i, l := range lines[1:3001] {
				f := strings.Split(l, ",")
				if i%3 == 0 && f[3] != "" {
					cents := "17"
					if strings.HasSuffix(f[3], cents) {
						cents = "18"
					}
					f[3] = f[3][:len(f[3])-2] + cents
				}
				changed = append(changed, strings.Join(f, ","))
			}
			for i, l := range lines[1:101] {
				f := strings.Split(l, ",")
				f[0] = fmt.Sprintf("NEW%04d", i)
				changed = append(changed, strings.Join(f, ","))
			}
			bad := filepath.Join(dir, "bad.csv")
			writeLines(t, bad, append(append([]string{}, changed...), changed[1])) // a changed deal's key again
			attainEnv(t, db, env, true, "import", "deals", bad)
			check("import of a key twice")
			f := strings.Split(changed[2000], ",")
			f[3] = "much"
			writeLines(t, bad, append(append([]string{}, changed...), strings.Join(f, ",")))
			attainEnv(t, db, env, true, "import", "deals", bad)
			check("import of a bad row")

			good := filepath.Join(dir, "good.csv")
			writeLines(t, good, changed)
			if out, log := attainEnv(t, db, env, false, "import", "deals", good); !strings.Contains(out, "100 created, ") || strings.Contains(out, " 0 updated") ||
				!strings.Contains(log, "state saved after the import") {
				t.Fatalf("second import: %s\n%s", out, log)
			}
			check("second import")
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeLines(t *testing.T, path string, lines []string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
