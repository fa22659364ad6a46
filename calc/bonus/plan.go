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
	Running     = "running"     // records in date order, each at the tier the running total reaches with it
)

// What a commission pays on.
const (
	PerPeriod = "period" // the KPI's actual for the period
	PerRecord = "record" // each credited record on its own value
)

// Where a value on a tier boundary belongs.
const (
	BoundaryUpper = "upper" // [from, to): a value equal to to is in the next tier (the default)
	BoundaryLower = "lower" // (from, to]: a value equal to to is in this tier
)

// Proration conventions: how the active share of a period is counted.
const (
	WorkingDays  = "working_days"  // active working days / working days of the period
	CalendarDays = "calendar_days" // active calendar days / calendar days of the period
	Days365      = "days_365"      // active calendar days / 365, of an amount per year
	WholeMonths  = "months"        // whole calendar months active / months of the period
)

// True-up windows and what a negative true-up does.
const (
	ToDateYear      = "year"
	ToDateQuarter   = "quarter"
	NegativeCarry   = "carry"    // nothing paid; the next periods' entitlement makes it up
	NegativeRecover = "clawback" // recovered like a clawback, the rest carried out
)

// Projection weightings.
const (
	WeightByStage = "stage" // each open deal at its value × its stage's probability
	WeightAll     = "all"   // every open deal at its full value
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
	ClawFull     = "full"            // recover what was paid on the record
	ClawProrated = "prorated"        // recover the share of the window the customer did not stay
	ClawShare    = "share"           // recover a fixed share (percent) of what was paid
	ClawUnserved = "unserved_months" // recover the share of the contract's months not served
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

	Proration  *Proration      `yaml:"proration,omitempty" json:"proration,omitempty"`
	TrueUp     *TrueUpRule     `yaml:"true_up,omitempty" json:"true_up,omitempty"`
	Ramp       *Ramp           `yaml:"ramp,omitempty" json:"ramp,omitempty"`
	FX         *FXTable        `yaml:"fx,omitempty" json:"fx,omitempty"`
	Projection *ProjectionRule `yaml:"projection,omitempty" json:"projection,omitempty"`
}

// Proration chooses how the active share of a partial period is counted
// (Convention, default working days) and whether KPI targets are cut to
// the active share too (Targets).
type Proration struct {
	Convention string `yaml:"convention,omitempty" json:"convention,omitempty"`
	Targets    bool   `yaml:"targets,omitempty" json:"targets,omitempty"`
}

// TrueUpRule makes the plan pay cumulatively: the entitlement of the
// window to date (ToDate: year or quarter) less what the window's earlier
// periods recognized. Negative says what a negative true-up does: carry
// (default) or clawback.
type TrueUpRule struct {
	ToDate   string `yaml:"to_date" json:"to_date"`
	Negative string `yaml:"negative,omitempty" json:"negative,omitempty"`
}

// Ramp is a schedule by months since hire. Base is what 100 % of a
// guarantee or a draw is (left out: the period's target bonuses).
type Ramp struct {
	Base   *decimal.Decimal `yaml:"base,omitempty" json:"base,omitempty"`
	Months []RampMonth      `yaml:"months" json:"months"`
}

// RampMonth is one month of tenure (1: the month of the hire date).
// Guarantee: the payout is at least that % of the base, never recovered.
// Draw: a recoverable draw of that % of the base (instead of the plan's).
// Rate: commissions are paid at that % of their rates. Target: KPI targets
// are that % of the full ones.
type RampMonth struct {
	Month     int              `yaml:"month" json:"month"`
	Guarantee *decimal.Decimal `yaml:"guarantee,omitempty" json:"guarantee,omitempty"`
	Draw      *decimal.Decimal `yaml:"draw,omitempty" json:"draw,omitempty"`
	Rate      *decimal.Decimal `yaml:"rate,omitempty" json:"rate,omitempty"`
	Target    *decimal.Decimal `yaml:"target,omitempty" json:"target,omitempty"`
}

// FXTable holds the rates a plan in one currency pays payees in others:
// each Rate units of Currency for one unit of the plan's currency, as of
// Date. A period takes the latest rate dated on or before its end (AsOf
// "end", the default) or its start (AsOf "start").
type FXTable struct {
	AsOf  string       `yaml:"as_of,omitempty" json:"as_of,omitempty"`
	Rates []StatedRate `yaml:"rates" json:"rates"`
}

// StatedRate is one stated exchange rate.
type StatedRate struct {
	Currency string          `yaml:"currency" json:"currency"`
	Date     kpi.Date        `yaml:"date" json:"date"`
	Rate     decimal.Decimal `yaml:"rate" json:"rate"`
}

// ProjectionRule says how open deals become projected earnings: they add to
// KPI (and to per-record commissions on it), each at its value × its
// stage's probability (Stages, in %; a deal's own probability comes
// first) or all at full value (Weighting "all"). Open, Value and Stage
// tell a workspace which records of the KPI's dataset are open deals: a
// filter, a value expression and the stage column.
type ProjectionRule struct {
	KPI       string                     `yaml:"kpi" json:"kpi"`
	Weighting string                     `yaml:"weighting,omitempty" json:"weighting,omitempty"`
	Stages    map[string]decimal.Decimal `yaml:"stages,omitempty" json:"stages,omitempty"`
	Open      string                     `yaml:"open,omitempty" json:"open,omitempty"`
	Value     string                     `yaml:"value,omitempty" json:"value,omitempty"`
	Stage     string                     `yaml:"stage,omitempty" json:"stage,omitempty"`
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

	// bonus: Target, SalaryPercent (of Inputs.Salary) or AnnualTarget
	// (split over the year by Split weights, or by the proration
	// convention), times Coefficient.
	Target        *decimal.Decimal  `yaml:"target,omitempty" json:"target,omitempty"`
	SalaryPercent *decimal.Decimal  `yaml:"salary_percent,omitempty" json:"salary_percent,omitempty"`
	AnnualTarget  *decimal.Decimal  `yaml:"annual_target,omitempty" json:"annual_target,omitempty"`
	Split         []decimal.Decimal `yaml:"split,omitempty" json:"split,omitempty"`
	Coefficient   *Coefficient      `yaml:"coefficient,omitempty" json:"coefficient,omitempty"`

	// commission: a rate (in %) on KPI's actual, flat (Rate) or tiered.
	// gate: the KPI checked (or "score").
	KPI    string           `yaml:"kpi,omitempty" json:"kpi,omitempty"`
	Method string           `yaml:"method,omitempty" json:"method,omitempty"` // marginal (default), retroactive or running
	Basis  string           `yaml:"basis,omitempty" json:"basis,omitempty"`   // value (default) or attainment: tier bounds in % of the KPI's target
	Rate   *decimal.Decimal `yaml:"rate,omitempty" json:"rate,omitempty"`
	Tiers  []Tier           `yaml:"tiers,omitempty" json:"tiers,omitempty"`
	// commission: Per "record" pays each credited record on its own value;
	// Rates pick a record's rate (or amount) by its fields, first match.
	// Cumulative "year" starts a running total at the KPI's value earlier
	// in the year. Boundary: where a value on a tier boundary belongs.
	// ProRata: amount tiers rise linearly to the next tier's amount.
	Per        string       `yaml:"per,omitempty" json:"per,omitempty"`
	Rates      []RecordRate `yaml:"rates,omitempty" json:"rates,omitempty"`
	Cumulative string       `yaml:"cumulative,omitempty" json:"cumulative,omitempty"`
	Boundary   string       `yaml:"boundary,omitempty" json:"boundary,omitempty"`
	ProRata    bool         `yaml:"pro_rata,omitempty" json:"pro_rata,omitempty"`
	// bonus and commission: factors on the amount, each when its
	// condition holds (a KPI's or the score's threshold, or, per record,
	// a record's fields).
	Multipliers []Multiplier `yaml:"multipliers,omitempty" json:"multipliers,omitempty"`
	// gate and multiplier thresholds: strict compares with > and < instead
	// of ≥ and ≤.
	Strict bool `yaml:"strict,omitempty" json:"strict,omitempty"`

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
	Of       string           `yaml:"of,omitempty" json:"of,omitempty"` // "score" (default) or a KPI name
	Scale    []ScaleRow       `yaml:"scale,omitempty" json:"scale,omitempty"`
	Curve    *Curve           `yaml:"curve,omitempty" json:"curve,omitempty"`
	Max      *decimal.Decimal `yaml:"max,omitempty" json:"max,omitempty"`
	Boundary string           `yaml:"boundary,omitempty" json:"boundary,omitempty"` // of the scale's rows: upper (default) or lower
}

// RecordRate picks the rate (in %) or the fixed amount a per-record
// commission pays on a record whose fields make When true.
type RecordRate struct {
	When   string           `yaml:"when" json:"when"`
	Rate   *decimal.Decimal `yaml:"rate,omitempty" json:"rate,omitempty"`
	Amount *decimal.Decimal `yaml:"amount,omitempty" json:"amount,omitempty"`
}

// Multiplier multiplies a part's amount by Factor when its condition
// holds: a KPI's (or the score's) attainment or actual reaches a threshold
// (like a gate), or, on a per-record commission, When is true of a
// record's fields (then that record's amount is multiplied).
type Multiplier struct {
	Factor        decimal.Decimal  `yaml:"factor" json:"factor"`
	When          string           `yaml:"when,omitempty" json:"when,omitempty"`
	KPI           string           `yaml:"kpi,omitempty" json:"kpi,omitempty"`
	MinAttainment *decimal.Decimal `yaml:"min_attainment,omitempty" json:"min_attainment,omitempty"`
	MinActual     *decimal.Decimal `yaml:"min_actual,omitempty" json:"min_actual,omitempty"`
	MaxActual     *decimal.Decimal `yaml:"max_actual,omitempty" json:"max_actual,omitempty"`
	Strict        bool             `yaml:"strict,omitempty" json:"strict,omitempty"`
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

// Tier is one commission tier [From, To) with its Rate in %, or worth a
// fixed Amount. A value equal to To belongs to the next tier (unless the
// component's boundary is lower). A last tier with a To is closed: nothing
// more is paid above it.
type Tier struct {
	From   decimal.Decimal  `yaml:"from" json:"from"`
	To     *decimal.Decimal `yaml:"to,omitempty" json:"to,omitempty"`
	Rate   *decimal.Decimal `yaml:"rate,omitempty" json:"rate,omitempty"`
	Amount *decimal.Decimal `yaml:"amount,omitempty" json:"amount,omitempty"`
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
// Share recovers Percent of what was paid; UnservedMonths recovers Paid ×
// months not served / ContractMonths (a reversal's own contract length
// first; ContractField names the record field that has it in a workspace).
type Clawback struct {
	Method         string           `yaml:"method" json:"method"`
	WindowDays     int              `yaml:"window_days,omitempty" json:"window_days,omitempty"`
	Percent        *decimal.Decimal `yaml:"percent,omitempty" json:"percent,omitempty"`
	ContractMonths int              `yaml:"contract_months,omitempty" json:"contract_months,omitempty"`
	ContractField  string           `yaml:"contract_field,omitempty" json:"contract_field,omitempty"`
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
