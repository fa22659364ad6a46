package bonus

import (
	"fmt"
	"slices"

	"attain/calc/formula"
	"attain/kpi"
)

// KPIs returns the KPIs the plan reads, in the order it names them: score
// weights, coefficients of a KPI, commissions, gates, multipliers and the
// projection ("score" is not a KPI and is left out).
func (p *Plan) KPIs() []string {
	var out []string
	add := func(name string) {
		if name != "" && name != "score" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if p.Score != nil {
		for _, w := range p.Score.KPIs {
			add(w.KPI)
		}
	}
	for _, c := range p.Components {
		if c == nil {
			continue
		}
		if c.Coefficient != nil {
			add(c.Coefficient.Of)
		}
		add(c.KPI)
		for _, m := range c.Multipliers {
			add(m.KPI)
		}
	}
	if p.Projection != nil {
		add(p.Projection.KPI)
	}
	return out
}

// RecordKPIs returns the KPIs whose credited records the plan reads: those
// of commissions per record or on a running total.
func (p *Plan) RecordKPIs() []string {
	var out []string
	for _, c := range p.Commissions() {
		if (c.Per == PerRecord || c.Method == Running) && !slices.Contains(out, c.KPI) {
			out = append(out, c.KPI)
		}
	}
	return out
}

// RunningYear returns the KPIs whose value earlier in the year the plan
// reads (running totals over the year).
func (p *Plan) RunningYear() []string {
	var out []string
	for _, c := range p.Commissions() {
		if c.Method == Running && c.Cumulative == ToDateYear && !slices.Contains(out, c.KPI) {
			out = append(out, c.KPI)
		}
	}
	return out
}

// Conditions returns the conditions on record fields the plan's parts
// about kpi state (rates and multipliers), for checking them against the
// KPI's dataset and for reading only the fields they need.
func (p *Plan) Conditions(kpiName string) []string {
	var out []string
	for _, c := range p.Commissions() {
		if c.KPI != kpiName {
			continue
		}
		for _, r := range c.Rates {
			out = append(out, r.When)
		}
		for _, m := range c.Multipliers {
			if m.When != "" {
				out = append(out, m.When)
			}
		}
	}
	return out
}

// NeedsScore reports whether the plan reads the weighted score without
// weighting KPIs itself: the score must then come with the inputs (from
// the scorecard).
func (p *Plan) NeedsScore() bool {
	if p.Score != nil {
		return false
	}
	for _, c := range p.Components {
		if c == nil {
			continue
		}
		if c.Coefficient != nil && (c.Coefficient.Of == "" || c.Coefficient.Of == "score") {
			return true
		}
		if c.Kind == KindGate && c.KPI == "score" {
			return true
		}
		for _, m := range c.Multipliers {
			if m.KPI == "score" {
				return true
			}
		}
	}
	return false
}

// Commissions returns the commission components.
func (p *Plan) Commissions() []*Component {
	var out []*Component
	for _, c := range p.Components {
		if c != nil && c.Kind == KindCommission {
			out = append(out, c)
		}
	}
	return out
}

// CheckData checks what a plan reads of a workspace's records against its
// definitions: the KPIs of per-record and running parts and of the
// projection are measures over a dataset, the conditions on record fields
// compile against that dataset's columns, and so do the projection's open
// filter, value and stage, and the clawback's contract field. Each problem
// names its place in the plan (Column: components[0].rates[1].when) and,
// for an expression, the line and column inside it.
func CheckData(p *Plan, defs *kpi.Definitions) []kpi.Problem {
	var probs []kpi.Problem
	addf := func(at path, value, format string, args ...any) {
		probs = append(probs, kpi.Problem{Column: string(at), Value: value, Reason: fmt.Sprintf(format, args...)})
	}
	dataset := func(at path, name string) *kpi.Dataset {
		k := defs.KPI(name)
		if k == nil {
			return nil // reported as an undefined KPI
		}
		if k.IsFormula() {
			addf(at, name, "KPI %s is a formula, with no records of its own: rules on records need a measure", name)
			return nil
		}
		return defs.Dataset(k.Dataset)
	}
	for i, c := range p.Components {
		if c == nil || c.Kind != KindCommission || (c.Per != PerRecord && c.Method != Running) {
			continue
		}
		at := path("components").index(i)
		ds := dataset(at.field("kpi"), c.KPI)
		if ds == nil {
			continue
		}
		for j, r := range c.Rates {
			if _, err := formula.CompileFilter(ds, r.When); err != nil {
				addf(at.field("rates").index(j).field("when"), r.When, "on the records of %s (dataset %s): %v", c.KPI, ds.Name, err)
			}
		}
		for j, m := range c.Multipliers {
			if m.When == "" {
				continue
			}
			if _, err := formula.CompileFilter(ds, m.When); err != nil {
				addf(at.field("multipliers").index(j).field("when"), m.When, "on the records of %s (dataset %s): %v", c.KPI, ds.Name, err)
			}
		}
	}
	if pj := p.Projection; pj != nil && (pj.Open != "" || pj.Value != "" || pj.Stage != "") {
		if ds := dataset("projection.kpi", pj.KPI); ds != nil {
			if pj.Open == "" || pj.Value == "" {
				addf("projection", "", "a workspace finds open deals by open (a filter on the records) and value (what a deal adds): give both")
			}
			if pj.Open != "" {
				if _, err := formula.CompileFilter(ds, pj.Open); err != nil {
					addf("projection.open", pj.Open, "on dataset %s: %v", ds.Name, err)
				}
			}
			if pj.Value != "" {
				if _, err := formula.CompileValue(ds, pj.Value); err != nil {
					addf("projection.value", pj.Value, "on dataset %s: %v", ds.Name, err)
				}
			}
			if pj.Stage != "" && ds.ColumnIndex(pj.Stage) < 0 {
				addf("projection.stage", pj.Stage, "dataset %s has no column %s", ds.Name, pj.Stage)
			}
		}
	}
	if cb := p.Clawback; cb != nil && cb.ContractField != "" {
		for _, c := range p.Commissions() {
			k := defs.KPI(c.KPI)
			if k == nil || k.IsFormula() {
				continue
			}
			if ds := defs.Dataset(k.Dataset); ds != nil && ds.ColumnIndex(cb.ContractField) < 0 {
				addf("clawback.contract_field", cb.ContractField, "dataset %s (of KPI %s) has no column %s", ds.Name, c.KPI, cb.ContractField)
			}
		}
	}
	return probs
}
