package bonus

import (
	"attain/kpi"

	"github.com/shopspring/decimal"
)

// Inputs are what a plan is evaluated on for one employee and period: the
// KPI actuals and targets (from the engine), the score (from the scorecard
// engine, unless the plan weights KPIs itself), base pay, prior payouts,
// balances carried in, the active part of the period and reversed records.
type Inputs struct {
	Employee Employee         `yaml:"employee" json:"employee"`
	Period   string           `yaml:"period" json:"period"` // a kpi.Period label: 2026-03, 2026-Q1, 2026-03-01..2026-03-15
	Salary   *decimal.Decimal `yaml:"salary,omitempty" json:"salary,omitempty"`
	Score    *decimal.Decimal `yaml:"score,omitempty" json:"score,omitempty"` // weighted score in %
	KPIs     []KPIActual      `yaml:"kpis,omitempty" json:"kpis,omitempty"`
	YTDPaid  decimal.Decimal  `yaml:"ytd_paid,omitempty" json:"ytd_paid"` // paid earlier this plan year, for the year cap
	CarryIn  Carry            `yaml:"carry_in,omitempty" json:"carry_in"`
	Active   *Active          `yaml:"active,omitempty" json:"active,omitempty"`
	Reversed []Reversal       `yaml:"reversed,omitempty" json:"reversed,omitempty"`
	// Adjustments correct earlier statements that were locked: what they
	// paid against what they would pay now.
	Adjustments []Adjustment `yaml:"adjustments,omitempty" json:"adjustments,omitempty"`
}

// Adjustment corrects an earlier, locked statement (ID names it, like
// 2026-02) by Amount: positive when the employee is owed more, negative
// when they were paid too much. A negative adjustment is recovered from
// this period's earnings like a clawback (the rest carried out); a positive
// one is added after the limits, which its own period already applied.
type Adjustment struct {
	ID     string          `yaml:"id" json:"id"`
	Reason string          `yaml:"reason,omitempty" json:"reason,omitempty"`
	Amount decimal.Decimal `yaml:"amount" json:"amount"`
}

// Employee is whom the statement is for; Currency is what they are paid in.
type Employee struct {
	ID       string `yaml:"id" json:"id"`
	Name     string `yaml:"name,omitempty" json:"name,omitempty"`
	Currency string `yaml:"currency" json:"currency"`
}

// KPIActual is one KPI's value for the employee and period. Direction is
// higher (default) or lower is better; it decides attainment: actual /
// target, or target / actual. Records is how many records it folds.
type KPIActual struct {
	KPI       string           `yaml:"kpi" json:"kpi"`
	Actual    decimal.Decimal  `yaml:"actual" json:"actual"`
	Target    *decimal.Decimal `yaml:"target,omitempty" json:"target,omitempty"`
	Direction kpi.Direction    `yaml:"direction,omitempty" json:"direction,omitempty"`
	Records   int              `yaml:"records,omitempty" json:"records,omitempty"`
}

// Carry is what one statement hands the next: the recoverable draw the
// employee still owes, and clawbacks not yet recovered.
type Carry struct {
	DrawBalance     decimal.Decimal `yaml:"draw_balance,omitempty" json:"draw_balance"`
	ClawbackBalance decimal.Decimal `yaml:"clawback_balance,omitempty" json:"clawback_balance"`
}

// Active is the part of the period the employee was eligible, for
// proration. Give one of: Fraction (with Reason); ActiveDays of PeriodDays;
// or From/To within the period with NonWorking dates, and the fraction is
// working days (Monday to Friday, less NonWorking) active / in the period.
type Active struct {
	Fraction   *decimal.Decimal `yaml:"fraction,omitempty" json:"fraction,omitempty"`
	Reason     string           `yaml:"reason,omitempty" json:"reason,omitempty"`
	ActiveDays int              `yaml:"active_days,omitempty" json:"active_days,omitempty"`
	PeriodDays int              `yaml:"period_days,omitempty" json:"period_days,omitempty"`
	From       *kpi.Date        `yaml:"from,omitempty" json:"from,omitempty"`
	To         *kpi.Date        `yaml:"to,omitempty" json:"to,omitempty"`
	NonWorking []kpi.Date       `yaml:"non_working,omitempty" json:"non_working,omitempty"`
}

// Reversal is a record that earned pay and was reversed: a deal lost after
// it was won, a refunded payment. Paid is what was paid on it. DaysStayed,
// or Won and Reversed, say how long the customer stayed.
type Reversal struct {
	Key        string          `yaml:"key" json:"key"`
	KPI        string          `yaml:"kpi,omitempty" json:"kpi,omitempty"`
	Reason     string          `yaml:"reason,omitempty" json:"reason,omitempty"`
	Paid       decimal.Decimal `yaml:"paid" json:"paid"`
	Won        *kpi.Date       `yaml:"won,omitempty" json:"won,omitempty"`
	ReversedOn *kpi.Date       `yaml:"reversed,omitempty" json:"reversed,omitempty"`
	DaysStayed *int            `yaml:"days_stayed,omitempty" json:"days_stayed,omitempty"`
}

// KPI returns the actual of name, or nil.
func (in *Inputs) KPI(name string) *KPIActual {
	for i := range in.KPIs {
		if in.KPIs[i].KPI == name {
			return &in.KPIs[i]
		}
	}
	return nil
}

// Clone copies in deeply enough to change KPI actuals and reversals (a
// what-if) without touching in.
func (in *Inputs) Clone() *Inputs {
	out := *in
	out.KPIs = append([]KPIActual(nil), in.KPIs...)
	out.Reversed = append([]Reversal(nil), in.Reversed...)
	out.Adjustments = append([]Adjustment(nil), in.Adjustments...)
	return &out
}

// Validate checks inputs however they came; every problem at once.
func (in *Inputs) Validate() error { return validateInputs(in, "", nil) }

func validateInputs(in *Inputs, file string, pos lines) error {
	c := &checker{file: file, pos: pos}
	if in.Employee.ID == "" {
		c.addf("employee.id", "the employee needs an id")
	}
	if in.Employee.Currency == "" {
		c.addf("employee.currency", "the employee needs a currency (ISO 4217, like EUR)")
	}
	var period kpi.Period
	if in.Period == "" {
		c.addf("period", "inputs need a period, like 2026-03")
	} else if p, err := kpi.ParsePeriod(in.Period); err != nil {
		c.addf("period", "%s", kpi.ErrorMessage(err))
	} else {
		period = p
	}
	if in.Salary != nil && in.Salary.IsNegative() {
		c.addf("salary", "salary must not be negative")
	}
	seen := map[string]bool{}
	for i, k := range in.KPIs {
		at := path("kpis").index(i)
		if k.KPI == "" {
			c.addf(at.field("kpi"), "a KPI actual needs the kpi name")
		} else if seen[k.KPI] {
			c.addf(at.field("kpi"), "KPI %s is listed twice", k.KPI)
		}
		seen[k.KPI] = true
		switch k.Direction {
		case "", kpi.HigherIsBetter, kpi.LowerIsBetter:
		default:
			c.addf(at.field("direction"), "unknown direction %q: want higher or lower", k.Direction)
		}
	}
	if in.YTDPaid.IsNegative() {
		c.addf("ytd_paid", "ytd_paid must not be negative")
	}
	if in.CarryIn.DrawBalance.IsNegative() {
		c.addf("carry_in.draw_balance", "a balance must not be negative")
	}
	if in.CarryIn.ClawbackBalance.IsNegative() {
		c.addf("carry_in.clawback_balance", "a balance must not be negative")
	}
	if a := in.Active; a != nil {
		n := 0
		if a.Fraction != nil {
			n++
			if a.Fraction.IsNegative() || a.Fraction.GreaterThan(decimal.NewFromInt(1)) {
				c.addf("active.fraction", "fraction must be 0 to 1")
			}
		}
		if a.ActiveDays != 0 || a.PeriodDays != 0 {
			n++
			if a.PeriodDays <= 0 || a.ActiveDays < 0 || a.ActiveDays > a.PeriodDays {
				c.addf("active", "active_days must be 0 to period_days, and period_days above 0")
			}
		}
		if a.From != nil || a.To != nil {
			n++
			if a.From != nil && a.To != nil && *a.To < *a.From {
				c.addf("active.to", "to is before from")
			}
		}
		if n != 1 {
			c.addf("active", "give one of: fraction; active_days and period_days; from and/or to")
		}
	}
	keys := map[string]bool{}
	for i, r := range in.Reversed {
		at := path("reversed").index(i)
		if r.Key == "" {
			c.addf(at.field("key"), "a reversed record needs its key")
		} else if keys[r.Key] {
			c.addf(at.field("key"), "record %s is listed twice", r.Key)
		}
		keys[r.Key] = true
		if r.Paid.IsNegative() {
			c.addf(at.field("paid"), "paid must not be negative")
		}
		if r.DaysStayed != nil && *r.DaysStayed < 0 {
			c.addf(at.field("days_stayed"), "days_stayed must not be negative")
		}
		if r.Won != nil && r.ReversedOn != nil && *r.ReversedOn < *r.Won {
			c.addf(at.field("reversed"), "reversed before it was won")
		}
	}
	adj := map[string]bool{}
	for i, a := range in.Adjustments {
		at := path("adjustments").index(i)
		if a.ID == "" {
			c.addf(at.field("id"), "an adjustment needs an id (the period it corrects)")
		} else if adj[a.ID] {
			c.addf(at.field("id"), "adjustment %s is listed twice", a.ID)
		}
		adj[a.ID] = true
	}
	_ = period
	return c.err("inputs")
}
