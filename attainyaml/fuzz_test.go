package attainyaml_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"attain/attainyaml"
	"attain/kpi"
)

// FuzzLoadFile reads any bytes as an attain.yaml: no panic, no hang, every
// error an EINVALID *kpi.Error whose every problem has the file, a line and
// a reason; what loads writes back (Marshal) to a file that loads to the
// same definitions. The seeds are the repository's attain.yaml files and
// small broken ones.
func FuzzLoadFile(f *testing.F) {
	for _, file := range []string{"testdata/attain.yaml", "../demo/attain.yaml", "../examples/maven/attain.yaml"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"", "datasets: 5", "kpis:\n  - name: x\n", "datasets:\n  - name: d\n    columns: [{name: a, type: float}]\n",
		"datasets:\n  - {name: d, key: id, owner: id, time_columns: [t], columns: [{name: id, type: string}, {name: t, type: date}]}\n" +
			"kpis:\n  - {name: n, direction: higher, dataset: d, aggregation: count, filter: 'id == \"x\"'}\n  - {name: f, direction: higher, formula: n / n}\n" +
			"targets:\n  - {kpi: n, period: 2026-Q3, unit: u, value: 5}\n",
		"calendar:\n  weekend: [saturday, funday]\n  holidays:\n    - {date: 2026-02-30, name: x}\n",
		"scorecards:\n  - name: s\n    items:\n      - {kpi: nope, weight: 101, curve: {kind: capped, cap: -1}}\n",
		"bonus_plans:\n  - name: p\n    components:\n      - {id: b, kind: bonus, target: 1000, coefficient: {scale: [{from: 0, value: 1}]}}\n",
		"a: &a [*a]\n", "{", "- - -", "datasets: [{name: d, columns: [{name: x, type: string, values: [a, a]}]}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("hangs on %q", data)) }).Stop()
		file, err := attainyaml.LoadFile("attain.yaml", data)
		if err != nil {
			var e *kpi.Error
			if !errors.As(err, &e) || e.Code != kpi.EINVALID || len(e.Details) == 0 {
				t.Fatalf("%T %v, want EINVALID with problems", err, err)
			}
			for _, p := range e.Details {
				if p.File != "attain.yaml" || p.Line < 1 || p.Reason == "" {
					t.Fatalf("problem %#v has no location", p)
				}
			}
			return
		}
		out, err := attainyaml.Marshal(file.Definitions)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := attainyaml.Load("attain.yaml", out)
		if err != nil {
			t.Fatalf("what loaded does not load again: %v\n%s", err, out)
		}
		// Marshal writes absent and empty lists alike: compare what the two
		// write.
		if out2, err := attainyaml.Marshal(again); err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("the round trip changed the definitions (%v):\n%s\nthen:\n%s", err, out, out2)
		}
	})
}
