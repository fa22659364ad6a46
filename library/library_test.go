package library_test

import (
	"testing"

	"attain/library"
)

// TestEntries reads every entry: each has an id, a function, needs and
// definitions.
func TestEntries(t *testing.T) {
	es, err := library.Entries()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range es {
		if e.ID == "" || e.Function == "" || len(e.Needs) == 0 || len(e.Definitions) == 0 || ids[e.ID] {
			t.Errorf("entry %+v", e)
		}
		ids[e.ID] = true
	}
	for _, id := range []string{"sales-manager", "order-processing-manager", "sales-pipeline"} {
		if e, err := library.Find(id); err != nil || e == nil {
			t.Errorf("no entry %s: %v", id, err)
		}
	}
}
