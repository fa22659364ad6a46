package bonus

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// Change is one what-if change to the inputs: add to a KPI's actual (records
// added: a count, or a value) or set it. A KPI the plan reads that is not
// in the inputs is added with no target; one that neither the inputs have
// nor the plan reads is an error: the change would change nothing.
type Change struct {
	KPI string           `json:"kpi" yaml:"kpi"`
	Add *decimal.Decimal `json:"add,omitempty" yaml:"add,omitempty"`
	Set *decimal.Decimal `json:"set,omitempty" yaml:"set,omitempty"`
}

// AddRecords is the what-if "n more records worth value": countKPI's actual
// +n and valueKPI's actual +value (either may be "" to leave it).
func AddRecords(countKPI string, n int64, valueKPI string, value decimal.Decimal) []Change {
	var cs []Change
	if countKPI != "" {
		d := decimal.NewFromInt(n)
		cs = append(cs, Change{KPI: countKPI, Add: &d})
	}
	if valueKPI != "" {
		v := value
		cs = append(cs, Change{KPI: valueKPI, Add: &v})
	}
	return cs
}

// SetActual is the what-if "KPI at v" ("processing time 2 days").
func SetActual(name string, v decimal.Decimal) Change { return Change{KPI: name, Set: &v} }

// WhatIf evaluates plan on in as it is and with changes applied; in is not
// modified. When the plan takes its score from the inputs (it weights no
// KPIs) the score is not recomputed; the statement says so. WhatIfRescored
// takes a recomputed one.
func WhatIf(plan *Plan, in *kpi.BonusInputs, changes []Change) (base, changed *kpi.Evaluation, err error) {
	return WhatIfRescored(plan, in, changes, nil)
}

// Rescored is the score recomputed outside the plan for a what-if: the
// scorecard's, with the changed actuals. Rule says how it was recomputed;
// it becomes the rule of the changed statement's score line.
type Rescored struct {
	Score decimal.Decimal `json:"score"`
	Rule  string          `json:"rule"`
}

// WhatIfRescored is WhatIf for a plan that takes its score from the inputs,
// with score as the changed inputs' score (nil: the score is not
// recomputed, as WhatIf). A plan that weights KPIs itself ignores score.
func WhatIfRescored(plan *Plan, in *kpi.BonusInputs, changes []Change, score *Rescored) (base, changed *kpi.Evaluation, err error) {
	base, err = Eval(plan, in)
	if err != nil {
		return nil, nil, err
	}
	mod := in.Clone()
	usesInputScore := plan.Score == nil && in.Score != nil
	var notes []string
	for i, c := range changes {
		if c.KPI == "" || (c.Add == nil) == (c.Set == nil) {
			return nil, nil, invalidf("What-if change %d: name a kpi and give add or set.", i+1)
		}
		k := mod.KPI(c.KPI)
		if k == nil && !slices.Contains(plan.KPIs(), c.KPI) {
			return nil, nil, invalidf("What-if change %d: %s is neither in the inputs nor read by the plan (it reads %s).", i+1, c.KPI, list(plan.KPIs()))
		}
		if k == nil {
			mod.KPIs = append(mod.KPIs, kpi.KPIActual{KPI: c.KPI})
			k = &mod.KPIs[len(mod.KPIs)-1]
		}
		old := k.Actual
		if c.Add != nil {
			k.Actual = k.Actual.Add(*c.Add)
		} else {
			k.Actual = *c.Set
		}
		notes = append(notes, fmt.Sprintf("what-if: %s %s → %s", c.KPI, old, k.Actual))
		// Parts that pay per record see an added amount as one more
		// record, dated the period's last day, with no fields; a set
		// value cannot be told apart into records.
		if k.Credited != nil {
			switch {
			case c.Add != nil:
				k.Credited = append(k.Credited, kpi.Credited{Key: fmt.Sprintf("what-if-%d", i+1), Date: base.Period.To, Value: *c.Add})
				notes = append(notes, fmt.Sprintf("what-if: %s gains a record what-if-%d of %s for the parts that pay per record", c.KPI, i+1, c.Add))
			default:
				notes = append(notes, fmt.Sprintf("what-if: the parts that pay per record of %s keep its records", c.KPI))
			}
		}
	}
	switch {
	case usesInputScore && score != nil:
		s := score.Score
		mod.Score = &s
		notes = append(notes, fmt.Sprintf("what-if: score %s → %s (%s)", p(*in.Score), p(s), score.Rule))
	case usesInputScore && len(changes) > 0:
		notes = append(notes, "what-if: the score comes from the scorecard (inputs) and is not recomputed from the changed KPIs")
	}
	changed, err = Eval(plan, mod)
	if err != nil {
		return nil, nil, fmt.Errorf("what-if: %w", err)
	}
	if l := changed.Line("score"); l != nil && usesInputScore && score != nil {
		l.Rule = score.Rule
	}
	changed.Notes = append(changed.Notes, notes...)
	return base, changed, nil
}

// Cost is what a plan pays a team for a period: per person and in total per
// currency.
type Cost struct {
	Plan   string            `json:"plan"`
	People []CostRow         `json:"people"`
	Totals []CostSum         `json:"totals"`
	Stmts  []*kpi.Evaluation `json:"-"`
}

// CostRow is one person's payout under a plan.
type CostRow struct {
	Employee string          `json:"employee"`
	Name     string          `json:"name,omitempty"`
	Currency string          `json:"currency"`
	Earned   decimal.Decimal `json:"earned"`
	Payout   decimal.Decimal `json:"payout"`
}

// CostSum is a total in one currency.
type CostSum struct {
	Currency string          `json:"currency"`
	Payout   decimal.Decimal `json:"payout"`
}

// TeamCost evaluates plan for every member's inputs. One member's bad inputs
// fail the whole run with the member named: a cost with a hole is wrong.
func TeamCost(plan *Plan, team []*kpi.BonusInputs) (*Cost, error) {
	c := &Cost{Plan: plan.Name}
	sums := map[string]decimal.Decimal{}
	for _, in := range team {
		st, err := Eval(plan, in)
		if err != nil {
			return nil, fmt.Errorf("team cost, employee %s: %w", in.Employee.ID, err)
		}
		c.Stmts = append(c.Stmts, st)
		c.People = append(c.People, CostRow{Employee: st.Employee.ID, Name: st.Employee.Name, Currency: st.Currency, Earned: st.Earned, Payout: st.Payout})
		sums[st.Currency] = sums[st.Currency].Add(st.Payout)
	}
	for cur, v := range sums {
		c.Totals = append(c.Totals, CostSum{Currency: cur, Payout: v})
	}
	sort.Slice(c.Totals, func(i, j int) bool { return c.Totals[i].Currency < c.Totals[j].Currency })
	return c, nil
}

// CostDelta compares two plans on the same team: per person and in total.
type CostDelta struct {
	Base   string          `json:"base"`
	Draft  string          `json:"draft"`
	People []PersonDelta   `json:"people"`
	Totals []CurrencyDelta `json:"totals"`
}

// PersonDelta is one person's payout under both plans.
type PersonDelta struct {
	Employee string          `json:"employee"`
	Currency string          `json:"currency"`
	Base     decimal.Decimal `json:"base"`
	Draft    decimal.Decimal `json:"draft"`
	Delta    decimal.Decimal `json:"delta"`
}

// CurrencyDelta is the team total under both plans in one currency.
type CurrencyDelta struct {
	Currency string          `json:"currency"`
	Base     decimal.Decimal `json:"base"`
	Draft    decimal.Decimal `json:"draft"`
	Delta    decimal.Decimal `json:"delta"`
}

// CompareTeamCost evaluates the current and the draft plan on a team: what
// the change would cost, per person and in total, before it is made.
func CompareTeamCost(current, draft *Plan, team []*kpi.BonusInputs) (*CostDelta, error) {
	a, err := TeamCost(current, team)
	if err != nil {
		return nil, err
	}
	b, err := TeamCost(draft, team)
	if err != nil {
		return nil, err
	}
	d := &CostDelta{Base: a.Plan, Draft: b.Plan}
	tot := map[string]*CurrencyDelta{}
	var curs []string
	for i := range a.People {
		pa, pb := a.People[i], b.People[i]
		d.People = append(d.People, PersonDelta{Employee: pa.Employee, Currency: pa.Currency, Base: pa.Payout, Draft: pb.Payout, Delta: pb.Payout.Sub(pa.Payout)})
		t := tot[pa.Currency]
		if t == nil {
			t = &CurrencyDelta{Currency: pa.Currency}
			tot[pa.Currency] = t
			curs = append(curs, pa.Currency)
		}
		t.Base, t.Draft = t.Base.Add(pa.Payout), t.Draft.Add(pb.Payout)
		t.Delta = t.Draft.Sub(t.Base)
	}
	sort.Strings(curs)
	for _, c := range curs {
		d.Totals = append(d.Totals, *tot[c])
	}
	return d, nil
}

// list writes names as "a, b and c", or "no KPI".
func list(names []string) string {
	switch len(names) {
	case 0:
		return "no KPI"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
