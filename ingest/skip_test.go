package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"attain/kpi"
)

func TestReader_SkipInvalid(t *testing.T) {
	in := "id,amount\n" +
		"a,1\n" + // 2
		"b,x\n" + // 3
		"c,\"1,5\"\n" + // 4
		"d,2\n" + // 5
		"a,3\n" + // 6: duplicate
		"e,4\n" // 7
	ds := cellDataset(kpi.Column{Type: kpi.Money})
	ds.Columns[1].Name = "amount"
	r, err := NewCSVReader(strings.NewReader(in), ds, Options{File: "t.csv", SkipInvalid: true, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var keys []string
	for {
		recs, err := r.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(recs))
		for _, rec := range recs {
			keys = append(keys, rec.Key)
		}
	}
	if got, want := keys, []string{"a", "d", "e"}; !reflect.DeepEqual(got, want) {
		t.Errorf("keys = %q; want %q", got, want)
	}
	if got, want := sizes, []int{2, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("batch sizes = %v; want %v", got, want)
	}
	rej := r.Rejected()
	if got, want := len(rej), 3; got != want {
		t.Fatalf("rejected = %d; want %d", got, want)
	}
	if got, want := rej[1], (Rejected{Line: 4, Raw: []string{"c", "1,5"}, Problems: []kpi.Problem{{
		File: "t.csv", Line: 4, Column: "amount", Value: "1,5",
		Reason: "has a thousands separator or decimal comma, which is not accepted (want digits with an optional sign and decimal point, like -1234.56)",
	}}}); !reflect.DeepEqual(got, want) {
		t.Errorf("rejected[1] = %+v; want %+v", got, want)
	}

	var buf bytes.Buffer
	if err := WriteRejected(&buf, r.Header(), rej); err != nil {
		t.Fatal(err)
	}
	want := "line,reason,id,amount\n" +
		"3,\"column amount value \"\"x\"\": is not a number (want digits with an optional sign and decimal point, like -1234.56)\",b,x\n" +
		"4,\"column amount value \"\"1,5\"\": has a thousands separator or decimal comma, which is not accepted (want digits with an optional sign and decimal point, like -1234.56)\",c,\"1,5\"\n" +
		"6,\"column id value \"\"a\"\": duplicate key, first on line 2\",a,3\n"
	if got := buf.String(); got != want {
		t.Errorf("WriteRejected:\n%s\nwant:\n%s", got, want)
	}
}

func TestReader_MaxProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,amount\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "k%d,bad\n", i)
	}
	ds := cellDataset(kpi.Column{Type: kpi.Money})
	ds.Columns[1].Name = "amount"
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprint("SkipInvalid=", skip), func(t *testing.T) {
			r, err := NewCSVReader(strings.NewReader(b.String()), ds, Options{File: "t.csv", MaxProblems: 5, SkipInvalid: skip})
			if err != nil {
				t.Fatal(err)
			}
			_, err = readAll(r)
			probs := problems(t, err)
			if got, want := len(probs), 5; got != want {
				t.Errorf("problems = %d; want %d", got, want)
			}
			want := "t.csv: 5 problems, stopped looking at line 6; nothing was imported"
			if skip {
				want = "t.csv: 5 problems by line 6, too many to skip; nothing was imported"
			}
			if got := kpi.ErrorMessage(err); got != want {
				t.Errorf("message = %q; want %q", got, want)
			}
			if got, want := r.Lines(), 5; got != want {
				t.Errorf("Lines() = %d; want %d (it stops reading)", got, want)
			}
		})
	}
}

func TestReader_ReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	var b strings.Builder
	b.WriteString("id,amount\n")
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&b, "k%d,1\n", i)
	}
	in := io.MultiReader(strings.NewReader(b.String()), errReader{boom})
	ds := cellDataset(kpi.Column{Type: kpi.Money})
	ds.Columns[1].Name = "amount"
	r, err := NewCSVReader(in, ds, Options{File: "t.csv"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(r)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v; want it to wrap %v", err, boom)
	}
	if got, want := kpi.ErrorCode(err), kpi.EINTERNAL; got != want {
		t.Errorf("code = %q; want %q", got, want)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TestWriteRejected_FormulaInjection: cells of rejected rows that a
// spreadsheet would run as formulas are written with a quote in front;
// numbers, negative ones too, stay numbers.
func TestWriteRejected_FormulaInjection(t *testing.T) {
	in := "id,amount,note\n" +
		"\"=HYPERLINK(\"\"http://evil.example\"\")\",-12.50,ok\n" + // 2: imported
		"b,-x,@SUM(A1:A9)\n" + // 3: bad amount
		"\"=HYPERLINK(\"\"http://evil.example\"\")\",-3,\"\t=1+1\"\n" // 4: duplicate key
	ds := &kpi.Dataset{Name: "t", Key: "id", Columns: []kpi.Column{
		{Name: "id", Type: kpi.String}, {Name: "amount", Type: kpi.Money}, {Name: "note", Type: kpi.String}}}
	r, err := NewCSVReader(strings.NewReader(in), ds, Options{File: "t.csv", SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := WriteRejected(&buf, r.Header(), r.Rejected()); err != nil {
		t.Fatal(err)
	}
	want := "line,reason,id,amount,note\n" +
		"3,\"column amount value \"\"-x\"\": is not a number (want digits with an optional sign and decimal point, like -1234.56)\",b,'-x,'@SUM(A1:A9)\n" +
		"4,\"column id value \"\"=HYPERLINK(\\\"\"http://evil.example\\\"\")\"\": duplicate key, first on line 2\",\"'=HYPERLINK(\"\"http://evil.example\"\")\",-3,'\t=1+1\n"
	if got := buf.String(); got != want {
		t.Errorf("WriteRejected:\n%s\nwant:\n%s", got, want)
	}
}

// TestReader_Repeated: with StoreChecksKeys the reader keeps no keys and
// learns of repeated ones from the store by the records' numbers; it
// turns them into problems of their lines (past rejected rows and a cell
// over two lines) or, with SkipInvalid, into rejected rows.
func TestReader_Repeated(t *testing.T) {
	in := "id,amount\n" +
		"a,1\n" + // 2: record 1
		"b,x\n" + // 3: rejected
		"\"c\nc\",2\n" + // 4-5: record 2
		"d,2\n" + // 6: record 3
		"a,3\n" // 7: record 4, the store says it repeats record 1
	ds := cellDataset(kpi.Column{Type: kpi.Money})
	ds.Columns[1].Name = "amount"
	for _, skip := range []bool{true, false} {
		r, err := NewCSVReader(strings.NewReader(in), ds, Options{File: "t.csv", SkipInvalid: skip, StoreChecksKeys: true})
		if err != nil {
			t.Fatal(err)
		}
		var recs []kpi.Record
		for {
			batch, err := r.Next()
			if err != nil {
				break
			}
			recs = append(recs, batch...)
		}
		if !skip {
			// Strict: the records before the bad row came, and then the
			// failure; the store's word comes after.
			if len(recs) != 1 {
				t.Fatalf("strict: %d records, want the one before the problem", len(recs))
			}
			if err := r.Repeated(kpi.Record{Key: "a"}, 1, 1); err != nil {
				t.Fatal(err)
			}
			_, err := r.Next()
			var kerr *kpi.Error
			if !errors.As(err, &kerr) || len(kerr.Details) != 2 || !strings.Contains(kerr.Details[0].String(), "duplicate key") {
				t.Fatalf("strict: error after Repeated = %v, want the bad cell and the repeated key", err)
			}
			continue
		}
		if len(recs) != 4 || recs[3].Key != "a" {
			t.Fatalf("%d records %v", len(recs), recs)
		}
		if err := r.Repeated(recs[3], 1, 4); err != nil {
			t.Fatal(err)
		}
		rej := r.Rejected()
		if len(rej) != 2 || rej[1].Line != 7 || !reflect.DeepEqual(rej[1].Raw, []string{"a", "3.00"}) {
			t.Fatalf("rejected = %+v", rej)
		}
		if got := rej[1].Problems[0].String(); got != `t.csv:7: column id value "a": duplicate key, first on line 2` {
			t.Errorf("problem = %s", got)
		}
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("after EOF: %v, want EOF (rejected rows are no failure)", err)
		}
	}
}
