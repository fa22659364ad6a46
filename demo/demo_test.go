package demo_test

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"attain/attainyaml"
	"attain/demo"
	"attain/ingest"
	"attain/kpi"
)

func mustGenerate(tb testing.TB, opt demo.Options) *demo.Data {
	tb.Helper()
	d, err := demo.Generate(opt)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func mustDefs(tb testing.TB) *kpi.Definitions {
	tb.Helper()
	defs, err := attainyaml.Load("demo/attain.yaml", demo.Config)
	if err != nil {
		tb.Fatal(err)
	}
	return defs
}

func TestConfig(t *testing.T) {
	defs := mustDefs(t)
	var names []string
	for _, ds := range defs.Datasets {
		names = append(names, ds.Name)
	}
	if got, want := strings.Join(names, " "), "deals contracts shipments payments requests"; got != want {
		t.Errorf("datasets = %s, want %s", got, want)
	}
	for _, name := range []string{"deals_won", "won_value", "deals_lost", "win_rate", "avg_deal_size",
		"median_days_to_close", "contracts_signed", "contract_value", "lots_shipped", "goods_paid",
		"requests_processed", "median_processing_hours", "p90_processing_hours", "distinct_accounts_won"} {
		if defs.KPI(name) == nil {
			t.Errorf("KPI %s is missing", name)
		}
	}
}

func TestGenerate_Deterministic(t *testing.T) {
	defs := mustDefs(t)
	a, b := mustGenerate(t, demo.Options{Seed: 7}), mustGenerate(t, demo.Options{Seed: 7})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	dirA, dirB := t.TempDir(), t.TempDir()
	if err := demo.WriteCSV(dirA, a, defs); err != nil {
		t.Fatal(err)
	}
	if err := demo.WriteCSV(dirB, b, defs); err != nil {
		t.Fatal(err)
	}
	files := []string{"units.csv", "employees.csv"}
	for _, ds := range defs.Datasets {
		files = append(files, ds.Name+".csv")
	}
	for _, f := range files {
		x, err := os.ReadFile(filepath.Join(dirA, f))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(dirB, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", f)
		}
	}

	// Another seed: the same org, other records.
	c := mustGenerate(t, demo.Options{Seed: 8})
	if !reflect.DeepEqual(a.Employees, c.Employees) || !reflect.DeepEqual(a.Units, c.Units) {
		t.Error("the org depends on the seed")
	}
	if reflect.DeepEqual(a.Records, c.Records) {
		t.Error("seeds 7 and 8 give the same records")
	}
}

func TestGenerate_Options(t *testing.T) {
	d := mustGenerate(t, demo.Options{Seed: 1})
	if got, want := d.Start.String()+".."+d.End.String(), "2025-12-01..2026-11-30"; got != want {
		t.Errorf("default range = %s, want %s", got, want)
	}
	d = mustGenerate(t, demo.Options{Seed: 1, Start: kpi.NewDate(2017, 1, 1), Months: 3})
	if got, want := d.Start.String()+".."+d.End.String(), "2017-01-01..2017-03-31"; got != want {
		t.Errorf("range = %s, want %s", got, want)
	}
	for _, opt := range []demo.Options{
		{Start: kpi.NewDate(2017, 1, 2)},
		{Months: -1},
		{Months: 121},
	} {
		if _, err := demo.Generate(opt); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("Generate(%+v) error = %v, want invalid", opt, err)
		}
	}
}

func TestGenerate_Org(t *testing.T) {
	d := mustGenerate(t, demo.Options{Seed: 1})
	if d.Company != "Northwind Supply" {
		t.Errorf("company = %q", d.Company)
	}
	units := make(map[string]*kpi.OrgUnit)
	for _, u := range d.Units {
		if units[u.ID] != nil {
			t.Errorf("unit %s twice", u.ID)
		}
		units[u.ID] = u
	}
	for _, u := range d.Units {
		if u.ParentID != "" && units[u.ParentID] == nil {
			t.Errorf("unit %s: parent %s does not exist", u.ID, u.ParentID)
		}
	}
	teams := map[string]int{} // department → teams
	for _, u := range d.Units {
		if u.Kind == "team" {
			teams[u.ParentID]++
		}
	}
	if teams[demo.UnitSales] != 4 || teams[demo.UnitProcessing] != 2 {
		t.Errorf("teams per department = %v, want 4 in sales and 2 in order processing", teams)
	}

	emps := make(map[string]*kpi.Employee)
	for _, e := range d.Employees {
		if emps[e.ID] != nil {
			t.Errorf("employee %s twice", e.ID)
		}
		emps[e.ID] = e
	}
	if n := len(d.Employees); n < 38 || n > 46 {
		t.Errorf("%d employees, want about 40", n)
	}
	positions := map[string]int{}
	members := map[string]int{}  // team → members
	leads := map[string]string{} // team → lead
	var hiredDuring, left int
	for _, e := range d.Employees {
		positions[e.Position]++
		if units[e.UnitID] == nil {
			t.Errorf("employee %s: unit %s does not exist", e.ID, e.UnitID)
		}
		if e.ManagerID != "" && emps[e.ManagerID] == nil {
			t.Errorf("employee %s: manager %s does not exist", e.ID, e.ManagerID)
		}
		if want := e.ID + "@northwind.example"; e.Email != want {
			t.Errorf("employee %s: email %q, want %q", e.ID, e.Email, want)
		}
		if e.HiredOn == nil {
			t.Errorf("employee %s has no hire date", e.ID)
		} else if *e.HiredOn > d.Start {
			hiredDuring++
		}
		if e.LeftOn != nil {
			left++
			if m := (*e.LeftOn).Time().Month(); m != d.Start.Time().AddDate(0, 8, 0).Month() {
				t.Errorf("employee %s left in %s, want the 9th month", e.ID, m)
			}
		}
		switch e.Position {
		case demo.PositionTeamLead:
			leads[e.UnitID] = e.ID
		case demo.PositionSalesManager, demo.PositionOrderManager:
			members[e.UnitID]++
		}
	}
	if positions[demo.PositionHeadOfSales] != 1 {
		t.Errorf("%d heads of sales, want 1", positions[demo.PositionHeadOfSales])
	}
	if hiredDuring < 2 || left != 1 {
		t.Errorf("%d hired during the year and %d left, want a few and 1", hiredDuring, left)
	}
	for _, u := range d.Units {
		if u.Kind != "team" {
			continue
		}
		lo, hi := 6, 8
		if u.ParentID == demo.UnitProcessing {
			lo, hi = 5, 6
		}
		if n := members[u.ID]; n < lo || n > hi {
			t.Errorf("team %s has %d members, want %d to %d", u.ID, n, lo, hi)
		}
		if leads[u.ID] == "" {
			t.Errorf("team %s has no lead", u.ID)
		}
	}
	for _, e := range d.Employees {
		switch e.Position {
		case demo.PositionTeamLead:
			head := emps[e.ManagerID]
			if head == nil || head.UnitID != units[e.UnitID].ParentID {
				t.Errorf("team lead %s reports to %q, want the head of the department", e.ID, e.ManagerID)
			}
		case demo.PositionSalesManager, demo.PositionOrderManager:
			if e.ManagerID != leads[e.UnitID] {
				t.Errorf("%s reports to %q, want the team lead %q", e.ID, e.ManagerID, leads[e.UnitID])
			}
		}
	}
}

// TestGenerate_Records checks every record against its dataset: unique keys
// in order, key and owner cells, types, required, non_negative and values,
// owners that are employees working on the record's dates, and dates within
// the data's range.
func TestGenerate_Records(t *testing.T) {
	defs := mustDefs(t)
	for _, seed := range []int64{1, 2} {
		d := mustGenerate(t, demo.Options{Seed: seed})
		emps := make(map[string]*kpi.Employee)
		for _, e := range d.Employees {
			emps[e.ID] = e
		}
		for name := range d.Records {
			if defs.Dataset(name) == nil {
				t.Errorf("records of %s, which attain.yaml does not define", name)
			}
		}
		for _, ds := range defs.Datasets {
			checkRecords(t, d, ds, d.Records[ds.Name], emps)
		}
	}
}

func checkRecords(t *testing.T, d *demo.Data, ds *kpi.Dataset, recs []kpi.Record, emps map[string]*kpi.Employee) {
	t.Helper()
	if len(recs) < 500 {
		t.Errorf("%s: %d records, want a few thousand", ds.Name, len(recs))
	}
	key, owner := ds.ColumnIndex(ds.Key), ds.ColumnIndex(ds.Owner)
	var problems int
	bad := func(rec kpi.Record, format string, args ...any) {
		if problems++; problems <= 10 {
			t.Errorf("%s %s: "+format, append([]any{ds.Name, rec.Key}, args...)...)
		}
	}
	// Records before Start are the warm-up that later records refer to
	// (TestGenerate_Consistent checks that).
	minDay := kpi.NewDate(d.Start.Time().Year(), d.Start.Time().Month()-demo.WarmUpMonths, 1)
	minTime, maxTime := int64(minDay)*86400, int64(d.End+1)*86400-1
	for i, rec := range recs {
		if i > 0 && recs[i-1].Key >= rec.Key {
			bad(rec, "key not after %s: keys must be unique and in order", recs[i-1].Key)
		}
		if len(rec.Values) != len(ds.Columns) {
			bad(rec, "%d values for %d columns", len(rec.Values), len(ds.Columns))
			continue
		}
		if rec.Values[key].S != rec.Key || rec.Values[owner].S != rec.Owner {
			bad(rec, "key/owner cells %q/%q, record says %q/%q", rec.Values[key].S, rec.Values[owner].S, rec.Key, rec.Owner)
		}
		e := emps[rec.Owner]
		if e == nil {
			bad(rec, "owner %q is not an employee", rec.Owner)
			continue
		}
		for j, c := range ds.Columns {
			v := rec.Values[j]
			if v.Null {
				if c.Required {
					bad(rec, "%s is required but empty", c.Name)
				}
				if v != (kpi.Value{Null: true}) {
					bad(rec, "%s is null with a value %+v", c.Name, v)
				}
				continue
			}
			if c.Type == kpi.String {
				if v.N != 0 || (c.Required && v.S == "") {
					bad(rec, "%s: bad string %+v", c.Name, v)
				}
				if len(c.Values) > 0 && !slices.Contains(c.Values, v.S) {
					bad(rec, "%s %q is not one of %v", c.Name, v.S, c.Values)
				}
				continue
			}
			if v.S != "" {
				bad(rec, "%s: %s value with text %q", c.Name, c.Type, v.S)
			}
			if c.NonNegative && v.N < 0 {
				bad(rec, "%s is negative: %d", c.Name, v.N)
			}
			switch c.Type {
			case kpi.Boolean:
				if v.N != 0 && v.N != 1 {
					bad(rec, "%s: boolean %d", c.Name, v.N)
				}
			case kpi.DateType:
				if v.N < int64(minDay) || v.N > int64(d.End) {
					bad(rec, "%s %s is outside %s..%s", c.Name, kpi.Date(v.N), minDay, d.End)
				}
			case kpi.Timestamp:
				if v.N < minTime || v.N > maxTime {
					bad(rec, "%s %s is outside %s..%s", c.Name, kpi.FormatValue(c, v), minDay, d.End)
				}
			}
		}
		// The owner works on every date the record is counted by.
		for _, tc := range ds.TimeColumns {
			c := ds.Columns[ds.ColumnIndex(tc)]
			v := rec.Values[ds.ColumnIndex(tc)]
			if v.Null {
				continue
			}
			day := kpi.Date(v.N)
			if c.Type == kpi.Timestamp {
				day = kpi.Date(v.N / 86400)
			}
			if e.HiredOn != nil && day < *e.HiredOn || e.LeftOn != nil && day > *e.LeftOn {
				bad(rec, "%s %s: owner %s does not work then", tc, day, e.ID)
			}
		}
	}
}

// TestGenerate_Consistent checks the data holds together the way a CRM and
// an ERP would: open deals have no close date, contracts come from won
// deals, shipments never exceed their contract, payments pay shipments, and
// pending requests are the ones not processed. What happened before Start
// is there only because later records refer to it.
func TestGenerate_Consistent(t *testing.T) {
	d := mustGenerate(t, demo.Options{Seed: 1})
	defs := mustDefs(t)
	col := func(ds, name string) int { return defs.Dataset(ds).ColumnIndex(name) }

	before := map[string]bool{} // keys of records dated before Start, until referred to
	won := map[string]kpi.Date{}
	stages := map[string]int{}
	for _, r := range d.Records["deals"] {
		stage := r.Values[col("deals", "stage")].S
		closed := r.Values[col("deals", "closed_at")]
		stages[stage]++
		open := stage == demo.StageProspecting || stage == demo.StageEngaging
		if open != closed.Null {
			t.Errorf("deal %s: stage %s with closed_at %+v", r.Key, stage, closed)
		}
		if !closed.Null && closed.N < r.Values[col("deals", "created_at")].N {
			t.Errorf("deal %s closed before it was created", r.Key)
		}
		if stage == demo.StageWon {
			won[r.Key] = kpi.Date(closed.N)
		}
		if !closed.Null && kpi.Date(closed.N) < d.Start {
			before[r.Key] = true
		}
	}
	for _, s := range []string{demo.StageProspecting, demo.StageEngaging, demo.StageWon, demo.StageLost} {
		if stages[s] == 0 {
			t.Errorf("no deal in stage %s", s)
		}
	}
	contracts := map[string]int64{}
	for _, r := range d.Records["contracts"] {
		closed, ok := won[r.Values[col("contracts", "deal_id")].S]
		if !ok {
			t.Errorf("contract %s: deal %s is not won", r.Key, r.Values[col("contracts", "deal_id")].S)
		} else if kpi.Date(r.Values[col("contracts", "signed_on")].N) < closed {
			t.Errorf("contract %s signed before its deal was won", r.Key)
		}
		contracts[r.Key] = r.Values[col("contracts", "value")].N
		delete(before, r.Values[col("contracts", "deal_id")].S)
		if kpi.Date(r.Values[col("contracts", "signed_on")].N) < d.Start {
			before[r.Key] = true
		}
	}
	shipmentsOf := map[string][]string{} // contract → its shipments before Start
	shipped := map[string]int64{}
	for _, r := range d.Records["shipments"] {
		c := r.Values[col("shipments", "contract_id")].S
		if _, ok := contracts[c]; !ok {
			t.Errorf("shipment %s: no contract %s", r.Key, c)
		}
		shipped[c] += r.Values[col("shipments", "value")].N
		delete(before, c)
		if kpi.Date(r.Values[col("shipments", "shipped_on")].N) < d.Start {
			before[r.Key] = true
			shipmentsOf[c] = append(shipmentsOf[c], r.Key)
		}
	}
	full := 0
	for c, v := range shipped {
		if v > contracts[c] {
			t.Errorf("contract %s: shipped %d of %d", c, v, contracts[c])
		}
		if v == contracts[c] {
			full++
		}
	}
	if full < len(contracts)/2 {
		t.Errorf("only %d of %d contracts shipped in full", full, len(contracts))
	}
	refunds := 0
	for _, r := range d.Records["payments"] {
		if _, ok := contracts[r.Values[col("payments", "contract_id")].S]; !ok {
			t.Errorf("payment %s: no contract", r.Key)
		}
		refunds += int(r.Values[col("payments", "refunded")].N)
		if kpi.Date(r.Values[col("payments", "paid_on")].N) < d.Start {
			t.Errorf("payment %s: paid before the data starts", r.Key)
		}
		// A payment names the contract, not the shipment it pays.
		for _, s := range shipmentsOf[r.Values[col("payments", "contract_id")].S] {
			delete(before, s)
		}
	}
	if len(before) > 0 {
		t.Errorf("%d records before %s that nothing refers to, e.g. %v", len(before), d.Start, slices.Collect(maps.Keys(before))[:1])
	}
	if n := len(d.Records["payments"]); refunds == 0 || refunds > n/10 {
		t.Errorf("%d of %d payments refunded, want a few", refunds, n)
	}
	statuses := map[string]int{}
	for _, r := range d.Records["requests"] {
		status := r.Values[col("requests", "status")].S
		statuses[status]++
		processed := r.Values[col("requests", "processed_at")]
		if (status == demo.StatusPending) != processed.Null {
			t.Errorf("request %s: %s with processed_at %+v", r.Key, status, processed)
		}
		if !processed.Null && processed.N <= r.Values[col("requests", "received_at")].N {
			t.Errorf("request %s processed before it was received", r.Key)
		}
	}
	for _, s := range []string{demo.StatusDone, demo.StatusPending, demo.StatusRejected} {
		if statuses[s] == 0 {
			t.Errorf("no request %s", s)
		}
	}
}

// TestWriteCSV reads the files back the way the CLI imports them and gets
// the same org and records.
func TestWriteCSV(t *testing.T) {
	d := mustGenerate(t, demo.Options{Seed: 1})
	defs := mustDefs(t)
	dir := t.TempDir()
	if err := demo.WriteCSV(dir, d, defs); err != nil {
		t.Fatal(err)
	}
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}

	units, err := ingest.ReadUnitsCSV(open("units.csv"), "units.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(units, d.Units) {
		t.Error("units.csv does not read back as the units")
	}
	_, emps, err := ingest.ReadEmployeesCSV(open("employees.csv"), "employees.csv", ingest.OrgMapping{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(emps, d.Employees) {
		t.Error("employees.csv does not read back as the employees")
	}

	known := make(map[string]bool)
	for _, e := range d.Employees {
		known[e.ID] = true
	}
	for _, ds := range defs.Datasets {
		r, err := ingest.NewCSVReader(open(ds.Name+".csv"), ds, ingest.Options{
			File: ds.Name + ".csv", KnownOwner: func(id string) bool { return known[id] }})
		if err != nil {
			t.Fatal(err)
		}
		var got []kpi.Record
		for {
			batch, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", ds.Name, err)
			}
			got = append(got, batch...)
		}
		if want := d.Records[ds.Name]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s.csv: read back %d records that differ from the %d generated", ds.Name, len(got), len(want))
		}
	}

	line := firstLines(t, filepath.Join(dir, "deals.csv"), 1)
	if want := "deal_id,owner,account,product,stage,amount,created_at,closed_at"; line != want {
		t.Errorf("deals.csv header = %s, want %s", line, want)
	}

	if err := demo.WriteCSV(dir, d, &kpi.Definitions{}); err == nil {
		t.Error("WriteCSV without the datasets of the records: no error")
	}
}

func firstLines(t *testing.T, path string, n int) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", n+1)
	return strings.Join(lines[:n], "\n")
}

// TestGenerateUntil: a workspace loaded "up to today" has nothing after
// today, in any dataset, and its references still resolve.
func TestGenerateUntil(t *testing.T) {
	until := demo.DefaultStart() + 300 // inside the eleventh month
	d, err := demo.Generate(demo.Options{Seed: 1, Until: until})
	if err != nil {
		t.Fatal(err)
	}
	if d.End != until {
		t.Errorf("End = %s, want %s", d.End, until)
	}
	defs, err := attainyaml.Load("attain.yaml", demo.Config)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ds := range defs.Datasets {
		for _, r := range d.Records[ds.Name] {
			for i, c := range ds.Columns {
				v := r.Values[i]
				if v.Null {
					continue
				}
				day := kpi.Date(v.N)
				if c.Type == kpi.Timestamp {
					day = kpi.DateOf(time.Unix(v.N, 0), time.UTC)
				} else if c.Type != kpi.DateType {
					continue
				}
				if day > until {
					t.Fatalf("%s %s: %s is %s, after %s", ds.Name, r.Key, c.Name, day, until)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no dates checked")
	}
	if _, err := demo.Generate(demo.Options{Seed: 1, Until: demo.DefaultStart() - 1}); kpi.ErrorCode(err) != kpi.EINVALID {
		t.Errorf("until before start: %v", err)
	}
}
