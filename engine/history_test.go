package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"attain/engine"
	"attain/kpi"
)

// explained writes an explanation as text: the value, the definition
// (current, or until a day), the records (key/owner/date) and the parts.
func explained(x *kpi.Explanation) string {
	var b strings.Builder
	var walk func(x *kpi.Explanation)
	walk = func(x *kpi.Explanation) {
		fmt.Fprintf(&b, "%s=%s/%d", x.Value.KPI, text(x.Value), x.Value.Records)
		if x.Until != nil {
			fmt.Fprintf(&b, " until %s", x.Until)
		}
		if x.Formula != "" {
			fmt.Fprintf(&b, " formula %q", x.Formula)
		}
		if x.Filter != "" {
			fmt.Fprintf(&b, " filter %q", x.Filter)
		}
		for _, r := range x.Records {
			fmt.Fprintf(&b, " %s/%s/%s", r.Key, r.Owner, r.Date)
		}
		if len(x.Parts) > 0 {
			b.WriteString(" [")
			for i, p := range x.Parts {
				if i > 0 {
					b.WriteString("; ")
				}
				walk(p)
			}
			b.WriteString("]")
		}
	}
	walk(x)
	return b.String()
}

// recordCount checks that an explanation lists as many records as its
// value counts, in its parts too.
func recordCount(tb testing.TB, x *kpi.Explanation) {
	tb.Helper()
	n := len(x.Records)
	if x.Formula == "" && len(x.Parts) > 0 {
		for _, p := range x.Parts {
			recordCount(tb, p)
			n += p.Value.Records
		}
	}
	if x.Formula == "" && n != x.Value.Records {
		tb.Errorf("%s: %d records explained, value counts %d", explained(x), n, x.Value.Records)
	}
}

func TestRevisions(t *testing.T) {
	until := date(t, "2025-03-14") // the change applies from 2025-03-15
	won := measure("won", kpi.Count, "", `stage == "Won" || stage == "Open"`)
	revenue := measure("revenue", kpi.Sum, "n", "")  // scale 0, was amount at scale 2
	deals := measure("deals", kpi.Sum, "amount", "") // was a count: computed per period
	ratio := &kpi.KPI{Name: "ratio", Formula: "revenue / won"}
	defs := &kpi.Definitions{
		Datasets: []*kpi.Dataset{dealsDataset()},
		KPIs:     []*kpi.KPI{won, revenue, deals, ratio},
		Revisions: []*kpi.KPIRevision{
			{KPI: measure("won", kpi.Count, "", `stage == "Won"`), Until: until},
			{KPI: measure("revenue", kpi.Sum, "amount", `stage == "Won"`), Until: until},
			{KPI: measure("deals", kpi.Count, "", ""), Until: until},
			{KPI: &kpi.KPI{Name: "ratio", Formula: "won * 2"}, Until: until},
		},
	}
	s, err := engine.Build(defs, testOrg(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range s.Health() {
		if h.Err != nil {
			t.Fatalf("KPI %s broken: %v", h.KPI, h.Err)
		}
	}
	for _, r := range []row{
		{key: "r1", owner: "a", stage: "Won", amount: "10.00", n: "1", day: "2025-02-10"},
		{key: "r2", owner: "a", stage: "Open", amount: "20.00", n: "2", day: "2025-02-11"},
		{key: "r3", owner: "a", stage: "Won", amount: "30.00", n: "3", day: "2025-03-10"},
		{key: "r4", owner: "a", stage: "Open", amount: "40.00", n: "4", day: "2025-03-14"},
		{key: "r5", owner: "a", stage: "Won", amount: "50.00", n: "5", day: "2025-03-15"},
		{key: "r6", owner: "a", stage: "Open", amount: "60.00", n: "6", day: "2025-03-25"},
		{key: "r7", owner: "a", stage: "Open", amount: "70.00", n: "7", day: "2025-04-02"},
		{key: "r8", owner: "c", stage: "Won", amount: "0.50", n: "8", day: "2025-03-01"},
	} {
		if err := s.Upsert("deals", r.record(t)); err != nil {
			t.Fatal(err)
		}
	}

	for _, tt := range []struct {
		kpi   string
		subj  kpi.Subject
		month string
		want  string
		n     int
	}{
		// February keeps the old definitions' values.
		{"won", emp("a"), "2025-02", "1", 1},
		{"revenue", emp("a"), "2025-02", "10", 1},
		{"deals", emp("a"), "2025-02", "2", 2},
		{"ratio", emp("a"), "2025-02", "2", 1},
		// March mixes by record date: r3 (and not r4) by the old
		// definition, r5 and r6 by the new one.
		{"won", emp("a"), "2025-03", "3", 3},
		{"revenue", emp("a"), "2025-03", "41", 3},
		{"won", unit("D1"), "2025-03", "4", 4},
		{"revenue", unit("D1"), "2025-03", "41.5", 4},
		{"revenue", unit("T2"), "2025-03", "0.5", 1},
		// A KPI that changed its aggregation, and a formula, take the
		// definition in effect on the period's first day.
		{"deals", emp("a"), "2025-03", "4", 4},
		{"ratio", emp("a"), "2025-03", "6", 3},
		// April uses the new definitions only.
		{"won", emp("a"), "2025-04", "1", 1},
		{"revenue", emp("a"), "2025-04", "7", 1},
		{"deals", emp("a"), "2025-04", "70", 1},
		{"ratio", emp("a"), "2025-04", "7", 2},
	} {
		if got, n := value(t, s, tt.kpi, tt.subj, tt.month); got != tt.want || n != tt.n {
			t.Errorf("%s %s %s = %s (%d records), want %s (%d)", tt.kpi, tt.subj, tt.month, got, n, tt.want, tt.n)
		}
	}

	t.Run("Explain", func(t *testing.T) {
		for _, tt := range []struct {
			kpi   string
			subj  kpi.Subject
			month string
			want  string
		}{
			{"won", emp("a"), "2025-02", `won=1/1 until 2025-03-14 filter "stage == \"Won\"" r1/a/2025-02-10`},
			{"won", emp("a"), "2025-04", `won=1/1 filter "stage == \"Won\" || stage == \"Open\"" r7/a/2025-04-02`},
			{"won", emp("a"), "2025-03", `won=3/3 [won=1/1 until 2025-03-14 filter "stage == \"Won\"" r3/a/2025-03-10; ` +
				`won=2/2 filter "stage == \"Won\" || stage == \"Open\"" r5/a/2025-03-15 r6/a/2025-03-25]`},
			{"revenue", unit("D1"), "2025-03", `revenue=41.5/4 [revenue=30.5/2 until 2025-03-14 filter "stage == \"Won\"" r8/c/2025-03-01 r3/a/2025-03-10; ` +
				`revenue=11/2 r5/a/2025-03-15 r6/a/2025-03-25]`},
			{"deals", emp("a"), "2025-03", `deals=4/4 until 2025-03-14 r3/a/2025-03-10 r4/a/2025-03-14 r5/a/2025-03-15 r6/a/2025-03-25`},
			{"ratio", emp("a"), "2025-03", `ratio=6/3 until 2025-03-14 formula "won * 2" [won=3/3 [won=1/1 until 2025-03-14 filter "stage == \"Won\"" r3/a/2025-03-10; ` +
				`won=2/2 filter "stage == \"Won\" || stage == \"Open\"" r5/a/2025-03-15 r6/a/2025-03-25]]`},
			{"ratio", emp("a"), "2025-04", `ratio=7/2 formula "revenue / won" [revenue=7/1 r7/a/2025-04-02; won=1/1 filter "stage == \"Won\" || stage == \"Open\"" r7/a/2025-04-02]`},
		} {
			p, err := kpi.ParsePeriod(tt.month)
			if err != nil {
				t.Fatal(err)
			}
			x, err := s.Explain(kpi.ExplainQuery{KPI: tt.kpi, Subject: tt.subj, Period: p})
			if err != nil {
				t.Fatal(err)
			}
			if got := explained(x); got != tt.want {
				t.Errorf("explain %s %s %s =\n%s\nwant\n%s", tt.kpi, tt.subj, tt.month, got, tt.want)
			}
			if v, _ := value(t, s, tt.kpi, tt.subj, tt.month); v != text(x.Value) {
				t.Errorf("explain %s %s %s value %s, Values says %s", tt.kpi, tt.subj, tt.month, text(x.Value), v)
			}
			recordCount(t, x)
		}
	})

	t.Run("BrokenRevision", func(t *testing.T) {
		d := *defs
		d.Revisions = append(d.Revisions, &kpi.KPIRevision{KPI: measure("won", kpi.Count, "", `nope == 1`), Until: date(t, "2025-01-31")})
		s, err := engine.Build(&d, testOrg(), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Values(kpi.ValueQuery{KPIs: []string{"won"}, Grain: kpi.Month, From: date(t, "2025-04-01"), To: date(t, "2025-04-30")})
		if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(kpi.ErrorMessage(err), "until 2025-01-31") {
			t.Errorf("won with a broken revision: %v, want EINVALID naming the revision", err)
		}
	})
}

// movedOrg is testOrg where b moved from T1 to T2 (both in D1) on
// 2025-03-15.
func movedOrg() kpi.Org {
	org := testOrg()
	org.Employees[1].UnitID = "T2"
	org.Memberships = []kpi.Membership{{EmployeeID: "b", UnitID: "T1", Until: kpi.NewDate(2025, 3, 14)}}
	return org
}

var movedRows = []row{
	{key: "a1", owner: "a", stage: "Won", amount: "1", day: "2025-03-05", ts: "2025-03-05T10:00:00Z", customer: "x"},
	{key: "c1", owner: "c", stage: "Won", amount: "2", day: "2025-03-07", ts: "2025-03-07T10:00:00Z", customer: "y"},
	{key: "b0", owner: "b", stage: "Won", amount: "5", day: "2025-02-05", ts: "2025-02-05T10:00:00Z", customer: "x"},
	{key: "b1", owner: "b", stage: "Won", amount: "10", day: "2025-03-10", ts: "2025-03-16T10:00:00Z", customer: "x"},
	{key: "b2", owner: "b", stage: "Won", amount: "20", day: "2025-03-20", ts: "2025-03-20T10:00:00Z", customer: "y"},
	{key: "b3", owner: "b", stage: "Won", amount: "40", day: "2025-04-01", ts: "2025-04-01T10:00:00Z", customer: "z"},
}

var movedKPIs = []*kpi.KPI{
	measure("won", kpi.Count, "", ""),
	measure("revenue", kpi.Sum, "amount", ""),
	measure("median", kpi.Median, "amount", ""),
	measure("customers", kpi.CountDistinct, "customer", ""),
	{Name: "revenue_ts", Dataset: "deals", Aggregation: kpi.Sum, Expr: "amount", TimeColumn: "ts"},
	{Name: "per_deal", Formula: "revenue / won"},
}

func TestMemberships(t *testing.T) {
	s, err := engine.Build(&kpi.Definitions{Datasets: []*kpi.Dataset{dealsDataset()}, KPIs: movedKPIs}, movedOrg(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range movedRows {
		if err := s.Upsert("deals", r.record(t)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		kpi   string
		subj  kpi.Subject
		month string
		want  string
	}{
		// Before the move b counts for T1, after it for T2.
		{"revenue", unit("T1"), "2025-02", "5"},
		{"revenue", unit("T2"), "2025-02", "0"},
		{"revenue", unit("T1"), "2025-03", "11"},
		{"revenue", unit("T2"), "2025-03", "22"},
		{"revenue", unit("T1"), "2025-04", "0"},
		{"revenue", unit("T2"), "2025-04", "40"},
		// The department and the company count each record once.
		{"revenue", unit("D1"), "2025-03", "33"},
		{"won", unit("D1"), "2025-03", "4"},
		{"won", unit("C"), "2025-03", "4"},
		{"median", unit("D1"), "2025-03", "6"},
		{"customers", unit("D1"), "2025-03", "2"},
		{"customers", unit("T1"), "2025-03", "1"},
		{"per_deal", unit("T2"), "2025-03", "11"},
		// b's own values hold all their records.
		{"revenue", emp("b"), "2025-03", "30"},
		{"won", emp("b"), "2025-03", "2"},
		{"customers", emp("b"), "2025-03", "2"},
		// Dated by ts, b1 (2025-03-16) is after the move.
		{"revenue_ts", unit("T1"), "2025-03", "1"},
		{"revenue_ts", unit("T2"), "2025-03", "32"},
		{"revenue_ts", unit("D1"), "2025-03", "33"},
	} {
		if got, _ := value(t, s, tt.kpi, tt.subj, tt.month); got != tt.want {
			t.Errorf("%s %s %s = %s, want %s", tt.kpi, tt.subj, tt.month, got, tt.want)
		}
	}

	t.Run("Grid", func(t *testing.T) {
		// All subjects at once (the query's groups differ from one subject's).
		vs, err := s.Values(kpi.ValueQuery{KPIs: []string{"revenue"}, Grain: kpi.Month, From: date(t, "2025-02-01"), To: date(t, "2025-04-30")})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, v := range vs {
			got[v.Subject.String()+" "+v.Period.From.String()] = text(v)
		}
		for k, want := range map[string]string{
			"unit:T1 2025-02-01": "5", "unit:T1 2025-03-01": "11", "unit:T2 2025-03-01": "22", "unit:T2 2025-04-01": "40",
			"unit:D1 2025-03-01": "33", "unit:C 2025-03-01": "33", "employee:b 2025-03-01": "30", "unit:D2 2025-03-01": "0",
		} {
			if got[k] != want {
				t.Errorf("revenue %s = %s, want %s", k, got[k], want)
			}
		}
	})

	t.Run("Explain", func(t *testing.T) {
		march, err := kpi.ParsePeriod("2025-03")
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			kpi  string
			subj kpi.Subject
			want string
		}{
			{"revenue", unit("T1"), "revenue=11/2 a1/a/2025-03-05 b1/b/2025-03-10"},
			{"revenue", unit("T2"), "revenue=22/2 c1/c/2025-03-07 b2/b/2025-03-20"},
			{"revenue", unit("D1"), "revenue=33/4 a1/a/2025-03-05 c1/c/2025-03-07 b1/b/2025-03-10 b2/b/2025-03-20"},
			{"revenue", emp("b"), "revenue=30/2 b1/b/2025-03-10 b2/b/2025-03-20"},
			{"revenue_ts", unit("T2"), "revenue_ts=32/3 c1/c/2025-03-07 b1/b/2025-03-16 b2/b/2025-03-20"},
		} {
			x, err := s.Explain(kpi.ExplainQuery{KPI: tt.kpi, Subject: tt.subj, Period: march})
			if err != nil {
				t.Fatal(err)
			}
			if got := explained(x); got != tt.want {
				t.Errorf("explain %s %s = %s, want %s", tt.kpi, tt.subj, got, tt.want)
			}
			recordCount(t, x)
		}
	})

	t.Run("Engine", func(t *testing.T) {
		// The cached engine reads memberships with the org.
		store := newFakeStore(&kpi.Definitions{Datasets: []*kpi.Dataset{dealsDataset()}, KPIs: movedKPIs}, testOrg(), time.UTC)
		for _, r := range movedRows {
			store.upsert("deals", r.record(t))
		}
		e := engine.New(store, nil)
		ctx := kpi.NewContextWithWorkspace(context.Background(), 1)
		get := func(subj kpi.Subject) string {
			t.Helper()
			vs, err := e.Values(ctx, kpi.ValueQuery{KPIs: []string{"revenue"}, Subjects: []kpi.Subject{subj}, Grain: kpi.Month, From: date(t, "2025-03-01"), To: date(t, "2025-03-31")})
			if err != nil {
				t.Fatal(err)
			}
			return text(vs[0])
		}
		if got := get(unit("T1")); got != "31" {
			t.Errorf("T1 before the move is recorded = %s, want 31", got)
		}
		store.setOrg(movedOrg())
		if got, got2 := get(unit("T1")), get(unit("T2")); got != "11" || got2 != "22" {
			t.Errorf("after the move: T1 = %s, T2 = %s; want 11 and 22", got, got2)
		}
	})
}
