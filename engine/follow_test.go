package engine_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"attain/bench/gen"
	"attain/engine"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// sliceReader is a kpi.RecordReader over records in memory, batch at a
// time; with fail set, Next returns it once failAt records were read.
type sliceReader struct {
	recs   []kpi.Record
	batch  int
	at     int
	fail   error
	failAt int
	before func() // called before each batch, if set

	mu       sync.Mutex
	repeated [][2]int // first, again
}

func (r *sliceReader) Next() ([]kpi.Record, error) {
	if r.before != nil {
		r.before()
	}
	if r.fail != nil && r.at >= r.failAt {
		return nil, r.fail
	}
	if r.at >= len(r.recs) {
		return nil, io.EOF
	}
	n := min(r.batch, len(r.recs)-r.at)
	b := r.recs[r.at : r.at+n]
	r.at += n
	return b, nil
}

func (r *sliceReader) Repeated(rec kpi.Record, first, again int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.repeated = append(r.repeated, [2]int{first, again})
	return nil
}

// emptyWorkspace makes the workspace "saved" in db with the generated org
// and savedDefinitions, and no records (savedWorkspace adds them).
func emptyWorkspace(t *testing.T, db *sqldb.DB) (context.Context, engine.Services) {
	t.Helper()
	ctx := context.Background()
	wss := sqldb.NewWorkspaceService(db)
	ws := kpi.Workspace{Slug: "saved", Name: "saved", TimeZone: "Europe/Berlin"}
	if err := wss.CreateWorkspace(ctx, &ws); err != nil {
		t.Fatal(err)
	}
	ctx = kpi.NewContextWithActor(kpi.NewContextWithWorkspace(ctx, ws.ID), "test")
	svc := engine.Services{Workspaces: wss, Org: sqldb.NewOrgService(db), Definitions: sqldb.NewDefinitionService(db), Records: sqldb.NewRecordService(db)}
	if _, err := svc.Definitions.ApplyDefinitions(ctx, savedDefinitions(), kpi.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	org := gen.Org(savedConfig)
	if _, err := svc.Org.ImportOrg(ctx, org.Units, org.Employees); err != nil {
		t.Fatal(err)
	}
	return ctx, svc
}

// savedRecords are savedWorkspace's records.
func savedRecords() []kpi.Record {
	var recs []kpi.Record
	gen.Each(savedConfig, func(d gen.Deal) { recs = append(recs, d.Record()) })
	recs[7].Values[3].N = 5_000_000_000_00
	return recs
}

// followed imports r into deals with a follower of e, which must follow.
func followed(t *testing.T, ctx context.Context, e *engine.Engine, svc engine.Services, r kpi.RecordReader) (kpi.ImportResult, error) {
	t.Helper()
	return followedSized(t, ctx, e, svc, r, 0)
}

// followedSized is followed telling the follower the file has size bytes.
func followedSized(t *testing.T, ctx context.Context, e *engine.Engine, svc engine.Services, r kpi.RecordReader, size int64) (kpi.ImportResult, error) {
	t.Helper()
	f, err := e.FollowImport(ctx, "deals", size)
	if err != nil {
		t.Fatal(err)
	}
	if f == nil {
		t.Fatal("the engine does not follow the import")
	}
	res, err := svc.Records.(kpi.ImportSequencer).ImportRecordsFollowed(ctx, "deals", r, f)
	if cerr := f.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	return res, err
}

// ready checks that a new engine answers from the saved state at seq
// without a change to replay, and gives the values of a scan.
func ready(t *testing.T, ctx context.Context, svc engine.Services, dir, what string, seq int64) {
	t.Helper()
	l := newLogged(svc, dir)
	got := grid(t, ctx, l.Engine)
	if !strings.Contains(l.log(), "saved state loaded") || !strings.Contains(l.log(), " changes=0 ") ||
		!strings.Contains(l.log(), " seq="+itoa(seq)+" ") {
		t.Fatalf("%s: the next engine did not load a state of seq %d without changes:\n%s", what, seq, l.log())
	}
	sameGrid(t, what, got, grid(t, ctx, engine.New(svc, nil)))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// stateEngine is an engine saving its states in dir.
func stateEngine(svc engine.Services, dir string) *engine.Engine {
	e := engine.New(svc, nil)
	e.StateDir = dir
	return e
}

// TestFollowImport: an import into an empty workspace, then one into the
// records it left (updates, new keys, unchanged rows, keys repeated in the
// file), each followed by the engine, leave a saved state the next engine
// answers from at once, with the values of a scan, to the cent, on SQLite
// and PostgreSQL.
func TestFollowImport(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx, svc := emptyWorkspace(t, db)
		dir := t.TempDir()
		recs := savedRecords()
		// A key again mid-file ends the store's path for new keys.
		twice := recs[1000]
		twice.Values = append([]kpi.Value(nil), twice.Values...)
		twice.Values[2], twice.Values[5] = kpi.Value{S: gen.Won}, kpi.Value{N: int64(kpi.NewDate(2025, 6, 15))}
		file := append(append(append([]kpi.Record(nil), recs[:1600]...), twice), recs[1600:]...)
		first := &sliceReader{recs: file, batch: 700}
		res, err := followed(t, ctx, stateEngine(svc, dir), svc, first)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != len(recs) || len(first.repeated) != 1 {
			t.Fatalf("created %d, want %d; repeated %v", res.Created, len(recs), first.repeated)
		}
		v, err := svc.Records.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ready(t, ctx, svc, dir, "first import", v.Records)

		// The same deals again: every third one changed, 200 new ones,
		// two keys given twice (the first wins), the rest unchanged.
		var again []kpi.Record
		for i, r := range recs[:1200] {
			r.Values = append([]kpi.Value(nil), r.Values...)
			if i%3 == 0 && !r.Values[3].Null {
				r.Values[3].N += 101
			}
			again = append(again, r)
		}
		c := savedConfig
		c.Records, c.Seed = 200, 11
		gen.Each(c, func(d gen.Deal) {
			d.ID = "N" + d.ID
			again = append(again, d.Record())
		})
		rep := func(i int) kpi.Record {
			r := again[i]
			r.Values = append([]kpi.Value(nil), r.Values...)
			r.Values[2], r.Values[3] = kpi.Value{S: gen.Won}, kpi.Value{N: 999_999_99}
			r.Values[5] = kpi.Value{N: int64(kpi.NewDate(2025, 6, 15))}
			return r
		}
		again = append(again[:10], append([]kpi.Record{rep(3)}, again[10:]...)...) // in the same chunk
		again = append(again, rep(100))                                            // in another chunk (again[100] is recs[99], changed)
		r := &sliceReader{recs: again, batch: 300}
		res, err = followed(t, ctx, stateEngine(svc, dir), svc, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.repeated) != 2 || res.Created != 200 || res.Updated == 0 || res.Unchanged == 0 {
			t.Fatalf("second import: %+v, repeated %v", res, r.repeated)
		}
		v, err = svc.Records.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ready(t, ctx, svc, dir, "second import", v.Records)
	})
}

// TestFollowImport_NotSaved: an import that fails (a bad batch, a
// cancelled context) or that another write came before leaves no state
// claiming to cover it: the next engine gives the values of a scan.
func TestFollowImport_NotSaved(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx, svc := emptyWorkspace(t, db)
		dir := t.TempDir()
		state := filepath.Join(dir, "workspace-1.state")
		recs := savedRecords()

		// Into the empty workspace: nothing is saved.
		bad := &sliceReader{recs: recs, batch: 500, fail: errors.New("bad row"), failAt: 1500}
		if _, err := followed(t, ctx, stateEngine(svc, dir), svc, bad); err == nil {
			t.Fatal("the bad import did not fail")
		}
		if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a failed import saved a state: %v", err)
		}

		// A good import, then failures into the state it saved.
		if _, err := followed(t, ctx, stateEngine(svc, dir), svc, &sliceReader{recs: recs[:2000], batch: 500}); err != nil {
			t.Fatal(err)
		}
		v, err := svc.Records.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		changed := func() []kpi.Record {
			var out []kpi.Record
			for _, r := range recs {
				r.Values = append([]kpi.Value(nil), r.Values...)
				if !r.Values[3].Null {
					r.Values[3].N += 7
				}
				out = append(out, r)
			}
			return out
		}
		bad = &sliceReader{recs: changed(), batch: 500, fail: errors.New("bad row"), failAt: 2500}
		if _, err := followed(t, ctx, stateEngine(svc, dir), svc, bad); err == nil {
			t.Fatal("the bad import did not fail")
		}
		ready(t, ctx, svc, dir, "after a failed import", v.Records)

		cctx, cancel := context.WithCancel(ctx)
		n := 0
		cancelled := &sliceReader{recs: changed(), batch: 500, before: func() {
			if n++; n == 3 {
				cancel()
			}
		}}
		if _, err := followed(t, cctx, stateEngine(svc, dir), svc, cancelled); err == nil {
			t.Fatal("the cancelled import did not fail")
		}
		ready(t, ctx, svc, dir, "after a cancelled import", v.Records)

		// Another write between the follower's start and the import.
		e := newLogged(svc, dir)
		f, err := e.FollowImport(ctx, "deals", 0)
		if err != nil || f == nil {
			t.Fatalf("follow: %v, %v", f, err)
		}
		if _, err := svc.Records.UpsertRecords(ctx, "deals", []kpi.Record{recs[2500]}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Records.(kpi.ImportSequencer).ImportRecordsFollowed(ctx, "deals", &sliceReader{recs: changed()[:3000], batch: 500}, f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.log(), "not following") {
			t.Fatalf("the follower did not see the write before the import:\n%s", e.log())
		}
		l := newLogged(svc, dir)
		sameGrid(t, "after a write before the import", grid(t, ctx, l.Engine), grid(t, ctx, engine.New(svc, nil)))
		if !strings.Contains(l.log(), "seq="+itoa(v.Records)+" ") {
			t.Fatalf("the state saved before is not the one loaded:\n%s", l.log())
		}

		// Told that the import commits, and not that it committed (its
		// commit failed): the state written meanwhile is dropped.
		now, err := svc.Records.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f, err = stateEngine(svc, dir).FollowImport(ctx, "deals", 0)
		if err != nil || f == nil {
			t.Fatalf("follow: %v, %v", f, err)
		}
		f.Begin(now)
		f.Written(changed()[:10], false)
		f.Committing(now.Records + 10)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if tmp, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(tmp) > 0 {
			t.Fatalf("the state written for a commit that failed is left: %v", tmp)
		}
		l = newLogged(svc, dir)
		sameGrid(t, "after a failed commit", grid(t, ctx, l.Engine), grid(t, ctx, engine.New(svc, nil)))
		if !strings.Contains(l.log(), "seq="+itoa(v.Records)+" ") {
			t.Fatalf("the state saved before is not the one loaded after a failed commit:\n%s", l.log())
		}
	})
}

// TestFollowImport_SizeHint: the engine makes room for about as many
// records as the file's size suggests; a size far too small or far too
// large, or none, leaves the same saved state: the values of a scan.
func TestFollowImport_SizeHint(t *testing.T) {
	recs := savedRecords()
	var ds *kpi.Dataset
	for _, d := range savedDefinitions().Datasets {
		if d.Name == "deals" {
			ds = d
		}
	}
	var file int64 // the records as a CSV file
	for _, r := range recs {
		for i, v := range r.Values {
			file += int64(len(kpi.FormatValue(ds.Columns[i], v))) + 1
		}
	}
	n := int64(len(recs))
	for _, c := range []struct {
		name     string
		size     int64
		min, max int64 // the records made room for; -1: no room made
	}{
		{"none", 0, -1, -1},
		{"too small", file / 7, n / 8, n / 6},
		{"the file's", file, n * 9 / 10, n * 11 / 10},
		{"too large", 100 * file, 90 * n, 110 * n},
	} {
		t.Run(c.name, func(t *testing.T) {
			kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
				ctx, svc := emptyWorkspace(t, db)
				dir := t.TempDir()
				l := newLogged(svc, dir)
				if _, err := followedSized(t, ctx, l.Engine, svc, &sliceReader{recs: recs, batch: 500}, c.size); err != nil {
					t.Fatal(err)
				}
				_, after, made := strings.Cut(l.log(), "room made for the import")
				switch {
				case c.min < 0 && made:
					t.Fatalf("room made without a size:\n%s", l.log())
				case c.min >= 0 && !made:
					t.Fatalf("no room made:\n%s", l.log())
				case made:
					after, _, _ = strings.Cut(after, "\n")
					_, got, _ := strings.Cut(after, "records=")
					if r, err := strconv.ParseInt(got, 10, 64); err != nil || r < c.min || r > c.max {
						t.Fatalf("room made for %s records, want %d to %d", got, c.min, c.max)
					}
				}
				v, err := svc.Records.Versions(ctx)
				if err != nil {
					t.Fatal(err)
				}
				ready(t, ctx, svc, dir, c.name, v.Records)
			})
		})
	}
}
