package library_test

import (
	"slices"
	"testing"

	"attain/attainyaml"
	"attain/calc/formula"
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
	for _, id := range []string{"sales-manager", "order-processing-manager", "sales-pipeline", "service-desk"} {
		if e, err := library.Find(id); err != nil || e == nil {
			t.Errorf("no entry %s: %v", id, err)
		}
	}
}

// TestEntryValues: the values an entry declares per column are exactly
// those its filters and expressions compare that column with, so a value
// mapping reaches every one and library show lists them all.
func TestEntryValues(t *testing.T) {
	es, err := library.Entries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		defs, _, err := attainyaml.Parse(e.ID, e.Definitions)
		if err != nil {
			t.Fatalf("%s: %v", e.ID, err)
		}
		for _, n := range e.Needs {
			vals := map[string]map[string][]string{}
			for c := range n.Values {
				vals[c] = map[string][]string{}
			}
			seen := map[string][]string{}
			for _, k := range defs.KPIs {
				if k.Dataset != n.Dataset {
					continue
				}
				for _, src := range []string{k.Filter, k.Expr} {
					if src == "" {
						continue
					}
					_, s, err := formula.MapValues(src, vals)
					if err != nil {
						t.Errorf("%s: KPI %s: %v", e.ID, k.Name, err)
					}
					for c, vs := range s {
						for _, v := range vs {
							if !slices.Contains(seen[c], v) {
								seen[c] = append(seen[c], v)
							}
						}
					}
				}
			}
			for _, c := range n.Columns {
				got, want := slices.Sorted(slices.Values(seen[c])), slices.Sorted(slices.Values(n.Values[c]))
				if !slices.Equal(got, want) {
					t.Errorf("%s: %s.%s: compared with %v, declares %v", e.ID, n.Dataset, c, got, want)
				}
			}
		}
	}
}
