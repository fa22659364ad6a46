package bonus

import "slices"

// KPIs returns the KPIs the plan reads, in the order it names them: score
// weights, coefficients of a KPI, commissions and gates ("score" is not a
// KPI and is left out).
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
