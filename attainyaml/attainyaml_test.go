package attainyaml_test

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"attain/attainyaml"
	"attain/kpi"
)

func readExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/attain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoad(t *testing.T) {
	defs, err := attainyaml.Load("attain.yaml", []byte(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	ds := defs.Dataset("deals")
	if ds == nil {
		t.Fatal("no dataset deals")
	}
	if got, want := ds.Columns[5].Scale, 2; got != want {
		t.Errorf("money scale = %d, want %d (default)", got, want)
	}
	if got, want := ds.Columns[6].Header, "Account Name"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}
	if got, want := defs.KPI("accounts").TimeColumn, "engage_date"; got != want {
		t.Errorf("default time_column = %q, want %q", got, want)
	}
	if got, want := defs.KPI("win_rate").Formula, "won_deals / (won_deals + lost_deals)"; got != want {
		t.Errorf("formula = %q, want %q", got, want)
	}
	if got, want := len(defs.KPIs), 6; got != want {
		t.Errorf("%d KPIs, want %d", got, want)
	}
}

func TestDefaults(t *testing.T) {
	defs, err := attainyaml.Load("a.yaml", []byte(`
datasets:
  - {name: d, key: id, owner: id, time_columns: [at], columns: [{name: id, type: string}, {name: at, type: date}, {name: v, type: money}]}
kpis:
  - {name: n, direction: higher, dataset: d, aggregation: count}
`))
	if err != nil {
		t.Fatal(err)
	}
	k := defs.KPI("n")
	if got, want := [3]string{k.Title, string(k.Unit), k.TimeColumn}, [3]string{"n", "number", "at"}; got != want {
		t.Errorf("title, unit, time_column = %q, want %q", got, want)
	}
}

func TestPositions(t *testing.T) {
	_, pos, err := attainyaml.Parse("attain.yaml", []byte(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		kind, name, field string
		want              int
	}{
		{"dataset", "deals", "", 3},
		{"dataset", "deals", "key", 5},
		{"column", "deals.close_value", "type", 14},
		{"kpi", "won_deals", "filter", 23},
		{"kpi", "sales_cycle", "filter", 52}, // block scalar: its first line
		{"kpi", "win_rate", "", 63},
		{"kpi", "nope", "", 0},
		{"column", "deals.nope", "", 0},
	} {
		if got := pos.Line(tt.kind, tt.name, tt.field); got != tt.want {
			t.Errorf("Line(%s, %s, %s) = %d, want %d", tt.kind, tt.name, tt.field, got, tt.want)
		}
	}
}

// TestValidate breaks the example one way per case and checks every
// problem reported, as "line column: reason".
func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name     string
		old, new string // replaced in the example
		want     []string
	}{
		{"OK", "", "", nil},
		{"BadDatasetName", "name: deals\n", "name: Deals\n", []string{
			"3 datasets[Deals].name: dataset name must be lower case letters, digits and _, starting with a letter",
			"21 kpis[won_deals].dataset: no such dataset",
			"29 kpis[lost_deals].dataset: no such dataset",
			"38 kpis[revenue].dataset: no such dataset",
			"48 kpis[sales_cycle].dataset: no such dataset",
			"59 kpis[accounts].dataset: no such dataset",
		}},
		{"DuplicateKPI", "name: lost_deals", "name: won_deals", []string{
			"25 kpis[won_deals].name: duplicate KPI name",
			`67 kpis[win_rate].formula: 1:26: unknown KPI "lost_deals"`,
		}},
		{"DuplicateColumn", "{name: account,", "{name: deal_stage,", []string{
			"15 datasets[deals].columns[deal_stage].name: duplicate column name",
			// CompileKey resolves the name to the first deal_stage; account is gone:
			"61 kpis[accounts].expr: 1:1: unknown column \"account\" in dataset deals",
		}},
		{"UnknownType", "type: money", "type: float", []string{
			"14 datasets[deals].columns[close_value].type: unknown column type: want string, integer, decimal, money, date, timestamp or boolean",
			"40 kpis[revenue].expr: 1:1: a value must be a number, not string",
		}},
		{"ScaleOnString", "{name: account, type: string", "{name: account, type: string, scale: 2", []string{
			"15 datasets[deals].columns[account].scale: scale is only for decimal and money columns",
		}},
		{"ScaleTooBig", "type: money,", "type: money, scale: 10,", []string{
			"14 datasets[deals].columns[close_value].scale: scale must be 0 to 9",
		}},
		{"KeyMissingColumn", "key: opportunity_id", "key: id", []string{
			"5 datasets[deals].key: no such column",
		}},
		{"OwnerWrongType", "owner: sales_agent", "owner: close_date", []string{
			"6 datasets[deals].owner: column is date, want string or integer",
		}},
		{"TimeColumnWrongType", "time_columns: [engage_date, close_date]", "time_columns: [engage_date, close_date, deal_stage]", []string{
			"7 datasets[deals].time_columns: column is string, want date or timestamp",
		}},
		{"NoTimeColumns", "time_columns: [engage_date, close_date]", "time_columns: []", []string{
			"7 datasets[deals].time_columns: at least one time column (date or timestamp) is required",
			"24 kpis[won_deals].time_column: not a time column of dataset deals ()",
			"32 kpis[lost_deals].time_column: not a time column of dataset deals ()",
			"42 kpis[revenue].time_column: not a time column of dataset deals ()",
			"54 kpis[sales_cycle].time_column: not a time column of dataset deals ()",
		}},
		{"MeasureAndFormula", "    aggregation: count\n    filter: deal_stage == \"Won\"", "    aggregation: count\n    formula: lost_deals\n    filter: deal_stage == \"Won\"", []string{
			"23 kpis[won_deals].formula: a KPI is a measure (dataset, aggregation) or a formula, not both",
		}},
		{"NeitherMeasureNorFormula", "    formula: won_deals / (won_deals + lost_deals)\n", "", []string{
			"63 kpis[win_rate]: a KPI needs dataset and aggregation, or formula",
		}},
		{"UnknownAggregation", "aggregation: median", "aggregation: mode", []string{
			"49 kpis[sales_cycle].aggregation: unknown aggregation: want count, sum, avg, min, max, median, p90 or count_distinct",
		}},
		{"CountWithExpr", "aggregation: count\n    filter: deal_stage == \"Won\"", "aggregation: count\n    expr: close_value\n    filter: deal_stage == \"Won\"", []string{
			"23 kpis[won_deals].expr: count takes no expr (use filter)",
		}},
		{"SumWithoutExpr", "    expr: close_value\n", "", []string{
			"39 kpis[revenue].expr: sum needs an expr",
		}},
		{"FilterUnknownColumn", `filter: deal_stage == "Lost"`, `filter: stage == "Lost"`, []string{
			`31 kpis[lost_deals].filter: 1:1: unknown column "stage" in dataset deals`,
		}},
		{"FilterErrorOnSecondLine", "&& close_date != nil", "&& closed != nil", []string{
			`53 kpis[sales_cycle].filter: 2:6: unknown column "closed" in dataset deals`,
		}},
		{"FilterNotBoolean", `filter: deal_stage == "Lost"`, `filter: deal_stage`, []string{
			"31 kpis[lost_deals].filter: 1:1: a filter must be boolean, not string",
		}},
		{"FilterTypeError", `filter: deal_stage == "Lost"`, `filter: deal_stage > 5`, []string{
			"31 kpis[lost_deals].filter: 1:12: cannot compare string > integer",
		}},
		{"ExprNotNumeric", "expr: close_value", "expr: deal_stage", []string{
			"40 kpis[revenue].expr: 1:1: a value must be a number, not string",
		}},
		{"TimeColumnNotATimeColumn", "    time_column: close_date\n  - name: lost_deals", "    time_column: close_value\n  - name: lost_deals", []string{
			"24 kpis[won_deals].time_column: not a time column of dataset deals (engage_date, close_date)",
		}},
		{"UnknownUnitAndDirection", "unit: percent\n    direction: higher", "unit: ratio\n    direction: up", []string{
			"65 kpis[win_rate].unit: unknown unit: want count, money, percent, duration or number",
			"66 kpis[win_rate].direction: unknown direction: want higher or lower",
		}},
		{"MissingDirection", "    direction: lower\n    dataset: deals\n    aggregation: count", "    dataset: deals\n    aggregation: count", []string{
			"25 kpis[lost_deals].direction: direction is required: higher or lower",
		}},
		{"FormulaUnknownKPI", "formula: won_deals / (won_deals + lost_deals)", "formula: won_deals / (won_deals + lost)", []string{
			`67 kpis[win_rate].formula: 1:26: unknown KPI "lost"`,
		}},
		{"FormulaCycle", "formula: won_deals / (won_deals + lost_deals)", "formula: won_deals / (won_deals + lost_deals)\n  - {name: a, direction: higher, formula: b + 1}\n  - {name: b, direction: higher, formula: win_rate * a}", []string{
			"68 kpis[a].formula: formula cycle: a -> b -> a",
		}},
		{"FormulaSelfCycle", "formula: won_deals / (won_deals + lost_deals)", "formula: won_deals / (win_rate + lost_deals)", []string{
			"67 kpis[win_rate].formula: formula cycle: win_rate -> win_rate",
		}},
		{"UnknownField", "    currency: USD\n", "    currency: USD\n    colour: red\n", []string{
			`37 : unknown field "colour"`,
		}},
		{"YAMLSyntax", "    title: Deals\n", "    title: Deals: again\n", []string{
			"4 : mapping values are not allowed in this context",
		}},
		{"WrongYAMLType", "type: money,", "type: money, scale: two,", []string{
			"14 : cannot unmarshal !!str `two` into int",
		}},

		// calendar
		{"UnknownWeekday", "weekend: [saturday, sunday]", "weekend: [saturday, sundy]", []string{
			"69 calendar.weekend[1]: unknown weekday: want monday, tuesday, wednesday, thursday, friday, saturday or sunday",
		}},
		{"WeekdayTwice", "weekend: [saturday, sunday]", "weekend: [saturday, Saturday]", []string{
			"69 calendar.weekend[1]: weekday listed twice",
		}},
		{"HolidayNotADate", "{date: 2017-12-26,", "{date: 2017-12-32,", []string{
			"72 calendar.holidays[1].date: not a date: want YYYY-MM-DD",
		}},
		{"HolidayTwice", "{date: 2017-12-26,", "{date: 2017-12-25,", []string{
			"72 calendar.holidays[1].date: holiday listed twice",
		}},
		{"UnknownPace", "  weekend: [saturday, sunday]\n", "  weekend: [saturday, sunday]\n  pace: weekly\n", []string{
			"70 calendar.pace: unknown pace method: want linear or shape",
		}},

		// scorecards
		{"ScorecardName", "name: sales-agent", "name: Sales Agent", []string{
			"74 scorecards[Sales Agent].name: scorecard name must be lower case letters, digits, _ and -, starting with a letter",
		}},
		{"ScorecardNameTwice", "targets:\n", "  - {name: sales-agent, position: lead, items: [{kpi: won_deals, weight: 100, basis: fixed, threshold: 1, target: 2, stretch: 3}]}\ntargets:\n", []string{
			"81 scorecards[sales-agent].name: duplicate scorecard name",
		}},
		{"ScorecardPositionTwice", "targets:\n", "  - {name: agent-2, position: sales agent, items: [{kpi: won_deals, weight: 100, basis: fixed, threshold: 1, target: 2, stretch: 3}]}\ntargets:\n", []string{
			"81 scorecards[agent-2].position: position already has scorecard sales-agent",
		}},
		{"ScorecardNoPosition", "    position: sales agent\n", "", []string{
			"74 scorecards[sales-agent].position: a template belongs to a position",
		}},
		{"ScorecardKPITwice", "{kpi: revenue, weight: 30,", "{kpi: won_deals, weight: 30,", []string{
			"79 scorecards[sales-agent].items[1].kpi: KPI is listed twice",
		}},
		{"ScorecardLevelRequired", "threshold: 8, target: 10,", "target: 10,", []string{
			"78 scorecards[sales-agent].items[0].threshold: threshold is required",
		}},
		{"ScorecardMissingRule", "missing: exclude", "missing: skip", []string{
			"76 scorecards[sales-agent].missing: want exclude or zero",
		}},
		{"ScorecardWeights", "weight: 40,", "weight: 45,", []string{
			"77 scorecards[sales-agent].items.weight: weights add up to 105, want exactly 100",
		}},
		{"ScorecardUnknownKPI", "{kpi: won_deals,", "{kpi: deals_won,", []string{
			"78 scorecards[sales-agent].items[0].kpi: unknown KPI",
		}},
		{"ScorecardNotANumber", "weight: 30, basis: plan", "weight: thirty, basis: plan", []string{
			"77 scorecards[sales-agent].items.weight: weights add up to 70, want exactly 100",
			"79 scorecards[sales-agent].items[1].weight: not a number",
			"79 scorecards[sales-agent].items[1].weight: weight must be more than 0",
		}},
		{"ScorecardLevelsLowerIsBetter", "threshold: 30, target: 21, stretch: 14", "threshold: 14, target: 21, stretch: 30", []string{
			"80 scorecards[sales-agent].items[2].threshold: levels must be ordered threshold > target > stretch (lower is better)",
		}},
		{"ScorecardPlanWithTarget", "basis: plan, threshold: 80,", "basis: plan, threshold: 80, target: 100,", []string{
			"79 scorecards[sales-agent].items[1].target: with basis plan the target is the subject's own; leave it out",
		}},
		{"ScorecardCurveKind", "kind: capped", "kind: expo", []string{
			"79 scorecards[sales-agent].items[1].curve.kind: want linear, steps or capped",
		}},
		{"ScorecardStepsAscend", "{achievement: 100, score: 100}", "{achievement: 70, score: 100}", []string{
			"80 scorecards[sales-agent].items[2].curve.steps[1].achievement: steps must ascend",
		}},

		// targets
		{"TargetNoKPI", "{kpi: revenue, period: 2017-06", "{period: 2017-06", []string{
			"82 targets[0].kpi: kpi is required",
		}},
		{"TargetUnknownKPI", "{kpi: revenue, period: 2017-06", "{kpi: income, period: 2017-06", []string{
			"82 targets[0].kpi: no such KPI",
		}},
		{"TargetNoSubject", "unit: north, ", "", []string{
			"82 targets[0]: a target needs a unit or an employee",
		}},
		{"TargetUnitAndEmployee", "employee: E042", "unit: north, employee: E042", []string{
			"83 targets[1].employee: a target is for a unit or an employee, not both",
		}},
		{"TargetBadPeriod", "period: 2017-Q3", "period: 2017-Q5", []string{
			"83 targets[1].period: not a period: want 2026-06-03, 2026-W22, 2026-06, 2026-Q2, 2026 or 2026-06-01..2026-06-21",
		}},
		{"TargetNoPeriod", "period: 2017-Q3, ", "", []string{
			"83 targets[1].period: period is required",
		}},
		{"TargetValueNotExact", "value: 50000}", `value: "50,000"}`, []string{
			`82 targets[0].value: not an exact decimal number`,
		}},
		{"TargetValueNotANumber", "value: 50000}", "value: 5e4x}", []string{
			"82 targets[0].value: not an exact decimal number",
		}},
		{"TargetNoValue", ", value: 50000}", "}", []string{
			"82 targets[0].value: value is required",
		}},
		{"TargetTwice", "value: 12000.00}\n", "value: 12000.00}\n  - {kpi: revenue, period: 2017-07-01..2017-09-30, employee: E042, value: 1}\n", []string{
			"84 targets[2]: same KPI, subject and period as targets[1]",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := readExample(t)
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("example has no %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			_, err := attainyaml.Load("attain.yaml", []byte(src))
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got, want := kpi.ErrorCode(err), kpi.EINVALID; got != want {
				t.Fatalf("code = %q (%v), want %q", got, err, want)
			}
			var got []string
			for _, p := range kpi.ErrorDetails(err) {
				if p.File != "attain.yaml" {
					t.Errorf("problem file = %q", p.File)
				}
				got = append(got, strings.TrimSpace(strings.Join([]string{strconv.Itoa(p.Line), p.Column + ":", p.Reason}, " ")))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// TestValidateAPI validates definitions without positions, as they come
// from the API, and checks that all problems are reported at once.
func TestValidateAPI(t *testing.T) {
	defs := &kpi.Definitions{
		Datasets: []*kpi.Dataset{{Name: "d", Key: "id", Owner: "id", TimeColumns: []string{"at"}, Columns: []kpi.Column{{Name: "id", Type: kpi.String}, {Name: "at", Type: kpi.DateType}}}},
		KPIs: []*kpi.KPI{
			{Name: "a", Direction: kpi.HigherIsBetter, Dataset: "d", Aggregation: kpi.Sum, Expr: "id"},
			{Name: "b", Direction: "sideways", Formula: "a / c"},
		},
	}
	err := attainyaml.Validate(defs, "", nil)
	var got []string
	for _, p := range kpi.ErrorDetails(err) {
		got = append(got, p.String())
	}
	want := []string{
		`column kpis[a].expr value "id": 1:1: a value must be a number, not string`,
		`column kpis[b].direction value "sideways": unknown direction: want higher or lower`,
		`column kpis[b].formula value "a / c": 1:5: unknown KPI "c"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	defs, err := attainyaml.Load("attain.yaml", []byte(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := attainyaml.Marshal(defs)
	if err != nil {
		t.Fatal(err)
	}
	again, err := attainyaml.Load("out.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(again, defs) {
		t.Errorf("round trip changed the definitions:\n%s", out)
	}
	for _, want := range []string{
		"- {name: close_value, type: money, scale: 2, non_negative: true}",
		"weekend: [saturday, sunday]",
		"- {date: 2017-12-25, name: Christmas Day}",
		"- {kpi: revenue, weight: 30, basis: plan, threshold: 80, stretch: 120, curve: {kind: capped, cap: 150}}",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output has no %q:\n%s", want, out)
		}
	}
}

func TestLoadFile(t *testing.T) {
	f, err := attainyaml.LoadFile("attain.yaml", []byte(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	defs := f.Definitions

	cal := defs.Calendar
	if cal == nil {
		t.Fatal("no calendar")
	}
	if got, want := cal.Weekend, []time.Weekday{time.Saturday, time.Sunday}; !slices.Equal(got, want) {
		t.Errorf("weekend = %v, want %v", got, want)
	}
	if got, want := cal.Holidays, []kpi.Holiday{{Date: kpi.NewDate(2017, 12, 25), Name: "Christmas Day"}, {Date: kpi.NewDate(2017, 12, 26), Name: "Boxing Day"}}; !slices.Equal(got, want) {
		t.Errorf("holidays = %v, want %v", got, want)
	}

	sc := defs.Scorecard("sales agent")
	if sc == nil || sc.Name != "sales-agent" || sc.Missing != kpi.MissingExclude || len(sc.Items) != 3 {
		t.Fatalf("scorecard = %+v", sc)
	}
	if it := sc.Items[1]; it.Basis != kpi.LevelsPlan || it.Curve.Kind != kpi.CurveCapped || !it.Curve.Cap.Equal(decimal.NewFromInt(150)) || !it.Target.IsZero() {
		t.Errorf("items[1] = %+v", it)
	}
	steps := sc.Items[2].Curve.Steps
	if got, want := fmt.Sprint(steps), "[{80 50} {100 100}]"; got != want {
		t.Errorf("steps = %s, want %s", got, want)
	}

	var got []string
	for _, in := range f.Targets {
		got = append(got, fmt.Sprintf("%s %s %s..%s %s %s", in.KPI, in.Subject, in.Period.From, in.Period.To, in.Period.Grain, in.Value.StringFixed(2)))
	}
	want := []string{
		"revenue unit:north 2017-06-01..2017-06-30 month 50000.00",
		"revenue employee:E042 2017-07-01..2017-09-30 quarter 12000.00",
	}
	if !slices.Equal(got, want) {
		t.Errorf("targets\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}

	// Load returns the same definitions and rejects nothing LoadFile accepts.
	defs2, err := attainyaml.Load("attain.yaml", []byte(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(defs2, defs) {
		t.Error("Load and LoadFile read different definitions")
	}
}

// TestLoadFile_Exact reads numbers as written, never through a float.
func TestLoadFile_Exact(t *testing.T) {
	src := strings.Replace(readExample(t), "value: 50000}", "value: 0.30000000000000000001}", 1)
	src = strings.Replace(src, "weight: 40,", "weight: 33.3333333333333333333,", 1)
	src = strings.Replace(src, "weight: 30, basis: plan", "weight: 36.6666666666666666667, basis: plan", 1)
	f, err := attainyaml.LoadFile("attain.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Targets[0].Value.String(), "0.30000000000000000001"; got != want {
		t.Errorf("value = %s, want %s", got, want)
	}
	if got, want := f.Definitions.Scorecards[0].Items[0].Weight.String(), "33.3333333333333333333"; got != want {
		t.Errorf("weight = %s, want %s", got, want)
	}
}

func TestLoadFile_Calendar(t *testing.T) {
	base := "kpis:\n  - {name: n, direction: higher, formula: \"1\"}\n"
	for _, tt := range []struct {
		name, src string
		want      *kpi.Calendar
	}{
		{"Absent", "", nil},
		{"DefaultWeekend", "calendar:\n  holidays: [{date: 2026-01-01}]\n", &kpi.Calendar{Holidays: []kpi.Holiday{{Date: kpi.NewDate(2026, 1, 1)}}}},
		{"NoWeekend", "calendar:\n  weekend: []\n", &kpi.Calendar{Weekend: []time.Weekday{}}},
		{"FridaySaturday", "calendar:\n  weekend: [Friday, saturday]\n", &kpi.Calendar{Weekend: []time.Weekday{time.Friday, time.Saturday}}},
		{"PaceByShape", "calendar:\n  pace: shape\n", &kpi.Calendar{Pace: kpi.PaceShape}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := attainyaml.LoadFile("a.yaml", []byte(base+tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Definitions.Calendar; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("calendar = %#v, want %#v", got, tt.want)
			}
			// Written and read back, the calendar stays the same: nil
			// weekend (the default) and empty weekend (none) included.
			out, err := attainyaml.Marshal(f.Definitions)
			if err != nil {
				t.Fatal(err)
			}
			again, err := attainyaml.Load("out.yaml", out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got := again.Calendar; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("written and read: calendar = %#v, want %#v\n%s", got, tt.want, out)
			}
		})
	}
}

// TestLoadFile_AllAtOnce reports problems of every section in one error,
// in line order, reading errors (a weekday, a number) included.
func TestLoadFile_AllAtOnce(t *testing.T) {
	src := `kpis:
  - {name: n, direction: sideways, formula: "1"}
targets:
  - {kpi: nope, period: 2026-06, unit: u, value: 1}
calendar:
  weekend: [caturday]
scorecards:
  - name: s
    position: p
    items:
      - {kpi: n, weight: x, basis: fixed, threshold: 1, target: 2, stretch: 3}
`
	_, err := attainyaml.LoadFile("a.yaml", []byte(src))
	var got []string
	for _, p := range kpi.ErrorDetails(err) {
		got = append(got, fmt.Sprintf("%d %s", p.Line, p.Column))
	}
	want := []string{
		"2 kpis[n].direction",
		"4 targets[0].kpi",
		"6 calendar.weekend[0]",
		"10 scorecards[s].items.weight",
		"11 scorecards[s].items[0].weight",
		"11 scorecards[s].items[0].weight",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s\n%v", strings.Join(got, "\n  "), strings.Join(want, "\n  "), err)
	}
	// Parse alone stops at what it cannot read.
	_, _, err = attainyaml.Parse("a.yaml", []byte(src))
	if got, want := len(kpi.ErrorDetails(err)), 2; got != want {
		t.Errorf("Parse: %d problems, want %d: %v", got, want, err)
	}
}

// TestValidateAPI_Scorecards validates scorecards and a calendar that came
// as JSON: no lines, paths only.
func TestValidateAPI_Scorecards(t *testing.T) {
	item := func(k string, w int64) kpi.ScorecardItem {
		return kpi.ScorecardItem{KPI: k, Weight: decimal.NewFromInt(w), Basis: kpi.LevelsFixed, Threshold: decimal.NewFromInt(1), Target: decimal.NewFromInt(2), Stretch: decimal.NewFromInt(3)}
	}
	defs := &kpi.Definitions{
		KPIs: []*kpi.KPI{{Name: "a", Direction: kpi.HigherIsBetter, Formula: "1"}},
		Scorecards: []*kpi.ScorecardTemplate{
			{Name: "one", Position: "rep", Items: []kpi.ScorecardItem{item("a", 100)}},
			{Name: "two", Position: "rep", Items: []kpi.ScorecardItem{item("a", 50), item("b", 50)}},
		},
		Calendar: &kpi.Calendar{Weekend: []time.Weekday{time.Sunday, 9, time.Sunday}, Holidays: []kpi.Holiday{{Date: 1}, {Date: 1}}},
	}
	err := attainyaml.Validate(defs, "", nil)
	var got []string
	for _, p := range kpi.ErrorDetails(err) {
		got = append(got, p.String())
	}
	want := []string{
		`column calendar.weekend[1] value "9": unknown weekday`,
		`column calendar.weekend[2] value "sunday": weekday listed twice`,
		`column calendar.holidays[1].date value "1970-01-02": holiday listed twice`,
		`column scorecards[two].position value "rep": position already has scorecard one`,
		`column scorecards[two].items[1].kpi value "b": unknown KPI`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestAggregationsDocumented checks that docs/attain-yaml.md has a row for
// every aggregation of kpi.Aggregations, saying what it is and what expr
// it takes, so the table in the docs cannot fall behind the code.
func TestAggregationsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/attain-yaml.md")
	if err != nil {
		t.Fatal(err)
	}
	exprs := map[kpi.ExprKind]string{kpi.NoExpr: "none (use `filter`)", kpi.NumberExpr: "a number", kpi.AnyExpr: "any value"}
	for _, a := range kpi.Aggregations {
		row := fmt.Sprintf("| `%s` | %s | %s |", a.Name, a.Doc, exprs[a.Expr])
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/attain-yaml.md has no row\n%s", row)
		}
	}
}

func TestPolicySection(t *testing.T) {
	base := "datasets: []\nkpis: []\n"
	f, err := attainyaml.LoadFile("a.yaml", []byte(base+"policy:\n  second_approver_above: 5000.50\n  retention_months: 24\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := f.Definitions.Policy
	if p == nil || p.SecondApproverAbove.String() != "5000.5" || p.RetentionMonths != 24 {
		t.Fatalf("policy = %+v", p)
	}
	if !p.SecondApproval(decimal.RequireFromString("5000.51")) || p.SecondApproval(decimal.RequireFromString("5000.50")) {
		t.Error("a second approver is needed above the amount, not at it")
	}
	out, err := attainyaml.Marshal(f.Definitions)
	if err != nil || !strings.Contains(string(out), "second_approver_above: 5000.5") {
		t.Errorf("marshal: %v\n%s", err, out)
	}
	_, err = attainyaml.LoadFile("a.yaml", []byte(base+"policy:\n  second_approver_above: -1\n  retention_months: many\n"))
	probs := kpi.ErrorDetails(err)
	if len(probs) != 2 || probs[0].Line != 4 || probs[1].Line != 5 {
		t.Errorf("problems = %v", probs)
	}
}
