package preview_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app/preview"
	"attain/kpi"
)

func date(t *testing.T, s string) kpi.Date {
	t.Helper()
	d, err := kpi.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPair(t *testing.T) {
	co := kpi.Subject{Kind: kpi.SubjectUnit, ID: "co"}
	jan := kpi.PeriodOf(kpi.Month, date(t, "2025-01-15"))
	feb := jan.Next()
	v := func(name string, p kpi.Period, s string) kpi.KPIValue {
		if s == "null" {
			return kpi.KPIValue{KPI: name, Subject: co, Period: p, Null: true}
		}
		return kpi.KPIValue{KPI: name, Subject: co, Period: p, Value: decimal.RequireFromString(s)}
	}
	before := []kpi.KPIValue{v("won", jan, "2"), v("won", feb, "1"), v("rate", jan, "null"), v("old", jan, "3")}
	after := []kpi.KPIValue{v("won", jan, "2"), v("won", feb, "2.5"), v("rate", jan, "0.5"), v("new", jan, "null")}
	b, err := json.Marshal(preview.Pair(before, after))
	if err != nil {
		t.Fatal(err)
	}
	got, want := string(b), `[`+
		`{"kpi":"won","subject":{"kind":"unit","id":"co"},"period":{"grain":"month","from":"2025-01-01","to":"2025-01-31"},"before":"2","after":"2","delta":"0","changed":false},`+
		`{"kpi":"won","subject":{"kind":"unit","id":"co"},"period":{"grain":"month","from":"2025-02-01","to":"2025-02-28"},"before":"1","after":"2.5","delta":"1.5","changed":true},`+
		`{"kpi":"rate","subject":{"kind":"unit","id":"co"},"period":{"grain":"month","from":"2025-01-01","to":"2025-01-31"},"before":null,"after":"0.5","delta":null,"changed":true},`+
		`{"kpi":"new","subject":{"kind":"unit","id":"co"},"period":{"grain":"month","from":"2025-01-01","to":"2025-01-31"},"before":null,"after":null,"delta":null,"changed":false},`+
		`{"kpi":"old","subject":{"kind":"unit","id":"co"},"period":{"grain":"month","from":"2025-01-01","to":"2025-01-31"},"before":"3","after":null,"delta":null,"changed":true}]`
	if got != want {
		t.Errorf("Pair =\n%s\nwant\n%s", got, want)
	}
	if got := len(preview.Changed(preview.Pair(before, after))); got != 3 {
		t.Errorf("Changed = %d rows, want 3", got)
	}
}

func TestDefinitions(t *testing.T) {
	won := &kpi.KPI{Name: "won", Dataset: "deals", Aggregation: kpi.Count, Filter: `stage == "Won"`}
	won2 := &kpi.KPI{Name: "won", Dataset: "deals", Aggregation: kpi.Count, Filter: `stage in ["Won", "Lost"]`}
	lost := &kpi.KPI{Name: "lost", Dataset: "deals", Aggregation: kpi.Count, Filter: `stage == "Lost"`}
	older := &kpi.KPI{Name: "lost", Dataset: "deals", Aggregation: kpi.Count}
	fresh := &kpi.KPI{Name: "fresh", Dataset: "deals", Aggregation: kpi.Count}
	stored := &kpi.Definitions{KPIs: []*kpi.KPI{won, lost},
		Revisions: []*kpi.KPIRevision{{KPI: older, Until: date(t, "2025-02-28")}}}
	next := &kpi.Definitions{KPIs: []*kpi.KPI{won2, fresh}}
	changes := []kpi.Change{{Action: "delete", Kind: "kpi", Name: "lost"}, {Action: "update", Kind: "kpi", Name: "won"}, {Action: "create", Kind: "kpi", Name: "fresh"}}

	t.Run("AllRecords", func(t *testing.T) {
		got := preview.Definitions(stored, next, changes, nil)
		if !slices.Equal(got.KPIs, next.KPIs) || !slices.Equal(got.Revisions, stored.Revisions) {
			t.Errorf("KPIs %v, revisions %v: want next's KPIs and the stored revisions", got.KPIs, got.Revisions)
		}
	})
	t.Run("Effective", func(t *testing.T) {
		d := date(t, "2025-03-01")
		got := preview.Definitions(stored, next, changes, &d)
		// lost's last revision already ends on 2025-02-28: its stored
		// definition was never in effect and is not kept again.
		want := []*kpi.KPIRevision{stored.Revisions[0], {KPI: won, Until: date(t, "2025-02-28")}}
		if len(got.Revisions) != len(want) || got.Revisions[0] != want[0] || got.Revisions[1].KPI != won || got.Revisions[1].Until != want[1].Until {
			t.Errorf("revisions = %+v, want %+v", got.Revisions, want)
		}
		if len(stored.Revisions) != 1 {
			t.Errorf("stored revisions changed: %+v", stored.Revisions)
		}
	})
}

func TestAffected(t *testing.T) {
	defs := func(kpis ...*kpi.KPI) *kpi.Definitions { return &kpi.Definitions{KPIs: kpis} }
	won := &kpi.KPI{Name: "won", Dataset: "deals", Aggregation: kpi.Count}
	lost := &kpi.KPI{Name: "lost", Dataset: "deals", Aggregation: kpi.Count}
	rate := &kpi.KPI{Name: "rate", Formula: "won / (won + lost)"}
	pct := &kpi.KPI{Name: "pct", Formula: "rate * 100"}
	other := &kpi.KPI{Name: "other", Formula: "lost * 2"}
	stored := defs(won, lost, rate, pct, other)
	next := defs(won, lost, rate, pct, other)

	if got, want := preview.Affected(stored, next, []kpi.Change{{Action: "update", Kind: "kpi", Name: "won"}}), []string{"won", "rate", "pct"}; !slices.Equal(got, want) {
		t.Errorf("Affected(won) = %v, want %v", got, want)
	}
	if got := preview.Affected(stored, next, []kpi.Change{{Action: "update", Kind: "dataset", Name: "deals"}}); got != nil {
		t.Errorf("Affected(dataset) = %v, want none", got)
	}
	gone := defs(won, lost)
	if got, want := preview.Affected(stored, gone, []kpi.Change{{Action: "delete", Kind: "kpi", Name: "pct"}}), []string{"pct"}; !slices.Equal(got, want) {
		t.Errorf("Affected(delete pct) = %v, want %v", got, want)
	}
}

func TestSubjects(t *testing.T) {
	units := []*kpi.OrgUnit{{ID: "co"}, {ID: "t1", ParentID: "east"}, {ID: "east", ParentID: "co"}, {ID: "west", ParentID: "co"}, {ID: "lab"}}
	var got []string
	for _, s := range preview.Subjects(units) {
		got = append(got, s.String())
	}
	if want := []string{"unit:co", "unit:east", "unit:west", "unit:lab"}; !slices.Equal(got, want) {
		t.Errorf("Subjects = %v, want %v", got, want)
	}
}

func TestMonths(t *testing.T) {
	today := date(t, "2026-03-10")
	for _, tc := range []struct {
		name     string
		from, to string
		want     string
	}{
		{"Default", "", "", "2026-01-01..2026-03-10"},
		{"To", "", "2025-12-31", "2025-10-01..2025-12-31"},
		{"FromTo", "2025-06-15", "2025-07-01", "2025-06-15..2025-07-01"},
		{"From", "2025-12-01", "", "2025-12-01..2026-03-10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var from, to *kpi.Date
			if tc.from != "" {
				d := date(t, tc.from)
				from = &d
			}
			if tc.to != "" {
				d := date(t, tc.to)
				to = &d
			}
			f, l, err := preview.Months(today, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.String() + ".." + l.String(); got != tc.want {
				t.Errorf("Months = %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("ErrBackwards", func(t *testing.T) {
		from, to := date(t, "2026-02-01"), date(t, "2026-01-01")
		if _, _, err := preview.Months(today, &from, &to); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("error = %v, want invalid", err)
		}
	})
}
