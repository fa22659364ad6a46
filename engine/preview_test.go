package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"attain/engine"
	"attain/kpi"
)

func TestEnginePreview(t *testing.T) {
	wonOnly := &kpi.KPI{Name: "won", Dataset: "deals", Aggregation: kpi.Count, Filter: `stage == "Won"`, TimeColumn: "day"}
	decided := &kpi.KPI{Name: "won", Dataset: "deals", Aggregation: kpi.Count, Filter: `stage == "Won" || stage == "Lost"`, TimeColumn: "day"}
	share := &kpi.KPI{Name: "share", Formula: "won / 2"}
	defs := &kpi.Definitions{Datasets: []*kpi.Dataset{dealsDataset()}, KPIs: []*kpi.KPI{wonOnly, share}}
	store := newFakeStore(defs, testOrg(), time.UTC)
	for _, r := range []row{
		{key: "k1", owner: "a", stage: "Won", day: "2025-01-10"},
		{key: "k2", owner: "c", stage: "Won", day: "2025-01-20"},
		{key: "k3", owner: "b", stage: "Won", day: "2025-02-05"},
		{key: "k4", owner: "d", stage: "Lost", day: "2025-02-20"},
		{key: "k5", owner: "a", stage: "Lost", day: "2025-03-03"},
		{key: "k6", owner: "b", stage: "Open", day: "2025-03-04"},
	} {
		store.upsert("deals", r.record(t))
	}
	e := engine.New(store, nil)
	ctx := kpi.NewContextWithWorkspace(context.Background(), 1)
	q := kpi.ValueQuery{Subjects: []kpi.Subject{unit("C"), unit("D1"), unit("D2")}, Grain: kpi.Month, From: date(t, "2025-01-01"), To: date(t, "2025-03-31")}

	// counts renders the won values per subject and month:
	// "C 2025-01=2 ...".
	counts := func(vs []kpi.KPIValue, name string) string {
		t.Helper()
		var parts []string
		for _, v := range vs {
			if v.KPI == name {
				parts = append(parts, v.Subject.ID+" "+v.Period.Label()+"="+text(v))
			}
		}
		return strings.Join(parts, " ")
	}
	cached, err := e.Values(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	const before = "C 2025-01=2 C 2025-02=1 C 2025-03=0 D1 2025-01=2 D1 2025-02=1 D1 2025-03=0 D2 2025-01=0 D2 2025-02=0 D2 2025-03=0"
	if got := counts(cached, "won"); got != before {
		t.Fatalf("won now = %s\nwant %s", got, before)
	}

	t.Run("FilterChanged", func(t *testing.T) {
		next := &kpi.Definitions{Datasets: defs.Datasets, KPIs: []*kpi.KPI{decided, share}}
		vs, err := e.Preview(ctx, next, q)
		if err != nil {
			t.Fatal(err)
		}
		// January has no lost deal: unchanged. February and March count
		// the lost deals of d (D2) and a (D1).
		want := "C 2025-01=2 C 2025-02=2 C 2025-03=1 D1 2025-01=2 D1 2025-02=1 D1 2025-03=1 D2 2025-01=0 D2 2025-02=1 D2 2025-03=0"
		if got := counts(vs, "won"); got != want {
			t.Errorf("won after = %s\nwant %s", got, want)
		}
		if got, want := counts(vs, "share"), "C 2025-01=1 C 2025-02=1 C 2025-03=0.5 D1 2025-01=1 D1 2025-02=0.5 D1 2025-03=0.5 D2 2025-01=0 D2 2025-02=0.5 D2 2025-03=0"; got != want {
			t.Errorf("share after = %s\nwant %s", got, want)
		}
	})

	t.Run("Effective", func(t *testing.T) {
		// As the store keeps it when applied --effective 2025-03-01.
		next := &kpi.Definitions{Datasets: defs.Datasets, KPIs: []*kpi.KPI{decided, share},
			Revisions: []*kpi.KPIRevision{{KPI: wonOnly, Until: date(t, "2025-02-28")}}}
		vs, err := e.Preview(ctx, next, q)
		if err != nil {
			t.Fatal(err)
		}
		want := "C 2025-01=2 C 2025-02=1 C 2025-03=1 D1 2025-01=2 D1 2025-02=1 D1 2025-03=1 D2 2025-01=0 D2 2025-02=0 D2 2025-03=0"
		if got := counts(vs, "won"); got != want {
			t.Errorf("won after = %s\nwant %s", got, want)
		}
	})

	t.Run("ErrBroken", func(t *testing.T) {
		next := &kpi.Definitions{Datasets: defs.Datasets, KPIs: []*kpi.KPI{wonOnly, {Name: "ratio", Formula: "won / nope"}}}
		_, err := e.Preview(ctx, next, q)
		if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(kpi.ErrorMessage(err), `KPI "ratio" cannot be computed`) {
			t.Errorf("error = %v, want invalid naming ratio", err)
		}
	})

	t.Run("ErrNoWorkspace", func(t *testing.T) {
		if _, err := e.Preview(context.Background(), defs, q); kpi.ErrorCode(err) != kpi.EUNAUTHORIZED {
			t.Errorf("error = %v, want unauthorized", err)
		}
	})

	t.Run("CachedUnchanged", func(t *testing.T) {
		got, err := e.Values(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, cached, func(a, b kpi.KPIValue) bool {
			return a.KPI == b.KPI && a.Subject == b.Subject && a.Period == b.Period && text(a) == text(b) && a.Records == b.Records
		}) {
			t.Errorf("cached values changed after previews:\n got %v\nwant %v", got, cached)
		}
		if got := counts(got, "won"); got != before {
			t.Errorf("won now = %s\nwant %s", got, before)
		}
	})
}
