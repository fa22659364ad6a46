package demo_test

import (
	"slices"
	"testing"
	gotime "time"

	"attain/calc/formula"
	"attain/demo"
	"attain/kpi"
)

// measure computes a measure KPI of attain.yaml for one owner over
// [from, to], by its definition: filter, expr, time column, aggregation. It
// returns the value times 10^scale of the expr (a count is a plain number)
// and false when there is no value. Avg and median round down; enough to
// compare people.
func measure(t *testing.T, defs *kpi.Definitions, d *demo.Data, name, owner string, from, to kpi.Date) (int64, bool) {
	t.Helper()
	k := defs.KPI(name)
	ds := defs.Dataset(k.Dataset)
	var filter, expr *formula.RecordExpr
	var err error
	if k.Filter != "" {
		if filter, err = formula.CompileFilter(ds, k.Filter); err != nil {
			t.Fatal(err)
		}
	}
	if k.Aggregation == kpi.CountDistinct {
		expr, err = formula.CompileKey(ds, k.Expr)
	} else if k.Expr != "" {
		expr, err = formula.CompileValue(ds, k.Expr)
	}
	if err != nil {
		t.Fatal(err)
	}
	tc := ds.ColumnIndex(k.TimeColumn)
	var nums []int64
	keys := map[string]bool{}
	for _, r := range d.Records[ds.Name] {
		v := r.Values[tc]
		if r.Owner != owner || v.Null {
			continue
		}
		day := kpi.Date(v.N)
		if ds.Columns[tc].Type == kpi.Timestamp {
			day = kpi.Date(v.N / 86400)
		}
		if day < from || day > to {
			continue
		}
		if filter != nil {
			if ok, err := filter.Bool(r.Values); err != nil {
				t.Fatal(err)
			} else if !ok {
				continue
			}
		}
		switch {
		case k.Aggregation == kpi.Count:
			nums = append(nums, 1)
		case k.Aggregation == kpi.CountDistinct:
			key, null, err := expr.Key(r.Values)
			if err != nil {
				t.Fatal(err)
			}
			if !null {
				keys[key] = true
			}
		default:
			n, null, err := expr.Number(r.Values)
			if err != nil {
				t.Fatal(err)
			}
			if !null {
				nums = append(nums, n)
			}
		}
	}
	var sum int64
	for _, n := range nums {
		sum += n
	}
	switch k.Aggregation {
	case kpi.Count, kpi.Sum:
		return sum, true
	case kpi.CountDistinct:
		return int64(len(keys)), true
	}
	if len(nums) == 0 {
		return 0, false
	}
	switch k.Aggregation {
	case kpi.Avg:
		return sum / int64(len(nums)), true
	case kpi.Median:
		slices.Sort(nums)
		return nums[(len(nums)-1)/2], true
	}
	t.Fatalf("measure %s: aggregation %s not supported here", name, k.Aggregation)
	return 0, false
}

// TestStories checks that the KPIs of attain.yaml show the stories
// README.md promises: strong people beat weak ones over the year, the
// improving end the year better than they began it, the declining worse.
func TestStories(t *testing.T) {
	defs := mustDefs(t)
	profiles := demo.Profiles()
	for _, seed := range []int64{1, 2, 3, 4, 5} {
		d := mustGenerate(t, demo.Options{Seed: seed})
		emps := map[string]*kpi.Employee{}
		for _, e := range d.Employees {
			emps[e.ID] = e
		}
		month := func(m int) kpi.Date { // first day of month m of the data; m may be 12
			y, mm, _ := d.Start.Time().Date()
			return kpi.NewDate(y, mm+gotime.Month(m), 1)
		}
		first, last := [2]kpi.Date{month(0), month(4) - 1}, [2]kpi.Date{month(8), month(12) - 1}
		year := [2]kpi.Date{month(0), month(12) - 1}
		get := func(name, owner string, r [2]kpi.Date) int64 {
			v, _ := measure(t, defs, d, name, owner, r[0], r[1])
			return v
		}

		// Sales: whole-year members with a full workload.
		var strong, weak []int64
		for _, p := range profiles {
			e := emps[p.EmployeeID]
			if e.Position != demo.PositionSalesManager || *e.HiredOn > d.Start || e.LeftOn != nil {
				continue
			}
			won := get("won_value", e.ID, year)
			switch p.Skill {
			case demo.Strong:
				strong = append(strong, won)
			case demo.Weak:
				weak = append(weak, won)
			}
			a, b := get("won_value", e.ID, first), get("won_value", e.ID, last)
			switch p.Trend {
			case demo.Improving:
				if b <= a {
					t.Errorf("seed %d: %s improves, but won value %d in the first 4 months, %d in the last", seed, e.ID, a, b)
				}
			case demo.Declining:
				if b >= a {
					t.Errorf("seed %d: %s declines, but won value %d in the first 4 months, %d in the last", seed, e.ID, a, b)
				}
			}
			t.Logf("seed %d %-16s %-8s %-10s won %8d  %8d -> %8d", seed, e.ID, p.Skill, p.Trend, won/100, a/100, b/100)
		}
		if slices.Min(strong) <= slices.Max(weak) {
			t.Errorf("seed %d: won value of the strong %v, of the weak %v", seed, strong, weak)
		}

		// Order processing: processing time, lower is better.
		var strongH, weakH []int64
		for _, p := range profiles {
			e := emps[p.EmployeeID]
			if e.Position != demo.PositionOrderManager || *e.HiredOn > d.Start {
				continue
			}
			h := get("median_processing_hours", e.ID, year)
			switch p.Skill {
			case demo.Strong:
				strongH = append(strongH, h)
			case demo.Weak:
				weakH = append(weakH, h)
			}
			a, b := get("median_processing_hours", e.ID, first), get("median_processing_hours", e.ID, last)
			switch p.Trend {
			case demo.Improving:
				if b >= a {
					t.Errorf("seed %d: %s improves, but processing takes %d in the first 4 months, %d in the last", seed, e.ID, a, b)
				}
			case demo.Declining:
				if b <= a {
					t.Errorf("seed %d: %s declines, but processing takes %d in the first 4 months, %d in the last", seed, e.ID, a, b)
				}
			}
			t.Logf("seed %d %-16s %-8s %-10s hours %8d  %8d -> %8d", seed, e.ID, p.Skill, p.Trend, h/1e4, a/1e4, b/1e4)
		}
		if slices.Max(strongH) >= slices.Min(weakH) {
			t.Errorf("seed %d: median processing hours of the strong %v, of the weak %v", seed, strongH, weakH)
		}
	}
}
