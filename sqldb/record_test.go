package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

func deal(id, owner, stage string, amount int64) kpi.Record {
	return kpi.Record{Key: id, Owner: owner, Values: []kpi.Value{
		{S: id}, {S: owner}, {S: stage}, {N: amount}, {N: int64(kpi.NewDate(2024, 5, 2))},
	}}
}

func TestRecordService_Upsert(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		mustDefinitions(t, ctx, db)
		s := sqldb.NewRecordService(db)

		res, err := s.UpsertRecords(ctx, "deals", []kpi.Record{deal("d1", "e1", "Open", 100), deal("d2", "e1", "Open", 200), deal("d3", "e2", "Open", 300)})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res, (kpi.ImportResult{Created: 3}); got != want {
			t.Errorf("first = %+v, want %+v", got, want)
		}
		if v, _ := s.Versions(ctx); v.Records != 3 {
			t.Errorf("records version = %d, want 3", v.Records)
		}

		odd := deal("d4", "e2", "Lost", -5)
		odd.Values[2] = kpi.Value{S: "quote \" back\\slash\nnewline é \x01"}
		odd.Values[3] = kpi.Value{Null: true}
		res, err = s.UpsertRecords(ctx, "deals", []kpi.Record{deal("d1", "e1", "Open", 100), deal("d2", "e1", "Won", 200), deal("d3", "e3", "Open", 300), odd})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res, (kpi.ImportResult{Created: 1, Updated: 2, Unchanged: 1}); got != want {
			t.Errorf("second = %+v, want %+v", got, want)
		}
		// d1 is unchanged: it keeps its number 1; d2, d3 and d4 take 5, 6 and 7.
		if v, _ := s.Versions(ctx); v.Records != 7 {
			t.Errorf("records version = %d, want 7", v.Records)
		}

		got, err := s.FindRecords(ctx, "deals", kpi.RecordFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []kpi.Record{deal("d1", "e1", "Open", 100), deal("d2", "e1", "Won", 200), deal("d3", "e3", "Open", 300), odd}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("records =\n%+v\nwant\n%+v", got, want)
		}

		t.Run("Changes", func(t *testing.T) {
			var seqs []int64
			var keys []string
			last, err := s.RecordChanges(ctx, 3, func(c kpi.RecordChange) error {
				seqs, keys = append(seqs, c.Seq), append(keys, c.Record.Key)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := keys, []string{"d2", "d3", "d4"}; !reflect.DeepEqual(got, want) {
				t.Errorf("changed keys = %v, want %v", got, want)
			}
			if got, want := seqs, []int64{5, 6, 7}; !reflect.DeepEqual(got, want) || last != 7 {
				t.Errorf("seqs = %v, last = %d, want %v, 7", got, last, want)
			}
			d1, err := s.FindRecords(ctx, "deals", kpi.RecordFilter{Keys: []string{"d1"}})
			if err != nil || len(d1) != 1 {
				t.Fatal(d1, err)
			}
		})
		t.Run("Filter", func(t *testing.T) {
			recs, err := s.FindRecords(ctx, "deals", kpi.RecordFilter{Owners: []string{"e1"}, Offset: 1, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1 || recs[0].Key != "d2" {
				t.Errorf("owner e1 offset 1 = %+v, want d2", recs)
			}
			recs, err = s.FindRecords(ctx, "deals", kpi.RecordFilter{Keys: []string{"d3", "d4", "zz"}})
			if err != nil || len(recs) != 2 {
				t.Errorf("keys = %+v, %v, want d3 d4", recs, err)
			}
			n, err := s.CountRecords(ctx, "deals")
			if err != nil || n != 4 {
				t.Errorf("count = %d, %v, want 4", n, err)
			}
			var scanned int
			if err := s.ScanRecords(ctx, "deals", func(kpi.Record) error { scanned++; return nil }); err != nil || scanned != 4 {
				t.Errorf("scanned %d, %v, want 4", scanned, err)
			}
		})
		t.Run("Audit", func(t *testing.T) {
			entries, err := sqldb.NewAuditService(db).FindAuditEntries(ctx, "records", "deals", 0)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(entries), 2; got != want || entries[0].Action != "import" || !contains(entries[0].New, `"updated":2`) {
				t.Errorf("audit = %d %+v, want %d imports with counts", got, entries, want)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := s.UpsertRecords(ctx, "nope", []kpi.Record{deal("d1", "e1", "Open", 1)})
			wantCode(t, err, kpi.ENOTFOUND)
			_, err = s.FindRecords(ctx, "nope", kpi.RecordFilter{})
			wantCode(t, err, kpi.ENOTFOUND)
			_, err = s.CountRecords(ctx, "nope")
			wantCode(t, err, kpi.ENOTFOUND)
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			_, err := s.UpsertRecords(ctx, "deals", []kpi.Record{{Key: "short", Values: []kpi.Value{{S: "x"}}}})
			wantCode(t, err, kpi.EINVALID)
		})
	})
}

func TestRecordService_Delete(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		mustDefinitions(t, ctx, db)
		s := sqldb.NewRecordService(db)
		if _, err := s.UpsertRecords(ctx, "deals", []kpi.Record{deal("d1", "e1", "Open", 1), deal("d2", "e1", "Open", 2), deal("d3", "e1", "Open", 3)}); err != nil {
			t.Fatal(err)
		}
		res, err := s.DeleteRecords(ctx, "deals", []string{"d2", "missing"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res, (kpi.ImportResult{Deleted: 1, Unchanged: 1}); got != want {
			t.Errorf("delete = %+v, want %+v", got, want)
		}
		if _, err := s.UpsertRecords(ctx, "deals", []kpi.Record{deal("d1", "e1", "Won", 1), deal("d2", "e1", "Open", 2)}); err != nil {
			t.Fatal(err)
		}
		type change struct {
			Seq     int64
			Key     string
			Deleted bool
		}
		var got []change
		last, err := s.RecordChanges(ctx, 0, func(c kpi.RecordChange) error {
			got = append(got, change{c.Seq, c.Record.Key, c.Deleted})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// d1 and d2 were rewritten after the delete; the tombstone stays.
		want := []change{{3, "d3", false}, {4, "d2", true}, {5, "d1", false}, {6, "d2", false}}
		if !reflect.DeepEqual(got, want) || last != 6 {
			t.Errorf("changes = %+v (last %d), want %+v (last 6)", got, last, want)
		}
		last, err = s.RecordChanges(ctx, 6, func(kpi.RecordChange) error { t.Error("change after 6"); return nil })
		if err != nil || last != 6 {
			t.Errorf("no changes: last = %d, %v, want 6", last, err)
		}
	})
}

func TestRecordService_BatchesRollback(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		mustDefinitions(t, ctx, db)
		s := sqldb.NewRecordService(db)
		if _, err := s.UpsertRecords(ctx, "deals", []kpi.Record{deal("d0", "e1", "Open", 1)}); err != nil {
			t.Fatal(err)
		}
		v0, err := s.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		readErr := errors.New("line 1234: bad cell")
		n := 0
		_, err = s.UpsertRecordBatches(ctx, "deals", func() ([]kpi.Record, error) {
			n++
			if n == 3 {
				return nil, readErr
			}
			batch := make([]kpi.Record, 700) // more than one SQLite chunk
			for i := range batch {
				batch[i] = deal(fmtKey(n, i), "e1", "Open", int64(i))
			}
			batch[0] = deal("d0", "e2", "Won", 9)
			return batch, nil
		})
		if !errors.Is(err, readErr) {
			t.Fatalf("error = %v, want the reader's", err)
		}
		if c, err := s.CountRecords(ctx, "deals"); err != nil || c != 1 {
			t.Errorf("count = %d, %v, want 1", c, err)
		}
		if v, _ := s.Versions(ctx); v != v0 {
			t.Errorf("versions = %+v, want %+v", v, v0)
		}
		recs, _ := s.FindRecords(ctx, "deals", kpi.RecordFilter{Keys: []string{"d0"}})
		if len(recs) != 1 || recs[0].Owner != "e1" {
			t.Errorf("d0 = %+v, want untouched", recs)
		}

		t.Run("OK", func(t *testing.T) {
			n := 0
			res, err := s.UpsertRecordBatches(ctx, "deals", func() ([]kpi.Record, error) {
				n++
				if n == 3 {
					return nil, io.EOF
				}
				batch := make([]kpi.Record, 700)
				for i := range batch {
					batch[i] = deal(fmtKey(n, i), "e1", "Open", int64(i))
				}
				batch[0] = deal("d0", "e1", "Open", 1) // unchanged, then the same again in batch 2
				return batch, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res, (kpi.ImportResult{Created: 1398, Unchanged: 2}); got != want {
				t.Errorf("result = %+v, want %+v", got, want)
			}
			// The unchanged d0 leaves its number in each batch unused.
			if v, _ := s.Versions(ctx); v.Records != v0.Records+1400 {
				t.Errorf("records version = %d, want %d", v.Records, v0.Records+1400)
			}
			var seen int
			last, err := s.RecordChanges(ctx, v0.Records, func(kpi.RecordChange) error { seen++; return nil })
			if err != nil || seen != 1398 || last != v0.Records+1400 {
				t.Errorf("changes = %d up to %d, %v; want 1398 up to %d", seen, last, err, v0.Records+1400)
			}
		})
	})
}

func fmtKey(batch, i int) string {
	return "b" + string(rune('0'+batch)) + "-" + itoa(i)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

func TestWorkspaceIsolation(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a := mustWorkspace(t, db, "alpha")
		b := mustWorkspace(t, db, "beta")
		org := sqldb.NewOrgService(db)
		defs := sqldb.NewDefinitionService(db)
		recs := sqldb.NewRecordService(db)
		audit := sqldb.NewAuditService(db)

		mustOrg(t, a, org)
		mustDefinitions(t, a, db)
		if _, err := recs.UpsertRecords(a, "deals", []kpi.Record{deal("d1", "e1", "Won", 100)}); err != nil {
			t.Fatal(err)
		}
		if _, err := org.FindOrgUnitByID(b, "acme"); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("B finds A's unit: %v", err)
		}
		if _, err := org.FindEmployeeByID(b, "e1"); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("B finds A's employee: %v", err)
		}
		if us, err := org.FindOrgUnits(b); err != nil || len(us) != 0 {
			t.Errorf("B's units = %v, %v", us, err)
		}
		if es, err := org.FindEmployees(b, kpi.EmployeeFilter{}); err != nil || len(es) != 0 {
			t.Errorf("B's employees = %v, %v", es, err)
		}
		if d, err := defs.FindDefinitions(b); err != nil || len(d.Datasets)+len(d.KPIs) != 0 {
			t.Errorf("B's definitions = %+v, %v", d, err)
		}
		if _, err := recs.FindRecords(b, "deals", kpi.RecordFilter{}); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("B finds A's dataset: %v", err)
		}
		if _, err := recs.CountRecords(b, "deals"); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("B counts A's dataset: %v", err)
		}
		if err := recs.ScanRecords(b, "deals", func(kpi.Record) error { return nil }); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("B scans A's dataset: %v", err)
		}
		if _, err := recs.DeleteRecords(b, "deals", []string{"d1"}); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("B deletes from A's dataset: %v", err)
		}
		// With the same dataset defined in B, A's records stay invisible.
		mustDefinitions(t, b, db)
		if rs, err := recs.FindRecords(b, "deals", kpi.RecordFilter{}); err != nil || len(rs) != 0 {
			t.Errorf("B's records = %v, %v", rs, err)
		}
		if n, err := recs.CountRecords(b, "deals"); err != nil || n != 0 {
			t.Errorf("B's count = %d, %v", n, err)
		}
		if _, err := recs.RecordChanges(b, 0, func(c kpi.RecordChange) error { t.Errorf("B sees change %+v", c); return nil }); err != nil {
			t.Error(err)
		}
		if v, err := recs.Versions(b); err != nil || v.Records != 0 || v.Org != 0 {
			t.Errorf("B's versions = %+v, %v", v, err)
		}
		if es, err := audit.FindAuditEntries(b, "records", "", 0); err != nil || len(es) != 0 {
			t.Errorf("B's audit = %v, %v", es, err)
		}
		// Org ids are per workspace: B may reuse A's.
		if err := org.CreateOrgUnit(b, &kpi.OrgUnit{ID: "acme", Name: "Beta's acme"}); err != nil {
			t.Errorf("B reuses an id of A: %v", err)
		}
		if _, err := recs.Versions(context.Background()); kpi.ErrorCode(err) != kpi.EUNAUTHORIZED {
			t.Errorf("no workspace: %v, want unauthorized", err)
		}
	})
}

// An import into an empty dataset takes a faster path on PostgreSQL until a
// key comes again; the results must not show which path was taken.
func TestRecordService_FreshImport(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		s := sqldb.NewRecordService(db)
		batches := func(bs ...[]kpi.Record) func() ([]kpi.Record, error) { return batchesOf(bs) }

		t.Run("RepeatedKey", func(t *testing.T) {
			ctx := mustWorkspace(t, db, "repeat")
			mustDefinitions(t, ctx, db)
			// 20,000 records fill several COPY buffers before d2 comes again.
			many := make([]kpi.Record, 20_000)
			for i := range many {
				many[i] = deal(fmtKey(5, i), "e1", "Open", int64(i))
			}
			res, err := s.UpsertRecordBatches(ctx, "deals", batches(
				[]kpi.Record{deal("d1", "e1", "Open", 1), deal("d2", "e1", "Open", 2), deal("d3", "e1", "Open", 3)},
				many,
				[]kpi.Record{deal("d2", "e2", "Won", 20), deal("d4", "e1", "Open", 4), deal("d1", "e1", "Open", 1)},
			))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res, (kpi.ImportResult{Created: 20_004, Updated: 1, Unchanged: 1}); got != want {
				t.Errorf("result = %+v, want %+v", got, want)
			}
			// d2 again takes 20,004, d4 20,005; the unchanged d1 leaves 20,006 unused.
			if v, _ := s.Versions(ctx); v.Records != 20_005 {
				t.Errorf("records version = %d, want 20005", v.Records)
			}
			got, err := s.FindRecords(ctx, "deals", kpi.RecordFilter{Keys: []string{"d1", "d2", "d4"}})
			if err != nil {
				t.Fatal(err)
			}
			if want := []kpi.Record{deal("d1", "e1", "Open", 1), deal("d2", "e2", "Won", 20), deal("d4", "e1", "Open", 4)}; !reflect.DeepEqual(got, want) {
				t.Errorf("records =\n%+v\nwant\n%+v", got, want)
			}
			var keys []string
			var seqs []int64
			if _, err := s.RecordChanges(ctx, 20_002, func(c kpi.RecordChange) error {
				keys, seqs = append(keys, c.Record.Key), append(seqs, c.Seq)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if want := []string{fmtKey(5, 19_999), "d2", "d4"}; !reflect.DeepEqual(keys, want) || !reflect.DeepEqual(seqs, []int64{20_003, 20_004, 20_005}) {
				t.Errorf("changes after 20002 = %v at %v, want %v at [20003 20004 20005]", keys, seqs, want)
			}
			if n, err := s.CountRecords(ctx, "deals"); err != nil || n != 20_004 {
				t.Errorf("count = %d, %v, want 20004", n, err)
			}
		})

		for _, fresh := range []bool{false, true} {
			t.Run(fmt.Sprint("ImportRepeated/fresh=", fresh), func(t *testing.T) {
				ctx := mustWorkspace(t, db, fmt.Sprint("import-repeated-", fresh))
				mustDefinitions(t, ctx, db)
				// d1 is in the store (unless fresh); d2 comes again in the
				// same batch, after 20,000 records (another chunk), and d3
				// again.
				if !fresh {
					if _, err := s.UpsertRecords(ctx, "deals", []kpi.Record{deal("d1", "e1", "Open", 1)}); err != nil {
						t.Fatal(err)
					}
				}
				many := make([]kpi.Record, 20_000)
				for i := range many {
					many[i] = deal(fmtKey(7, i), "e1", "Open", int64(i))
				}
				r := &repeatReader{next: batches(
					[]kpi.Record{deal("d2", "e1", "Open", 2), deal("d3", "e1", "Open", 3), deal("d2", "e2", "Won", 9)},
					many,
					[]kpi.Record{deal("d2", "e2", "Won", 20), deal("d1", "e1", "Won", 5), deal("d3", "e1", "Lost", 3)},
				)}
				res, err := s.ImportRecords(ctx, "deals", r)
				if err != nil {
					t.Fatal(err)
				}
				want := kpi.ImportResult{Created: 20_002, Updated: 1}
				if fresh {
					want = kpi.ImportResult{Created: 20_003}
				}
				if res != want {
					t.Errorf("result = %+v, want %+v", res, want)
				}
				slices.Sort(r.repeats)
				if want := []string{"d2 1 20004", "d2 1 3", "d3 2 20006"}; !reflect.DeepEqual(r.repeats, want) {
					t.Errorf("repeated = %v, want %v", r.repeats, want)
				}
				got, err := s.FindRecords(ctx, "deals", kpi.RecordFilter{Keys: []string{"d1", "d2", "d3"}})
				if err != nil {
					t.Fatal(err)
				}
				if want := []kpi.Record{deal("d1", "e1", "Won", 5), deal("d2", "e1", "Open", 2), deal("d3", "e1", "Open", 3)}; !reflect.DeepEqual(got, want) {
					t.Errorf("records =\n%+v\nwant\n%+v", got, want)
				}
			})
		}

		t.Run("ErrImportRepeated", func(t *testing.T) {
			ctx := mustWorkspace(t, db, "import-repeated-err")
			mustDefinitions(t, ctx, db)
			stop := errors.New("repeated")
			r := &repeatReader{next: batches([]kpi.Record{deal("d1", "e1", "Open", 1)}, []kpi.Record{deal("d1", "e1", "Open", 1)}), err: stop}
			if _, err := s.ImportRecords(ctx, "deals", r); !errors.Is(err, stop) {
				t.Fatalf("error = %v, want Repeated's", err)
			}
			// A problem the reader returns after the last record.
			late := errors.New("late problem")
			r = &repeatReader{next: batches([]kpi.Record{deal("d1", "e1", "Open", 1)}), late: late}
			if _, err := s.ImportRecords(ctx, "deals", r); !errors.Is(err, late) {
				t.Fatalf("error = %v, want the late one", err)
			}
			if n, err := s.CountRecords(ctx, "deals"); err != nil || n != 0 {
				t.Errorf("count = %d, %v, want 0", n, err)
			}
		})

		t.Run("ErrReader", func(t *testing.T) {
			ctx := mustWorkspace(t, db, "broken")
			mustDefinitions(t, ctx, db)
			many := make([]kpi.Record, 20_000)
			for i := range many {
				many[i] = deal(fmtKey(6, i), "e1", "Open", int64(i))
			}
			readErr := errors.New("line 9: bad cell")
			next := batches(many)
			_, err := s.UpsertRecordBatches(ctx, "deals", func() ([]kpi.Record, error) {
				if recs, err := next(); err == nil {
					return recs, nil
				}
				return nil, readErr
			})
			if !errors.Is(err, readErr) {
				t.Fatalf("error = %v, want the reader's", err)
			}
			if n, err := s.CountRecords(ctx, "deals"); err != nil || n != 0 {
				t.Errorf("count = %d, %v, want 0", n, err)
			}
			if v, _ := s.Versions(ctx); v.Records != 0 {
				t.Errorf("records version = %d, want 0", v.Records)
			}
		})

		t.Run("ErrCanceled", func(t *testing.T) {
			base := mustWorkspace(t, db, "canceled")
			mustDefinitions(t, base, db)
			ctx, cancel := context.WithCancel(base)
			defer cancel()
			n := 0
			_, err := s.UpsertRecordBatches(ctx, "deals", func() ([]kpi.Record, error) {
				n++
				if n > 3 {
					return nil, io.EOF
				}
				if n == 2 {
					cancel() // while the first batch is being written
				}
				batch := make([]kpi.Record, 10_000)
				for i := range batch {
					batch[i] = deal(fmtKey(n, i), "e1", "Open", int64(i))
				}
				return batch, nil
			})
			if err == nil {
				t.Fatal("canceled import succeeded")
			}
			// The store is still usable and holds nothing of the import.
			if n, err := s.CountRecords(base, "deals"); err != nil || n != 0 {
				t.Errorf("count = %d, %v, want 0", n, err)
			}
			if _, err := s.UpsertRecords(base, "deals", []kpi.Record{deal("d1", "e1", "Open", 1)}); err != nil {
				t.Errorf("import after cancel: %v", err)
			}
		})
	})
}

// repeatReader is a kpi.RecordReader over batches that notes the repeated
// keys it is told of as "key first again".
type repeatReader struct {
	next    func() ([]kpi.Record, error)
	err     error // returned by Repeated
	late    error // returned by Next after io.EOF
	eof     bool
	mu      sync.Mutex
	repeats []string
}

func (r *repeatReader) Next() ([]kpi.Record, error) {
	if r.eof {
		if r.late != nil {
			return nil, r.late
		}
		return nil, io.EOF
	}
	recs, err := r.next()
	r.eof = errors.Is(err, io.EOF)
	return recs, err
}

func (r *repeatReader) Repeated(rec kpi.Record, first, again int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.repeats = append(r.repeats, fmt.Sprintf("%s %d %d", rec.Key, first, again))
	return r.err
}

// batchesOf returns a reader's next over bs, then io.EOF.
func batchesOf(bs [][]kpi.Record) func() ([]kpi.Record, error) {
	return func() ([]kpi.Record, error) {
		if len(bs) == 0 {
			return nil, io.EOF
		}
		b := bs[0]
		bs = bs[1:]
		return b, nil
	}
}

// inBatches cuts recs into batches of n, as a reader hands them over.
func inBatches(recs []kpi.Record, n int) [][]kpi.Record {
	var bs [][]kpi.Record
	for len(recs) > n {
		bs, recs = append(bs, recs[:n]), recs[n:]
	}
	return append(bs, recs)
}

// importRun is what an import did, its sequence numbers counted from the
// record sequence before it.
type importRun struct {
	Result  kpi.ImportResult
	Repeats []string     // "key first again", sorted; with ImportRecords
	Changes []string     // "seq key" of the records it wrote, in order
	Version int64        // the records version it left
	Records []kpi.Record // the dataset's records, but for keys in skip
}

// runImport imports file into dataset deals, through ImportRecords when
// repeated is set, else through UpsertRecordBatches, and returns what it did.
func runImport(t *testing.T, ctx context.Context, s *sqldb.RecordService, file []kpi.Record, repeated bool, skip map[string]bool) importRun {
	t.Helper()
	v0, err := s.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var run importRun
	next := batchesOf(inBatches(file, 13))
	var f *mirror
	if repeated {
		r := &repeatReader{next: next}
		// The follower starts from the records stored before.
		f = &mirror{t: t, recs: map[string]kpi.Record{}}
		before, err := s.FindRecords(ctx, "deals", kpi.RecordFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range before {
			f.recs[r.Key] = r
		}
		run.Result, err = s.ImportRecordsFollowed(ctx, "deals", r, f)
		slices.Sort(r.repeats)
		run.Repeats = r.repeats
	} else {
		run.Result, err = s.UpsertRecordBatches(ctx, "deals", next)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordChanges(ctx, v0.Records, func(c kpi.RecordChange) error {
		run.Changes = append(run.Changes, fmt.Sprint(c.Seq-v0.Records, " ", c.Record.Key))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	v, err := s.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	run.Version = v.Records - v0.Records
	all, err := s.FindRecords(ctx, "deals", kpi.RecordFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if !skip[r.Key] {
			run.Records = append(run.Records, r)
		}
	}
	if f != nil {
		// What the store told a follower, applied in order, gives the
		// records it holds.
		if f.before.Records != v0.Records || f.last != v.Records {
			t.Errorf("follower told of records (%d, %d], want (%d, %d]", f.before.Records, f.last, v0.Records, v.Records)
		}
		var told []kpi.Record
		for _, r := range f.recs {
			if !skip[r.Key] {
				told = append(told, r)
			}
		}
		slices.SortFunc(told, func(a, b kpi.Record) int { return strings.Compare(a.Key, b.Key) })
		if !reflect.DeepEqual(told, run.Records) {
			t.Errorf("the follower's records:\n%v\nthe store's:\n%v", told, run.Records)
		}
	}
	return run
}

// mirror is a kpi.ImportFollower that applies what it is told to a map of
// the records by key, and fails the test when a record told as of a new
// key has a key it holds, or when it is told out of order.
type mirror struct {
	t          *testing.T
	before     kpi.Versions
	recs       map[string]kpi.Record
	committing int64 // 0 until Committing
	last       int64
}

func (m *mirror) Begin(before kpi.Versions) { m.before = before }

func (m *mirror) Written(recs []kpi.Record, fresh bool) {
	if m.committing != 0 {
		m.t.Errorf("records written after Committing(%d)", m.committing)
	}
	for _, r := range recs {
		if _, ok := m.recs[r.Key]; ok && fresh {
			m.t.Errorf("record %s told as of a new key twice", r.Key)
		}
		m.recs[r.Key] = r
	}
}

func (m *mirror) Committing(last int64) { m.committing = last }

func (m *mirror) Committed(last int64) {
	if last != m.committing {
		m.t.Errorf("Committed(%d) after Committing(%d)", last, m.committing)
	}
	m.last = last
}

func (m *mirror) Close() error { return nil }

// dealK is the deal of key kNN with amount a.
func dealK(i int, a int64) kpi.Record { return deal(fmt.Sprintf("k%02d", i), "e1", "Open", a) }

// dealsK returns the deals of keys from..to-1, each with amount a.
func dealsK(from, to int, a int64) []kpi.Record {
	var recs []kpi.Record
	for i := from; i < to; i++ {
		recs = append(recs, dealK(i, a))
	}
	return recs
}

// A fresh PostgreSQL import copies segments of records under savepoints;
// a key that comes again, in a later segment or the same one, rolls its
// segment back onto the upsert path. Whichever path runs, an import must
// do what the upsert path does on a dataset that was not empty: the same
// records, counts, sequence numbers and repeats. Segments of 10 records,
// chunks of 7 and reader batches of 13 put the boundaries everywhere.
func TestRecordService_FreshSegments(t *testing.T) {
	cases := []struct {
		name    string
		file    []kpi.Record
		repeats []string         // with ImportRecords
		res     kpi.ImportResult // with UpsertRecordBatches
	}{
		{"LaterSegment", slices.Concat(dealsK(0, 45, 1), []kpi.Record{dealK(3, 9)}, dealsK(45, 60, 1)),
			[]string{"k03 4 46"}, kpi.ImportResult{Created: 60, Updated: 1}},
		{"SameSegment", slices.Concat(dealsK(0, 35, 1), []kpi.Record{dealK(33, 9)}, dealsK(35, 50, 1)),
			[]string{"k33 34 36"}, kpi.ImportResult{Created: 50, Updated: 1}},
		{"Several", slices.Concat(dealsK(0, 30, 1), []kpi.Record{dealK(5, 9), dealK(25, 9), dealK(5, 1)}, dealsK(30, 40, 1)),
			[]string{"k05 6 31", "k05 6 33", "k25 26 32"}, kpi.ImportResult{Created: 40, Updated: 3}},
		{"LastRow", slices.Concat(dealsK(0, 40, 1), []kpi.Record{dealK(0, 1)}),
			[]string{"k00 1 41"}, kpi.ImportResult{Created: 40, Unchanged: 1}},
		{"NoRepeat", dealsK(0, 40, 1), nil, kpi.ImportResult{Created: 40}},
	}
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		small := sqldb.NewRecordServiceSizedForTest(db, 7, 7, 10)
		ref := sqldb.NewRecordService(db)
		for _, tc := range cases {
			for _, repeated := range []bool{false, true} {
				t.Run(fmt.Sprint(tc.name, "/repeated=", repeated), func(t *testing.T) {
					slug := strings.ToLower(fmt.Sprintf("seg-%s-%v", tc.name, repeated))
					ctx := mustWorkspace(t, db, slug)
					mustDefinitions(t, ctx, db)
					got := runImport(t, ctx, small, tc.file, repeated, nil)

					// The reference: a dataset holding one other record.
					refCtx := mustWorkspace(t, db, slug+"-ref")
					mustDefinitions(t, refCtx, db)
					if _, err := ref.UpsertRecords(refCtx, "deals", []kpi.Record{deal("seed", "e1", "Open", 1)}); err != nil {
						t.Fatal(err)
					}
					want := runImport(t, refCtx, ref, tc.file, repeated, map[string]bool{"seed": true})
					if !reflect.DeepEqual(got, want) {
						t.Errorf("fresh import:\n%+v\nthe upsert path:\n%+v", got, want)
					}
					if repeated {
						if !reflect.DeepEqual(got.Repeats, tc.repeats) {
							t.Errorf("repeated = %v, want %v", got.Repeats, tc.repeats)
						}
						if w := (kpi.ImportResult{Created: tc.res.Created}); got.Result != w {
							t.Errorf("result = %+v, want %+v", got.Result, w)
						}
					} else if got.Result != tc.res {
						t.Errorf("result = %+v, want %+v", got.Result, tc.res)
					}
				})
			}
		}
	})
}

// A key whose first record in a file equals the stored one keeps its old
// sequence number; when it comes again in a later chunk, ImportRecords
// must still tell of it and not write it. Chunks of 5 records put each
// repeat in a chunk after its first; the same import in one chunk is the
// reference. A second import of the same file must tell the same.
func TestRecordService_ImportRepeatsUnchanged(t *testing.T) {
	file := slices.Concat(
		[]kpi.Record{dealK(0, 1), dealK(1, 1), dealK(2, 9), dealK(20, 1)}, // unchanged, unchanged, updated, created
		dealsK(21, 33, 1),
		[]kpi.Record{dealK(0, 9), dealK(1, 1), dealK(2, 9)}, // 17, 18, 19: repeats of a changed, an equal, an updated record
		dealsK(33, 41, 1),
		[]kpi.Record{dealK(0, 1), dealK(5, 1), dealK(5, 1)}, // 28: k00 a third time; 29, 30: k05 unchanged, then again in its chunk
	)
	wantRepeats := []string{"k00 1 17", "k00 1 28", "k01 2 18", "k02 3 19", "k05 29 30"}
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		small := sqldb.NewRecordServiceSizedForTest(db, 5, 5, 5)
		ref := sqldb.NewRecordService(db)
		for _, repeated := range []bool{false, true} {
			t.Run(fmt.Sprint("repeated=", repeated), func(t *testing.T) {
				var runs [2][2]importRun // [small, ref][first import, second]
				for i, s := range []*sqldb.RecordService{small, ref} {
					ctx := mustWorkspace(t, db, fmt.Sprintf("unchanged-%v-%d", repeated, i))
					mustDefinitions(t, ctx, db)
					if _, err := s.UpsertRecords(ctx, "deals", dealsK(0, 20, 1)); err != nil {
						t.Fatal(err)
					}
					runs[i][0] = runImport(t, ctx, s, file, repeated, nil)
					runs[i][1] = runImport(t, ctx, s, file, repeated, nil)
				}
				for j := range 2 {
					if !reflect.DeepEqual(runs[0][j], runs[1][j]) {
						t.Errorf("import %d in chunks of 5:\n%+v\nin one chunk:\n%+v", j+1, runs[0][j], runs[1][j])
					}
				}
				got := runs[0]
				if !repeated {
					return
				}
				for j, want := range []kpi.ImportResult{{Created: 21, Updated: 1, Unchanged: 3}, {Unchanged: 25}} {
					if got[j].Result != want {
						t.Errorf("import %d: result = %+v, want %+v", j+1, got[j].Result, want)
					}
					if !reflect.DeepEqual(got[j].Repeats, wantRepeats) {
						t.Errorf("import %d: repeated = %v, want %v", j+1, got[j].Repeats, wantRepeats)
					}
				}
				recs := got[0].Records
				if want := []kpi.Record{dealK(0, 1), dealK(1, 1), dealK(2, 9)}; !reflect.DeepEqual(recs[:3], want) {
					t.Errorf("records = %+v, want %+v first", recs[:3], want)
				}
			})
		}
	})
}
