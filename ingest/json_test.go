package ingest

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"attain/kpi"
)

func jsonDataset() *kpi.Dataset {
	return &kpi.Dataset{
		Name: "deals",
		Columns: []kpi.Column{
			{Name: "id", Type: kpi.String},
			{Name: "agent", Type: kpi.String},
			{Name: "amount", Type: kpi.Money},
			{Name: "qty", Type: kpi.Integer},
			{Name: "won", Type: kpi.Boolean},
			{Name: "day", Type: kpi.DateType},
			{Name: "at", Type: kpi.Timestamp},
		},
		Key: "id", Owner: "agent",
	}
}

func TestJSONReader(t *testing.T) {
	day := kpi.Value{N: int64(kpi.NewDate(2017, 3, 1))}
	at := kpi.Value{N: time.Date(2017, 3, 1, 9, 0, 0, 0, time.UTC).Unix()}
	null := kpi.Value{Null: true}
	// 12345678901234567.89 is not a float64: it must come through exactly.
	want := []kpi.Record{
		{Key: "1", Owner: "ann", Values: []kpi.Value{{S: "1"}, {S: "ann"}, {N: 1234567890123456789}, {N: 3}, {N: 1}, day, at}},
		{Key: "2", Owner: "bob", Values: []kpi.Value{{S: "2"}, {S: "bob"}, {N: 1050}, null, {N: 0}, null, null}},
	}
	tests := []struct {
		name string
		in   string
	}{
		{name: "Array", in: ` [
			{"id": "1", "agent": "ann", "amount": 12345678901234567.89, "qty": 3, "won": true, "day": "2017-03-01", "at": "2017-03-01T09:00:00Z"},
			{"ID": "2", "Agent": "bob", "amount": "10.50", "qty": null, "won": "no"}
		]`},
		{name: "NDJSON", in: "\xef\xbb\xbf" +
			`{"id": "1", "agent": "ann", "amount": 12345678901234567.89, "qty": 3, "won": true, "day": "2017-03-01", "at": "2017-03-01T09:00:00Z"}` + "\r\n\r\n" +
			`{"ID": "2", "Agent": "bob", "amount": "10.50", "qty": null, "won": "no"}`},
		{name: "NumberKey", in: `[{"id": 1, "agent": "ann", "amount": 12345678901234567.89, "qty": "3", "won": 1, "day": "2017-03-01", "at": "2017-03-01 09:00"},
			{"id": 2, "agent": "bob", "amount": 10.5, "won": false}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewJSONReader(strings.NewReader(tt.in), jsonDataset(), Options{File: "deals.json"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("records = %+v\nwant %+v", got, want)
			}
			if got, want := r.Lines(), 2; got != want {
				t.Errorf("Lines() = %d; want %d", got, want)
			}
		})
	}
}

func TestJSONReader_Problems(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // Problem.String()
		msg  string
	}{
		{name: "NDJSON", in: "\n" + // line 1 blank
			`{"id": "1", "agent": "ann", "amout": 5}` + "\n" + // 2
			`{"id": "2", "agent": "ann", "amount": 1e3, "qty": 1.5, "won": "x", "day": 20170301}` + "\n" + // 3
			`{"id": "3", "agent": "ann", "amount": {"v": 1}, "qty": true}` + "\n" + // 4
			`{"id": "4", "agent": "ann",` + "\n" + // 5: broken line
			`["id"]` + "\n" + // 6
			`{"id": "1", "agent": "ann", "id": "9"}` + "\n" + // 7
			`{"id": "7", "agent": "ann", "day": "2017-03-01` + "\xff" + `"}` + "\n", // 8
			want: []string{
				`deals.json:2: column amout: is not a column of the dataset (it has id, agent, amount, qty, won, day, at)`,
				`deals.json:3: column amount value "1e3": is in exponent notation, which is not accepted (want digits with an optional sign and decimal point, like -1234.56)`,
				`deals.json:3: column qty value "1.5": is not a whole number`,
				`deals.json:3: column won value "x": is not a boolean (want true/false, yes/no or 1/0)`,
				`deals.json:3: column day value "20170301": is a number, want a date as a string`,
				`deals.json:4: column amount: is a JSON object or array, want an amount of money`,
				`deals.json:4: column qty value "true": is a boolean, want an integer`,
				`deals.json:5: is not valid JSON: unexpected end`,
				`deals.json:6: is not a JSON object`,
				`deals.json:7: column id: names column id a second time`,
				`deals.json:7: column id value "1": duplicate key, first on line 2`,
				`deals.json:8: is not valid UTF-8; save the file as UTF-8`,
			},
			msg: "deals.json: 12 problems; nothing was imported"},
		{name: "Array", in: `[{"id": "1", "agent": "ann"}, {"id": "2", "agnt": "ann"}, {"id": "3", "agent": "ann", "amount": "x"}]`,
			want: []string{
				`deals.json:2: column agnt: is not a column of the dataset (it has id, agent, amount, qty, won, day, at) (record 2)`,
				`deals.json:2: column agent: is empty; every record needs an owner`,
				`deals.json:3: column amount value "x": is not a number (want digits with an optional sign and decimal point, like -1234.56)`,
			},
			msg: "deals.json: 3 problems; nothing was imported"},
		{name: "ArrayBroken", in: `[{"id": "1", "agent": "ann"}, {"id": "2", "agent": ann}, {"id": "3"}]`,
			want: []string{`deals.json:2: is not valid JSON: invalid character 'a' looking for beginning of value (record 2)`},
			msg:  "deals.json: 1 problem, cannot read past line 2; nothing was imported"},
		{name: "ArrayTrailing", in: `[{"id": "1", "agent": "ann"}] {}`,
			want: []string{`deals.json:1: has more after the array (record 1)`},
			msg:  "deals.json: 1 problem, cannot read past line 1; nothing was imported"},
		{name: "ArrayNotObject", in: `[{"id": "1", "agent": "ann"}, 5]`,
			want: []string{`deals.json:2: is not a JSON object (record 2)`},
			msg:  "deals.json: 1 problem; nothing was imported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewJSONReader(strings.NewReader(tt.in), jsonDataset(), Options{File: "deals.json"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = readAll(r)
			var got []string
			for _, p := range problems(t, err) {
				got = append(got, p.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if got := kpi.ErrorMessage(err); got != tt.msg {
				t.Errorf("message = %q; want %q", got, tt.msg)
			}
		})
	}
}

func TestJSONReader_SkipInvalid(t *testing.T) {
	in := `{"id": "1", "agent": "ann"}` + "\n" + `{"id": "2", "agent": "ann", "qty": "many"}` + "\n" + `{"id": "3", "agent": "ann"}` + "\n"
	r, err := NewJSONReader(strings.NewReader(in), jsonDataset(), Options{File: "deals.ndjson", SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := readAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(recs), 2; got != want {
		t.Errorf("records = %d; want %d", got, want)
	}
	var buf bytes.Buffer
	if err := WriteRejected(&buf, r.Header(), r.Rejected()); err != nil {
		t.Fatal(err)
	}
	want := "line,reason,record\n" +
		`2,"column qty value ""many"": is not a number (want a whole number like -1234)","{""id"": ""2"", ""agent"": ""ann"", ""qty"": ""many""}"` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("WriteRejected:\n%s\nwant:\n%s", got, want)
	}
}

func TestJSONReader_Open(t *testing.T) {
	for in, want := range map[string]string{
		"":             "deals.json: file is empty",
		"\xef\xbb\xbf": "deals.json: file is empty",
		" \n\t ":       "deals.json: file is empty",
		"id,agent\n":   "deals.json: not JSON",
	} {
		_, err := NewJSONReader(strings.NewReader(in), jsonDataset(), Options{File: "deals.json"})
		problems(t, err)
		if got := kpi.ErrorMessage(err); got != want {
			t.Errorf("NewJSONReader(%q) message = %q; want %q", in, got, want)
		}
	}
	r, err := NewJSONReader(strings.NewReader("[]"), jsonDataset(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := readAll(r); err != nil || len(recs) != 0 {
		t.Errorf("empty array = %v, %v; want no records", recs, err)
	}
}
