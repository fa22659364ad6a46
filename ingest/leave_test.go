package ingest

import (
	"reflect"
	"strings"
	"testing"

	"attain/kpi"
)

func TestReadEmployeesCSV_Leave(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		in := "id,name,unit_id,leave\n" +
			"e1,Ann,u,2026-06-01..2026-06-14; 2026-08-03..2026-08-07\n" +
			"e2,Bob,u,\n" +
			"e3,Cy,u,2026-06-05\n"
		_, emps, err := ReadEmployeesCSV(strings.NewReader(in), "org.csv", OrgMapping{})
		if err != nil {
			t.Fatal(err)
		}
		r := func(f, to kpi.Date) kpi.Period { return kpi.Period{Grain: kpi.Range, From: f, To: to} }
		want := [][]kpi.Period{
			{r(kpi.NewDate(2026, 6, 1), kpi.NewDate(2026, 6, 14)), r(kpi.NewDate(2026, 8, 3), kpi.NewDate(2026, 8, 7))},
			{}, // the column is there: an empty cell clears the leave
			{r(kpi.NewDate(2026, 6, 5), kpi.NewDate(2026, 6, 5))},
		}
		for i, e := range emps {
			if !reflect.DeepEqual(e.Leave, want[i]) || e.Leave == nil {
				t.Errorf("%s: leave = %#v, want %#v", e.ID, e.Leave, want[i])
			}
		}
	})
	t.Run("NoColumn", func(t *testing.T) {
		_, emps, err := ReadEmployeesCSV(strings.NewReader("id,name,unit_id\ne1,Ann,u\n"), "org.csv", OrgMapping{})
		if err != nil {
			t.Fatal(err)
		}
		if emps[0].Leave != nil {
			t.Errorf("leave = %#v, want nil: the stored leave is kept", emps[0].Leave)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		in := "id,name,unit_id,away\n" +
			"e1,Ann,u,2026-06-14..2026-06-01\n" +
			"e2,Bob,u,2026-06-01..2026-06-14; 2026-06-10..2026-06-20\n" +
			"e3,Cy,u,next week\n"
		_, _, err := ReadEmployeesCSV(strings.NewReader(in), "org.csv", OrgMapping{Leave: "away"})
		var got []string
		for _, p := range kpi.ErrorDetails(err) {
			got = append(got, p.String())
		}
		want := []string{
			`org.csv:2: column away value "2026-06-14..2026-06-01": Leave 2026-06-14..2026-06-01 ends before it starts.`,
			`org.csv:3: column away value "2026-06-01..2026-06-14; 2026-06-10..2026-06-20": Leave 2026-06-10..2026-06-20 overlaps 2026-06-01..2026-06-14.`,
			`org.csv:4: column away value "next week": Cannot read leave "next week": want FROM..TO like 2026-06-01..2026-06-14, or one date.`,
		}
		if kpi.ErrorCode(err) != kpi.EINVALID || !reflect.DeepEqual(got, want) {
			t.Errorf("problems (%v):\n%s\nwant\n%s", err, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
