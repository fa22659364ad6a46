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
		c.unique(at.field("kpi"), k.KPI, seen, "a KPI actual needs the kpi name", "KPI %s is listed twice")
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
		if len(a.Spans) > 0 {
			if n == 0 || a.PeriodDays > 0 && n == 1 {
				n = 1 // spans alone, or with the working days they hold
			} else {
				n++
			}
			for i, sp := range a.Spans {
				if sp.To < sp.From {
					c.addf(path("active.spans").index(i).field("to"), "to is before from")
				}
				if i > 0 && sp.From <= a.Spans[i-1].To {
					c.addf(path("active.spans").index(i).field("from"), "spans must be in order and not overlap")
				}
			}
		}
		if n != 1 {
			c.addf("active", "give one of: fraction; active_days and period_days (with spans, optionally); from and/or to; spans")
		}
	}
	for i, k := range in.KPIs {
		at := path("kpis").index(i)
		recs := make(map[string]bool, len(k.Credited))
		for j, r := range k.Credited {
			if r.Key == "" || recs[r.Key] { // the path only when there is a problem: there may be thousands
				c.unique(at.field("credited").index(j).field("key"), r.Key, recs, "a credited record needs its key", "record %s is listed twice")
			}
			recs[r.Key] = true
		}
		cols := map[string]bool{}
		for j, col := range k.Columns {
			cat := at.field("columns").index(j)
			if col.Name == "" || cols[col.Name] {
				c.addf(cat.field("name"), "a column needs a name of its own")
			}
			cols[col.Name] = true
			switch col.Type {
			case kpi.String, kpi.Integer, kpi.Decimal, kpi.Money, kpi.DateType, kpi.Timestamp, kpi.Boolean:
			default:
				c.addf(cat.field("type"), "unknown type %q: want string, integer, decimal, money, date, timestamp or boolean", col.Type)
			}
		}
	}
	if t := in.TrueUp; t != nil && t.Before.IsNegative() {
		c.addf("true_up.before", "what earlier periods recognized must not be negative")
	}
	open := map[string]bool{}
	for i, d := range in.Open {
		at := path("open").index(i)
		c.unique(at.field("key"), d.Key, open, "an open deal needs its key", "deal %s is listed twice")
		if d.Value.IsNegative() {
			c.addf(at.field("value"), "value must not be negative")
		}
		if pr := d.Probability; pr != nil && (pr.IsNegative() || pr.GreaterThan(decimal.NewFromInt(100))) {
			c.addf(at.field("probability"), "a probability is 0 to 100 (%%)")
		}
	}
	keys := map[string]bool{}
	for i, r := range in.Reversed {
		at := path("reversed").index(i)
		c.unique(at.field("key"), r.Key, keys, "a reversed record needs its key", "record %s is listed twice")
		if r.Paid.IsNegative() {
			c.addf(at.field("paid"), "paid must not be negative")
		}
		if r.DaysStayed != nil && *r.DaysStayed < 0 {
			c.addf(at.field("days_stayed"), "days_stayed must not be negative")
		}
		if r.Won != nil && r.ReversedOn != nil && *r.ReversedOn < *r.Won {
			c.addf(at.field("reversed"), "reversed before it was won")
		}
		if r.ContractMonths != nil && *r.ContractMonths <= 0 {
			c.addf(at.field("contract_months"), "contract_months must be above 0")
		}
	}
	adj := map[string]bool{}
	for i, a := range in.Adjustments {
		c.unique(path("adjustments").index(i).field("id"), a.ID, adj, "an adjustment needs an id (the period it corrects)", "adjustment %s is listed twice")
	}
	_ = period
	return c.err("inputs")
}

// unique reports a key that is missing or seen before, and marks it seen.
func (c *checker) unique(at path, key string, seen map[string]bool, missing, twice string) {
	if key == "" {
		c.addf(at, "%s", missing)
	} else if seen[key] {
		c.addf(at, twice, key)
	}
	seen[key] = true
}
