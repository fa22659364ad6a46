package ingest

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"attain/kpi"
)

// TestReader_BatchesKept: a batch Next returned stays as it was while the
// rest of the file is read (kpi.RecordReader: a store hands the batches to
// an ImportFollower without copying them), in CSV and JSON, with rows
// rejected among them.
func TestReader_BatchesKept(t *testing.T) {
	ds := &kpi.Dataset{Name: "t", Key: "id", Owner: "owner", Columns: []kpi.Column{
		{Name: "id", Type: kpi.String}, {Name: "owner", Type: kpi.String}, {Name: "amount", Type: kpi.Money},
	}}
	var csv, json strings.Builder
	csv.WriteString("id,owner,amount\n")
	for i := range 50 {
		amount := fmt.Sprintf("%d.%02d", i*7, i%100)
		if i%9 == 4 {
			amount = "not a number" // rejected
		}
		fmt.Fprintf(&csv, "K%03d,E%d,%s\n", i, i%4, amount)
		fmt.Fprintf(&json, "{\"id\": \"K%03d\", \"owner\": \"E%d\", \"amount\": %q}\n", i, i%4, amount)
	}
	for _, format := range []string{"csv", "json"} {
		t.Run(format, func(t *testing.T) {
			opt := Options{File: "f", SkipInvalid: true, BatchSize: 4}
			var r *Reader
			var err error
			if format == "csv" {
				r, err = NewCSVReader(strings.NewReader(csv.String()), ds, opt)
			} else {
				r, err = NewJSONReader(strings.NewReader(json.String()), ds, opt)
			}
			if err != nil {
				t.Fatal(err)
			}
			var got, want [][]kpi.Record
			for {
				recs, err := r.Next()
				if err == io.EOF {
					break
				} else if err != nil {
					t.Fatal(err)
				}
				got = append(got, recs)
				copied := slices.Clone(recs)
				for i := range copied {
					copied[i].Values = slices.Clone(copied[i].Values)
				}
				want = append(want, copied)
			}
			if n := len(slices.Concat(want...)); n != 44 || len(r.Rejected()) != 6 {
				t.Fatalf("%d records, %d rejected; want 44 and 6", n, len(r.Rejected()))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("a batch changed after Next returned it:\n got %v\nwant %v", got, want)
			}
		})
	}
}
