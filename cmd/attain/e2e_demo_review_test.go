package main_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemoReview loads the demo and looks at the current month in the
// workspace's zone: it has targets, and its team leads' attention lists
// show somebody behind pace and somebody declining three months in a row.
func TestDemoReview(t *testing.T) {
	db := t.TempDir()
	attain(t, db, "demo")
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	month := time.Now().In(loc).Format("2006-01")

	var targets []struct{ KPI string }
	mustJSON(t, attain(t, db, "-w", "demo", "target", "list", "--period", month, "--format", "json"), &targets)
	if len(targets) == 0 {
		t.Fatalf("the demo has no targets for %s", month)
	}

	var emps []struct{ ID, Position string }
	mustJSON(t, attain(t, db, "-w", "demo", "org", "employees", "--format", "json"), &emps)
	codes := map[string][]string{} // reason code → who
	for _, e := range emps {
		if e.Position != "team lead" {
			continue
		}
		var att struct {
			Concerns []struct {
				Subject struct{ ID string }
				Reasons []struct{ KPI, Code string }
			}
		}
		mustJSON(t, attain(t, db, "-w", "demo", "attention", "--manager", e.ID, "--period", month, "--format", "json"), &att)
		for _, c := range att.Concerns {
			for _, r := range c.Reasons {
				codes[r.Code] = append(codes[r.Code], c.Subject.ID+" "+r.KPI)
			}
		}
	}
	for _, code := range []string{"behind_pace", "declining"} {
		if len(codes[code]) == 0 {
			t.Errorf("nobody in the demo is %s in %s; reasons seen: %v", code, month, codes)
		} else {
			t.Logf("%s: %s", code, strings.Join(codes[code], ", "))
		}
	}
	t.Run("pdf", func(t *testing.T) { demoPDFs(t, db, loc) })
}

// demoPDFs writes the demo pilot's report and last month's review pack of
// order processing as PDF files, and refuses two files at once.
func demoPDFs(t *testing.T, db string, loc *time.Location) {
	now := time.Now().In(loc)
	last := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, loc).Format("2006-01")
	dir := t.TempDir()
	for file, args := range map[string][]string{
		"pilot.pdf": {"pilot", "report", "1"},
		"pack.pdf":  {"meeting", "pack", "--unit", "order-processing", "--period", last},
	} {
		path := filepath.Join(dir, file)
		out := attain(t, db, append(append([]string{"-w", "demo"}, args...), "--pdf", path)...)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-")) || !strings.Contains(out, path) {
			t.Errorf("%s: %q, %d bytes starting %q", file, out, len(b), b[:min(len(b), 8)])
		}
		for _, want := range map[string][]string{"pilot.pdf": {"(Did the KPIs move?)"}, "pack.pdf": {"(1. Plan vs actual)", "(5. Comments)"}}[file] {
			if !bytes.Contains(b, []byte(want)) {
				t.Errorf("%s lacks %s", file, want)
			}
		}
		if _, stderr, err := attainErr(db, append(append([]string{"-w", "demo"}, args...), "--pdf", path, "--xlsx", path+".xlsx")...); err == nil || !strings.Contains(stderr, "xlsx") {
			t.Errorf("%s with --pdf and --xlsx: %v %s", file, err, stderr)
		}
	}
}
