package engine_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"attain/engine"
	"attain/kpi"
)

// The test dataset: deals with a stage, an amount, an integer, a date, a
// timestamp and a customer.
func dealsDataset() *kpi.Dataset {
	return &kpi.Dataset{
		Name: "deals",
		Columns: []kpi.Column{
			{Name: "id", Type: kpi.String},
			{Name: "owner", Type: kpi.String},
			{Name: "stage", Type: kpi.String},
			{Name: "amount", Type: kpi.Money, Scale: 2},
			{Name: "n", Type: kpi.Integer},
			{Name: "day", Type: kpi.DateType},
			{Name: "ts", Type: kpi.Timestamp},
			{Name: "customer", Type: kpi.String},
		},
		Key: "id", Owner: "owner", TimeColumns: []string{"day", "ts"},
	}
}

// row is a deal written as text; "" is null.
type row struct {
	key, owner, stage, amount, n, day, ts, customer string
}

func (r row) record(tb testing.TB) kpi.Record {
	tb.Helper()
	str := func(s string) kpi.Value { return kpi.Value{S: s, Null: s == ""} }
	num := func(s string, scale int32) kpi.Value {
		if s == "" {
			return kpi.Value{Null: true}
		}
		d, err := decimal.NewFromString(s)
		if err != nil {
			tb.Fatal(err)
		}
		return kpi.Value{N: d.Shift(scale).IntPart()}
	}
	day := kpi.Value{Null: true}
	if r.day != "" {
		d, err := kpi.ParseDate(r.day)
		if err != nil {
			tb.Fatal(err)
		}
		day = kpi.Value{N: int64(d)}
	}
	ts := kpi.Value{Null: true}
	if r.ts != "" {
		t, err := time.Parse(time.RFC3339, r.ts)
		if err != nil {
			tb.Fatal(err)
		}
		ts = kpi.Value{N: t.Unix()}
	}
	return kpi.Record{Key: r.key, Owner: r.owner, Values: []kpi.Value{
		str(r.key), str(r.owner), str(r.stage), num(r.amount, 2), num(r.n, 0), day, ts, str(r.customer),
	}}
}

// testOrg: company C → departments D1, D2 → teams T1, T2 (in D1) and T3
// (in D2); employees a, b in T1, c in T2, d in T3.
func testOrg() kpi.Org {
	return kpi.Org{
		Units: []*kpi.OrgUnit{
			{ID: "C", Kind: "company"},
			{ID: "D1", Kind: "department", ParentID: "C"},
			{ID: "D2", Kind: "department", ParentID: "C"},
			{ID: "T1", Kind: "team", ParentID: "D1"},
			{ID: "T2", Kind: "team", ParentID: "D1"},
			{ID: "T3", Kind: "team", ParentID: "D2"},
		},
		Employees: []*kpi.Employee{
			{ID: "a", UnitID: "T1"}, {ID: "b", UnitID: "T1"}, {ID: "c", UnitID: "T2"}, {ID: "d", UnitID: "T3"},
		},
	}
}

func mustBuild(tb testing.TB, kpis []*kpi.KPI, loc *time.Location, rows ...row) *engine.State {
	tb.Helper()
	s, err := engine.Build(&kpi.Definitions{Datasets: []*kpi.Dataset{dealsDataset()}, KPIs: kpis}, testOrg(), loc)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range rows {
		if err := s.Upsert("deals", r.record(tb)); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

func date(tb testing.TB, s string) kpi.Date {
	tb.Helper()
	d, err := kpi.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func emp(id string) kpi.Subject  { return kpi.Subject{Kind: kpi.SubjectEmployee, ID: id} }
func unit(id string) kpi.Subject { return kpi.Subject{Kind: kpi.SubjectUnit, ID: id} }

// value returns one KPI value for a subject in the month starting at month
// ("2025-03"), as text ("null" for Null) and its record count.
func value(tb testing.TB, s *engine.State, name string, subj kpi.Subject, month string) (string, int) {
	tb.Helper()
	p, err := kpi.ParsePeriod(month)
	if err != nil {
		tb.Fatal(err)
	}
	vs, err := s.Values(kpi.ValueQuery{KPIs: []string{name}, Subjects: []kpi.Subject{subj}, Grain: p.Grain, From: p.From, To: p.To})
	if err != nil {
		tb.Fatalf("Values(%s, %s, %s): %v", name, subj, month, err)
	}
	if len(vs) != 1 {
		tb.Fatalf("Values(%s, %s, %s) = %d values, want 1", name, subj, month, len(vs))
	}
	return text(vs[0]), vs[0].Records
}

func text(v kpi.KPIValue) string {
	if v.Null {
		return "null"
	}
	return v.Value.String()
}
