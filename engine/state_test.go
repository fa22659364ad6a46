package engine_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"attain/engine"
	"attain/kpi"
)

func measure(name string, agg kpi.Aggregation, expr, filter string) *kpi.KPI {
	return &kpi.KPI{Name: name, Dataset: "deals", Aggregation: agg, Expr: expr, Filter: filter, TimeColumn: "day"}
}

// amounts returns rows for employee a on 2025-03-10, one per amount.
func amounts(as ...string) []row {
	var rows []row
	for i, a := range as {
		rows = append(rows, row{key: fmt.Sprintf("k%02d", i), owner: "a", stage: "Won", amount: a, day: "2025-03-10"})
	}
	return rows
}

// zeros returns n rows of amount 0 with keys z00...
func zeros(n int) []row {
	rows := amounts(make([]string, n)...)
	for i := range rows {
		rows[i].key, rows[i].amount = fmt.Sprintf("z%02d", i), "0"
	}
	return rows
}

func TestAggregations(t *testing.T) {
	ten := amounts("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
	eleven := amounts("11", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1")
	withNulls := amounts("", "1.50", "", "2.25", "")
	for _, tt := range []struct {
		name    string
		agg     kpi.Aggregation
		expr    string
		filter  string
		rows    []row
		want    string
		records int
	}{
		{"count", kpi.Count, "", "", withNulls, "5", 5},
		{"count filter", kpi.Count, "", `amount != nil`, withNulls, "2", 2},
		{"count empty", kpi.Count, "", "", nil, "0", 0},
		{"sum", kpi.Sum, "amount", "", withNulls, "3.75", 2},
		{"sum empty", kpi.Sum, "amount", "", nil, "0", 0},
		{"sum all null", kpi.Sum, "amount", "", amounts("", ""), "0", 0},
		{"avg", kpi.Avg, "amount", "", withNulls, "1.875", 2},
		{"avg half even down", kpi.Avg, "amount", "", amounts("0.01", "0", "0", "0", "0", "0", "0", "0"), "0.00125", 8}, // exact
		{"avg rounds", kpi.Avg, "amount", "", amounts("1", "1", "2"), "1.333333", 3},
		{"avg half to even down", kpi.Avg, "amount", "", append(amounts("0.01"), zeros(31)...), "0.000312", 32}, // 0.0003125
		{"avg half to even up", kpi.Avg, "amount", "", append(amounts("0.03"), zeros(31)...), "0.000938", 32},   // 0.0009375
		{"avg half to even negative", kpi.Avg, "amount", "", append(amounts("-0.03"), zeros(31)...), "-0.000938", 32},
		{"avg empty", kpi.Avg, "amount", "", nil, "null", 0},
		{"avg negative", kpi.Avg, "amount", "", amounts("-1", "-1", "-2"), "-1.333333", 3},
		{"min", kpi.Min, "amount", "", withNulls, "1.5", 2},
		{"min empty", kpi.Min, "amount", "", amounts(""), "null", 0},
		{"max", kpi.Max, "amount", "", withNulls, "2.25", 2},
		{"max empty", kpi.Max, "amount", "", nil, "null", 0},
		{"median odd", kpi.Median, "amount", "", amounts("5", "1", "3"), "3", 3},
		{"median even", kpi.Median, "amount", "", amounts("4", "1", "3", "2"), "2.5", 4},
		{"median even half cent", kpi.Median, "amount", "", amounts("0.01", "0.02"), "0.015", 2},
		{"median even equal", kpi.Median, "amount", "", amounts("2", "2", "1", "3"), "2", 4},
		{"median nulls left out", kpi.Median, "amount", "", withNulls, "1.875", 2},
		{"median empty", kpi.Median, "amount", "", nil, "null", 0},
		{"p90 of 10", kpi.P90, "amount", "", ten, "9", 10},
		{"p90 of 11", kpi.P90, "amount", "", eleven, "10", 11},
		{"p90 of 1", kpi.P90, "amount", "", amounts("7"), "7", 1},
		{"p90 empty", kpi.P90, "amount", "", nil, "null", 0},
		{"count_distinct", kpi.CountDistinct, "customer", "", []row{
			{key: "1", owner: "a", customer: "x", day: "2025-03-01"},
			{key: "2", owner: "a", customer: "y", day: "2025-03-02"},
			{key: "3", owner: "a", customer: "x", day: "2025-03-03"},
			{key: "4", owner: "a", customer: "", day: "2025-03-04"},
		}, "2", 3},
		{"count_distinct empty", kpi.CountDistinct, "customer", "", nil, "0", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := mustBuild(t, []*kpi.KPI{measure("k", tt.agg, tt.expr, tt.filter)}, time.UTC, tt.rows...)
			for _, subj := range []kpi.Subject{emp("a"), unit("T1"), unit("C")} {
				got, records := value(t, s, "k", subj, "2025-03")
				if got != tt.want || records != tt.records {
					t.Errorf("%s: got %s (%d records), want %s (%d records)", subj, got, records, tt.want, tt.records)
				}
			}
		})
	}
}

func TestSelectLarge(t *testing.T) {
	// Many duplicates and both parities, against a sort.
	for _, n := range []int{1, 2, 17, 18, 100, 1001, 5000} {
		var as []string
		for i := range n {
			as = append(as, fmt.Sprint((i*7919)%13))
		}
		s := mustBuild(t, []*kpi.KPI{
			measure("med", kpi.Median, "amount", ""),
			measure("p90", kpi.P90, "amount", ""),
		}, time.UTC, amounts(as...)...)
		sorted := make([]int, n)
		for i := range n {
			sorted[i] = (i * 7919) % 13
		}
		slicesSort(sorted)
		var wantMed string
		if n%2 == 1 {
			wantMed = fmt.Sprint(sorted[n/2])
		} else {
			a, b := sorted[n/2-1], sorted[n/2]
			wantMed = strings.TrimSuffix(fmt.Sprintf("%d.5", (a+b)/2), ".5")
			if (a+b)%2 == 0 {
				wantMed = fmt.Sprint((a + b) / 2)
			} else {
				wantMed = fmt.Sprintf("%d.5", (a+b)/2)
			}
		}
		if got, _ := value(t, s, "med", emp("a"), "2025-03"); got != wantMed {
			t.Errorf("n=%d: median %s, want %s", n, got, wantMed)
		}
		rank := (90*n + 99) / 100
		if got, _ := value(t, s, "p90", unit("C"), "2025-03"); got != fmt.Sprint(sorted[rank-1]) {
			t.Errorf("n=%d: p90 %s, want %d", n, got, sorted[rank-1])
		}
	}
}

func slicesSort(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

var rollupKPIs = []*kpi.KPI{
	measure("won", kpi.Count, "", `stage == "Won"`),
	measure("lost", kpi.Count, "", `stage == "Lost"`),
	measure("amount_median", kpi.Median, "amount", ""),
	{Name: "win_rate", Formula: "won / (won + lost)"},
}

var rollupRows = []row{
	// T1: a and b
	{key: "1", owner: "a", stage: "Won", amount: "1", day: "2025-03-01"},
	{key: "2", owner: "a", stage: "Won", amount: "2", day: "2025-03-02"},
	{key: "3", owner: "a", stage: "Won", amount: "100", day: "2025-03-03"},
	{key: "4", owner: "b", stage: "Lost", amount: "3", day: "2025-03-04"},
	// T2: c
	{key: "5", owner: "c", stage: "Lost", amount: "50", day: "2025-03-05"},
	{key: "6", owner: "c", stage: "Lost", amount: "60", day: "2025-03-06"},
	{key: "7", owner: "c", stage: "Won", amount: "70", day: "2025-03-07"},
	// T3: d; and one in April
	{key: "8", owner: "d", stage: "Open", amount: "5", day: "2025-03-08"},
	{key: "9", owner: "d", stage: "Won", amount: "5", day: "2025-04-08"},
	// not an employee: counts for nobody
	{key: "10", owner: "ghost", stage: "Won", amount: "5", day: "2025-03-08"},
}

func TestRollup(t *testing.T) {
	s := mustBuild(t, rollupKPIs, time.UTC, rollupRows...)
	for _, tt := range []struct {
		kpi     string
		subj    kpi.Subject
		want    string
		records int
	}{
		// a team's median is the median of its records (1, 2, 3, 100),
		// not of its members' medians (2 and 3)
		{"amount_median", unit("T1"), "2.5", 4},
		{"amount_median", emp("a"), "2", 3},
		{"amount_median", emp("b"), "3", 1},
		{"amount_median", unit("D1"), "50", 7}, // 1 2 3 50 60 70 100
		{"amount_median", unit("D2"), "5", 1},
		{"amount_median", unit("C"), "27.5", 8}, // 1 2 3 5 50 60 70 100
		// a unit's ratio is its sums over its sums: D1 won 4 of 7 decided
		// (a: 3/3, b: 0/1, c: 1/3; the mean of rates would be 4/9)
		{"win_rate", unit("D1"), "0.5714285714", 7},
		{"win_rate", emp("a"), "1", 3},
		{"win_rate", emp("b"), "0", 1},
		{"win_rate", emp("d"), "null", 0}, // 0 / 0
		{"win_rate", unit("T3"), "null", 0},
		{"won", unit("C"), "4", 4},
		{"lost", unit("C"), "3", 3},
	} {
		got, records := value(t, s, tt.kpi, tt.subj, "2025-03")
		if got != tt.want || records != tt.records {
			t.Errorf("%s %s: got %s (%d records), want %s (%d records)", tt.kpi, tt.subj, got, records, tt.want, tt.records)
		}
	}
}

func TestValuesGrid(t *testing.T) {
	s := mustBuild(t, rollupKPIs, time.UTC, rollupRows...)
	vs, err := s.Values(kpi.ValueQuery{Grain: kpi.Month, From: date(t, "2025-03-15"), To: date(t, "2025-04-02")})
	if err != nil {
		t.Fatal(err)
	}
	// 4 KPIs × (4 employees + 6 units) × 2 months, in order.
	if len(vs) != 4*10*2 {
		t.Fatalf("got %d values, want 80", len(vs))
	}
	var got []string
	for _, v := range vs[:20] {
		got = append(got, v.Subject.String()+"@"+v.Period.Label())
	}
	want := "employee:a@2025-03 employee:a@2025-04 employee:b@2025-03 employee:b@2025-04 employee:c@2025-03 employee:c@2025-04 employee:d@2025-03 employee:d@2025-04 " +
		"unit:C@2025-03 unit:C@2025-04 unit:D1@2025-03 unit:D1@2025-04 unit:D2@2025-03 unit:D2@2025-04 unit:T1@2025-03 unit:T1@2025-04 unit:T2@2025-03 unit:T2@2025-04 unit:T3@2025-03 unit:T3@2025-04"
	if strings.Join(got, " ") != want {
		t.Errorf("order:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	for i, name := range []string{"won", "lost", "amount_median", "win_rate"} {
		if vs[i*20].KPI != name {
			t.Errorf("KPI %d = %s, want %s", i, vs[i*20].KPI, name)
		}
	}
	// Empty April for b: count 0, median null.
	if v := vs[3]; v.KPI != "won" || text(v) != "0" || v.Records != 0 {
		t.Errorf("won b April = %+v", v)
	}
	if v := vs[2*20+3]; v.KPI != "amount_median" || !v.Null {
		t.Errorf("median b April = %+v", v)
	}
}

func TestValuesErrors(t *testing.T) {
	s := mustBuild(t, rollupKPIs, time.UTC, rollupRows...)
	from, to := date(t, "2025-03-01"), date(t, "2025-03-31")
	for _, tt := range []struct {
		name string
		q    kpi.ValueQuery
		code string
	}{
		{"unknown KPI", kpi.ValueQuery{KPIs: []string{"nope"}, Grain: kpi.Month, From: from, To: to}, kpi.ENOTFOUND},
		{"unknown employee", kpi.ValueQuery{Subjects: []kpi.Subject{emp("zz")}, Grain: kpi.Month, From: from, To: to}, kpi.ENOTFOUND},
		{"unknown unit", kpi.ValueQuery{Subjects: []kpi.Subject{unit("zz")}, Grain: kpi.Month, From: from, To: to}, kpi.ENOTFOUND},
		{"unknown kind", kpi.ValueQuery{Subjects: []kpi.Subject{{Kind: "team", ID: "T1"}}, Grain: kpi.Month, From: from, To: to}, kpi.EINVALID},
		{"no grain", kpi.ValueQuery{From: from, To: to}, kpi.EINVALID},
		{"bad grain", kpi.ValueQuery{Grain: "fortnight", From: from, To: to}, kpi.EINVALID},
		{"backwards", kpi.ValueQuery{Grain: kpi.Month, From: to, To: from}, kpi.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Values(tt.q); kpi.ErrorCode(err) != tt.code {
				t.Errorf("error = %v, want code %s", err, tt.code)
			}
		})
	}
}

// TestValuesTooMany: a day grain from year 1 to 9999 asks for 3,652,059
// values of one KPI for one person; the query fails at once, saying how to
// narrow it, before it allocates the grid (measured: under 1 MiB).
func TestValuesTooMany(t *testing.T) {
	s := mustBuild(t, rollupKPIs, time.UTC, rollupRows...)
	q := kpi.ValueQuery{KPIs: []string{rollupKPIs[0].Name}, Subjects: []kpi.Subject{emp("a")}, Grain: kpi.Day,
		From: kpi.NewDate(1, 1, 1), To: kpi.NewDate(9999, 12, 31)}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := s.Values(q)
	runtime.ReadMemStats(&after)
	want := "The query asks for 3652059 values (1 KPIs × 1 subjects × 3652059 periods of a day), more than the 1000000 one query may compute: ask for a coarser grain (week, month, quarter, year) or a shorter range, or fewer KPIs or subjects."
	if kpi.ErrorCode(err) != kpi.EINVALID || kpi.ErrorMessage(err) != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("the refused query allocated %d bytes", n)
	}
}

func TestPeriods(t *testing.T) {
	t.Run("ISO week at year boundary", func(t *testing.T) {
		s := mustBuild(t, []*kpi.KPI{measure("n", kpi.Count, "", "")}, time.UTC,
			row{key: "1", owner: "a", day: "2020-12-27"}, // Sunday, 2020-W52
			row{key: "2", owner: "a", day: "2020-12-28"}, // Monday, 2020-W53
			row{key: "3", owner: "a", day: "2021-01-03"}, // Sunday, 2020-W53
			row{key: "4", owner: "a", day: "2021-01-04"}, // Monday, 2021-W01
		)
		vs, err := s.Values(kpi.ValueQuery{Subjects: []kpi.Subject{emp("a")}, Grain: kpi.Week, From: date(t, "2020-12-27"), To: date(t, "2021-01-04")})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.Period.Label()+"="+text(v))
		}
		if want := "2020-W52=1 2020-W53=2 2021-W01=1"; strings.Join(got, " ") != want {
			t.Errorf("got %s, want %s", strings.Join(got, " "), want)
		}
	})
	t.Run("timestamps near midnight land on the local day", func(t *testing.T) {
		loc, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Skip(err)
		}
		k := &kpi.KPI{Name: "n", Dataset: "deals", Aggregation: kpi.Count, TimeColumn: "ts"}
		s := mustBuild(t, []*kpi.KPI{k}, loc,
			row{key: "1", owner: "a", ts: "2025-04-01T03:30:00Z"}, // 23:30 on 31 March in New York
			row{key: "2", owner: "a", ts: "2025-04-01T04:30:00Z"}, // 00:30 on 1 April
			row{key: "3", owner: "a", ts: "2025-03-01T04:59:59Z"}, // 23:59:59 on 28 February
			row{key: "4", owner: "a"},                             // no timestamp: in no period
		)
		for month, want := range map[string]string{"2025-02": "1", "2025-03": "1", "2025-04": "1"} {
			if got, _ := value(t, s, "n", emp("a"), month); got != want {
				t.Errorf("%s: %s, want %s", month, got, want)
			}
		}
		if got, _ := value(t, s, "n", emp("a"), "2025-03-31"); got != "1" {
			t.Errorf("31 March: %s, want 1", got)
		}
	})
	t.Run("range", func(t *testing.T) {
		s := mustBuild(t, rollupKPIs, time.UTC, rollupRows...)
		if got, _ := value(t, s, "won", unit("C"), "2025-03-02..2025-04-30"); got != "4" {
			t.Errorf("won = %s, want 4", got)
		}
	})
}

func TestUpsertDelete(t *testing.T) {
	s := mustBuild(t, rollupKPIs, time.UTC, rollupRows...)
	check := func(what string, kpiName string, subj kpi.Subject, want string) {
		t.Helper()
		if got, _ := value(t, s, kpiName, subj, "2025-03"); got != want {
			t.Errorf("%s: %s %s = %s, want %s", what, kpiName, subj, got, want)
		}
	}
	up := func(r row) {
		t.Helper()
		if err := s.Upsert("deals", r.record(t)); err != nil {
			t.Fatal(err)
		}
	}
	// Deal 1 moves from a to c and from Won to Lost.
	up(row{key: "1", owner: "c", stage: "Lost", amount: "1", day: "2025-03-01"})
	check("owner and stage", "won", emp("a"), "2")
	check("owner and stage", "lost", emp("a"), "0")
	check("owner and stage", "lost", emp("c"), "3")
	check("owner and stage", "won", unit("T1"), "2")
	check("owner and stage", "lost", unit("T2"), "3")
	check("owner and stage", "amount_median", emp("a"), "51")
	// Dated out of the month.
	up(row{key: "2", owner: "a", stage: "Won", amount: "2", day: "2025-05-01"})
	check("moved date", "won", emp("a"), "1")
	// Delete, and delete again.
	for range 2 {
		if err := s.Delete("deals", "3"); err != nil {
			t.Fatal(err)
		}
	}
	check("deleted", "won", emp("a"), "0")
	check("deleted", "amount_median", emp("a"), "null")
	if n := s.Len("deals"); n != 9 {
		t.Errorf("Len = %d, want 9", n)
	}
	// The freed slot is reused by a new key.
	up(row{key: "11", owner: "a", stage: "Won", amount: "9", day: "2025-03-20"})
	check("reinserted", "won", emp("a"), "1")
	check("reinserted", "amount_median", emp("a"), "9")
	if n := s.Len("deals"); n != 10 {
		t.Errorf("Len = %d, want 10", n)
	}
	if err := s.Upsert("nope", kpi.Record{Key: "x"}); kpi.ErrorCode(err) != kpi.ENOTFOUND {
		t.Errorf("unknown dataset: %v", err)
	}
	if err := s.Upsert("deals", kpi.Record{Key: "x", Values: make([]kpi.Value, 3)}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("short record: %v", err)
	}
}

func TestSetOrg(t *testing.T) {
	s := mustBuild(t, rollupKPIs, time.UTC, rollupRows...)
	org := testOrg()
	org.Employees[0].UnitID = "T3"                                                  // a moves to D2
	org.Employees = append(org.Employees, &kpi.Employee{ID: "ghost", UnitID: "T2"}) // ghost is hired
	s.SetOrg(org)
	for _, tt := range []struct {
		kpi  string
		subj kpi.Subject
		want string
	}{
		{"won", unit("T1"), "0"},
		{"won", unit("T3"), "3"},
		{"won", unit("D2"), "3"},
		{"won", unit("T2"), "2"}, // c and ghost
		{"won", emp("ghost"), "1"},
		{"won", unit("C"), "5"},
		{"amount_median", unit("T1"), "3"},
	} {
		if got, _ := value(t, s, tt.kpi, tt.subj, "2025-03"); got != tt.want {
			t.Errorf("%s %s = %s, want %s", tt.kpi, tt.subj, got, tt.want)
		}
	}
}

func TestOverflow(t *testing.T) {
	big := "92233720368547758.07" // MaxInt64 cents
	s := mustBuild(t, []*kpi.KPI{
		measure("total", kpi.Sum, "amount", ""),
		measure("mean", kpi.Avg, "amount", ""),
		measure("top", kpi.Max, "amount", ""),
	}, time.UTC,
		row{key: "1", owner: "a", amount: big, day: "2025-03-01"},
		row{key: "2", owner: "b", amount: "0.01", day: "2025-03-01"},
	)
	q := kpi.ValueQuery{KPIs: []string{"total"}, Grain: kpi.Month, From: date(t, "2025-03-01"), To: date(t, "2025-03-01")}
	_, err := s.Values(q)
	if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), `"total"`) {
		t.Errorf("sum overflow: %v, want invalid naming the KPI", err)
	}
	q.KPIs = []string{"mean"}
	if _, err := s.Values(q); kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(err.Error(), `"mean"`) {
		t.Errorf("avg overflow: %v, want invalid naming the KPI", err)
	}
	// Per employee it fits, and max never overflows.
	if got, _ := value(t, s, "total", emp("a"), "2025-03"); got != big {
		t.Errorf("a's total = %s", got)
	}
	if got, _ := value(t, s, "mean", emp("a"), "2025-03"); got != big {
		t.Errorf("a's mean = %s", got)
	}
	if got, _ := value(t, s, "top", unit("C"), "2025-03"); got != big {
		t.Errorf("max = %s", got)
	}
}

func TestBrokenKPI(t *testing.T) {
	kpis := []*kpi.KPI{
		measure("won", kpi.Count, "", `stage == "Won"`),
		measure("bad_filter", kpi.Count, "", `stage ==`),
		measure("bad_column", kpi.Sum, "no_such_column", ""),
		{Name: "bad_dataset", Dataset: "nope", Aggregation: kpi.Count},
		{Name: "bad_time", Dataset: "deals", Aggregation: kpi.Count, TimeColumn: "amount"},
		{Name: "bad_agg", Dataset: "deals", Aggregation: "mode", Expr: "amount"},
		{Name: "over_broken", Formula: "won + bad_filter"},
		{Name: "cycle1", Formula: "cycle2 + 1"},
		{Name: "cycle2", Formula: "cycle1 + 1"},
		{Name: "self", Formula: "self * 2"},
		{Name: "double", Formula: "won * 2"},
	}
	s := mustBuild(t, kpis, time.UTC, rollupRows...)
	broken := map[string]bool{}
	for _, h := range s.Health() {
		if h.Err != nil {
			broken[h.KPI] = true
		}
	}
	for _, name := range []string{"bad_filter", "bad_column", "bad_dataset", "bad_time", "bad_agg", "over_broken", "cycle1", "cycle2", "self"} {
		if !broken[name] {
			t.Errorf("%s is not broken", name)
		}
	}
	if broken["won"] || broken["double"] {
		t.Errorf("healthy KPIs marked broken: %v", broken)
	}
	// All KPIs: the broken ones are left out, the others computed.
	vs, err := s.Values(kpi.ValueQuery{Subjects: []kpi.Subject{unit("C")}, Grain: kpi.Month, From: date(t, "2025-03-01"), To: date(t, "2025-03-31")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.KPI+"="+text(v))
	}
	if want := "won=4 double=8"; strings.Join(got, " ") != want {
		t.Errorf("all KPIs = %s, want %s", strings.Join(got, " "), want)
	}
	// Asked for by name: an error.
	_, err = s.Values(kpi.ValueQuery{KPIs: []string{"won", "bad_filter"}, Grain: kpi.Month, From: date(t, "2025-03-01"), To: date(t, "2025-03-31")})
	if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(kpi.ErrorMessage(err), "bad_filter") {
		t.Errorf("broken KPI by name: %v", err)
	}
}

func TestBuildErrors(t *testing.T) {
	ds := dealsDataset()
	for name, defs := range map[string]*kpi.Definitions{
		"nil":              nil,
		"dup dataset":      {Datasets: []*kpi.Dataset{ds, ds}},
		"dup kpi":          {Datasets: []*kpi.Dataset{ds}, KPIs: []*kpi.KPI{measure("x", kpi.Count, "", ""), measure("x", kpi.Count, "", "")}},
		"bad time col":     {Datasets: []*kpi.Dataset{{Name: "d", Columns: ds.Columns, TimeColumns: []string{"amount"}}}},
		"missing time col": {Datasets: []*kpi.Dataset{{Name: "d", Columns: ds.Columns, TimeColumns: []string{"nope"}}}},
	} {
		if _, err := engine.Build(defs, kpi.Org{}, time.UTC); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

func TestExplain(t *testing.T) {
	s := mustBuild(t, rollupKPIs, time.UTC, rollupRows...)
	march := kpi.Period{Grain: kpi.Month, From: date(t, "2025-03-01"), To: date(t, "2025-03-31")}
	x, err := s.Explain(kpi.ExplainQuery{KPI: "amount_median", Subject: unit("T1"), Period: march})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range x.Records {
		got = append(got, fmt.Sprintf("%s/%s/%s/%s", r.Key, r.Owner, r.Date, r.Value))
	}
	if want := "1/a/2025-03-01/1 2/a/2025-03-02/2 3/a/2025-03-03/100 4/b/2025-03-04/3"; strings.Join(got, " ") != want {
		t.Errorf("records = %s, want %s", strings.Join(got, " "), want)
	}
	if text(x.Value) != "2.5" || x.Aggregation != kpi.Median || x.Expr != "amount" || x.TimeColumn != "day" || x.Truncated {
		t.Errorf("explanation = %+v", x)
	}

	x, err = s.Explain(kpi.ExplainQuery{KPI: "win_rate", Subject: unit("D1"), Period: march, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if x.Formula != "won / (won + lost)" || len(x.Parts) != 2 || text(x.Value) != "0.5714285714" {
		t.Fatalf("formula explanation = %+v", x)
	}
	var won *kpi.Explanation
	for _, p := range x.Parts {
		if p.Value.KPI == "won" {
			won = p
		}
	}
	if won == nil || won.Value.KPI != "won" || text(won.Value) != "4" || len(won.Records) != 2 || !won.Truncated || won.Records[0].Value != nil {
		t.Errorf("won part = %+v", won)
	}

	if _, err := s.Explain(kpi.ExplainQuery{KPI: "nope", Subject: unit("D1"), Period: march}); kpi.ErrorCode(err) != kpi.ENOTFOUND {
		t.Errorf("unknown KPI: %v", err)
	}
	if _, err := s.Explain(kpi.ExplainQuery{KPI: "won", Subject: emp("zz"), Period: march}); kpi.ErrorCode(err) != kpi.ENOTFOUND {
		t.Errorf("unknown employee: %v", err)
	}
}
