package ingest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"attain/kpi"
	"attain/kpitest"
)

const header = "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"

// TestHugeCell: a 200 MB cell is refused after reading a few hundred
// kilobytes of it, with the line where its record starts, in CSV (quoted or
// not), a JSON array and NDJSON; the reading allocates a bounded amount.
func TestHugeCell(t *testing.T) {
	const huge = 200 << 20
	for _, tt := range []struct {
		name string
		in   func() io.Reader
		json bool
		line int
	}{
		{"CSVQuoted", func() io.Reader {
			return kpitest.Filler(header+"1,a,p,acc,Won,2017-01-01,2017-02-01,10\n2,a,p,\"", huge, 'x', "\",Won,2017-01-01,2017-02-01,10\n")
		}, false, 3},
		{"CSVBare", func() io.Reader {
			return kpitest.Filler(header+"2,a,p,", huge, 'x', ",Won,2017-01-01,2017-02-01,10\n")
		}, false, 2},
		{"JSONArray", func() io.Reader {
			return kpitest.Filler("[\n{\"opportunity_id\": \"1\"},\n{\"opportunity_id\": \"2\", \"account\": \"", huge, 'x', "\"}]")
		}, true, 3},
		{"NDJSON", func() io.Reader {
			return kpitest.Filler("{\"opportunity_id\": \"1\"}\n{\"opportunity_id\": \"2\", \"account\": \"", huge, 'x', "\"}\n")
		}, true, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			opt := Options{File: "big", MaxFieldBytes: 1000}
			var rd *Reader
			var err error
			if tt.json {
				rd, err = NewJSONReader(tt.in(), dealsDataset(), opt)
			} else {
				rd, err = NewCSVReader(tt.in(), dealsDataset(), opt)
			}
			if err == nil {
				_, err = readAll(rd)
			}
			runtime.ReadMemStats(&after)
			probs := problems(t, err)
			want := "the record starting here runs on for more than 73536 bytes: a cell may hold at most 1000 bytes (is a quote left open?)"
			if len(probs) != 1 || probs[0].Line != tt.line || probs[0].Reason != want {
				t.Errorf("problems = %+v, want line %d: %s", probs, tt.line, want)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
				t.Errorf("reading allocated %d bytes", n)
			}
		})
	}
}

// TestLongCell: a cell longer than MaxFieldBytes in a record short enough
// to read is a problem that names it, with the start of its value.
func TestLongCell(t *testing.T) {
	long := strings.Repeat("é", 600) // 1200 bytes
	in := header + "1,a,p," + long + ",Won,2017-01-01,2017-02-01,10\n"
	rd, err := NewCSVReader(strings.NewReader(in), dealsDataset(), Options{File: "f.csv", MaxFieldBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(rd)
	probs := problems(t, err)
	want := kpi.Problem{File: "f.csv", Line: 2, Column: "account", Value: strings.Repeat("é", 20) + "…", Reason: "is 1200 bytes long, more than the 1000 a cell may hold"}
	if len(probs) != 1 || probs[0] != want {
		t.Errorf("problems = %+v, want %+v", probs, want)
	}
}

// TestDateRange: a date or timestamp in year 1 or 9999 is a problem naming
// its cell.
func TestDateRange(t *testing.T) {
	in := header +
		"1,a,p,acc,Won,0001-01-01,2017-02-01,10\n" +
		"2,a,p,acc,Won,2017-01-01,9999-12-31,10\n" +
		"3,a,p,acc,Won,1900-01-01,2199-12-31,10\n"
	rd, err := NewCSVReader(strings.NewReader(in), dealsDataset(), Options{File: "f.csv"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(rd)
	var got []string
	for _, p := range problems(t, err) {
		got = append(got, p.String())
	}
	want := []string{
		`f.csv:2: column engage_date value "0001-01-01": is outside the dates Attain accepts, 1900-01-01 to 2199-12-31`,
		`f.csv:3: column close_date value "9999-12-31": is outside the dates Attain accepts, 1900-01-01 to 2199-12-31`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	ds := &kpi.Dataset{Name: "requests", Key: "id", Columns: []kpi.Column{{Name: "id", Type: kpi.String}, {Name: "at", Type: kpi.Timestamp}}}
	rd, err = NewJSONReader(strings.NewReader(`{"id": "1", "at": "9999-12-31T23:00:00Z"}`+"\n"), ds, Options{File: "r.ndjson"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(rd)
	if probs := problems(t, err); len(probs) != 1 || probs[0].Column != "at" || !strings.Contains(probs[0].Reason, "outside the dates") {
		t.Errorf("timestamp problems = %+v", probs)
	}
}

// TestRecordLimitCSVByteByByte checks the CSV scan, a run of bytes at a
// time, against following the file byte by byte, on random files of
// quotes, line breaks and cells read in random pieces.
func TestRecordLimitCSVByteByByte(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		file := make([]byte, r.IntN(300))
		for i := range file {
			file[i] = "ab,\"\n\n"[r.IntN(6)]
		}
		max := int64(1 + r.IntN(40))
		l := &recordLimit{r: &pieces{file, r}, max: max, line: 1, start: 1}
		got, err := io.ReadAll(l)

		// Byte by byte, as the scan did before.
		want := &recordLimit{max: max, line: 1, start: 1}
		read, failed := len(file), false
		for i, c := range file {
			if c == '\n' {
				want.line++
			}
			want.n++
			if c == '"' {
				want.quoted = !want.quoted
			} else if c == '\n' && !want.quoted {
				want.n, want.start = 0, want.line
			}
			if want.n > want.max {
				read, failed = i, true
				break
			}
		}
		if (err != nil) != failed || len(got) != read || l.start != want.start {
			t.Fatalf("%q at most %d: read %d, start %d, err %v; want read %d, start %d, failed %v",
				file, max, len(got), l.start, err, read, want.start, failed)
		}
		if !failed && (l.n != want.n || l.line != want.line || l.quoted != want.quoted) {
			t.Fatalf("%q at most %d: n %d line %d quoted %v; want %d %d %v", file, max, l.n, l.line, l.quoted, want.n, want.line, want.quoted)
		}
	}
}

// pieces reads b in pieces of random sizes.
type pieces struct {
	b []byte
	r *rand.Rand
}

func (p *pieces) Read(dst []byte) (int, error) {
	if len(p.b) == 0 {
		return 0, io.EOF
	}
	n := copy(dst[:min(len(dst), 1+p.r.IntN(50))], p.b)
	p.b = p.b[n:]
	return n, nil
}
