package config_test

import (
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"attain/config"
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
	defs, err := config.Load("attain.yaml", []byte(readExample(t)))
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
	defs, err := config.Load("a.yaml", []byte(`
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
	_, pos, err := config.Parse("attain.yaml", []byte(readExample(t)))
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
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := readExample(t)
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("example has no %q", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			_, err := config.Load("attain.yaml", []byte(src))
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
	err := config.Validate(defs, "", nil)
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
	defs, err := config.Load("attain.yaml", []byte(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := config.Marshal(defs)
	if err != nil {
		t.Fatal(err)
	}
	again, err := config.Load("out.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(again, defs) {
		t.Errorf("round trip changed the definitions:\n%s", out)
	}
	if want := "- {name: close_value, type: money, scale: 2, non_negative: true}"; !strings.Contains(string(out), want) {
		t.Errorf("output has no %q:\n%s", want, out)
	}
}
