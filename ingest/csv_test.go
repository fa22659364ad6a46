package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"attain/kpi"
)

const mavenDir = "/work/shared/datasets/maven-crm-sales-opportunities/"

// dealsDataset is the dataset of the Maven CRM sales pipeline.
func dealsDataset() *kpi.Dataset {
	return &kpi.Dataset{
		Name: "deals",
		Columns: []kpi.Column{
			{Name: "opportunity_id", Type: kpi.String},
			{Name: "sales_agent", Type: kpi.String},
			{Name: "product", Type: kpi.String},
			{Name: "account", Type: kpi.String},
			{Name: "deal_stage", Type: kpi.String, Required: true, Values: []string{"Prospecting", "Engaging", "Won", "Lost"}},
			{Name: "engage_date", Type: kpi.DateType},
			{Name: "close_date", Type: kpi.DateType},
			{Name: "close_value", Type: kpi.Money, NonNegative: true},
		},
		Key:         "opportunity_id",
		Owner:       "sales_agent",
		TimeColumns: []string{"engage_date", "close_date"},
	}
}

// readAll reads every batch of r.
func readAll(r *Reader) ([]kpi.Record, error) {
	var all []kpi.Record
	for {
		recs, err := r.Next()
		if err == io.EOF {
			return all, nil
		} else if err != nil {
			return all, err
		}
		all = append(all, recs...)
	}
}

// problems returns the details of a *kpi.Error, failing on other errors.
func problems(t *testing.T, err error) []kpi.Problem {
	t.Helper()
	var e *kpi.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v; want a *kpi.Error", err)
	}
	if e.Code != kpi.EINVALID {
		t.Fatalf("code = %q; want %q", e.Code, kpi.EINVALID)
	}
	return e.Details
}

func TestCSVReader_Maven(t *testing.T) {
	agents := map[string]bool{}
	f, err := os.Open(mavenDir + "sales_teams.csv")
	if err != nil {
		t.Skip("dataset not available:", err)
	}
	_, emps, err := ReadEmployeesCSV(f, "sales_teams.csv", OrgMapping{ID: "sales_agent", Name: "sales_agent", UnitPath: []string{"regional_office", "manager"}})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range emps {
		agents[e.ID] = true
	}

	f, err = os.Open(mavenDir + "sales_pipeline.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var progress int64
	r, err := NewCSVReader(f, dealsDataset(), Options{
		File:       "sales_pipeline.csv",
		KnownOwner: func(id string) bool { return agents[id] },
		BatchSize:  1000,
		Progress:   func(n int64) { progress = n },
	})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := readAll(r)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	if got, want := len(recs), 8800; got != want {
		t.Fatalf("records = %d; want %d", got, want)
	}
	if got, want := r.Lines(), 8800; got != want {
		t.Errorf("Lines() = %d; want %d", got, want)
	}
	if got, want := progress, st.Size(); got != want {
		t.Errorf("progress = %d; want %d", got, want)
	}
	if got := r.Ignored(); len(got) != 0 {
		t.Errorf("Ignored() = %q; want none", got)
	}
	date := func(y int, m time.Month, d int) kpi.Value { return kpi.Value{N: int64(kpi.NewDate(y, m, d))} }
	null := kpi.Value{Null: true}
	// 1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054
	if got, want := recs[0], (kpi.Record{Key: "1C1I7A6R", Owner: "Moses Frase", Values: []kpi.Value{
		{S: "1C1I7A6R"}, {S: "Moses Frase"}, {S: "GTX Plus Basic"}, {S: "Cancity"}, {S: "Won"},
		date(2016, 10, 20), date(2017, 3, 1), {N: 105400},
	}}); !reflect.DeepEqual(got, want) {
		t.Errorf("first record = %+v; want %+v", got, want)
	}
	// HAXMC4IX,James Ascencio,MG Advanced,,Engaging,2016-11-03,,
	var open *kpi.Record
	stages := map[string]int{}
	var won int64
	for i := range recs {
		stages[recs[i].Values[4].S]++
		if recs[i].Key == "HAXMC4IX" {
			open = &recs[i]
		}
		if recs[i].Values[4].S == "Won" {
			won += recs[i].Values[7].N
		}
	}
	if open == nil {
		t.Fatal("no record HAXMC4IX")
	}
	if got, want := open.Values, []kpi.Value{
		{S: "HAXMC4IX"}, {S: "James Ascencio"}, {S: "MG Advanced"}, null, {S: "Engaging"},
		date(2016, 11, 3), null, null,
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("open deal = %+v; want %+v", got, want)
	}
	if got, want := stages, map[string]int{"Won": 4238, "Lost": 2473, "Engaging": 1589, "Prospecting": 500}; !reflect.DeepEqual(got, want) {
		t.Errorf("stages = %v; want %v", got, want)
	}
	if won <= 0 || won%100 != 0 {
		t.Errorf("sum of won close_value = %d cents; want a positive whole number of dollars", won)
	}
}

func TestCSVReader_Header(t *testing.T) {
	ds := &kpi.Dataset{
		Name: "deals",
		Columns: []kpi.Column{
			{Name: "id", Type: kpi.String},
			{Name: "agent", Type: kpi.String, Header: "Sales Agent"},
			{Name: "amount", Type: kpi.Money},
			{Name: "note", Type: kpi.String},
		},
		Key: "id", Owner: "agent",
	}
	tests := []struct {
		name    string
		in      string
		want    []kpi.Record
		ignored []string
		err     string // a part of the error and its details
	}{
		{name: "Comma", in: "id,Sales Agent,amount,note\n1,ann,2.50,x\n",
			want: []kpi.Record{{Key: "1", Owner: "ann", Values: []kpi.Value{{S: "1"}, {S: "ann"}, {N: 250}, {S: "x"}}}}},
		{name: "SemicolonDecimalComma", in: "id;Sales Agent;amount;note\r\n1;ann;2,5;x\r\n",
			want: []kpi.Record{{Key: "1", Owner: "ann", Values: []kpi.Value{{S: "1"}, {S: "ann"}, {N: 250}, {S: "x"}}}}},
		{name: "BOMCaseSpacesOrder", in: "\xef\xbb\xbf AMOUNT ,sales agent,ID,extra\n3,bob,7,?\n",
			ignored: []string{"extra"},
			want:    []kpi.Record{{Key: "7", Owner: "bob", Values: []kpi.Value{{S: "7"}, {S: "bob"}, {N: 300}, {Null: true}}}}},
		{name: "HeaderOnly", in: "id,Sales Agent,amount,note\r\n"},
		{name: "QuotedHeader", in: "\"id\",\"Sales Agent\",\"amount\"\n1,ann,1\n",
			want: []kpi.Record{{Key: "1", Owner: "ann", Values: []kpi.Value{{S: "1"}, {S: "ann"}, {N: 100}, {Null: true}}}}},
		{name: "Empty", in: "", err: "file is empty"},
		{name: "OnlyBOM", in: "\xef\xbb\xbf", err: "file is empty"},
		{name: "OnlyNewlines", in: "\r\n\r\n", err: "file is empty"},
		{name: "Tabs", in: "id\tSales Agent\tamount\n1\tann\t1\n", err: "deals.csv:1: the header has tabs but no commas or semicolons: the file looks tab-separated"},
		{name: "NoDelimiter", in: "id amount\n1 2\n", err: "deals.csv:1: cannot tell the delimiter"},
		{name: "Missing", in: "amount,note\n1,2\n", err: "deals.csv:1: missing columns id, Sales Agent; the header has: amount, note"},
		{name: "BlankHeaderCells", in: "id,Sales Agent,amount,note,,\n1,ann,1,,,\n",
			want: []kpi.Record{{Key: "1", Owner: "ann", Values: []kpi.Value{{S: "1"}, {S: "ann"}, {N: 100}, {Null: true}}}}},
		{name: "Duplicate", in: "id,Sales Agent,amount,Amount\n", err: "column Amount: header cells 3 and 4 both name column amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCSVReader(strings.NewReader(tt.in), ds, Options{File: "deals.csv"})
			if tt.err != "" {
				problems(t, err)
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v; want it to contain %q", err, tt.err)
				}
				return
			} else if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("records = %+v; want %+v", got, tt.want)
			}
			if got := r.Ignored(); !reflect.DeepEqual(got, tt.ignored) {
				t.Errorf("Ignored() = %q; want %q", got, tt.ignored)
			}
		})
	}
	t.Run("MissingTimeColumn", func(t *testing.T) {
		_, err := NewCSVReader(strings.NewReader("opportunity_id,sales_agent,deal_stage,close_date\n"), dealsDataset(), Options{File: "deals.csv"})
		if got, want := problems(t, err)[0].Reason, "missing column engage_date; the header has: opportunity_id, sales_agent, deal_stage, close_date"; got != want {
			t.Errorf("reason = %q; want %q", got, want)
		}
	})
	t.Run("OneColumn", func(t *testing.T) {
		ds := &kpi.Dataset{Name: "ids", Columns: []kpi.Column{{Name: "id", Type: kpi.String}}, Key: "id"}
		r, err := NewCSVReader(strings.NewReader("ID\na\nb\n"), ds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := readAll(r)
		if got, want := len(recs), 2; err != nil || got != want {
			t.Fatalf("records = %d, %v; want %d", got, err, want)
		}
	})
}

// cellDataset has a key and one column v of type typ.
func cellDataset(c kpi.Column) *kpi.Dataset {
	c.Name = "v"
	return &kpi.Dataset{Name: "t", Columns: []kpi.Column{{Name: "id", Type: kpi.String}, c}, Key: "id"}
}

func TestCSVReader_Cells(t *testing.T) {
	tests := []struct {
		col    kpi.Column
		sep    string
		cell   string // written as is: quote it when it has the separator
		want   kpi.Value
		reason string
	}{
		{col: kpi.Column{Type: kpi.String}, cell: `" a "`, want: kpi.Value{S: " a "}},
		{col: kpi.Column{Type: kpi.String}, cell: `"x, ""y"""`, want: kpi.Value{S: `x, "y"`}},
		{col: kpi.Column{Type: kpi.String}, cell: "\"two\r\nlines\"", want: kpi.Value{S: "two\nlines"}},
		{col: kpi.Column{Type: kpi.String}, cell: "", want: kpi.Value{Null: true}},
		{col: kpi.Column{Type: kpi.String, Values: []string{"Won", "Lost"}}, cell: "Won", want: kpi.Value{S: "Won"}},
		{col: kpi.Column{Type: kpi.String, Values: []string{"Won", "Lost"}}, cell: "won", reason: "is not one of the allowed values: Won, Lost"},
		{col: kpi.Column{Type: kpi.String, Required: true}, cell: "", reason: "is empty; the column is required"},
		{col: kpi.Column{Type: kpi.Integer}, cell: "-42", want: kpi.Value{N: -42}},
		{col: kpi.Column{Type: kpi.Integer}, cell: " 42 ", want: kpi.Value{N: 42}},
		{col: kpi.Column{Type: kpi.Integer}, cell: `"1,234"`, reason: "thousands separator"},
		{col: kpi.Column{Type: kpi.Integer, NonNegative: true}, cell: "-1", reason: "is negative"},
		{col: kpi.Column{Type: kpi.Decimal, Scale: 3}, cell: "1.5", want: kpi.Value{N: 1500}},
		{col: kpi.Column{Type: kpi.Decimal}, cell: "1.5", reason: "has 1 decimal places, column keeps 0"},
		{col: kpi.Column{Type: kpi.Money}, cell: "1054.5", want: kpi.Value{N: 105450}},
		{col: kpi.Column{Type: kpi.Money}, cell: "1.234", reason: "has 3 decimal places, column keeps 2"},
		{col: kpi.Column{Type: kpi.Money}, cell: `"1,234.56"`, reason: "thousands separator"},
		{col: kpi.Column{Type: kpi.Money}, cell: `"1234,56"`, reason: "decimal comma"},
		{col: kpi.Column{Type: kpi.Money}, sep: ";", cell: "1234,56", want: kpi.Value{N: 123456}},
		{col: kpi.Column{Type: kpi.Money}, sep: ";", cell: "1.234,56", reason: "thousands separator"},
		{col: kpi.Column{Type: kpi.Money, NonNegative: true}, cell: "-0.01", reason: "is negative"},
		{col: kpi.Column{Type: kpi.Money}, cell: "92233720368547758.08", reason: "out of range"},
		{col: kpi.Column{Type: kpi.DateType}, cell: "2017-03-01", want: kpi.Value{N: int64(kpi.NewDate(2017, 3, 1))}},
		{col: kpi.Column{Type: kpi.DateType}, cell: "2017-03-01T10:00:00", reason: "is a timestamp, the column wants a date YYYY-MM-DD"},
		{col: kpi.Column{Type: kpi.DateType}, cell: "03/01/2017", reason: "want YYYY-MM-DD"},
		{col: kpi.Column{Type: kpi.DateType}, cell: "2017-02-30", reason: "is not a valid date"},
		{col: kpi.Column{Type: kpi.Timestamp}, cell: "2017-03-01T10:00:00+02:00", want: kpi.Value{N: time.Date(2017, 3, 1, 8, 0, 0, 0, time.UTC).Unix()}},
		{col: kpi.Column{Type: kpi.Timestamp}, cell: "2017-03-01 10:00", want: kpi.Value{N: time.Date(2017, 3, 1, 10, 0, 0, 0, time.UTC).Unix()}},
		{col: kpi.Column{Type: kpi.Timestamp}, cell: "2017-03-01", want: kpi.Value{N: time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC).Unix()}},
		{col: kpi.Column{Type: kpi.Timestamp}, cell: "yesterday", reason: "is not a timestamp"},
		{col: kpi.Column{Type: kpi.Boolean}, cell: "YES", want: kpi.Value{N: 1}},
		{col: kpi.Column{Type: kpi.Boolean}, cell: "False", want: kpi.Value{N: 0}},
		{col: kpi.Column{Type: kpi.Boolean}, cell: "1", want: kpi.Value{N: 1}},
		{col: kpi.Column{Type: kpi.Boolean}, cell: "maybe", reason: "is not a boolean (want true/false, yes/no or 1/0)"},
		{col: kpi.Column{Type: kpi.Integer}, cell: "  ", want: kpi.Value{Null: true}},
	}
	for _, tt := range tests {
		sep := tt.sep
		if sep == "" {
			sep = ","
		}
		name := fmt.Sprintf("%s/%s", tt.col.Type, tt.cell)
		t.Run(name, func(t *testing.T) {
			in := "id" + sep + "v\n1" + sep + tt.cell + "\n"
			r, err := NewCSVReader(strings.NewReader(in), cellDataset(tt.col), Options{File: "t.csv"})
			if err != nil {
				t.Fatal(err)
			}
			recs, err := readAll(r)
			if tt.reason != "" {
				probs := problems(t, err)
				if len(probs) != 1 || !strings.Contains(probs[0].Reason, tt.reason) || probs[0].Line != 2 || probs[0].Column != "v" {
					t.Fatalf("problems = %v; want one at t.csv:2 column v with %q", probs, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := recs[0].Values[1], tt.want; len(recs) != 1 || got != want {
				t.Errorf("value = %+v; want %+v", got, want)
			}
		})
	}
}

func TestCSVReader_OpenQuote(t *testing.T) {
	in := "id,v\na,\"1\nb,2\nc,3\n"
	r, err := NewCSVReader(strings.NewReader(in), cellDataset(kpi.Column{Type: kpi.Integer}), Options{File: "t.csv", SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(r)
	probs := problems(t, err)
	if got, want := kpi.ErrorMessage(err), "t.csv: 1 problem, cannot read past line 2; nothing was imported"; got != want {
		t.Errorf("message = %q; want %q", got, want)
	}
	if got, want := probs[0].String(), `t.csv:2: bad quoting: extraneous or missing " in quoted-field (a cell with a quote must be quoted, and its quotes doubled); the quoted cell runs on to line 4`; got != want {
		t.Errorf("problem = %q; want %q", got, want)
	}
}

func TestCSVReader_Strict(t *testing.T) {
	in := "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\r\n" +
		"A1,Ann,GTX,Acme,Won,2017-01-02,2017-02-03,100\r\n" + // 2
		"A2,Ann,\"GTX\r\nPro\",Acme,Won,2017-01-02,2017-02-03,1.234\r\n" + // 3-4: a cell over two lines
		"A3,Bob,GTX,Acme,Lost,2017-01-02,2017-02-03,0\r\n" + // 5: unknown owner
		"A1,Ann,GTX,Acme,won,2017-01-02,,\r\n" + // 6: duplicate key, bad stage
		",Ann,GTX,Acme,Won,2017-01-02,2017-02-03,5\r\n" + // 7: no key
		"A6,Ann,GTX\r\n" + // 8: short row
		"A7,Ann,GTX,Acme,Won,2017-01-02,2017-02-03,\xff\r\n" + // 9: not UTF-8
		"A8,Ann,G\"TX,Acme,Won,2017-01-02,2017-02-03,1\r\n" + // 10: bare quote
		"A9,Ann,GTX,Acme,Won,2017-01-02,2017-02-03,7\r\n" // 11: good
	known := func(id string) bool { return id == "Ann" }
	r, err := NewCSVReader(strings.NewReader(in), dealsDataset(), Options{File: "deals.csv", KnownOwner: known, BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The first batch is good; then the problems.
	recs, err := r.Next()
	if err != nil || len(recs) != 1 || recs[0].Key != "A1" {
		t.Fatalf("first batch = %+v, %v; want A1", recs, err)
	}
	recs, err = r.Next()
	if recs != nil {
		t.Errorf("records after a problem = %+v; want none", recs)
	}
	var e *kpi.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v; want a *kpi.Error", err)
	}
	if got, want := e.Message, "deals.csv: 8 problems; nothing was imported"; got != want {
		t.Errorf("message = %q; want %q", got, want)
	}
	var got []string
	for _, p := range e.Details {
		got = append(got, p.String())
	}
	want := []string{
		`deals.csv:3: column close_value value "1.234": has 3 decimal places, column keeps 2`,
		`deals.csv:5: column sales_agent value "Bob": unknown employee Bob (import the org first)`,
		`deals.csv:6: column deal_stage value "won": is not one of the allowed values: Prospecting, Engaging, Won, Lost`,
		`deals.csv:6: column opportunity_id value "A1": duplicate key, first on line 2`,
		`deals.csv:7: column opportunity_id: is empty; every record needs a key`,
		`deals.csv:8: has 3 cells, the header has 8`,
		`deals.csv:9: column close_value value "\xff": is not valid UTF-8; save the file as UTF-8`,
		`deals.csv:10: bad quoting: bare " in non-quoted-field (a cell with a quote must be quoted, and its quotes doubled)`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err2 := r.Next(); err2 != err {
		t.Errorf("Next after the failure = %v; want the same error", err2)
	}
	if got, want := r.Lines(), 9; got != want { // data rows; lines 3-4 are one
		t.Errorf("Lines() = %d; want %d", got, want)
	}
}
