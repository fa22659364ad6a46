package attainyaml

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"attain/kpi"
)

// objectiveDoc is one objective of the objectives section:
//
//	objectives:
//	  - id: grow-won-value
//	    title: Grow won value by 20 %
//	    period: 2026
//	    unit: sales            # who carries it; left out: the company
//	    parent: company-growth # the objective it cascades from
//	    measures:
//	      - {kpi: won_value, target: 1200000, weight: 60}
type objectiveDoc struct {
	ID          string        `yaml:"id"`
	Title       string        `yaml:"title"`
	Description string        `yaml:"description,omitempty"`
	Period      string        `yaml:"period"`
	Unit        string        `yaml:"unit,omitempty"`
	Parent      string        `yaml:"parent,omitempty"`
	Measures    []*measureDoc `yaml:"measures,omitempty"`
}

type measureDoc struct {
	KPI    string `yaml:"kpi"`
	Target number `yaml:"target"`
	Weight number `yaml:"weight"`
}

// guardrailDoc is one guardrail of a unit head's target changes:
//
//	guardrails:
//	  - {kpi: "", max_change: 10, floor: 80} # the default
//	  - {kpi: won_value, max_change: 5, floor: 90}
type guardrailDoc struct {
	KPI       string `yaml:"kpi"`
	MaxChange number `yaml:"max_change"`
	Floor     number `yaml:"floor"`
	Mandatory bool   `yaml:"mandatory"`
	MinWeight number `yaml:"min_weight"`
	MaxWeight number `yaml:"max_weight"`
}

// Strategy is what the objectives, functions and guardrails sections of
// an attain.yaml declare; a nil field is a section the file leaves out
// (and so leaves as it is).
type Strategy struct {
	Objectives *[]*kpi.Objective
	Functions  map[string]string // unit id → function
	Guardrails *[]kpi.Guardrail
}

var objectiveID = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// Limits of the strategy sections.
const (
	MaxObjectives = 500
	MaxMeasures   = 20
)

func (v *validator) readStrategy(objs *[]*objectiveDoc, funcs map[string]string, gs *[]*guardrailDoc) *Strategy {
	s := &Strategy{Functions: funcs}
	if objs != nil {
		list := []*kpi.Objective{}
		for i, doc := range *objs {
			node := v.pos.objective(i)
			path := fmt.Sprintf("objectives[%d]", i)
			if doc == nil {
				v.add(v.pos.lineAt(node, ""), path, "", "empty objective")
				continue
			}
			o := &kpi.Objective{ID: doc.ID, Title: doc.Title, Description: doc.Description, UnitID: doc.Unit, ParentID: doc.Parent}
			if p, err := kpi.ParsePeriod(strings.TrimSpace(doc.Period)); err != nil {
				v.add(v.pos.lineAt(node, "period"), path+".period", doc.Period, "not a period: want 2026, 2026-Q2, 2026-06 or 2026-01-01..2026-06-30")
			} else {
				o.Period = p
			}
			for j, m := range doc.Measures {
				f := fmt.Sprintf("measures[%d]", j)
				if m == nil {
					v.add(v.pos.lineAt(node, f), path+"."+f, "", "empty measure")
					continue
				}
				o.Measures = append(o.Measures, kpi.ObjectiveMeasure{KPI: m.KPI,
					Target: v.readDecimal(v.pos.lineAt(node, f+".target"), path+"."+f+".target", m.Target),
					Weight: v.readDecimal(v.pos.lineAt(node, f+".weight"), path+"."+f+".weight", m.Weight)})
			}
			list = append(list, o)
		}
		s.Objectives = &list
	}
	if gs != nil {
		rows := []kpi.GuardrailRow{}
		for i, g := range *gs {
			path := fmt.Sprintf("guardrails[%d]", i)
			if g == nil {
				v.add(0, path, "", "empty guardrail")
				continue
			}
			rows = append(rows, kpi.GuardrailRow{KPI: g.KPI, Mandatory: g.Mandatory,
				MaxChange: v.readOptional(path+".max_change", g.MaxChange), Floor: v.readOptional(path+".floor", g.Floor),
				MinWeight: v.readOptional(path+".min_weight", g.MinWeight), MaxWeight: v.readOptional(path+".max_weight", g.MaxWeight)})
		}
		list := kpi.GuardrailsOf(rows)
		s.Guardrails = &list
	}
	return s
}

// strategy checks the strategy sections against the definitions.
func (v *validator) strategy(defs *kpi.Definitions, s *Strategy) {
	if s.Objectives != nil {
		for _, p := range CheckObjectives(*s.Objectives, defs) {
			line := 0
			if p.Row >= 0 {
				line = v.pos.lineAt(v.pos.objective(p.Row), p.Field)
			}
			v.add(line, p.Column, p.Value, "%s", p.Reason)
		}
		ids := map[string]bool{}
		for _, o := range *s.Objectives {
			ids[o.ID] = true
		}
		for k, t := range defs.Scorecards {
			for i, it := range t.Items {
				if it.Objective != "" && !ids[it.Objective] {
					v.add(v.pos.lineAt(v.pos.scorecard(k), fmt.Sprintf("items[%d].objective", i)), fmt.Sprintf("scorecards[%s].items[%d].objective", t.Name, i), it.Objective, "no such objective in the objectives section")
				}
			}
		}
	}
	if s.Guardrails != nil {
		for i, p := range CheckGuardrails(*s.Guardrails, defs) {
			_ = i
			v.add(0, p.Column, p.Value, "%s", p.Reason)
		}
	}
	for unit, fn := range s.Functions {
		if strings.TrimSpace(fn) == "" || len(fn) > 64 {
			v.add(0, "functions."+unit, fn, "a function is a short name like sales or order_processing")
		}
	}
}

// ObjectiveProblem is a problem of an objective: Row is its index in the
// list checked, Field the field within it.
type ObjectiveProblem struct {
	kpi.Problem
	Row   int
	Field string
}

// CheckObjectives checks a whole list of objectives against defs: ids are
// unique and well formed, titles and periods given, parents exist and do
// not loop, a child's period lies within its parent's, measures name KPIs
// of defs once each with a positive weight.
func CheckObjectives(objs []*kpi.Objective, defs *kpi.Definitions) []ObjectiveProblem {
	var probs []ObjectiveProblem
	bad := func(i int, field, value, format string, args ...any) {
		col := fmt.Sprintf("objectives[%d]", i)
		if i < len(objs) && objs[i] != nil && objs[i].ID != "" {
			col = fmt.Sprintf("objectives[%s]", objs[i].ID)
		}
		if field != "" {
			col += "." + field
		}
		probs = append(probs, ObjectiveProblem{Problem: kpi.Problem{Column: col, Value: value, Reason: fmt.Sprintf(format, args...)}, Row: i, Field: field})
	}
	if len(objs) > MaxObjectives {
		bad(MaxObjectives, "", fmt.Sprint(len(objs)), "at most %d objectives", MaxObjectives)
		return probs
	}
	byID := map[string]*kpi.Objective{}
	for i, o := range objs {
		switch {
		case !objectiveID.MatchString(o.ID):
			bad(i, "id", o.ID, "an id is 1 to 64 lower-case letters, digits, '-', '_' or '.'")
		case byID[o.ID] != nil:
			bad(i, "id", o.ID, "listed twice")
		}
		byID[o.ID] = o
		if strings.TrimSpace(o.Title) == "" || len(o.Title) > 200 {
			bad(i, "title", o.Title, "a title of 1 to 200 characters is required")
		}
		if o.Period.From == 0 {
			bad(i, "period", "", "period is required")
		}
		if len(o.Measures) > MaxMeasures {
			bad(i, "measures", fmt.Sprint(len(o.Measures)), "at most %d measures", MaxMeasures)
		}
		seen := map[string]bool{}
		for j, m := range o.Measures {
			f := func(s string) string { return fmt.Sprintf("measures[%d].%s", j, s) }
			switch {
			case m.KPI == "":
				bad(i, f("kpi"), "", "kpi is required")
			case defs != nil && defs.KPI(m.KPI) == nil:
				bad(i, f("kpi"), m.KPI, "no such KPI")
			case seen[m.KPI]:
				bad(i, f("kpi"), m.KPI, "KPI listed twice")
			}
			seen[m.KPI] = true
			if !m.Weight.IsPositive() {
				bad(i, f("weight"), m.Weight.String(), "weight must be more than 0")
			}
			if m.Target.IsNegative() {
				bad(i, f("target"), m.Target.String(), "target cannot be negative")
			}
		}
	}
	for i, o := range objs {
		if o.ParentID == "" {
			continue
		}
		p := byID[o.ParentID]
		if p == nil {
			bad(i, "parent", o.ParentID, "no such objective")
			continue
		}
		if p.Period.From != 0 && o.Period.From != 0 && (o.Period.From < p.Period.From || o.Period.To > p.Period.To) {
			bad(i, "period", o.Period.Label(), "must lie within the parent's period %s", p.Period.Label())
		}
		seen := map[string]bool{o.ID: true}
		for q := p; q != nil; q = byID[q.ParentID] {
			if seen[q.ID] {
				bad(i, "parent", o.ParentID, "objectives cascade in a loop")
				break
			}
			seen[q.ID] = true
		}
	}
	return probs
}

// CheckGuardrails checks guardrails: each KPI once and known, MaxChange
// from 0 to 100, Floor from 0 to 100, a weight range (of a named KPI) from
// 0 to 100 with its min no more than its max.
func CheckGuardrails(gs []kpi.Guardrail, defs *kpi.Definitions) []kpi.Problem {
	var probs []kpi.Problem
	seen := map[string]bool{}
	hundred := decimal.NewFromInt(100)
	for i, g := range gs {
		col := fmt.Sprintf("guardrails[%d]", i)
		if seen[g.KPI] {
			probs = append(probs, kpi.Problem{Column: col + ".kpi", Value: g.KPI, Reason: "listed twice"})
		}
		seen[g.KPI] = true
		if g.KPI != "" && defs != nil && defs.KPI(g.KPI) == nil {
			probs = append(probs, kpi.Problem{Column: col + ".kpi", Value: g.KPI, Reason: "no such KPI"})
		}
		if g.MaxChange.IsNegative() || g.MaxChange.GreaterThan(hundred) {
			probs = append(probs, kpi.Problem{Column: col + ".max_change", Value: g.MaxChange.String(), Reason: "want 0 to 100 (%)"})
		}
		if g.Floor.IsNegative() || g.Floor.GreaterThan(hundred) {
			probs = append(probs, kpi.Problem{Column: col + ".floor", Value: g.Floor.String(), Reason: "want 0 to 100 (%)"})
		}
		for _, w := range []struct {
			field string
			v     *decimal.Decimal
		}{{"min_weight", g.MinWeight}, {"max_weight", g.MaxWeight}} {
			if w.v != nil && (w.v.IsNegative() || w.v.GreaterThan(hundred)) {
				probs = append(probs, kpi.Problem{Column: col + "." + w.field, Value: w.v.String(), Reason: "want 0 to 100 (%)"})
			}
		}
		if g.MinWeight != nil && g.MaxWeight != nil && g.MinWeight.GreaterThan(*g.MaxWeight) {
			probs = append(probs, kpi.Problem{Column: col + ".min_weight", Value: g.MinWeight.String(), Reason: fmt.Sprintf("more than max_weight %s", g.MaxWeight)})
		}
		if g.KPI == "" && (g.Mandatory || g.MinWeight != nil || g.MaxWeight != nil) {
			probs = append(probs, kpi.Problem{Column: col + ".kpi", Value: "", Reason: "mandatory and a weight range belong to one KPI; name it"})
		}
	}
	return probs
}

func (p *Positions) objective(i int) *yaml.Node {
	if p == nil || i < 0 || i >= len(p.objectives) {
		return nil
	}
	return p.objectives[i]
}
