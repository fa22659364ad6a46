// Package bonus turns KPI results into money: bonus plans (base, coefficient
// scales and payout curves, commissions, gates, caps, floors, clawbacks,
// draws, proration) evaluated as pure functions into a kpi.Evaluation that
// explains every number: one section of a kpi.Statement. It reads nothing
// and stores nothing: the CLI, the API and package payroll hand it a Plan
// and the kpi.BonusInputs of one employee and period. The plan language is
// described in docs/bonus.md.
package bonus

import (
	"fmt"
	"slices"
	"strings"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// Component kinds.
const (
	KindBonus      = "bonus"      // a target bonus (fixed or % of salary) × a coefficient
	KindCommission = "commission" // a rate on a KPI's value, flat or tiered
	KindGate       = "gate"       // no pay (of some parts) unless a KPI reaches a threshold
)

// Tier conventions of a commission.
const (
	Marginal    = "marginal"    // each slice of the value at its own tier's rate
	Retroactive = "retroactive" // the reached tier's rate on the whole value
)

// Rounding scopes and modes.
const (
	PerLine      = "line"      // every computed money line is rounded; sums of rounded lines
	PerStatement = "statement" // exact arithmetic throughout; the payout and balances rounded once
	HalfUp       = "half_up"   // 0.005 → 0.01 (away from zero)
	HalfEven     = "half_even" // 0.005 → 0.00, 0.015 → 0.02 (banker's)
)

// Clawback methods.
const (
	ClawFull     = "full"     // recover what was paid on the record
	ClawProrated = "prorated" // recover the share of the window the customer did not stay
)

// Plan is a bonus plan: how one employee's KPI results for one period become
// a payout. The zero values of optional parts mean "not in this plan".
type Plan struct {
	Name       string       `yaml:"name" json:"name"`
	Currency   string       `yaml:"currency,omitempty" json:"currency,omitempty"` // "": amounts are in each employee's currency
	Rounding   Rounding     `yaml:"rounding,omitempty" json:"rounding"`
	Score      *ScoreRule   `yaml:"score,omitempty" json:"score,omitempty"`
	Components []*Component `yaml:"components" json:"components"`
	Limits     Limits       `yaml:"limits,omitempty" json:"limits"`
	Clawback   *Clawback    `yaml:"clawback,omitempty" json:"clawback,omitempty"`
	Draw       *Draw        `yaml:"draw,omitempty" json:"draw,omitempty"`
}

// Rounding is the plan's rounding rule. Defaults: per line, half up, at the
// currency's minor unit (2 places, 0 for JPY and KRW, 3 for BHD, JOD, KWD,
// OMR and TND).
type Rounding struct {
	Scope  string `yaml:"scope,omitempty" json:"scope,omitempty"`
	Mode   string `yaml:"mode,omitempty" json:"mode,omitempty"`
	Places *int32 `yaml:"places,omitempty" json:"places,omitempty"`
}

// ScoreRule computes the weighted score from per-KPI attainment. Without it
// the score comes from Inputs.Score (the scorecard engine).
type ScoreRule struct {
	KPIs []Weight `yaml:"kpis" json:"kpis"`
}

// Weight is one KPI's share of the score. Cap bounds its attainment (in %).
type Weight struct {
	KPI    string           `yaml:"kpi" json:"kpi"`
	Weight decimal.Decimal  `yaml:"weight" json:"weight"`
	Cap    *decimal.Decimal `yaml:"cap,omitempty" json:"cap,omitempty"`
}

// Component is one part of a plan. Which fields apply depends on Kind.
type Component struct {
	ID    string `yaml:"id" json:"id"`
	Kind  string `yaml:"kind" json:"kind"`
	Label string `yaml:"label,omitempty" json:"label,omitempty"`

	// bonus: Target or SalaryPercent (of Inputs.Salary), times Coefficient.
	Target        *decimal.Decimal `yaml:"target,omitempty" json:"target,omitempty"`
	SalaryPercent *decimal.Decimal `yaml:"salary_percent,omitempty" json:"salary_percent,omitempty"`
	Coefficient   *Coefficient     `yaml:"coefficient,omitempty" json:"coefficient,omitempty"`

	// commission: a rate (in %) on KPI's actual, flat (Rate) or tiered.
	// gate: the KPI checked (or "score").
	KPI    string           `yaml:"kpi,omitempty" json:"kpi,omitempty"`
	Method string           `yaml:"method,omitempty" json:"method,omitempty"` // marginal (default) or retroactive
	Basis  string           `yaml:"basis,omitempty" json:"basis,omitempty"`   // value (default) or attainment: tier bounds in % of the KPI's target
	Rate   *decimal.Decimal `yaml:"rate,omitempty" json:"rate,omitempty"`
	Tiers  []Tier           `yaml:"tiers,omitempty" json:"tiers,omitempty"`

	// gate: thresholds; AppliesTo lists the component ids it blocks (all when empty).
	MinAttainment *decimal.Decimal `yaml:"min_attainment,omitempty" json:"min_attainment,omitempty"`
	MinActual     *decimal.Decimal `yaml:"min_actual,omitempty" json:"min_actual,omitempty"`
	MaxActual     *decimal.Decimal `yaml:"max_actual,omitempty" json:"max_actual,omitempty"`
	AppliesTo     []string         `yaml:"applies_to,omitempty" json:"applies_to,omitempty"`

	// bonus and commission: bounds of the part, and whether it is prorated
	// for a partial period (default: bonus yes, commission no).
	Cap     *decimal.Decimal `yaml:"cap,omitempty" json:"cap,omitempty"`
	Floor   *decimal.Decimal `yaml:"floor,omitempty" json:"floor,omitempty"`
	Prorate *bool            `yaml:"prorate,omitempty" json:"prorate,omitempty"`
}

// Coefficient maps an attainment in % (the score, or one KPI's attainment)
// to a factor on the target bonus, by a Scale table or a Curve of points.
type Coefficient struct {
	Of    string           `yaml:"of,omitempty" json:"of,omitempty"` // "score" (default) or a KPI name
	Scale []ScaleRow       `yaml:"scale,omitempty" json:"scale,omitempty"`
	Curve *Curve           `yaml:"curve,omitempty" json:"curve,omitempty"`
	Max   *decimal.Decimal `yaml:"max,omitempty" json:"max,omitempty"`
}

// ScaleRow is one row [From, To) of a scale table. Its coefficient at an
// attainment a is Coefficient, or rises linearly to ToCoefficient at To, or
// grows by Slope × (a − From) / 100 (an accelerator when Slope > 1, a
// decelerator when Slope < 1). No From: from −∞; no To: to +∞. Below the
// first row the coefficient is 0; above a closed last row it stays at the
// row's value at To.
type ScaleRow struct {
	From          *decimal.Decimal `yaml:"from,omitempty" json:"from,omitempty"`
	To            *decimal.Decimal `yaml:"to,omitempty" json:"to,omitempty"`
	Coefficient   decimal.Decimal  `yaml:"coefficient" json:"coefficient"`
	ToCoefficient *decimal.Decimal `yaml:"to_coefficient,omitempty" json:"to_coefficient,omitempty"`
	Slope         *decimal.Decimal `yaml:"slope,omitempty" json:"slope,omitempty"`
}

// Curve is a payout curve: points (attainment %, coefficient) joined by
// straight lines. Below the first point the coefficient is Below; after the
// last it grows by AboveSlope × (a − last) / 100 (0: flat).
type Curve struct {
	Points     [][]decimal.Decimal `yaml:"points" json:"points"`
	Below      decimal.Decimal     `yaml:"below,omitempty" json:"below"`
	AboveSlope decimal.Decimal     `yaml:"above_slope,omitempty" json:"above_slope"`
}

// Tier is one commission tier [From, To) with its Rate in %. A value equal
// to To belongs to the next tier. The last tier has no To.
type Tier struct {
	From decimal.Decimal  `yaml:"from" json:"from"`
	To   *decimal.Decimal `yaml:"to,omitempty" json:"to,omitempty"`
	Rate decimal.Decimal  `yaml:"rate" json:"rate"`
}

// Limits bound the earnings of a period: Floor first, then PeriodCap, then
// YearCap less Inputs.YTDPaid.
type Limits struct {
	PeriodCap *decimal.Decimal `yaml:"period_cap,omitempty" json:"period_cap,omitempty"`
	YearCap   *decimal.Decimal `yaml:"year_cap,omitempty" json:"year_cap,omitempty"`
	Floor     *decimal.Decimal `yaml:"floor,omitempty" json:"floor,omitempty"`
}

// Clawback says how much of the pay on a reversed record is recovered.
// WindowDays: a reversal after the customer stayed that many days recovers
// nothing; prorated recovers Paid × (WindowDays − days stayed) / WindowDays.
type Clawback struct {
	Method     string `yaml:"method" json:"method"`
	WindowDays int    `yaml:"window_days,omitempty" json:"window_days,omitempty"`
}

// Draw is an advance paid when earnings fall short of Amount. A recoverable
// draw is a loan repaid from earnings above the draw in later periods; a
// non-recoverable one is a guarantee.
type Draw struct {
	Amount      decimal.Decimal `yaml:"amount" json:"amount"`
	Recoverable bool            `yaml:"recoverable" json:"recoverable"`
}

// Component returns the component with id, or nil.
func (p *Plan) Component(id string) *Component {
	for _, c := range p.Components {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// places returns the decimal places money is rounded to.
func (r Rounding) places(currency string) int32 {
	if r.Places != nil {
		return *r.Places
	}
	return MinorUnit(currency)
}

// MinorUnit returns the decimal places of a currency's minor unit (ISO 4217
// for the common exceptions; 2 otherwise).
func MinorUnit(currency string) int32 {
	switch strings.ToUpper(currency) {
	case "JPY", "KRW", "VND", "CLP", "ISK", "UGX":
		return 0
	case "BHD", "JOD", "KWD", "OMR", "TND", "IQD", "LYD":
		return 3
	}
	return 2
}

func (r Rounding) scope() string {
	if r.Scope == "" {
		return PerLine
	}
	return r.Scope
}

func (r Rounding) mode() string {
	if r.Mode == "" {
		return HalfUp
	}
	return r.Mode
}

// round rounds d to places by the mode.
func (r Rounding) round(d decimal.Decimal, places int32) decimal.Decimal {
	if r.mode() == HalfEven {
		return d.RoundBank(places)
	}
	return d.Round(places)
}

// describe says the rule in words: "per line, half up, 2 places".
func (r Rounding) describe(places int32) string {
	scope := "each computed money line rounded"
	if r.scope() == PerStatement {
		scope = "exact until the payout, which is rounded once"
	}
	return fmt.Sprintf("%s, %s, %d places (%s)", r.scope(), strings.ReplaceAll(r.mode(), "_", "-"), places, scope)
}

// path is a place in a plan or inputs file, like components[1].tiers[0].to.
type path string

func (p path) field(name string) path {
	if p == "" {
		return path(name)
	}
	return path(string(p) + "." + name)
}

func (p path) index(i int) path { return path(fmt.Sprintf("%s[%d]", p, i)) }

// checker collects problems, with lines when the file's positions are known.
type checker struct {
	file  string
	pos   lines
	probs []kpi.Problem
}

func (c *checker) addf(at path, format string, args ...any) {
	c.probs = append(c.probs, kpi.Problem{File: c.file, Line: c.pos.line(at), Column: string(at), Reason: fmt.Sprintf(format, args...)})
}

func (c *checker) err(what string) error {
	if len(c.probs) == 0 {
		return nil
	}
	name := c.file
	if name == "" {
		name = what
	}
	n := "1 problem"
	if len(c.probs) != 1 {
		n = fmt.Sprintf("%d problems", len(c.probs))
	}
	return &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("Invalid %s: %s.", name, n), Details: c.probs}
}

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
		default:
			c.addf("clawback.method", "unknown clawback method %q: want full or prorated", cb.Method)
		}
		if cb.WindowDays < 0 {
			c.addf("clawback.window_days", "window_days must not be negative")
		}
	}
	if d := p.Draw; d != nil && !d.Amount.IsPositive() {
		c.addf("draw.amount", "a draw amount must be above 0")
	}
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
		notFor(c, at, comp, "target", "salary_percent", "coefficient", "cap", "floor", "prorate")
		if (comp.Target == nil) == (comp.SalaryPercent == nil) {
			c.addf(at, "a bonus needs target or salary_percent, not both")
		}
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
		notFor(c, at, comp, "kpi", "method", "basis", "rate", "tiers", "cap", "floor", "prorate")
		if comp.KPI == "" {
			c.addf(at.field("kpi"), "a commission needs the kpi whose value it pays on")
		}
		switch comp.Method {
		case "", Marginal, Retroactive:
		default:
			c.addf(at.field("method"), "unknown method %q: want marginal or retroactive", comp.Method)
		}
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
		notFor(c, at, comp, "kpi", "min_attainment", "min_actual", "max_actual", "applies_to")
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
		if t.To != nil && i == len(tiers)-1 {
			c.addf(tat.field("to"), "the last tier must be open (no to): values above it would not be paid; use a cap")
		}
		if t.Rate.IsNegative() {
			c.addf(tat.field("rate"), "rate must not be negative")
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
}
