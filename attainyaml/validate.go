package attainyaml

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"attain/calc/formula"
	"attain/kpi"
)

// File is what an attain.yaml holds: the definitions, and the targets it
// sets. Targets are not definitions: they have a history and are set
// through a kpi.TargetService, not swapped in with the definitions.
type File struct {
	Definitions *kpi.Definitions
	Targets     []kpi.TargetInput
	Strategy    *Strategy // objectives, functions, guardrails (objectives.go)
}

// Load parses an attain.yaml, fills defaults (see SetDefaults) and
// validates it, targets included, and returns its definitions.
func Load(file string, data []byte) (*kpi.Definitions, error) {
	f, err := LoadFile(file, data)
	if err != nil {
		return nil, err
	}
	return f.Definitions, nil
}

// LoadFile parses an attain.yaml, fills defaults and validates the whole
// file: the definitions (see Validate) and the targets (the KPI exists,
// exactly one of unit and employee, a period, an exact decimal value, each
// target once). Every problem is reported at once, in line order.
func LoadFile(file string, data []byte) (*File, error) {
	p, err := parse(file, data)
	if err != nil {
		return nil, err
	}
	SetDefaults(p.defs)
	v := &validator{file: file, pos: p.pos, probs: p.probs}
	v.definitions(p.defs)
	targets := v.targets(p.defs, p.targets)
	v.strategy(p.defs, p.strategy)
	if err := v.err(); err != nil {
		return nil, err
	}
	return &File{Definitions: p.defs, Targets: targets, Strategy: p.strategy}, nil
}

// SetDefaults fills what a definition may leave out: a money column's scale
// (2), a KPI's title (its name) and unit (number), and a measure's time
// column (its dataset's first).
func SetDefaults(defs *kpi.Definitions) {
	for _, ds := range defs.Datasets {
		for i, c := range ds.Columns {
			if c.Type == kpi.Money && c.Scale == 0 {
				ds.Columns[i].Scale = 2
			}
		}
	}
	for _, k := range defs.KPIs {
		if k.Title == "" {
			k.Title = k.Name
		}
		if k.Unit == "" {
			k.Unit = kpi.UnitNumber
		}
		if k.IsFormula() || k.TimeColumn != "" {
			continue
		}
		if ds := defs.Dataset(k.Dataset); ds != nil && len(ds.TimeColumns) > 0 {
			k.TimeColumn = ds.TimeColumns[0]
		}
	}
}

var identifier = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// validator collects the problems of one set of definitions.
type validator struct {
	file  string
	pos   *Positions
	probs []kpi.Problem
}

func (v *validator) add(line int, column, value, format string, args ...any) {
	v.probs = append(v.probs, kpi.Problem{File: v.file, Line: line, Column: column, Value: value, Reason: fmt.Sprintf(format, args...)})
}

// exprProblem reports an expression that does not compile, on the line of
// the error inside it.
func (v *validator) exprProblem(line int, column, src string, err error) {
	var fe *formula.Error
	if errors.As(err, &fe) && line > 0 {
		line += fe.Line - 1
	}
	v.add(line, column, shorten(src), "%v", err)
}

// shorten cuts a value shown in a problem to its first 100 characters: an
// expression refused as too long is not repeated whole.
func shorten(s string) string {
	const n = 100
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func label(name string, i int) string {
	if name == "" {
		return strconv.Itoa(i)
	}
	return name
}

// Validate checks a whole set of definitions; pos may be nil (definitions
// that came as JSON from the API). It returns a *kpi.Error (EINVALID) whose
// Details list every problem, or nil.
func Validate(defs *kpi.Definitions, file string, pos *Positions) error {
	v := &validator{file: file, pos: pos}
	v.definitions(defs)
	return v.err()
}

func (v *validator) definitions(defs *kpi.Definitions) {
	seen := map[string]bool{}
	for i, ds := range defs.Datasets {
		path := fmt.Sprintf("datasets[%s]", label(ds.Name, i))
		v.name(v.pos.dataset(i, "name"), path+".name", ds.Name, "dataset", seen)
		v.dataset(i, ds, path)
	}
	seen = map[string]bool{}
	for i, k := range defs.KPIs {
		path := fmt.Sprintf("kpis[%s]", label(k.Name, i))
		v.name(v.pos.kpi(i, "name"), path+".name", k.Name, "KPI", seen)
		v.kpi(defs, i, k, path)
	}
	v.cycles(defs)
	v.calendar(defs.Calendar)
	v.policy(defs.Policy)
	v.scorecards(defs)
	v.bonusPlans(defs)
	v.awards(defs)
}

// err returns the problems found as one EINVALID *kpi.Error, in line order
// when they come from a file; nil if there are none.
func (v *validator) err() error {
	if len(v.probs) == 0 {
		return nil
	}
	if v.pos != nil {
		slices.SortStableFunc(v.probs, func(a, b kpi.Problem) int { return a.Line - b.Line })
	}
	return invalid(v.file, v.probs)
}

func (v *validator) name(line int, column, name, what string, seen map[string]bool) {
	switch {
	case name == "":
		v.add(line, column, "", "%s name is required", what)
	case !identifier.MatchString(name):
		v.add(line, column, name, "%s name must be lower case letters, digits and _, starting with a letter", what)
	case seen[name]:
		v.add(line, column, name, "duplicate %s name", what)
	}
	seen[name] = true
}

var columnTypes = []kpi.ColumnType{kpi.String, kpi.Integer, kpi.Decimal, kpi.Money, kpi.DateType, kpi.Timestamp, kpi.Boolean}

func (v *validator) dataset(i int, ds *kpi.Dataset, path string) {
	seen := map[string]bool{}
	for j, c := range ds.Columns {
		cpath := fmt.Sprintf("%s.columns[%s]", path, label(c.Name, j))
		v.name(v.pos.column(i, j, "name"), cpath+".name", c.Name, "column", seen)
		if !slices.Contains(columnTypes, c.Type) {
			v.add(v.pos.column(i, j, "type"), cpath+".type", string(c.Type), "unknown column type: want string, integer, decimal, money, date, timestamp or boolean")
		}
		switch {
		case c.Type != kpi.Decimal && c.Type != kpi.Money && c.Scale != 0:
			v.add(v.pos.column(i, j, "scale"), cpath+".scale", strconv.Itoa(c.Scale), "scale is only for decimal and money columns")
		case c.Scale < 0 || c.Scale > 9:
			v.add(v.pos.column(i, j, "scale"), cpath+".scale", strconv.Itoa(c.Scale), "scale must be 0 to 9")
		}
		if len(c.Values) > 0 && c.Type != kpi.String {
			v.add(v.pos.column(i, j, "values"), cpath+".values", "", "values are only for string columns")
		}
	}
	column := func(field, name string, ok func(kpi.ColumnType) bool, want string) {
		line := v.pos.dataset(i, field)
		switch j := ds.ColumnIndex(name); {
		case name == "":
			v.add(line, path+"."+field, "", "%s is required", field)
		case j < 0:
			v.add(line, path+"."+field, name, "no such column")
		case !ok(ds.Columns[j].Type):
			v.add(line, path+"."+field, name, "column is %s, want %s", ds.Columns[j].Type, want)
		}
	}
	keyType := func(t kpi.ColumnType) bool { return t == kpi.String || t == kpi.Integer }
	timeType := func(t kpi.ColumnType) bool { return t == kpi.DateType || t == kpi.Timestamp }
	column("key", ds.Key, keyType, "string or integer")
	column("owner", ds.Owner, keyType, "string or integer")
	if len(ds.TimeColumns) == 0 {
		v.add(v.pos.dataset(i, "time_columns"), path+".time_columns", "", "at least one time column (date or timestamp) is required")
	}
	for j, tc := range ds.TimeColumns {
		if slices.Index(ds.TimeColumns, tc) < j {
			v.add(v.pos.dataset(i, "time_columns"), path+".time_columns", tc, "duplicate time column")
			continue
		}
		column("time_columns", tc, timeType, "date or timestamp")
	}
}

var (
	units      = []kpi.Unit{kpi.UnitCount, kpi.UnitMoney, kpi.UnitPercent, kpi.UnitDuration, kpi.UnitNumber}
	directions = []kpi.Direction{kpi.HigherIsBetter, kpi.LowerIsBetter}
	timeUnits  = []string{"days", "hours", "minutes", "seconds"}
)

func (v *validator) kpi(defs *kpi.Definitions, i int, k *kpi.KPI, path string) {
	line := func(field string) int { return v.pos.kpi(i, field) }
	if k.Unit != "" && !slices.Contains(units, k.Unit) {
		v.add(line("unit"), path+".unit", string(k.Unit), "unknown unit: want count, money, percent, duration or number")
	}
	switch {
	case k.Direction == "":
		v.add(line("direction"), path+".direction", "", "direction is required: higher or lower")
	case !slices.Contains(directions, k.Direction):
		v.add(line("direction"), path+".direction", string(k.Direction), "unknown direction: want higher or lower")
	}
	if k.TimeUnit != "" && !slices.Contains(timeUnits, k.TimeUnit) {
		v.add(line("time_unit"), path+".time_unit", k.TimeUnit, "unknown time unit: want days, hours, minutes or seconds")
	}

	measure := k.Dataset != "" || k.Aggregation != "" || k.Expr != "" || k.Filter != "" || k.TimeColumn != ""
	switch {
	case measure && k.IsFormula():
		v.add(line("formula"), path+".formula", "", "a KPI is a measure (dataset, aggregation) or a formula, not both")
		return
	case k.IsFormula():
		f, err := formula.CompileFormula(k.Formula, func(name string) bool { return defs.KPI(name) != nil })
		if err != nil {
			v.exprProblem(line("formula"), path+".formula", k.Formula, err)
		} else if slices.Contains(f.Refs(), k.Name) {
			v.add(line("formula"), path+".formula", k.Formula, "formula cycle: %s -> %s", k.Name, k.Name)
		}
		return
	case !measure:
		v.add(line(""), path, "", "a KPI needs dataset and aggregation, or formula")
		return
	}

	ds := defs.Dataset(k.Dataset)
	switch {
	case k.Dataset == "":
		v.add(line("dataset"), path+".dataset", "", "dataset is required")
	case ds == nil:
		v.add(line("dataset"), path+".dataset", k.Dataset, "no such dataset")
	}
	agg, known := kpi.AggregationOf(k.Aggregation)
	switch {
	case k.Aggregation == "":
		v.add(line("aggregation"), path+".aggregation", "", "aggregation is required")
	case !known:
		v.add(line("aggregation"), path+".aggregation", string(k.Aggregation), "unknown aggregation: want %s", orList(kpi.AggregationNames()))
	case agg.Expr == kpi.NoExpr && k.Expr != "":
		v.add(line("expr"), path+".expr", k.Expr, "%s takes no expr (use filter)", k.Aggregation)
	case agg.Expr != kpi.NoExpr && k.Expr == "":
		v.add(line("aggregation"), path+".expr", "", "%s needs an expr", k.Aggregation)
	}
	if ds == nil {
		return
	}
	if k.Filter != "" {
		if _, err := formula.CompileFilter(ds, k.Filter); err != nil {
			v.exprProblem(line("filter"), path+".filter", k.Filter, err)
		}
	}
	if k.Expr != "" && known && agg.Expr != kpi.NoExpr {
		compile := formula.CompileValue
		if agg.Expr == kpi.AnyExpr {
			compile = formula.CompileKey
		}
		if _, err := compile(ds, k.Expr); err != nil {
			v.exprProblem(line("expr"), path+".expr", k.Expr, err)
		}
	}
	if k.TimeColumn != "" && !slices.Contains(ds.TimeColumns, k.TimeColumn) {
		v.add(line("time_column"), path+".time_column", k.TimeColumn, "not a time column of dataset %s (%s)", ds.Name, strings.Join(ds.TimeColumns, ", "))
	}
}

// cycles reports each cycle of formulas once, as the path around it.
func (v *validator) cycles(defs *kpi.Definitions) {
	refs := map[string][]string{}
	index := map[string]int{}
	for i, k := range defs.KPIs {
		if _, dup := index[k.Name]; dup || !k.IsFormula() {
			continue
		}
		index[k.Name] = i
		f, err := formula.CompileFormula(k.Formula, func(name string) bool { return defs.KPI(name) != nil })
		if err != nil {
			continue // reported already
		}
		for _, r := range f.Refs() {
			if r != k.Name { // a self-reference is reported already
				refs[k.Name] = append(refs[k.Name], r)
			}
		}
	}
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		state[name] = visiting
		stack = append(stack, name)
		for _, r := range refs[name] {
			switch state[r] {
			case visiting:
				at := slices.Index(stack, r)
				cycle := append(slices.Clone(stack[at:]), r)
				i := index[r]
				v.add(v.pos.kpi(i, "formula"), fmt.Sprintf("kpis[%s].formula", r), defs.KPIs[i].Formula, "formula cycle: %s", strings.Join(cycle, " -> "))
			case 0:
				visit(r)
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
	}
	for _, k := range defs.KPIs {
		if _, ok := index[k.Name]; ok && state[k.Name] == 0 {
			visit(k.Name)
		}
	}
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
