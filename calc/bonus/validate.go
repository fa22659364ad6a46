package bonus

import (
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

var hundred = decimal.NewFromInt(100)

// Validate checks a plan however it came (file or API); every problem is
// reported at once. file and pos, when known, locate them.
func (p *Plan) Validate() error { return validatePlan(p, "", nil) }

func validatePlan(p *Plan, file string, pos lines) error {
	c := &checker{file: file, pos: pos}
	if strings.TrimSpace(p.Name) == "" {
		c.addf("name", "a plan needs a name")
	}
	switch p.Rounding.scope() {
	case PerLine, PerStatement:
	default:
		c.addf("rounding.scope", "unknown rounding scope %q: want line or statement", p.Rounding.Scope)
	}
	switch p.Rounding.mode() {
	case HalfUp, HalfEven:
	default:
		c.addf("rounding.mode", "unknown rounding mode %q: want half_up or half_even", p.Rounding.Mode)
	}
	if pl := p.Rounding.Places; pl != nil && (*pl < 0 || *pl > 6) {
		c.addf("rounding.places", "places must be 0 to 6")
	}
	if p.Score != nil {
		at := path("score.kpis")
		if len(p.Score.KPIs) == 0 {
			c.addf(at, "a score needs at least one KPI with a weight")
		}
		sum := decimal.Zero
		seen := map[string]bool{}
		for i, w := range p.Score.KPIs {
			wat := at.index(i)
			if w.KPI == "" {
				c.addf(wat.field("kpi"), "a weight needs a kpi")
			} else if seen[w.KPI] {
				c.addf(wat.field("kpi"), "KPI %s is weighted twice", w.KPI)
			}
			seen[w.KPI] = true
			if !w.Weight.IsPositive() {
				c.addf(wat.field("weight"), "a weight must be above 0")
			}
			if w.Cap != nil && !w.Cap.IsPositive() {
				c.addf(wat.field("cap"), "an attainment cap must be above 0")
			}
			sum = sum.Add(w.Weight)
		}
		if len(p.Score.KPIs) > 0 && !sum.Equal(hundred) {
			c.addf(at, "weights sum to %s, want 100", sum)
		}
	}
	ids := map[string]bool{}
	for i, comp := range p.Components {
		at := path("components").index(i)
		if comp == nil {
			c.addf(at, "empty component")
			continue
		}
		if comp.ID == "" {
			c.addf(at.field("id"), "a component needs an id")
		} else if !identifier(comp.ID) {
			c.addf(at.field("id"), "id must be lower case letters, digits and _, starting with a letter")
		} else if ids[comp.ID] {
			c.addf(at.field("id"), "duplicate component id %q", comp.ID)
		}
		ids[comp.ID] = true
		validateComponent(c, at, comp)
	}
	for i, comp := range p.Components {
		if comp == nil || comp.Kind != KindGate {
			continue
		}
		for j, id := range comp.AppliesTo {
			if o := p.Component(id); o == nil || o.Kind == KindGate {
				c.addf(path("components").index(i).field("applies_to").index(j), "no bonus or commission component %q", id)
			}
		}
	}
	if len(p.Components) == 0 {
		c.addf("components", "a plan needs at least one component")
	}
	l := p.Limits
	for _, b := range []struct {
		name string
		v    *decimal.Decimal
	}{{"period_cap", l.PeriodCap}, {"year_cap", l.YearCap}, {"floor", l.Floor}} {
		if b.v != nil && b.v.IsNegative() {
			c.addf(path("limits").field(b.name), "%s must not be negative", b.name)
		}
	}
	if l.Floor != nil && l.PeriodCap != nil && l.Floor.GreaterThan(*l.PeriodCap) {
		c.addf("limits.floor", "floor %s is above the period cap %s", l.Floor, l.PeriodCap)
	}
	if cb := p.Clawback; cb != nil {
		switch cb.Method {
		case ClawFull:
		case ClawProrated:
			if cb.WindowDays <= 0 {
				c.addf("clawback.window_days", "a prorated clawback needs window_days above 0")
			}
		case ClawShare:
			if cb.Percent == nil || cb.Percent.IsNegative() || cb.Percent.GreaterThan(hundred) {
				c.addf("clawback.percent", "a share clawback needs percent, 0 to 100")
			}
		case ClawUnserved:
			if cb.ContractMonths < 0 {
				c.addf("clawback.contract_months", "contract_months must not be negative")
			}
		default:
			c.addf("clawback.method", "unknown clawback method %q: want full, prorated, share or unserved_months", cb.Method)
		}
		if cb.Percent != nil && cb.Method != ClawShare {
			c.addf("clawback.percent", "percent is used by a share clawback only")
		}
		if (cb.ContractMonths != 0 || cb.ContractField != "") && cb.Method != ClawUnserved {
			c.addf("clawback.contract_months", "contract_months and contract_field are used by an unserved_months clawback only")
		}
		if cb.WindowDays < 0 {
			c.addf("clawback.window_days", "window_days must not be negative")
		}
	}
	if d := p.Draw; d != nil && !d.Amount.IsPositive() {
		c.addf("draw.amount", "a draw amount must be above 0")
	}
	validatePlanRules(c, p)
	return c.err("plan")
}

func identifier(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// notFor reports fields set on a component of a kind that does not use them.
func notFor(c *checker, at path, comp *Component, allowed ...string) {
	set := map[string]bool{
		"target": comp.Target != nil, "salary_percent": comp.SalaryPercent != nil, "coefficient": comp.Coefficient != nil,
		"kpi": comp.KPI != "", "method": comp.Method != "", "basis": comp.Basis != "", "rate": comp.Rate != nil, "tiers": comp.Tiers != nil,
		"min_attainment": comp.MinAttainment != nil, "min_actual": comp.MinActual != nil, "max_actual": comp.MaxActual != nil, "applies_to": comp.AppliesTo != nil,
		"cap": comp.Cap != nil, "floor": comp.Floor != nil, "prorate": comp.Prorate != nil,
		"annual_target": comp.AnnualTarget != nil, "split": comp.Split != nil, "per": comp.Per != "", "rates": comp.Rates != nil,
		"cumulative": comp.Cumulative != "", "boundary": comp.Boundary != "", "pro_rata": comp.ProRata, "multipliers": comp.Multipliers != nil,
		"strict": comp.Strict,
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if set[n] && !slices.Contains(allowed, n) {
			c.addf(at.field(n), "%s is not used by a %s component", n, comp.Kind)
		}
	}
}

func validateComponent(c *checker, at path, comp *Component) {
	switch comp.Kind {
	case KindBonus:
		notFor(c, at, comp, "target", "salary_percent", "annual_target", "split", "coefficient", "cap", "floor", "prorate", "multipliers")
		n := 0
		for _, set := range []bool{comp.Target != nil, comp.SalaryPercent != nil, comp.AnnualTarget != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			c.addf(at, "a bonus needs one of target, salary_percent or annual_target")
		}
		if comp.AnnualTarget != nil && comp.AnnualTarget.IsNegative() {
			c.addf(at.field("annual_target"), "annual_target must not be negative")
		}
		if comp.Split != nil {
			if comp.AnnualTarget == nil {
				c.addf(at.field("split"), "split divides an annual_target")
			}
			validateSplit(c, at.field("split"), comp.Split)
		}
		validateMultipliers(c, at.field("multipliers"), comp, false)
		if comp.Target != nil && comp.Target.IsNegative() {
			c.addf(at.field("target"), "target must not be negative")
		}
		if comp.SalaryPercent != nil && comp.SalaryPercent.IsNegative() {
			c.addf(at.field("salary_percent"), "salary_percent must not be negative")
		}
		if co := comp.Coefficient; co != nil {
			validateCoefficient(c, at.field("coefficient"), co)
		}
	case KindCommission:
		notFor(c, at, comp, "kpi", "method", "basis", "rate", "tiers", "cap", "floor", "prorate",
			"per", "rates", "cumulative", "boundary", "pro_rata", "multipliers")
		if comp.KPI == "" {
			c.addf(at.field("kpi"), "a commission needs the kpi whose value it pays on")
		}
		switch comp.Method {
		case "", Marginal, Retroactive, Running:
		default:
			c.addf(at.field("method"), "unknown method %q: want marginal, retroactive or running", comp.Method)
		}
		validateCommissionRules(c, at, comp)
		switch comp.Basis {
		case "", "value", "attainment":
		default:
			c.addf(at.field("basis"), "unknown basis %q: want value or attainment", comp.Basis)
		}
		if (comp.Rate == nil) == (len(comp.Tiers) == 0) {
			c.addf(at, "a commission needs a rate or tiers, not both")
		}
		if comp.Rate != nil && comp.Rate.IsNegative() {
			c.addf(at.field("rate"), "rate must not be negative")
		}
		validateTiers(c, at.field("tiers"), comp.Tiers)
	case KindGate:
		notFor(c, at, comp, "kpi", "min_attainment", "min_actual", "max_actual", "applies_to", "strict")
		if comp.KPI == "" {
			c.addf(at.field("kpi"), "a gate needs the kpi it checks (or score)")
		}
		if comp.MinAttainment == nil && comp.MinActual == nil && comp.MaxActual == nil {
			c.addf(at, "a gate needs min_attainment, min_actual or max_actual")
		}
	case "":
		c.addf(at.field("kind"), "a component needs a kind: bonus, commission or gate")
	default:
		c.addf(at.field("kind"), "unknown component kind %q: want bonus, commission or gate", comp.Kind)
	}
	if comp.Cap != nil && comp.Floor != nil && comp.Floor.GreaterThan(*comp.Cap) {
		c.addf(at.field("floor"), "floor %s is above the cap %s", comp.Floor, comp.Cap)
	}
}

func validateTiers(c *checker, at path, tiers []Tier) {
	amounts := len(tiers) > 0 && tiers[0].Amount != nil
	for i, t := range tiers {
		tat := at.index(i)
		if i == 0 && !t.From.IsZero() {
			c.addf(tat.field("from"), "the first tier must start at 0")
		}
		if i > 0 {
			prev := tiers[i-1]
			if prev.To != nil && !t.From.Equal(*prev.To) {
				c.addf(tat.field("from"), "tiers must be ascending and contiguous: from %s, want %s (the previous tier's to)", t.From, prev.To)
			}
		}
		if t.To != nil && !t.To.GreaterThan(t.From) {
			c.addf(tat.field("to"), "tiers must be ascending: to %s is not above from %s", t.To, t.From)
		}
		if t.To == nil && i < len(tiers)-1 {
			c.addf(tat.field("to"), "only the last tier may be open (no to)")
		}
		if (t.Rate == nil) == (t.Amount == nil) {
			c.addf(tat, "a tier has a rate or an amount, not both")
		} else if (t.Amount != nil) != amounts {
			c.addf(tat, "the tiers of a table all have rates or all have amounts")
		}
		if t.Rate != nil && t.Rate.IsNegative() {
			c.addf(tat.field("rate"), "rate must not be negative")
		}
		if t.Amount != nil && t.Amount.IsNegative() {
			c.addf(tat.field("amount"), "amount must not be negative")
		}
	}
}

func validateCoefficient(c *checker, at path, co *Coefficient) {
	if (len(co.Scale) == 0) == (co.Curve == nil) {
		c.addf(at, "a coefficient needs a scale or a curve, not both")
	}
	for i, r := range co.Scale {
		rat := at.field("scale").index(i)
		if r.From == nil && i > 0 {
			c.addf(rat.field("from"), "only the first row may leave out from")
		}
		if r.To == nil && i < len(co.Scale)-1 {
			c.addf(rat.field("to"), "only the last row may leave out to")
		}
		if r.From != nil && r.To != nil && !r.To.GreaterThan(*r.From) {
			c.addf(rat.field("to"), "rows must be ascending: to %s is not above from %s", r.To, r.From)
		}
		if i > 0 {
			prev := co.Scale[i-1]
			if prev.To != nil && r.From != nil && !r.From.Equal(*prev.To) {
				c.addf(rat.field("from"), "rows must be ascending and contiguous: from %s, want %s (the previous row's to)", r.From, prev.To)
			}
		}
		if r.ToCoefficient != nil && r.Slope != nil {
			c.addf(rat, "a row has to_coefficient or slope, not both")
		}
		if r.ToCoefficient != nil && (r.From == nil || r.To == nil) {
			c.addf(rat.field("to_coefficient"), "to_coefficient needs both from and to")
		}
		if r.Slope != nil && r.From == nil {
			c.addf(rat.field("slope"), "slope needs from")
		}
	}
	if cv := co.Curve; cv != nil {
		if len(cv.Points) < 2 {
			c.addf(at.field("curve.points"), "a curve needs at least 2 points")
		}
		for i, pt := range cv.Points {
			pat := at.field("curve.points").index(i)
			if len(pt) != 2 {
				c.addf(pat, "a point is [attainment, coefficient]")
				continue
			}
			if i > 0 && len(cv.Points[i-1]) == 2 && !pt[0].GreaterThan(cv.Points[i-1][0]) {
				c.addf(pat, "points must be ascending: %s is not above %s", pt[0], cv.Points[i-1][0])
			}
		}
	}
	if co.Max != nil && co.Max.IsNegative() {
		c.addf(at.field("max"), "max must not be negative")
	}
	validateBoundary(c, at.field("boundary"), co.Boundary)
	if co.Boundary != "" && len(co.Scale) == 0 {
		c.addf(at.field("boundary"), "boundary is for the rows of a scale")
	}
}

func validateBoundary(c *checker, at path, b string) {
	switch b {
	case "", BoundaryUpper, BoundaryLower:
	default:
		c.addf(at, "unknown boundary %q: want upper (a value on a boundary is in the upper tier) or lower", b)
	}
}

// validateSplit checks the weights an annual target is split by: 4
// (quarters) or 12 (months), none negative, summing to 100.
func validateSplit(c *checker, at path, w []decimal.Decimal) {
	if len(w) != 4 && len(w) != 12 {
		c.addf(at, "split has %d weights: want 4 (quarters) or 12 (months)", len(w))
		return
	}
	sum := decimal.Zero
	for i, x := range w {
		if x.IsNegative() {
			c.addf(at.index(i), "a weight must not be negative")
		}
		sum = sum.Add(x)
	}
	if !sum.Equal(hundred) {
		c.addf(at, "split weights sum to %s, want 100", sum)
	}
}

// validateCommissionRules checks what a commission pays on (per, method,
// cumulative), its record rates, boundary, amount tables and multipliers.
func validateCommissionRules(c *checker, at path, comp *Component) {
	switch comp.Per {
	case "", PerPeriod, PerRecord:
	default:
		c.addf(at.field("per"), "unknown per %q: want period or record", comp.Per)
	}
	perRecord := comp.Per == PerRecord
	amounts := len(comp.Tiers) > 0 && comp.Tiers[0].Amount != nil
	if comp.Method == Running {
		if len(comp.Tiers) == 0 {
			c.addf(at.field("method"), "running tiers need tiers")
		}
		if perRecord {
			c.addf(at.field("method"), "running tiers follow the running total of the records, per: record tiers each record on its own value: choose one")
		}
		if amounts {
			c.addf(at.field("method"), "running tiers pay rates on slices of the running total, not amounts")
		}
	}
	switch comp.Cumulative {
	case "", PerPeriod, ToDateYear:
		if comp.Cumulative != "" && comp.Method != Running {
			c.addf(at.field("cumulative"), "cumulative is for running tiers (method: running)")
		}
	default:
		c.addf(at.field("cumulative"), "unknown cumulative %q: want period or year", comp.Cumulative)
	}
	if perRecord && comp.Basis == "attainment" {
		c.addf(at.field("basis"), "per-record tiers are in value: a record has no target")
	}
	for i, r := range comp.Rates {
		rat := at.field("rates").index(i)
		if !perRecord {
			c.addf(rat, "rates by a record's fields need per: record")
		}
		if strings.TrimSpace(r.When) == "" {
			c.addf(rat.field("when"), "a rate needs when: a condition on the record's fields")
		}
		if (r.Rate == nil) == (r.Amount == nil) {
			c.addf(rat, "a record rate has a rate or an amount, not both")
		}
		if r.Rate != nil && r.Rate.IsNegative() {
			c.addf(rat.field("rate"), "rate must not be negative")
		}
		if r.Amount != nil && r.Amount.IsNegative() {
			c.addf(rat.field("amount"), "amount must not be negative")
		}
	}
	validateBoundary(c, at.field("boundary"), comp.Boundary)
	if comp.ProRata && !amounts {
		c.addf(at.field("pro_rata"), "pro_rata is for tiers with amounts")
	}
	validateMultipliers(c, at.field("multipliers"), comp, perRecord || comp.Method == Running)
}

// validateMultipliers checks a part's multipliers; records says whether
// the part pays per record (so a condition on a record's fields applies).
func validateMultipliers(c *checker, at path, comp *Component, records bool) {
	for i, m := range comp.Multipliers {
		mat := at.index(i)
		if m.Factor.IsNegative() {
			c.addf(mat.field("factor"), "factor must not be negative")
		}
		thresholds := m.MinAttainment != nil || m.MinActual != nil || m.MaxActual != nil
		switch {
		case m.When != "" && (m.KPI != "" || thresholds):
			c.addf(mat, "a multiplier's condition is when (a record's fields) or a kpi threshold, not both")
		case m.When != "":
			if !records {
				c.addf(mat.field("when"), "when reads a record's fields: it needs per: record or method: running")
			}
		case m.KPI == "":
			c.addf(mat, "a multiplier needs a condition: when (a record's fields), or kpi (or score) with min_attainment, min_actual or max_actual")
		case !thresholds:
			c.addf(mat, "a multiplier on %s needs min_attainment, min_actual or max_actual", m.KPI)
		case m.KPI == "score" && (m.MinActual != nil || m.MaxActual != nil):
			c.addf(mat, "a multiplier on the score takes min_attainment")
		}
	}
}

// validatePlanRules checks the plan-wide rules: proration, true-up, ramp,
// exchange rates and projection.
func validatePlanRules(c *checker, p *Plan) {
	if pr := p.Proration; pr != nil {
		switch pr.Convention {
		case "", WorkingDays, CalendarDays, Days365, WholeMonths:
		default:
			c.addf("proration.convention", "unknown convention %q: want working_days, calendar_days, days_365 or months", pr.Convention)
		}
	}
	if t := p.TrueUp; t != nil {
		switch t.ToDate {
		case ToDateYear, ToDateQuarter:
		default:
			c.addf("true_up.to_date", "to_date %q: want year or quarter", t.ToDate)
		}
		switch t.Negative {
		case "", NegativeCarry, NegativeRecover:
		default:
			c.addf("true_up.negative", "unknown negative %q: want carry or clawback", t.Negative)
		}
	}
	if r := p.Ramp; r != nil {
		if len(r.Months) == 0 {
			c.addf("ramp.months", "a ramp needs months")
		}
		if r.Base != nil && r.Base.IsNegative() {
			c.addf("ramp.base", "base must not be negative")
		}
		for i, m := range r.Months {
			at := path("ramp.months").index(i)
			if m.Month < 1 {
				c.addf(at.field("month"), "month must be 1 or more (1: the month of the hire date)")
			} else if i > 0 && m.Month <= r.Months[i-1].Month {
				c.addf(at.field("month"), "months must be ascending: %d after %d", m.Month, r.Months[i-1].Month)
			}
			if m.Guarantee == nil && m.Draw == nil && m.Rate == nil && m.Target == nil {
				c.addf(at, "a ramp month needs guarantee, draw, rate or target")
			}
			for _, v := range []struct {
				name string
				d    *decimal.Decimal
			}{{"guarantee", m.Guarantee}, {"draw", m.Draw}, {"rate", m.Rate}, {"target", m.Target}} {
				if v.d != nil && v.d.IsNegative() {
					c.addf(at.field(v.name), "%s must not be negative", v.name)
				}
			}
			if m.Target != nil && m.Target.IsZero() {
				c.addf(at.field("target"), "a target of 0 %% leaves no attainment")
			}
		}
	}
	if fx := p.FX; fx != nil {
		if p.Currency == "" {
			c.addf("fx", "exchange rates need the plan's currency")
		}
		switch fx.AsOf {
		case "", "end", "start":
		default:
			c.addf("fx.as_of", "as_of %q: want end or start (of the period)", fx.AsOf)
		}
		seen := map[string]bool{}
		for i, r := range fx.Rates {
			at := path("fx.rates").index(i)
			if len(r.Currency) != 3 {
				c.addf(at.field("currency"), "currency %q: want an ISO 4217 code like USD", r.Currency)
			} else if strings.EqualFold(r.Currency, p.Currency) {
				c.addf(at.field("currency"), "a rate of the plan's own currency")
			}
			if !r.Rate.IsPositive() {
				c.addf(at.field("rate"), "a rate must be above 0")
			}
			if r.Date == 0 {
				c.addf(at.field("date"), "a rate needs the date it is of")
			}
			k := strings.ToUpper(r.Currency) + r.Date.String()
			if seen[k] {
				c.addf(at, "two rates of %s on %s", r.Currency, r.Date)
			}
			seen[k] = true
		}
	}
	if pj := p.Projection; pj != nil {
		if pj.KPI == "" {
			c.addf("projection.kpi", "a projection needs the kpi open deals add to")
		}
		switch pj.Weighting {
		case "", WeightByStage, WeightAll:
		default:
			c.addf("projection.weighting", "unknown weighting %q: want stage or all", pj.Weighting)
		}
		stages := make([]string, 0, len(pj.Stages))
		for st := range pj.Stages {
			stages = append(stages, st)
		}
		slices.Sort(stages)
		for _, st := range stages {
			if v := pj.Stages[st]; v.IsNegative() || v.GreaterThan(hundred) {
				c.addf(path("projection.stages").field(st), "a probability is 0 to 100 (%%)")
			}
		}
	}
}
