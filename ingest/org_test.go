package ingest

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"attain/kpi"
)

func TestReadEmployeesCSV_Maven(t *testing.T) {
	f, err := os.Open(mavenDir + "sales_teams.csv")
	if err != nil {
		t.Skip("dataset not available:", err)
	}
	defer f.Close()
	units, emps, err := ReadEmployeesCSV(f, "sales_teams.csv", OrgMapping{
		ID: "sales_agent", Name: "sales_agent",
		UnitPath: []string{"regional_office", "manager"},
		Root:     "MavenTech",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(emps), 35; got != want {
		t.Errorf("employees = %d; want %d", got, want)
	}
	if got, want := len(units), 1+3+6; got != want {
		t.Errorf("units = %d; want %d", got, want)
	}
	byID := map[string]*kpi.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	for _, want := range []kpi.OrgUnit{
		{ID: "MavenTech", Name: "MavenTech", Kind: "company"},
		{ID: "central", Name: "Central", Kind: "regional_office", ParentID: "MavenTech"},
		{ID: "west", Name: "West", Kind: "regional_office", ParentID: "MavenTech"},
		{ID: "central/dustin-brinkmann", Name: "Dustin Brinkmann", Kind: "manager", ParentID: "central"},
		{ID: "east/rocco-neubert", Name: "Rocco Neubert", Kind: "manager", ParentID: "east"},
	} {
		if got := byID[want.ID]; got == nil || *got != want {
			t.Errorf("unit %s = %+v; want %+v", want.ID, got, want)
		}
	}
	if got, want := units[0].ID, "MavenTech"; got != want {
		t.Errorf("first unit = %s; want the root %s", got, want)
	}
	perUnit := map[string]int{}
	for _, e := range emps {
		perUnit[e.UnitID]++
	}
	if got, want := perUnit["central/dustin-brinkmann"], 5; got != want {
		t.Errorf("Dustin Brinkmann's agents = %d; want %d", got, want)
	}
	if got, want := *emps[0], (kpi.Employee{ID: "Anna Snelling", Name: "Anna Snelling", UnitID: "central/dustin-brinkmann"}); !reflect.DeepEqual(got, want) {
		t.Errorf("first employee = %+v; want %+v", got, want)
	}
}

func TestReadEmployeesCSV(t *testing.T) {
	d := func(y, m, dd int) *kpi.Date { v := kpi.NewDate(y, time.Month(m), dd); return &v }
	t.Run("OK", func(t *testing.T) {
		in := "id;Name;email;unit_id;manager_id;position;hired_on;left_on;desk\n" +
			"e1;Ann;ann@example.com;sales;;head;2015-01-01;;3\n" +
			"e2;Bob;;sales;e1;rep;2016-02-01;2018-01-31;4\n"
		units, emps, err := ReadEmployeesCSV(strings.NewReader(in), "org.csv", OrgMapping{})
		if err != nil {
			t.Fatal(err)
		}
		if units != nil {
			t.Errorf("units = %v; want none without UnitPath", units)
		}
		want := []*kpi.Employee{
			{ID: "e1", Name: "Ann", Email: "ann@example.com", UnitID: "sales", Position: "head", HiredOn: d(2015, 1, 1)},
			{ID: "e2", Name: "Bob", UnitID: "sales", ManagerID: "e1", Position: "rep", HiredOn: d(2016, 2, 1), LeftOn: d(2018, 1, 31)},
		}
		if !reflect.DeepEqual(emps, want) {
			t.Errorf("employees = %+v; want %+v", emps, want)
		}
	})
	tests := []struct {
		name string
		in   string
		m    OrgMapping
		want []string
	}{
		{name: "Missing", in: "id,name,mail\n", m: OrgMapping{Email: "email"},
			want: []string{"org.csv:1: missing columns email, unit_id; the header has: id, name, mail"}},
		{name: "Rows", in: "id,name,email,unit_id,manager_id,hired_on,left_on\n" +
			"e1,Ann,ann,u,e1,2015-13-01,\n" +
			",,,,,,\n" +
			"e1,Ann,,u,,2016-01-01,2015-01-01\n" +
			"e4,Dan\n",
			want: []string{
				`org.csv:2: column email value "ann": is not an email address`,
				`org.csv:2: column manager_id value "e1": an employee cannot be their own manager`,
				`org.csv:2: column hired_on value "2015-13-01": is not a valid date (want YYYY-MM-DD)`,
				`org.csv:3: column id: is empty; every employee needs an id`,
				`org.csv:3: column name: is empty; every employee needs a name`,
				`org.csv:3: column unit_id: is empty; every employee belongs to a unit`,
				`org.csv:4: column id value "e1": duplicate employee id, first on line 2`,
				`org.csv:4: column left_on value "2015-01-01": is before hired_on 2016-01-01`,
				`org.csv:5: has 2 cells, the header has 7`,
			}},
		{name: "Path", in: "id,name,office,team\n" +
			"e1,Ann,North,\n" + // fine: the path ends at the office
			"e2,Bob,,Team A\n" +
			"e3,Cy,north,x\n" +
			"e4,Di,,\n",
			m: OrgMapping{UnitPath: []string{"office", "team"}},
			want: []string{
				`org.csv:3: column team value "Team A": names a unit under an empty office`,
				`org.csv:4: column office value "north": unit north is already named "North"`,
				`org.csv:5: column office, team: are empty; every employee belongs to a unit`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadEmployeesCSV(strings.NewReader(tt.in), "org.csv", tt.m)
			var got []string
			for _, p := range problems(t, err) {
				got = append(got, p.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestReadUnitsCSV(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		in := "ID,Name,Kind,Parent_ID\r\nco,Acme,company,\r\nsales,Sales,department,co\r\n"
		got, err := ReadUnitsCSV(strings.NewReader(in), "units.csv")
		if err != nil {
			t.Fatal(err)
		}
		want := []*kpi.OrgUnit{
			{ID: "co", Name: "Acme", Kind: "company"},
			{ID: "sales", Name: "Sales", Kind: "department", ParentID: "co"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("units = %+v; want %+v", got, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		in := "id,name,parent_id\na,A,b\nb,B,a\nc,,c\na,A2,\n,X,\n"
		_, err := ReadUnitsCSV(strings.NewReader(in), "units.csv")
		var got []string
		for _, p := range problems(t, err) {
			got = append(got, p.String())
		}
		want := []string{
			`units.csv:4: column name: is empty; every unit needs a name`,
			`units.csv:4: column parent_id value "c": a unit cannot be its own parent`,
			`units.csv:5: column id value "a": duplicate unit id, first on line 2`,
			`units.csv:6: column id: is empty; every unit needs an id`,
			`units.csv:2: column parent_id value "b": makes a cycle: the unit would be under itself`,
			`units.csv:3: column parent_id value "a": makes a cycle: the unit would be under itself`,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if got, want := kpi.ErrorMessage(err), "units.csv: 6 problems; nothing was imported"; got != want {
			t.Errorf("message = %q; want %q", got, want)
		}
	})
}
