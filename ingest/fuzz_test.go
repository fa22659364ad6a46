package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"attain/kpi"
)

// fuzzDataset has a column of every type, a header that differs from its
// name, allowed values, a required column and one that takes no negatives.
func fuzzDataset() *kpi.Dataset {
	return &kpi.Dataset{
		Name: "deals",
		Columns: []kpi.Column{
			{Name: "id", Type: kpi.String},
			{Name: "agent", Type: kpi.String, Header: "Sales Agent"},
			{Name: "stage", Type: kpi.String, Required: true, Values: []string{"Won", "Lost"}},
			{Name: "amount", Type: kpi.Money, NonNegative: true},
			{Name: "qty", Type: kpi.Integer},
			{Name: "rate", Type: kpi.Decimal, Scale: 4},
			{Name: "day", Type: kpi.DateType},
			{Name: "at", Type: kpi.Timestamp},
			{Name: "won", Type: kpi.Boolean},
		},
		Key: "id", Owner: "agent", TimeColumns: []string{"day"},
	}
}

// watchdog crashes the test if one input takes more than 10 seconds, so
// that the fuzzer keeps the input that hangs (it keeps what crashes a
// worker, and only reports a deadline for one that never returns).
func watchdog(input []byte) *time.Timer {
	return time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("hangs on %q", input)) })
}

// checkProblems fails unless err is an EINVALID *kpi.Error whose every
// problem says where: the file, a line, and why.
func checkProblems(t *testing.T, what string, err error) {
	t.Helper()
	var e *kpi.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: %T %v, want a *kpi.Error", what, err, err)
	}
	if e.Code != kpi.EINVALID || len(e.Details) == 0 {
		t.Fatalf("%s: %q %v, want EINVALID with problems", what, e.Code, err)
	}
	for _, p := range e.Details {
		if p.File != "f" || p.Line < 1 || p.Reason == "" {
			t.Fatalf("%s: problem %#v has no location", what, p)
		}
	}
}

// fuzzRecords reads data with open in both modes, checking that every
// record is whole, every error has its locations, nothing is read twice
// and the rejected rows can be written back.
func fuzzRecords(t *testing.T, data []byte, open func(io.Reader, *kpi.Dataset, Options) (*Reader, error)) {
	ds := fuzzDataset()
	for _, skip := range []bool{false, true} {
		opt := Options{File: "f", SkipInvalid: skip, BatchSize: 2, MaxProblems: 7, KnownOwner: func(id string) bool { return id != "ghost" }}
		r, err := open(bytes.NewReader(data), ds, opt)
		if err != nil {
			checkProblems(t, "open", err)
			continue
		}
		n := 0
		for {
			recs, err := r.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				checkProblems(t, "next", err)
				if _, again := r.Next(); again != err {
					t.Fatalf("Next after an error = %v, want the same error", again)
				}
				break
			}
			if len(recs) == 0 || len(recs) > opt.BatchSize {
				t.Fatalf("a batch of %d records", len(recs))
			}
			for _, rec := range recs {
				if len(rec.Values) != len(ds.Columns) || rec.Key == "" || rec.Owner == "" || rec.Owner == "ghost" {
					t.Fatalf("record %+v", rec)
				}
			}
			n += len(recs)
		}
		if n > r.Lines() || r.Lines() > len(data) {
			t.Fatalf("%d records of %d rows of %d bytes", n, r.Lines(), len(data))
		}
		for _, rj := range r.Rejected() {
			if len(rj.Problems) == 0 || rj.Line < 1 {
				t.Fatalf("rejected %+v", rj)
			}
		}
		if err := WriteRejected(io.Discard, r.Header(), r.Rejected()); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzCSV reads any bytes as a dataset's records, as targets, as units and
// as employees: no panic, no hang, and every error a *kpi.Error whose
// problems give file, line and reason. The seeds are the shapes of the
// tests of this package.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"id,Sales Agent,stage,amount,qty,rate,day,at,won\n1,ann,Won,2.50,3,0.1250,2017-03-01,2017-03-01T09:00:00Z,true\n2,bob,Lost,,,,,,\n",
		"id;Sales Agent;stage;amount;qty;rate;day;at;won\r\n1;ann;Won;2,5;-3;1,5;01.03.2017;2017-03-01 09:00;no\r\n",
		"\xef\xbb\xbf DAY ,sales agent,ID,stage,extra\n2017-03-01,bob,7,Won,?\n",
		"id,Sales Agent,stage,day\n\"a\",\"x, \"\"y\"\"\",Won,2017-03-01\n\"two\r\nlines\",ann,Won,2017-03-01\n",
		"id,Sales Agent,stage,day\na,\"1\nb,2\nc,3\n",
		"id,Sales Agent,stage,day,amount\na,ann,Won,2017-02-30,-1\na,ghost,won,2017-13-01,1e3\nb,,Lost,2017-03-01,\"1,5\"\n",
		"id\tSales Agent\tstage\n1\tann\tWon\n",
		"id amount\n1 2\n",
		"id,Sales Agent,stage,day,,\n1,ann,Won,2017-03-01,,,,\n2,ann\n",
		"id,Sales Agent,stage,day,id\n",
		"",
		"\r\n\r\n",
		"kpi,employee,unit,period,value\nwon,ann,,2026-06,12\nwon,,t1,2026-Q3,\nrevenue,bob,,2026-W14,1000.50\nwon,ann,,2026-06-01..2026-06-21,x\n",
		"id,name,kind,parent_id,head_id\nco,Acme,company,,\nsales,Sales,department,co,ann\nt1,Team 1,team,sales,\nt1,Again,team,t1,\n",
		"id,name,email,unit_id,manager_id,position,hired_on,left_on,currency,salary,leave\nann,Ann,ann@x.org,t1,,rep,2024-01-01,,EUR,5000,2026-06-01..2026-06-05\nbob,Bob,,t1,ann,rep,,2025-13-01,,x,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data).Stop()
		fuzzRecords(t, data, NewCSVReader)
		if _, err := ReadTargetsCSV(bytes.NewReader(data), "f"); err != nil {
			checkProblems(t, "targets", err)
		}
		if _, err := ReadUnitsCSV(bytes.NewReader(data), "f"); err != nil {
			checkProblems(t, "units", err)
		}
		if _, _, err := ReadEmployeesCSV(bytes.NewReader(data), "f", OrgMapping{}); err != nil {
			checkProblems(t, "employees", err)
		}
		if _, _, err := ReadEmployeesCSV(bytes.NewReader(data), "f", OrgMapping{UnitPath: []string{"unit_id", "position"}, Root: "co"}); err != nil {
			checkProblems(t, "employees by unit path", err)
		}
	})
}

// FuzzJSON reads any bytes as a JSON array or NDJSON file of records, with
// the checks of FuzzCSV. The seeds are the shapes of json_test.go.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`[{"id": "1", "Sales Agent": "ann", "stage": "Won", "amount": 12345678901234567.89, "qty": 3, "won": true, "day": "2017-03-01", "at": "2017-03-01T09:00:00Z"},
		  {"ID": "2", "agent": "bob", "stage": "Lost", "amount": "10.50", "qty": null, "won": "no", "rate": 0.12345}]`,
		"\xef\xbb\xbf" + `{"id": "1", "agent": "ann", "stage": "Won", "day": "2017-03-01"}` + "\r\n\r\n" + `{"id": 2, "agent": "bob", "stage": "Won", "won": 1}`,
		"\n" + `{"id": "1", "agent": "ann", "amout": 5}` + "\n" +
			`{"id": "2", "agent": "ann", "amount": 1e3, "qty": 1.5, "won": "x", "day": 20170301}` + "\n" +
			`{"id": "3", "agent": "ann", "amount": {"v": 1}, "qty": true}` + "\n" +
			`{"id": "4", "agent": "ann",` + "\n" + `["id"]` + "\n" +
			`{"id": "1", "agent": "ann", "id": "9"}` + "\n" +
			`{"id": "7", "agent": "ghost", "day": "2017-03-01` + "\xff" + `"}` + "\n",
		`[{"id": "1", "agent": "ann", "stage": "Won"}, {"id": "2", "agent": ann}, {"id": "3"}]`,
		`[{"id": "1", "agent": "ann", "stage": "Won"}] {}`,
		`[{"id": "1", "agent": "ann", "stage": "Won"}, 5]`,
		`[]`, `{}`, ``, `  `, `[`, `nope`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data).Stop()
		fuzzRecords(t, data, NewJSONReader)
	})
}
