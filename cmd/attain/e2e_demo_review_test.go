package main_test

import (
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
}
