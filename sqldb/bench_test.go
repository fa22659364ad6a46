package sqldb_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// benchDataset has 8 columns of every kind a customer file holds.
func benchDataset() *kpi.Dataset {
	return &kpi.Dataset{
		Name: "orders",
		Columns: []kpi.Column{
			{Name: "id", Type: kpi.String}, {Name: "owner", Type: kpi.String}, {Name: "status", Type: kpi.String},
			{Name: "amount", Type: kpi.Money}, {Name: "quantity", Type: kpi.Integer}, {Name: "ordered_on", Type: kpi.DateType},
			{Name: "shipped_at", Type: kpi.Timestamp}, {Name: "paid", Type: kpi.Boolean},
		},
		Key: "id", Owner: "owner", TimeColumns: []string{"ordered_on", "shipped_at"},
	}
}

func benchRecords(n int) []kpi.Record {
	statuses := []string{"open", "shipped", "paid", "cancelled"}
	recs := make([]kpi.Record, n)
	day0 := int64(kpi.NewDate(2023, 1, 1))
	for i := range recs {
		key := fmt.Sprintf("ORD-%08d", i)
		owner := fmt.Sprintf("E%04d", i%500)
		recs[i] = kpi.Record{Key: key, Owner: owner, Values: []kpi.Value{
			{S: key}, {S: owner}, {S: statuses[i%4]}, {N: int64(i%100_000) * 37}, {N: int64(i % 17)},
			{N: day0 + int64(i%730)}, {N: 1_672_531_200 + int64(i)*61}, {N: int64(i % 2)},
		}}
	}
	return recs
}

// BenchmarkUpsertRecords imports records with UpsertRecordBatches in
// batches of 10,000, one transaction per import, and reports records/s:
// "new" into an empty dataset, "update" the same records again with every
// tenth one changed. -benchtime=1x with -short imports 100,000 instead of
// 1,000,000.
func BenchmarkUpsertRecords(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	recs := benchRecords(n)
	changed := make([]kpi.Record, n)
	for i, r := range recs {
		changed[i] = r
		if i%10 == 0 {
			changed[i].Values = append([]kpi.Value(nil), r.Values...)
			changed[i].Values[2] = kpi.Value{S: "returned"}
		}
	}
	for _, d := range []struct {
		name string
		open func(testing.TB) *sqldb.DB
	}{
		{"sqlite", func(tb testing.TB) *sqldb.DB {
			db, err := sqldb.Open(context.Background(), filepath.Join(tb.TempDir(), "bench.db"), nil)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			return db
		}},
		{"postgres", kpitest.MustOpenPostgres},
	} {
		b.Run(d.name, func(b *testing.B) {
			db := d.open(b)
			s := sqldb.NewRecordService(db)
			ws := 0
			// fresh returns a new workspace with the dataset defined.
			fresh := func() context.Context {
				ws++
				ctx := mustWorkspace(b, db, fmt.Sprintf("bench-%d", ws))
				if _, err := sqldb.NewDefinitionService(db).ApplyDefinitions(ctx, &kpi.Definitions{Datasets: []*kpi.Dataset{benchDataset()}}, kpi.ApplyOptions{}); err != nil {
					b.Fatal(err)
				}
				return ctx
			}
			b.Run("new", func(b *testing.B) {
				var total int
				for b.Loop() {
					b.StopTimer()
					ctx := fresh()
					b.StartTimer()
					res := benchImport(b, s, ctx, recs)
					if got, want := res, (kpi.ImportResult{Created: n}); got != want {
						b.Fatalf("result = %+v, want %+v", got, want)
					}
					total += n
				}
				b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
			})
			b.Run("update", func(b *testing.B) {
				var total int
				for b.Loop() {
					b.StopTimer()
					ctx := fresh()
					benchImport(b, s, ctx, recs)
					b.StartTimer()
					res := benchImport(b, s, ctx, changed)
					if got, want := res, (kpi.ImportResult{Updated: n / 10, Unchanged: n - n/10}); got != want {
						b.Fatalf("result = %+v, want %+v", got, want)
					}
					total += n
				}
				b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
			})
		})
	}
}

// benchImport upserts recs in batches of 10,000 in one call.
func benchImport(b *testing.B, s *sqldb.RecordService, ctx context.Context, recs []kpi.Record) kpi.ImportResult {
	b.Helper()
	off := 0
	res, err := s.UpsertRecordBatches(ctx, "orders", func() ([]kpi.Record, error) {
		if off >= len(recs) {
			return nil, io.EOF
		}
		end := min(off+10_000, len(recs))
		batch := recs[off:end]
		off = end
		return batch, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return res
}
