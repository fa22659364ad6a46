package ingest

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// dealsFile generates a CSV of n deals in the shape of the Maven pipeline.
func dealsFile(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	stages := []string{"Won", "Lost", "Engaging", "Prospecting"}
	products := []string{"GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTX Plus Pro", "GTX Plus Basic", "GTK 500"}
	var b bytes.Buffer
	b.WriteString("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\r\n")
	for i := 0; i < n; i++ {
		stage := stages[rng.IntN(len(stages))]
		agent := fmt.Sprintf("Agent %02d", rng.IntN(30))
		day := 1 + rng.IntN(28)
		fmt.Fprintf(&b, "OPP%08d,%s,%s,Account %d,%s,2017-%02d-%02d,", i, agent, products[rng.IntN(len(products))], rng.IntN(85), stage, 1+rng.IntN(12), day)
		switch stage {
		case "Won":
			fmt.Fprintf(&b, "2017-12-%02d,%d.%02d\r\n", day, 38+rng.IntN(30000), rng.IntN(100))
		case "Lost":
			fmt.Fprintf(&b, "2017-12-%02d,0\r\n", day)
		default:
			b.WriteString(",\r\n")
		}
	}
	return b.Bytes()
}

func BenchmarkCSVReader(b *testing.B) {
	const n = 200000
	data := dealsFile(n)
	ds := dealsDataset()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := NewCSVReader(bytes.NewReader(data), ds, Options{File: "deals.csv"})
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for {
			recs, err := r.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			got += len(recs)
		}
		if got != n {
			b.Fatalf("records = %d; want %d", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// A generated file of 100 MB reads whole, in batches.
func TestCSVReader_Large(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	data := dealsFile(1_500_000)
	if len(data) < 100<<20 {
		t.Fatalf("file is %d bytes; want at least 100 MB", len(data))
	}
	r, err := NewCSVReader(bytes.NewReader(data), dealsDataset(), Options{File: "deals.csv", KnownOwner: func(string) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for {
		recs, err := r.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if len(recs) > DefaultBatchSize {
			t.Fatalf("batch of %d records; want at most %d", len(recs), DefaultBatchSize)
		}
		got += len(recs)
	}
	if want := 1_500_000; got != want {
		t.Errorf("records = %d; want %d", got, want)
	}
}
