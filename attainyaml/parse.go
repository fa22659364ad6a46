// Package attainyaml reads and writes attain.yaml, the definitions of a
// workspace's datasets and KPIs as code, and validates a whole
// kpi.Definitions however it came (file or API). The format is described in
// docs/attain-yaml.md.
package attainyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"attain/internal/yamlerr"
	"attain/kpi"

	"go.yaml.in/yaml/v3"
)

// document is the top level of an attain.yaml.
type document struct {
	Datasets   []*kpi.Dataset  `yaml:"datasets"`
	KPIs       []*kpi.KPI      `yaml:"kpis"`
	Calendar   *calendarDoc    `yaml:"calendar,omitempty"`
	Scorecards []*scorecardDoc `yaml:"scorecards,omitempty"`
	Targets    []*targetDoc    `yaml:"targets,omitempty"`
	BonusPlans []*bonusPlanDoc `yaml:"bonus_plans,omitempty"`
	Policy     *policyDoc      `yaml:"policy,omitempty"`
	Awards     *awardsDoc      `yaml:"awards,omitempty"`
	// The strategy sections (objectives.go).
	Objectives *[]*objectiveDoc  `yaml:"objectives,omitempty"`
	Functions  map[string]string `yaml:"functions,omitempty"`
	Guardrails *[]*guardrailDoc  `yaml:"guardrails,omitempty"`
}

// Positions maps things in the file to lines, for error messages.
type Positions struct {
	datasets []item
	kpis     []item

	// The nodes of the calendar, of each scorecard and of each target:
	// lineAt finds a field's line by its path.
	calendar   *yaml.Node
	policy     *yaml.Node
	awards     *yaml.Node
	scorecards []*yaml.Node
	targets    []*yaml.Node
	bonusPlans []*yaml.Node
	objectives []*yaml.Node
}

// item is one dataset, column or KPI of the file: its line, the lines of
// its fields and, for a dataset, its columns.
type item struct {
	name    string
	line    int
	fields  map[string]int
	columns []item
}

// Line returns the line of a field of a dataset, KPI or column, or of the
// thing itself when field is "" or not in the file; 0 if unknown. kind is
// "dataset", "kpi" or "column"; a column is named "dataset.column".
func (p *Positions) Line(kind, name, field string) int {
	if p == nil {
		return 0
	}
	var items []item
	switch kind {
	case "dataset":
		items = p.datasets
	case "kpi":
		items = p.kpis
	case "column":
		ds, col, ok := strings.Cut(name, ".")
		if !ok {
			return 0
		}
		for _, d := range p.datasets {
			if d.name == ds {
				items, name = d.columns, col
				break
			}
		}
	}
	for _, it := range items {
		if it.name == name {
			return it.lineOf(field)
		}
	}
	return 0
}

func (it item) lineOf(field string) int {
	if l, ok := it.fields[field]; ok {
		return l
	}
	return it.line
}

// dataset, kpi and column return the line of a field of the i-th item of
// the file; 0 if unknown.
func (p *Positions) dataset(i int, field string) int {
	if p == nil || i >= len(p.datasets) {
		return 0
	}
	return p.datasets[i].lineOf(field)
}

func (p *Positions) kpi(i int, field string) int {
	if p == nil || i >= len(p.kpis) {
		return 0
	}
	return p.kpis[i].lineOf(field)
}

func (p *Positions) column(i, j int, field string) int {
	if p == nil || i >= len(p.datasets) || j >= len(p.datasets[i].columns) {
		return 0
	}
	return p.datasets[i].columns[j].lineOf(field)
}

// Parse reads an attain.yaml. file names the file in errors. Unknown fields
// and values that cannot be read (a weekday, a date, a number) are errors.
// It does not validate the definitions: see Validate and Load. The targets
// section is read by LoadFile.
func Parse(file string, data []byte) (*kpi.Definitions, *Positions, error) {
	p, err := parse(file, data)
	if err != nil {
		return nil, nil, err
	}
	if len(p.probs) > 0 {
		return nil, nil, invalid(file, p.probs)
	}
	return p.defs, p.pos, nil
}

// parsed is a file read but not validated: probs are the values that could
// not be read, reported by LoadFile with the rest.
type parsed struct {
	defs     *kpi.Definitions
	targets  []*targetDoc
	strategy *Strategy
	pos      *Positions
	probs    []kpi.Problem
}

func parse(file string, data []byte) (*parsed, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, data, err)
	}
	var doc document
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(file, data, err)
	}
	defs := &kpi.Definitions{Datasets: doc.Datasets, KPIs: doc.KPIs}
	pos := positions(&root)
	for i, ds := range defs.Datasets {
		if ds == nil {
			return nil, invalid(file, []kpi.Problem{{File: file, Line: pos.dataset(i, ""), Column: fmt.Sprintf("datasets[%d]", i), Reason: "empty dataset"}})
		}
	}
	for i, k := range defs.KPIs {
		if k == nil {
			return nil, invalid(file, []kpi.Problem{{File: file, Line: pos.kpi(i, ""), Column: fmt.Sprintf("kpis[%d]", i), Reason: "empty KPI"}})
		}
	}
	p := &parsed{defs: defs, targets: doc.Targets, pos: pos}
	r := &validator{file: file, pos: p.pos}
	defs.Calendar = r.readCalendar(doc.Calendar)
	defs.Scorecards = r.readScorecards(doc.Scorecards)
	defs.BonusPlans = r.readBonusPlans(doc.BonusPlans)
	defs.Policy = r.readPolicy(doc.Policy)
	defs.Awards = r.readAwards(doc.Awards)
	p.strategy = r.readStrategy(doc.Objectives, doc.Functions, doc.Guardrails)
	p.probs = r.probs
	return p, nil
}

// yamlError turns a yaml syntax or type error into an EINVALID *kpi.Error
// with a problem per line.
func yamlError(file string, data []byte, err error) error {
	return invalid(file, yamlerr.Problems(file, data, err))
}

func invalid(file string, probs []kpi.Problem) error {
	name := file
	if name == "" {
		name = "definitions"
	}
	n := "1 problem"
	if len(probs) != 1 {
		n = fmt.Sprintf("%d problems", len(probs))
	}
	return &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("Invalid %s: %s.", name, n), Details: probs}
}

// positions reads the lines of datasets, columns and KPIs off the parsed
// file.
func positions(root *yaml.Node) *Positions {
	p := &Positions{}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return p
	}
	top := root.Content[0]
	for _, kv := range pairs(top) {
		switch kv[0].Value {
		case "datasets":
			for _, n := range seq(kv[1]) {
				ds := itemOf(n)
				for _, f := range pairs(n) {
					if f[0].Value == "columns" {
						for _, c := range seq(f[1]) {
							ds.columns = append(ds.columns, itemOf(c))
						}
					}
				}
				p.datasets = append(p.datasets, ds)
			}
		case "kpis":
			for _, n := range seq(kv[1]) {
				p.kpis = append(p.kpis, itemOf(n))
			}
		case "calendar":
			p.calendar = kv[1]
		case "policy":
			p.policy = kv[1]
		case "awards":
			p.awards = kv[1]
		case "scorecards":
			p.scorecards = seq(kv[1])
		case "targets":
			p.targets = seq(kv[1])
		case "bonus_plans":
			p.bonusPlans = seq(kv[1])
		case "objectives":
			p.objectives = seq(kv[1])
		}
	}
	return p
}

func pairs(n *yaml.Node) [][2]*yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var kvs [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		kvs = append(kvs, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return kvs
}

func seq(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func itemOf(n *yaml.Node) item {
	it := item{line: n.Line, fields: map[string]int{}}
	for _, kv := range pairs(n) {
		line := kv[1].Line
		if kv[1].Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			line++ // a block scalar starts on the next line
		}
		it.fields[kv[0].Value] = line
		if kv[0].Value == "name" {
			it.name = kv[1].Value
		}
	}
	return it
}

// Marshal writes definitions as an attain.yaml: columns, scorecard items
// and holidays one per line.
func Marshal(defs *kpi.Definitions) ([]byte, error) {
	doc := document{
		Datasets:   defs.Datasets,
		KPIs:       defs.KPIs,
		Calendar:   calendarDocOf(defs.Calendar),
		Scorecards: scorecardDocsOf(defs.Scorecards),
		Policy:     policyDocOf(defs.Policy),
		Awards:     awardsDocOf(defs.Awards),
	}
	plans, err := bonusPlanDocsOf(defs.BonusPlans)
	if err != nil {
		return nil, err
	}
	doc.BonusPlans = plans
	var n yaml.Node
	if err := n.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode definitions: %w", err)
	}
	// field returns the value of a field of a mapping, or nil.
	field := func(m *yaml.Node, name string) *yaml.Node {
		for _, kv := range pairs(m) {
			if kv[0].Value == name {
				return kv[1]
			}
		}
		return nil
	}
	onePerLine := func(list *yaml.Node) {
		for _, c := range seq(list) {
			c.Style = yaml.FlowStyle
		}
	}
	for _, ds := range seq(field(&n, "datasets")) {
		onePerLine(field(ds, "columns"))
	}
	if cal := field(&n, "calendar"); cal != nil {
		if w := field(cal, "weekend"); w != nil {
			w.Style = yaml.FlowStyle
		}
		onePerLine(field(cal, "holidays"))
	}
	for _, sc := range seq(field(&n, "scorecards")) {
		onePerLine(field(sc, "items"))
	}
	for _, bp := range seq(field(&n, "bonus_plans")) {
		onePerLine(field(bp, "assign"))
	}
	if aw := field(&n, "awards"); aw != nil {
		onePerLine(field(aw, "rules"))
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("write definitions: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write definitions: %w", err)
	}
	return buf.Bytes(), nil
}
