package formula

import (
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// definitionFiles hold the expressions of real definitions.
var definitionFiles = []string{"../../demo/attain.yaml", "../../attainyaml/testdata/attain.yaml", "../../examples/maven/attain.yaml"}

var exprLine = regexp.MustCompile(`(?m)^\s*-?\s*(?:filter|expr|formula):\s*(.+?)\s*$`)

// FuzzCompile compiles any text as a filter, a value, a key and a formula:
// no panic, no hang, every error an *Error at a line and column inside the
// text; what compiles evaluates without panic, and the fast path agrees with
// the VM on every record. The seeds are the expressions of the tests and
// of the definition files of the repository.
func FuzzCompile(f *testing.F) {
	for _, tt := range filterTests {
		f.Add(tt.src)
	}
	for _, s := range []string{
		`close_value * rate`, `-close_value`, `close_value / 3`, `qty / 80000`, `days_between(engage_date, created_at)`,
		`hours_between(created_at, timestamp("2017-06-02T12:20:00Z"))`, `close_value ?? 0`, `abs(qty)`, `qty > 100 ? close_value : 0`,
		`lower(deal_stage) + "/" + opportunity_id`, `close_date ?? engage_date`, `trim(upper(deal_stage))`,
		`won / (won + lost)`, `revenue / deals - 1.5`, `(won + lost) * 100 / deals`, `-won`,
		"deal_stage == \"Won\"\n  && close_date != nil", `date("2017-02-30")`, `timestamp("x")`, `foo(1)`, `[1, 2]`, `a.b`, `1 +`,
	} {
		f.Add(s)
	}
	for _, file := range definitionFiles {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, m := range exprLine.FindAllStringSubmatch(string(b), -1) {
			s := m[1]
			if u, err := strconv.Unquote(s); err == nil {
				s = u
			}
			f.Add(s)
		}
	}
	vals := [][]kpi.Value{nil}
	for _, r := range records {
		vals = append(vals, rec(f, r))
	}
	// The extremes a file can bring: the largest numbers, the first and
	// last day of years 1 and 9999, true as 1.
	for _, x := range []struct {
		n    int64
		date string
	}{{math.MinInt64, "0001-01-01"}, {math.MaxInt64, "9999-12-31"}} {
		v := make([]kpi.Value, len(deals.Columns))
		for i, c := range deals.Columns {
			d, _ := kpi.ParseDate(x.date)
			switch c.Type {
			case kpi.String:
				v[i].S = strings.Repeat("x", 100)
			case kpi.DateType:
				v[i].N = int64(d)
			case kpi.Timestamp:
				v[i].N = int64(d) * 86400
			case kpi.Boolean:
				v[i].N = 1
			default:
				v[i].N = x.n
			}
		}
		vals = append(vals, v)
	}
	kpis := map[string]decimal.Decimal{"won": decimal.NewFromInt(3), "lost": decimal.Zero, "revenue": decimal.RequireFromString("-1e30")}

	f.Fuzz(func(t *testing.T, src string) {
		defer time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("hangs on %q", src)) }).Stop()
		for _, kind := range []exprKind{kindFilter, kindValue, kindKey} {
			fast, err := compile(deals, src, kind, true)
			if err != nil {
				checkError(t, src, err)
				continue
			}
			slow, err := compile(deals, src, kind, false)
			if err != nil {
				t.Fatalf("compiles with the fast path, not without: %v", err)
			}
			for _, v := range vals {
				switch kind {
				case kindFilter:
					a, err1 := fast.Bool(v)
					b, err2 := slow.Bool(v)
					if a != b || (err1 == nil) != (err2 == nil) {
						t.Fatalf("on %v: fast %v (%v), VM %v (%v)", v, a, err1, b, err2)
					}
				case kindValue:
					a, an, err1 := fast.Number(v)
					b, bn, err2 := slow.Number(v)
					if a != b || an != bn || (err1 == nil) != (err2 == nil) {
						t.Fatalf("on %v: fast %v %v (%v), VM %v %v (%v)", v, a, an, err1, b, bn, err2)
					}
				case kindKey:
					a, an, err1 := fast.Key(v)
					b, bn, err2 := slow.Key(v)
					if a != b || an != bn || (err1 == nil) != (err2 == nil) {
						t.Fatalf("on %v: fast %q %v (%v), VM %q %v (%v)", v, a, an, err1, b, bn, err2)
					}
				}
			}
		}
		fm, err := CompileFormula(src, isKPI)
		if err != nil {
			checkError(t, src, err)
			return
		}
		if _, _, err := fm.Eval(kpis); err != nil {
			t.Fatal(err)
		}
	})
}

// checkError fails unless err is an *Error at a position inside src.
func checkError(t *testing.T, src string, err error) {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("%T %v, want an *Error", err, err)
	}
	lines := strings.Split(src, "\n")
	if fe.Line < 1 || fe.Line > len(lines) || fe.Col < 1 || fe.Col > len([]rune(lines[fe.Line-1]))+1 || fe.Msg == "" {
		t.Fatalf("error %d:%d %q is not inside the source", fe.Line, fe.Col, fe.Msg)
	}
}
