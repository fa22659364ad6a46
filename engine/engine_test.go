package engine_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"attain/engine"
	"attain/kpi"
)

// fakeStore is an in-memory engine.Store for one workspace.
type fakeStore struct {
	mu      sync.Mutex
	v       kpi.Versions
	defs    *kpi.Definitions
	org     kpi.Org
	loc     *time.Location
	records map[string]map[string]kpi.Record // dataset → key → record
	changes []kpi.RecordChange

	scans      int    // full scans of a dataset
	failNext   error  // returned by the next RecordChanges
	duringScan func() // called (unlocked) in the middle of a scan
}

func newFakeStore(defs *kpi.Definitions, org kpi.Org, loc *time.Location) *fakeStore {
	return &fakeStore{v: kpi.Versions{Definitions: 1, Org: 1}, defs: defs, org: org, loc: loc, records: map[string]map[string]kpi.Record{}}
}

func (f *fakeStore) Versions(ctx context.Context) (kpi.Versions, error) {
	if _, err := kpi.WorkspaceIDFromContext(ctx); err != nil {
		return kpi.Versions{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.v, nil
}

func (f *fakeStore) FindDefinitions(context.Context) (*kpi.Definitions, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.defs, nil
}

func (f *fakeStore) FindOrgUnits(context.Context) ([]*kpi.OrgUnit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.org.Units, nil
}

func (f *fakeStore) FindEmployees(context.Context, kpi.EmployeeFilter) ([]*kpi.Employee, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.org.Employees, nil
}

func (f *fakeStore) FindMemberships(context.Context) ([]kpi.Membership, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.org.Memberships, nil
}

func (f *fakeStore) Location(context.Context) (*time.Location, error) { return f.loc, nil }

func (f *fakeStore) ScanRecords(_ context.Context, dataset string, fn func(kpi.Record) error) error {
	f.mu.Lock()
	f.scans++
	var recs []kpi.Record
	for _, r := range f.records[dataset] {
		recs = append(recs, r)
	}
	hook := f.duringScan
	f.duringScan = nil
	f.mu.Unlock()
	for i, r := range recs {
		if i == len(recs)/2 && hook != nil {
			hook()
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeStore) RecordChanges(_ context.Context, since int64, fn func(kpi.RecordChange) error) (int64, error) {
	f.mu.Lock()
	if err := f.failNext; err != nil {
		f.failNext = nil
		f.mu.Unlock()
		return 0, err
	}
	var cs []kpi.RecordChange
	for _, c := range f.changes {
		if c.Seq > since {
			cs = append(cs, c)
		}
	}
	f.mu.Unlock()
	last := since
	for _, c := range cs {
		if err := fn(c); err != nil {
			return last, err
		}
		last = c.Seq
	}
	return last, nil
}

func (f *fakeStore) upsert(dataset string, recs ...kpi.Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.records[dataset] == nil {
		f.records[dataset] = map[string]kpi.Record{}
	}
	for _, r := range recs {
		f.v.Records++
		f.records[dataset][r.Key] = r
		f.changes = append(f.changes, kpi.RecordChange{Seq: f.v.Records, Dataset: dataset, Record: r})
	}
}

func (f *fakeStore) delete(dataset, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.v.Records++
	delete(f.records[dataset], key)
	f.changes = append(f.changes, kpi.RecordChange{Seq: f.v.Records, Dataset: dataset, Record: kpi.Record{Key: key}, Deleted: true})
}

func (f *fakeStore) setOrg(org kpi.Org) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.org = org
	f.v.Org++
}

func (f *fakeStore) setDefinitions(defs *kpi.Definitions) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.defs = defs
	f.v.Definitions++
}

func TestEngine(t *testing.T) {
	defs := &kpi.Definitions{Datasets: []*kpi.Dataset{dealsDataset()}, KPIs: rollupKPIs}
	store := newFakeStore(defs, testOrg(), time.UTC)
	for _, r := range rollupRows {
		store.upsert("deals", r.record(t))
	}
	e := engine.New(store, nil)
	ctx := kpi.NewContextWithWorkspace(context.Background(), 1)
	march := kpi.Period{Grain: kpi.Month, From: date(t, "2025-03-01"), To: date(t, "2025-03-31")}
	get := func(name string, subj kpi.Subject) string {
		t.Helper()
		vs, err := e.Values(ctx, kpi.ValueQuery{KPIs: []string{name}, Subjects: []kpi.Subject{subj}, Grain: kpi.Month, From: march.From, To: march.To})
		if err != nil {
			t.Fatal(err)
		}
		return text(vs[0])
	}
	check := func(what, name string, subj kpi.Subject, want string) {
		t.Helper()
		if got := get(name, subj); got != want {
			t.Errorf("%s: %s %s = %s, want %s", what, name, subj, got, want)
		}
	}

	t.Run("NoWorkspace", func(t *testing.T) {
		if _, err := e.Values(context.Background(), kpi.ValueQuery{Grain: kpi.Month}); kpi.ErrorCode(err) != kpi.EUNAUTHORIZED {
			t.Errorf("error = %v, want unauthorized", err)
		}
	})

	check("loaded", "won", unit("C"), "4")
	check("loaded", "lost", unit("C"), "3")

	t.Run("RecordChanges", func(t *testing.T) {
		store.upsert("deals", row{key: "20", owner: "b", stage: "Won", amount: "1", day: "2025-03-09"}.record(t))
		store.upsert("deals", row{key: "4", owner: "b", stage: "Won", amount: "3", day: "2025-03-04"}.record(t))
		store.delete("deals", "1")
		store.delete("deals", "no-such-key")
		store.upsert("other", kpi.Record{Key: "x"}) // a dataset the definitions lack: ignored
		check("changes", "won", emp("b"), "2")
		check("changes", "won", emp("a"), "2")
		check("changes", "lost", unit("C"), "2")
		if store.scans != 1 {
			t.Errorf("scans = %d, want 1 (changes applied incrementally)", store.scans)
		}
	})

	t.Run("Org", func(t *testing.T) {
		org := testOrg()
		org.Employees[1].UnitID = "T3" // b moves to D2
		store.setOrg(org)
		check("org", "won", unit("D2"), "2")
		check("org", "won", unit("T1"), "2")
		if store.scans != 1 {
			t.Errorf("scans = %d, want 1", store.scans)
		}
	})

	t.Run("FailedRefresh", func(t *testing.T) {
		store.upsert("deals", row{key: "21", owner: "a", stage: "Won", day: "2025-03-09"}.record(t))
		boom := errors.New("disk on fire")
		store.failNext = boom
		_, err := e.Values(ctx, kpi.ValueQuery{Grain: kpi.Month, From: march.From, To: march.To})
		if !errors.Is(err, boom) {
			t.Fatalf("error = %v, want the store's", err)
		}
		check("after failure", "won", emp("a"), "3")
	})

	t.Run("Definitions", func(t *testing.T) {
		defs2 := &kpi.Definitions{Datasets: defs.Datasets, KPIs: append([]*kpi.KPI{measure("all", kpi.Count, "", "")}, rollupKPIs...)}
		// A write lands while the engine scans: it must not be lost.
		store.duringScan = func() {
			store.upsert("deals", row{key: "22", owner: "d", stage: "Open", day: "2025-03-09"}.record(t))
		}
		store.setDefinitions(defs2)
		check("rebuilt", "all", unit("C"), "10") // 8 employees' March deals - 1 + 20, 21, 22
		check("rebuilt", "won", emp("a"), "3")
		if store.scans != 2 {
			t.Errorf("scans = %d, want 2", store.scans)
		}
		check("rebuilt", "all", emp("d"), "2")
	})

	t.Run("ExplainAndHealth", func(t *testing.T) {
		x, err := e.Explain(ctx, kpi.ExplainQuery{KPI: "won", Subject: emp("a"), Period: march})
		if err != nil {
			t.Fatal(err)
		}
		if text(x.Value) != "3" || len(x.Records) != 3 {
			t.Errorf("explanation = %+v", x)
		}
		hs, err := e.Health(ctx)
		if err != nil || len(hs) != 5 {
			t.Errorf("health = %v, %v", hs, err)
		}
		if err := e.Refresh(ctx); err != nil {
			t.Error(err)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 50 {
					if w == 0 {
						store.upsert("deals", row{key: "c" + string(rune('a'+i%26)), owner: "c", stage: "Won", day: "2025-03-10"}.record(t))
						continue
					}
					if _, err := e.Values(ctx, kpi.ValueQuery{Grain: kpi.Month, From: march.From, To: march.To}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		check("after concurrent writes", "won", emp("c"), "27")
	})
}
