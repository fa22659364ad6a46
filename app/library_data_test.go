package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
)

const mavenPipeline = "/work/shared/datasets/maven-crm-sales-opportunities/sales_pipeline.csv"

// mavenCSV reads the Maven CRM pipeline, or skips the test where the
// dataset is not (CI must have it).
func mavenCSV(t *testing.T) [][]string {
	t.Helper()
	data, err := os.ReadFile(mavenPipeline)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs the public CRM dataset: %v", err)
		}
		t.Skipf("dataset not found: %v", err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) < 2 || strings.Join(rows[0], ",") != "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value" {
		t.Fatalf("sales_pipeline.csv: %v %v", err, rows[:1])
	}
	return rows
}

// mavenWorkspace is a workspace with the Maven example's deals dataset
// (not its KPIs), with stage values renamed by rename, the agents of rows
// in one unit "co", and rows imported with their stages renamed.
func mavenWorkspace(t *testing.T, rows [][]string, rename map[string]string) (*app.App, kpi.Actor) {
	t.Helper()
	yaml, err := os.ReadFile("../examples/maven/attain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	datasets, _, _ := strings.Cut(string(yaml), "\nkpis:")
	values := "values: [Prospecting, Engaging, Won, Lost]"
	if !strings.Contains(datasets, values) {
		t.Fatalf("examples/maven/attain.yaml declares no %s", values)
	}
	for from, to := range rename {
		values = strings.Replace(values, " "+from, " "+to, 1)
	}
	datasets = strings.Replace(datasets, "values: [Prospecting, Engaging, Won, Lost]", values, 1)
	a, who := libraryWorkspace(t, "maven.yaml", []byte(datasets))
	ctx := context.Background()
	agents := map[string]bool{}
	var emps []*kpi.Employee
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for i, r := range rows {
		r = append([]string(nil), r...)
		if to, ok := rename[r[4]]; ok && i > 0 {
			r[4] = to
		}
		if i > 0 && !agents[r[1]] {
			agents[r[1]] = true
			emps = append(emps, &kpi.Employee{ID: r[1], Name: r[1], UnitID: "co"})
		}
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	if _, err := a.ImportOrg(ctx, who, []*kpi.OrgUnit{{ID: "co", Name: "Co", Kind: "company"}}, emps); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ImportRecords(ctx, who, app.ImportRequest{Dataset: "deals", File: "sales_pipeline.csv", Body: &b}); err != nil {
		t.Fatal(err)
	}
	return a, who
}

// mavenMap maps the sales pipeline entry's columns onto Maven's.
var mavenMap = map[string]string{"stage": "deal_stage", "amount": "close_value", "created_at": "engage_date", "closed_at": "close_date"}

// unitValues returns the values of unit co in period of the KPIs (all if
// none named).
func unitValues(t *testing.T, a *app.App, who kpi.Actor, period string, kpis ...string) map[string]string {
	t.Helper()
	vals, err := a.Values(context.Background(), who, app.ValuesRequest{KPIs: kpis, Units: []string{"co"}, Period: period})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, v := range vals {
		out[v.KPI] = v.Value.String()
	}
	return out
}

// TestLibraryMavenData applies the sales pipeline entry to the real CRM
// data: its won and lost counts and won value are those computed here from
// the CSV; on a copy whose stages say "Closed Won" and "Closed Lost",
// applied with those values mapped, every KPI of the entry has the same
// value; a value mapping onto values the records do not have is warned
// of with the values they do have.
func TestLibraryMavenData(t *testing.T) {
	rows := mavenCSV(t)
	ctx := context.Background()
	won, lost, wonValue := 0, 0, decimal.Zero
	for _, r := range rows[1:] {
		if !strings.HasPrefix(r[6], "2017-") {
			continue
		}
		switch r[4] {
		case "Won":
			won++
			wonValue = wonValue.Add(decimal.RequireFromString(r[7]))
		case "Lost":
			lost++
		}
	}
	kpis := []string{"deals_won", "deals_lost", "won_value", "win_rate", "median_days_to_close"}

	a, who := mavenWorkspace(t, rows, nil)
	res, err := a.ApplyLibrary(ctx, who, app.LibraryRequest{Entry: "sales-pipeline", Currency: "USD", Map: mavenMap})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 || len(res.Kept) != 0 {
		t.Errorf("warnings %v, kept %v", res.Warnings, res.Kept)
	}
	plain := unitValues(t, a, who, "2017", kpis...)
	if plain["deals_won"] != decimal.NewFromInt(int64(won)).String() || plain["deals_lost"] != decimal.NewFromInt(int64(lost)).String() ||
		plain["won_value"] != wonValue.String() || len(plain) != len(kpis) {
		t.Errorf("values %v, want won %d, lost %d, won value %s", plain, won, lost, wonValue)
	}

	b, bwho := mavenWorkspace(t, rows, map[string]string{"Won": "Closed Won", "Lost": "Closed Lost"})
	unmapped := app.LibraryRequest{Entry: "sales-pipeline", Currency: "USD", Map: mavenMap, DryRun: true}
	_, err = b.ApplyLibrary(ctx, bwho, unmapped)
	if got := problemsText(err); kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(got, `the entry's stage value Won would be "Won", but column deal_stage of deals allows only Prospecting, Engaging, Closed Won, Closed Lost; map it with --map-value stage:Won=YOUR_VALUE`) {
		t.Errorf("unmapped values: %v\n%s", err, got)
	}
	mapped := app.LibraryRequest{Entry: "sales-pipeline", Currency: "USD", Map: mavenMap,
		Values: map[string]map[string][]string{"stage": {"Won": {"Closed Won"}, "Lost": {"Closed Lost"}}}}
	if res, err := b.ApplyLibrary(ctx, bwho, mapped); err != nil || len(res.Warnings) != 0 {
		t.Fatalf("mapped: %v %+v", err, res)
	}
	if got := unitValues(t, b, bwho, "2017", kpis...); !equalMaps(got, plain) {
		t.Errorf("value-mapped %v, want %v as unmapped", got, plain)
	}
	k, err := b.KPI(ctx, bwho, "deals_won")
	if err != nil || k.Filter != `deal_stage == "Closed Won"` {
		t.Errorf("mapped filter: %+v %v", k, err)
	}

	// Values of the column's declared list that no record has are warned of.
	c, cwho := mavenWorkspace(t, rows, nil)
	res, err = c.ApplyLibrary(ctx, cwho, app.LibraryRequest{Entry: "sales-pipeline", Currency: "USD", Map: mavenMap, DryRun: true,
		Values: map[string]map[string][]string{"stage": {"Won": {"Won", "Engaging"}, "Lost": {"Prospecting"}}}})
	if err != nil || len(res.Warnings) != 0 {
		t.Errorf("values the records have: %v %+v", err, res)
	}
}

// TestLibraryValueWarnings applies the order-processing entry to a small
// requests dataset with its own status words: processed and declined,
// mapped, give the counts computed here; a status no record has is warned
// of with the counts of those there are; a wrong mapping is refused with
// the column and value named.
func TestLibraryValueWarnings(t *testing.T) {
	yaml := []byte(`datasets:
  - name: tickets
    key: id
    owner: clerk
    time_columns: [opened, closed]
    columns:
      - {name: id, type: string, required: true}
      - {name: clerk, type: string, required: true}
      - {name: state, type: string, required: true}
      - {name: opened, type: timestamp}
      - {name: closed, type: timestamp}
`)
	a, who := libraryWorkspace(t, "requests.yaml", yaml)
	ctx := context.Background()
	if _, err := a.ImportOrg(ctx, who, []*kpi.OrgUnit{{ID: "co", Name: "Co", Kind: "company"}}, []*kpi.Employee{{ID: "ann", Name: "Ann", UnitID: "co"}}); err != nil {
		t.Fatal(err)
	}
	csvText := `id,clerk,state,opened,closed
r1,ann,processed,2026-03-02T09:00:00Z,2026-03-02T15:00:00Z
r2,ann,processed,2026-03-03T09:00:00Z,2026-03-05T09:00:00Z
r3,ann,declined,2026-03-04T09:00:00Z,2026-03-04T10:00:00Z
r4,ann,processed,2026-03-05T09:00:00Z,2026-03-05T19:00:00Z
r5,ann,open,2026-03-06T09:00:00Z,
r6,ann,cancelled,2026-03-06T09:00:00Z,2026-03-07T09:00:00Z
`
	if _, err := a.ImportRecords(ctx, who, app.ImportRequest{Dataset: "tickets", File: "requests.csv", Body: strings.NewReader(csvText)}); err != nil {
		t.Fatal(err)
	}
	base := app.LibraryRequest{Entry: "order-processing-manager", Position: "clerk",
		Map: map[string]string{"requests": "tickets", "status": "state", "received_at": "opened", "processed_at": "closed"}}

	wrong := base
	wrong.Values = map[string]map[string][]string{"state": {"done": {"processed"}}, "status": {"finished": {"processed"}}}
	_, err := a.ApplyLibrary(ctx, who, wrong)
	got := problemsText(err)
	if kpi.ErrorCode(err) != kpi.EINVALID || !strings.Contains(got, `entry order-processing-manager relies on no values of a column "state"; it relies on those of status (done, rejected)`) ||
		!strings.Contains(got, `entry order-processing-manager relies on the values done, rejected of status, not "finished"`) {
		t.Errorf("wrong mappings: %v\n%s", err, got)
	}
	if _, err := app.ParseValueMap([]string{"status:done=processed", "status=processed", "status:done=x"}); kpi.ErrorCode(err) != kpi.EINVALID ||
		!strings.Contains(problemsText(err), "want COLUMN:THEIRS=OURS") || !strings.Contains(problemsText(err), "value done of status is mapped twice") {
		t.Errorf("parse: %v\n%s", err, problemsText(err))
	}

	typo := base
	typo.DryRun = true
	typo.Values = map[string]map[string][]string{"status": {"done": {"processed"}, "rejected": {"rejected", "declined"}}}
	res, err := a.ApplyLibrary(ctx, who, typo)
	if err != nil || len(res.Warnings) != 1 || res.Warnings[0] != `tickets.state: no record has "rejected"; of the 6 records, the values are "processed" 3, "cancelled" 1, "declined" 1, "open" 1` {
		t.Errorf("warnings: %v %q", err, res.Warnings)
	}

	ok := base
	ok.Values, err = app.ParseValueMap([]string{"status:done=processed", "requests.status:rejected=declined|cancelled"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.ApplyLibrary(ctx, who, ok); err != nil || len(res.Warnings) != 0 {
		t.Fatalf("apply: %v %+v", err, res)
	}
	// Processed: r1 (6 h), r2 (48 h), r4 (10 h); rejected: r3, r6.
	vals := unitValues(t, a, who, "2026-03")
	want := map[string]string{"requests_processed": "3", "requests_rejected": "2", "requests_within_day": "2", "median_processing_hours": "10", "error_rate": "0.4"}
	for k, v := range want {
		if !decimal.RequireFromString(vals[k]).Equal(decimal.RequireFromString(v)) {
			t.Errorf("%s = %s, want %s (all %v)", k, vals[k], v, vals)
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestLibraryServiceDesk applies the service desk entry to a tickets
// dataset written here, whose done tickets say Solved or Closed (both
// mapped to the entry's resolved): its KPIs are those counted here.
func TestLibraryServiceDesk(t *testing.T) {
	yaml := []byte(`datasets:
  - name: tickets
    key: id
    owner: agent
    time_columns: [opened_at, first_response_at, resolved_at]
    columns:
      - {name: id, type: string, required: true}
      - {name: agent, type: string, required: true}
      - {name: status, type: string, required: true, values: [New, Pending, Solved, Closed]}
      - {name: opened_at, type: timestamp, required: true}
      - {name: first_response_at, type: timestamp}
      - {name: resolved_at, type: timestamp}
      - {name: due_at, type: timestamp}
      - {name: reopened, type: boolean}
`)
	a, who := libraryWorkspace(t, "tickets.yaml", yaml)
	ctx := context.Background()
	if _, err := a.ImportOrg(ctx, who, []*kpi.OrgUnit{{ID: "co", Name: "Co", Kind: "company"}}, []*kpi.Employee{{ID: "eve", Name: "Eve", UnitID: "co"}}); err != nil {
		t.Fatal(err)
	}
	// First responses after 1, 2, 3, 5 and 8 hours; resolved: t1, t2
	// (late), t3 (reopened), t4; t5 is pending.
	csvText := `id,agent,status,opened_at,first_response_at,resolved_at,due_at,reopened
t1,eve,Solved,2026-04-01T08:00:00Z,2026-04-01T09:00:00Z,2026-04-01T12:00:00Z,2026-04-02T08:00:00Z,false
t2,eve,Closed,2026-04-02T08:00:00Z,2026-04-02T10:00:00Z,2026-04-04T08:00:00Z,2026-04-03T08:00:00Z,false
t3,eve,Closed,2026-04-03T08:00:00Z,2026-04-03T11:00:00Z,2026-04-03T18:00:00Z,2026-04-04T08:00:00Z,true
t4,eve,Solved,2026-04-06T08:00:00Z,2026-04-06T13:00:00Z,2026-04-06T20:00:00Z,2026-04-07T08:00:00Z,false
t5,eve,Pending,2026-04-07T08:00:00Z,2026-04-07T16:00:00Z,,2026-04-08T08:00:00Z,false
`
	if _, err := a.ImportRecords(ctx, who, app.ImportRequest{Dataset: "tickets", File: "tickets.csv", Body: strings.NewReader(csvText)}); err != nil {
		t.Fatal(err)
	}
	r := app.LibraryRequest{Entry: "service-desk", Values: map[string]map[string][]string{"status": {"resolved": {"Solved"}}}}
	res, err := a.ApplyLibrary(ctx, who, r)
	if err != nil || len(res.Warnings) != 0 {
		t.Fatalf("apply: %v %+v", err, res)
	}
	if k, err := a.KPI(ctx, who, "tickets_resolved_in_sla"); err != nil || k.Filter != `status == "Solved" && resolved_at <= due_at` {
		t.Errorf("mapped: %+v %v", k, err)
	}
	// Closed is done too: the KPIs the first apply created are kept, so
	// they are deleted and the entry applied again with both values.
	defs, err := a.Definitions(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	next := *defs
	next.KPIs, next.Scorecards = nil, nil
	if _, err := a.Apply(ctx, who, app.ApplyRequest{Source: "tickets.yaml", Definitions: &next}); err != nil {
		t.Fatal(err)
	}
	r.Values["status"]["resolved"] = []string{"Solved", "Closed"}
	if _, err := a.ApplyLibrary(ctx, who, r); err != nil {
		t.Fatal(err)
	}
	vals := unitValues(t, a, who, "2026-04")
	want := map[string]string{"tickets_resolved": "4", "tickets_resolved_in_sla": "3", "tickets_reopened": "1", "sla_share": "0.75", "reopen_rate": "0.25", "median_first_response_hours": "3"}
	for k, v := range want {
		if got, ok := vals[k]; !ok || !decimal.RequireFromString(got).Equal(decimal.RequireFromString(v)) {
			t.Errorf("%s = %s, want %s (all %v)", k, got, v, vals)
		}
	}
}
