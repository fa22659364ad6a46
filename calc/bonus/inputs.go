package bonus

import (
	"attain/kpi"

	"github.com/shopspring/decimal"
)

// ValidateInputs checks inputs however they came (file or API); every
// problem at once.
func ValidateInputs(in *kpi.BonusInputs) error { return validateInputs(in, "", nil) }

func validateInputs(in *kpi.BonusInputs, file string, pos lines) error {
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
