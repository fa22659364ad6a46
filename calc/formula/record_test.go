package formula

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

var deals = &kpi.Dataset{
	Name: "deals",
	Columns: []kpi.Column{
		{Name: "opportunity_id", Type: kpi.String},
		{Name: "deal_stage", Type: kpi.String},
		{Name: "engage_date", Type: kpi.DateType},
		{Name: "close_date", Type: kpi.DateType},
		{Name: "close_value", Type: kpi.Money},
		{Name: "qty", Type: kpi.Integer},
		{Name: "rate", Type: kpi.Decimal, Scale: 4},
		{Name: "won", Type: kpi.Boolean},
		{Name: "created_at", Type: kpi.Timestamp},
	},
	Key: "opportunity_id", Owner: "opportunity_id", TimeColumns: []string{"engage_date"},
}

// rec builds a record of deals from column → cell text ("" is null), read
// the way ingest reads files.
func rec(t testing.TB, cells map[string]string) []kpi.Value {
	t.Helper()
	vals := make([]kpi.Value, len(deals.Columns))
	for i, c := range deals.Columns {
		s, ok := cells[c.Name]
		if !ok || s == "" {
			vals[i] = kpi.Value{Null: true}
			continue
		}
		var err error
		switch c.Type {
		case kpi.String:
			vals[i].S = s
		case kpi.Integer:
			vals[i].N, err = strconv.ParseInt(s, 10, 64)
		case kpi.Money, kpi.Decimal:
			d, err2 := decimal.NewFromString(s)
			if err2 != nil {
				t.Fatal(err2)
			}
			vals[i].N, err = scaled(d, kpi.ColumnScale(c))
		case kpi.DateType:
			var d kpi.Date
			d, err = kpi.ParseDate(s)
			vals[i].N = int64(d)
		case kpi.Timestamp:
			var tm time.Time
			tm, err = time.Parse(time.RFC3339, s)
			vals[i].N = tm.Unix()
		case kpi.Boolean:
			var b bool
			b, err = strconv.ParseBool(s)
			if b {
				vals[i].N = 1
			}
		}
		if err != nil {
			t.Fatalf("cell %s=%q: %v", c.Name, s, err)
		}
	}
	return vals
}

var records = []map[string]string{
	{"opportunity_id": "A1", "deal_stage": "Won", "engage_date": "2017-06-01", "close_date": "2017-06-11", "close_value": "1054.50", "qty": "3", "rate": "0.1250", "won": "true", "created_at": "2017-06-02T12:00:00Z"},
	{"opportunity_id": "A2", "deal_stage": "Lost", "engage_date": "2017-05-31", "close_date": "2017-06-01", "close_value": "0", "qty": "0", "rate": "1", "won": "false", "created_at": "2017-06-01T00:00:00Z"},
	{"opportunity_id": "A3", "deal_stage": "Engaging", "engage_date": "2016-12-31", "close_value": "-5.05", "qty": "-7"},
	{"opportunity_id": "A4", "deal_stage": "won", "close_value": "1000.50", "qty": "1000", "created_at": "2017-05-31T23:59:59Z"},
	{"opportunity_id": "A5"}, // everything null
	{"opportunity_id": "A6", "deal_stage": "Prospecting", "close_value": "0.30", "rate": "0.3000", "won": "true"},
}

var filterTests = []struct {
	src  string
	fast bool   // one of the fast-path shapes
	want string // per record of records: 1 true, 0 false
}{
	{`deal_stage == "Won"`, true, "100000"},
	{`"Won" == deal_stage`, true, "100000"},
	{`deal_stage != "Won"`, true, "011101"}, // null: false
	{`deal_stage in ["Won", "Lost"]`, true, "110000"},
	{`deal_stage not in ["Won", "Lost"]`, true, "001111"}, // not of a false comparison
	{`deal_stage in ["a","b","c","d","e","f","g","h","Won"]`, true, "100000"},
	{`close_value > 1000`, true, "100100"},
	{`close_value >= 1000.50`, true, "100100"},
	{`close_value == 1000.5`, true, "000100"},
	{`close_value < 0`, true, "001000"},
	{`0 < close_value`, true, "100101"},
	{`close_value > 1000.501`, false, "100000"}, // more places than the column: VM
	{`qty <= 0`, true, "011000"},
	{`rate == 0.125`, true, "100000"},
	{`close_date == nil`, true, "001111"},
	{`close_date != nil`, true, "110000"},
	{`nil == close_date`, true, "001111"},
	{`close_date >= date("2017-06-01")`, true, "110000"},
	{`date("2017-06-01") > engage_date`, true, "011000"},
	{`created_at < date("2017-06-01")`, true, "000100"},
	{`created_at >= timestamp("2017-06-01T00:00:00Z")`, true, "110000"},
	{`won`, true, "100001"},
	{`!won`, true, "011110"},
	{`won == true`, true, "100001"},
	{`deal_stage == "Won" && close_value > 1000`, true, "100000"},
	{`deal_stage == "Lost" || close_date == nil`, true, "011111"},
	{`not (deal_stage == "Won" or qty > 0)`, true, "011011"},
	{`true`, true, "111111"},
	// VM only
	{`0.1 + 0.2 == 0.3`, false, "111111"},
	{`close_value + 0.01 == 1054.51`, false, "100000"},
	{`lower(deal_stage) == "won"`, false, "100100"},
	{`deal_stage startsWith "Pro" || deal_stage contains "ngag"`, false, "001001"},
	{`days_between(engage_date, close_date) > 5`, false, "100000"},
	{`days_between(engage_date, created_at) == 1.5`, false, "100000"},
	{`close_value * qty > 3000`, false, "100100"},
	{`close_value / qty > 351`, false, "100000"}, // division by zero is null: false
	{`close_date > engage_date`, false, "110000"},
	{`(close_value ?? 0) == 0`, false, "010010"},
	{`qty > 0 ? deal_stage == "Won" : won`, false, "100001"},
	{`engage_date == close_date`, false, "000000"}, // both null: false
	{`qty in [3, 1000]`, false, "100100"},
	{`len(deal_stage) == 4`, false, "010000"},
}

func bits(t *testing.T, e *RecordExpr) string {
	t.Helper()
	s := ""
	for _, r := range records {
		b, err := e.Bool(rec(t, r))
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		if b {
			s += "1"
		} else {
			s += "0"
		}
	}
	return s
}

func TestFilter(t *testing.T) {
	for _, tt := range filterTests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := CompileFilter(deals, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := e.fast != nil, tt.fast; got != want {
				t.Errorf("fast path = %v, want %v", got, want)
			}
			if got, want := bits(t, e), tt.want; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// TestFastPathMatchesVM runs every filter through the VM too, so the fast
// path cannot drift from it.
func TestFastPathMatchesVM(t *testing.T) {
	for _, tt := range filterTests {
		fast, err := compile(deals, tt.src, kindFilter, true)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := compile(deals, tt.src, kindFilter, false)
		if err != nil {
			t.Fatal(err)
		}
		if slow.fast != nil {
			t.Fatalf("%s: VM-only compile has a fast path", tt.src)
		}
		for _, r := range records {
			vals := rec(t, r)
			got, err1 := fast.Bool(vals)
			want, err2 := slow.Bool(vals)
			if err1 != nil || err2 != nil || got != want {
				t.Errorf("%s on %s: fast %v (%v), VM %v (%v)", tt.src, r["opportunity_id"], got, err1, want, err2)
			}
		}
		// A record shorter than the dataset: absent columns are null.
		got, _ := fast.Bool(nil)
		want, _ := slow.Bool(nil)
		if got != want {
			t.Errorf("%s on no values: fast %v, VM %v", tt.src, got, want)
		}
	}
}

func TestValue(t *testing.T) {
	a1, a3, a4, null := records[0], records[2], records[3], records[4]
	for _, tt := range []struct {
		src   string
		rec   map[string]string
		scale int
		want  string // FormatScaled(n, scale), or "null"
	}{
		{`close_value`, a1, 2, "1054.50"},
		{`close_value`, null, 2, "null"},
		{`qty`, a1, 0, "3"},
		{`rate`, a1, 4, "0.1250"},
		{`1000.50`, a1, 2, "1000.50"},
		{`0.1 + 0.2`, a1, 1, "0.3"},
		{`close_value + 1`, a1, 2, "1055.50"},
		{`close_value + 1`, null, 2, "null"},
		{`close_value - rate`, a1, 4, "1054.3750"},
		{`close_value * qty`, a1, 2, "3163.50"},
		{`close_value * rate`, a1, 6, "131.812500"},
		{`-close_value`, a3, 2, "5.05"},
		{`close_value / 3`, a1, 6, "351.500000"},
		{`2 / 3`, a1, 6, "0.666667"},
		{`qty / 80000`, a1, 6, "0.000038"}, // 0.0000375 half to even
		{`1 / 80000`, a1, 6, "0.000012"},   // 0.0000125 half to even
		{`-1 / 80000`, a1, 6, "-0.000012"},
		{`close_value / qty`, records[1], 6, "null"}, // division by zero
		{`days_between(engage_date, close_date)`, a1, 0, "10"},
		{`days_between(close_date, engage_date)`, a1, 0, "-10"},
		{`days_between(engage_date, created_at)`, a1, 6, "1.500000"},
		{`days_between(engage_date, created_at)`, a3, 6, "null"},
		{`hours_between(created_at, close_date)`, a1, 6, "204.000000"},
		{`hours_between(created_at, timestamp("2017-06-02T12:20:00Z"))`, a1, 6, "0.333333"},
		{`close_value ?? 0`, null, 2, "0.00"},
		{`abs(qty)`, a3, 0, "7"},
		{`qty > 100 ? close_value : 0`, a4, 2, "1000.50"},
	} {
		t.Run(tt.src, func(t *testing.T) {
			e, err := CompileValue(deals, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := e.Scale(), tt.scale; got != want {
				t.Errorf("scale = %d, want %d", got, want)
			}
			n, isNull, err := e.Number(rec(t, tt.rec))
			if err != nil {
				t.Fatal(err)
			}
			got := "null"
			if !isNull {
				got = kpi.FormatScaled(n, e.Scale())
			}
			if want := tt.want; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// TestFastNumberMatchesVM runs value expressions through the VM too, on
// every record and on values near the ends of int64, so the fast path
// cannot drift from it.
func TestFastNumberMatchesVM(t *testing.T) {
	big := []map[string]string{
		{"qty": "3037000499", "close_value": "92233720368547758.07", "rate": "922337203685477.5807", "engage_date": "9999-12-31", "close_date": "0001-01-01"},
		{"qty": "-9223372036854775808", "close_value": "-92233720368547758.08", "rate": "-0.0001"},
		{"qty": "9223372036854775807", "close_value": "0.01", "rate": "-922337203685477.5808"},
		{"qty": "-1", "close_value": "-0.01", "rate": "0.0001"},
	}
	for _, tt := range []struct {
		src  string
		fast bool // one of the fast-path shapes
	}{
		{`days_between(engage_date, close_date)`, true},
		{`days_between(close_date, engage_date)`, true},
		{`days_between(engage_date, date("2017-06-30"))`, true},
		{`days_between(engage_date, created_at)`, false},
		{`close_value + 1`, true},
		{`close_value - rate`, true},
		{`rate - close_value`, true},
		{`close_value * qty`, true},
		{`close_value * rate`, true},
		{`qty * qty`, true},
		{`-qty`, true},
		{`-close_value + 0.125`, true},
		{`qty - -qty`, true},
		{`1000.50`, true},
		{`0.1 + 0.2`, true},
		{`close_value / 3`, false},
		{`close_value ?? 0`, false},
		{`abs(qty)`, false},
	} {
		fast, err := compile(deals, tt.src, kindValue, true)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := compile(deals, tt.src, kindValue, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := fast.fastNum != nil; got != tt.fast {
			t.Errorf("%s: fast path %v, want %v", tt.src, got, tt.fast)
		}
		if slow.fastNum != nil {
			t.Fatalf("%s: VM-only compile has a fast path", tt.src)
		}
		for _, r := range append(append([]map[string]string{}, records...), big...) {
			vals := rec(t, r)
			n1, null1, err1 := fast.Number(vals)
			n2, null2, err2 := slow.Number(vals)
			if n1 != n2 || null1 != null2 || (err1 == nil) != (err2 == nil) {
				t.Errorf("%s on %v: fast %d %v (%v), VM %d %v (%v)", tt.src, r, n1, null1, err1, n2, null2, err2)
			}
		}
		n1, null1, err1 := fast.Number(nil)
		n2, null2, err2 := slow.Number(nil)
		if n1 != n2 || null1 != null2 || (err1 == nil) != (err2 == nil) {
			t.Errorf("%s on no values: fast %d %v (%v), VM %d %v (%v)", tt.src, n1, null1, err1, n2, null2, err2)
		}
	}
}

func TestValueOverflow(t *testing.T) {
	e, err := CompileValue(deals, `qty * qty`)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Number(rec(t, map[string]string{"qty": "4000000000"})); err == nil {
		t.Error("qty * qty of 4e9: no overflow error")
	}
	n, _, err := e.Number(rec(t, map[string]string{"qty": "3000000000"}))
	if got, want := n, int64(9000000000000000000); err != nil || got != want {
		t.Errorf("qty * qty of 3e9 = %d, %v, want %d", got, err, want)
	}
}

func TestKey(t *testing.T) {
	a1, null := records[0], records[4]
	for _, tt := range []struct {
		src  string
		rec  map[string]string
		want string // or "null"
	}{
		{`deal_stage`, a1, "Won"},
		{`deal_stage`, null, "null"},
		{`close_value`, a1, "1054.50"},
		{`close_value * 2`, a1, "2109.00"},
		{`engage_date`, a1, "2017-06-01"},
		{`created_at`, a1, "2017-06-02T12:00:00Z"},
		{`won`, a1, "true"},
		{`lower(deal_stage) + "/" + opportunity_id`, a1, "won/A1"},
		{`qty / 2`, a1, "1.500000"},
		{`close_date ?? engage_date`, records[2], "2016-12-31"},
	} {
		t.Run(tt.src, func(t *testing.T) {
			e, err := CompileKey(deals, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			key, isNull, err := e.Key(rec(t, tt.rec))
			if err != nil {
				t.Fatal(err)
			}
			got := key
			if isNull {
				got = "null"
			}
			if want := tt.want; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tt := range []struct {
		kind exprKind
		src  string
		want string
	}{
		{kindFilter, `stage == "Won"`, `1:1: unknown column "stage" in dataset deals`},
		{kindFilter, "deal_stage == \"Won\" &&\n  closed > 1", `2:3: unknown column "closed" in dataset deals`},
		{kindFilter, `deal_stage > 5`, `1:12: cannot compare string > integer`},
		{kindFilter, `close_value`, `1:1: a filter must be boolean, not decimal`},
		{kindFilter, `deal_stage ==`, `1:13: unexpected token EOF`},
		{kindFilter, `close_date > "2017-06-01"`, `1:12: cannot compare date > string`},
		{kindFilter, `close_date > date("June")`, `1:19: not a date (want YYYY-MM-DD): "June"`},
		{kindFilter, `deal_stage in ["Won", 1]`, `1:23: list of in holds integer, want string like deal_stage`},
		{kindFilter, `foo(deal_stage)`, `1:1: unknown function foo`},
		{kindFilter, `won && qty`, `1:5: operator && needs booleans, not boolean and integer`},
		{kindValue, `deal_stage`, `1:1: a value must be a number, not string`},
		{kindValue, `qty + deal_stage`, `1:5: operator + needs numbers, not integer and string`},
		{kindValue, `qty + nil`, `1:5: operator + needs numbers, not integer and nil`},
		{kindValue, `days_between(qty, close_date)`, `1:14: days_between needs dates or timestamps, not integer`},
		{kindValue, ``, `1:1: empty expression`},
		{kindKey, `nil`, `1:1: a key cannot be nil`},
	} {
		t.Run(tt.src, func(t *testing.T) {
			_, err := compile(deals, tt.src, tt.kind, true)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error = %v, want *formula.Error", err)
			}
			if got, want := err.Error(), tt.want; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestColumns(t *testing.T) {
	e, err := CompileFilter(deals, `deal_stage == "Won" && close_value > 0 || deal_stage == "Lost"`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Columns(), []string{"deal_stage", "close_value"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Columns() = %v, want %v", got, want)
	}
	if got, want := e.String(), `deal_stage == "Won" && close_value > 0 || deal_stage == "Lost"`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestConcurrentEval(t *testing.T) {
	e, err := CompileValue(deals, `close_value * qty + 1`)
	if err != nil {
		t.Fatal(err)
	}
	vals := rec(t, records[0])
	done := make(chan int64)
	for range 8 {
		go func() {
			var n int64
			for range 200 {
				n, _, _ = e.Number(vals)
			}
			done <- n
		}()
	}
	for range 8 {
		if got, want := <-done, int64(316450); got != want {
			t.Errorf("got %d, want %d", got, want)
		}
	}
}

const benchFilter = `deal_stage == "Won" && close_value > 1000 && close_date != nil`

func benchmarkFilter(b *testing.B, fast bool) {
	e, err := compile(deals, benchFilter, kindFilter, fast)
	if err != nil {
		b.Fatal(err)
	}
	if got, want := e.fast != nil, fast; got != want {
		b.Fatalf("fast path = %v, want %v", got, want)
	}
	vals := rec(b, records[0])
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := e.Bool(vals); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkFilterFastPath(b *testing.B) { benchmarkFilter(b, true) }
func BenchmarkFilterVM(b *testing.B)       { benchmarkFilter(b, false) }

func benchmarkValue(b *testing.B, fast bool) {
	e, err := compile(deals, `days_between(engage_date, close_date)`, kindValue, fast)
	if err != nil {
		b.Fatal(err)
	}
	if got, want := e.fastNum != nil, fast; got != want {
		b.Fatalf("fast path = %v, want %v", got, want)
	}
	vals := rec(b, records[0])
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := e.Number(vals); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValueFastPath(b *testing.B) { benchmarkValue(b, true) }
func BenchmarkValueVM(b *testing.B)       { benchmarkValue(b, false) }
