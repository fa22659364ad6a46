package bonus

import (
	"fmt"
	"slices"
	"strings"

	"attain/kpi"

	"github.com/shopspring/decimal"
)

// commission pays on a KPI: on its actual for the period (a flat rate,
// rate tiers or an amount table), on each credited record by itself (per:
// record), or on the records in date order along a running total (method:
// running). Then the active share, when the part is prorated.
func (e *evaluator) commission(c *Component) (decimal.Decimal, error) {
	k := e.in.KPI(c.KPI)
	if k == nil {
		return decimal.Zero, invalidf("Commission %s pays on KPI %s: the inputs have no actual for it.", c.ID, c.KPI)
	}
	var total decimal.Decimal
	var err error
	switch {
	case c.Per == PerRecord:
		total, err = e.perRecord(c)
	case c.Method == Running:
		total, err = e.running(c, k)
	default:
		total, err = e.perPeriod(c, k)
	}
	if err != nil {
		return decimal.Zero, err
	}
	return e.prorate(c, total), nil
}

// table is a commission's tiers as they are read: bounds in value (× the
// target / 100 with basis attainment), where a boundary value belongs,
// rates or amounts.
type table struct {
	tiers   []Tier
	scale   decimal.Decimal
	lower   bool
	proRata bool
	attain  bool
	basis   string // for rule texts: " (tiers in % of target …)"
}

func (e *evaluator) tableOf(c *Component, k *kpi.KPIActual) (*table, error) {
	t := &table{tiers: c.Tiers, scale: decimal.NewFromInt(1), lower: c.Boundary == BoundaryLower, proRata: c.ProRata}
	if c.Basis == "attainment" {
		target, ok := e.targets[c.KPI]
		if !ok || !target.IsPositive() {
			return nil, invalidf("Commission %s has tiers in %% of target: KPI %s has no target above 0.", c.ID, c.KPI)
		}
		t.scale, t.attain = target.Div(hundred), true
		t.basis = fmt.Sprintf(" (tiers in %% of target %s)", f(target))
	}
	return t, nil
}

func (t *table) bound(d decimal.Decimal) decimal.Decimal { return d.Mul(t.scale) }

func (t *table) amounts() bool { return len(t.tiers) > 0 && t.tiers[0].Amount != nil }

func (t *table) name(i int) string {
	tr := t.tiers[i]
	if t.attain {
		if tr.To == nil {
			return fmt.Sprintf("tier %d (%s and above = %s and above)", i+1, p(tr.From), f(t.bound(tr.From)))
		}
		return fmt.Sprintf("tier %d (%s–%s = %s–%s)", i+1, p(tr.From), p(*tr.To), f(t.bound(tr.From)), f(t.bound(*tr.To)))
	}
	if tr.To == nil {
		return fmt.Sprintf("tier %d (%s and above)", i+1, f(tr.From))
	}
	return fmt.Sprintf("tier %d (%s–%s)", i+1, f(tr.From), f(*tr.To))
}

// reached returns the tier v is in: [from, to), or (from, to] with a lower
// boundary (the first tier keeps its from). beyond: v is past a closed last
// tier, which then applies up to its end.
func (t *table) reached(v decimal.Decimal) (i int, beyond bool) {
	for i, tr := range t.tiers {
		if tr.To == nil {
			return i, false
		}
		hi := t.bound(*tr.To)
		if v.LessThan(hi) || t.lower && v.Equal(hi) {
			return i, false
		}
	}
	last := len(t.tiers) - 1
	return last, !(t.lower && v.Equal(t.bound(*t.tiers[last].To)))
}

func (t *table) boundaryText() string {
	if t.lower {
		return "; a value on a boundary belongs to the lower tier"
	}
	return ""
}

// amountAt reads an amount table at v: the amount of the tier reached, or
// with pro rata the line from it to the next tier's amount.
func (t *table) amountAt(v decimal.Decimal) (decimal.Decimal, string) {
	i, beyond := t.reached(v)
	tr := t.tiers[i]
	name := t.name(i) + t.basis
	switch {
	case beyond:
		return *tr.Amount, fmt.Sprintf("%s is at or above the end of the closed last %s: its amount %s, nothing more", f(v), name, f(*tr.Amount))
	case t.proRata && i < len(t.tiers)-1:
		next := *t.tiers[i+1].Amount
		lo, hi := t.bound(tr.From), t.bound(*tr.To)
		amt := tr.Amount.Add(next.Sub(*tr.Amount).Mul(v.Sub(lo)).DivRound(hi.Sub(lo), divPrecision))
		return amt, fmt.Sprintf("%s reached, pro rata from its amount to the next tier's: %s + (%s − %s) × (%s − %s) / (%s − %s)",
			name, f(*tr.Amount), f(next), f(*tr.Amount), f(v), f(lo), f(hi), f(lo))
	}
	return *tr.Amount, fmt.Sprintf("%s reached: its amount %s%s", name, f(*tr.Amount), t.boundaryText())
}

// perPeriod pays on the KPI's actual for the period.
func (e *evaluator) perPeriod(c *Component, k *kpi.KPIActual) (decimal.Decimal, error) {
	v := decimal.Max(k.Actual, decimal.Zero)
	if c.Rate != nil {
		amt := e.money(v.Mul(*c.Rate).Div(hundred))
		e.add(kpi.StatementLine{ID: c.ID + ".amount", Label: label(c), Inputs: []kpi.LineValue{money(c.KPI, v), percent("rate", *c.Rate)},
			Rule: fmt.Sprintf("flat rate: %s × %s", e.m(v), p(*c.Rate)), Result: amt, Unit: kpi.LineMoney})
		return amt, nil
	}
	t, err := e.tableOf(c, k)
	if err != nil {
		return decimal.Zero, err
	}
	if t.amounts() {
		amt, rule := t.amountAt(v)
		amt = e.money(amt)
		e.add(kpi.StatementLine{ID: c.ID + ".amount", Label: label(c), Inputs: []kpi.LineValue{number(c.KPI, v)}, Rule: "amount table: " + rule, Result: amt, Unit: kpi.LineMoney})
		return amt, nil
	}
	if c.Method == Retroactive {
		i, beyond := t.reached(v)
		tr := t.tiers[i]
		on, over := v, ""
		if beyond {
			on = t.bound(*tr.To)
			over = fmt.Sprintf("; %s is above the closed last tier's end: nothing is paid above %s", f(v), f(on))
		}
		amt := e.money(on.Mul(*tr.Rate).Div(hundred))
		e.add(kpi.StatementLine{ID: c.ID + ".amount", Label: label(c), Inputs: []kpi.LineValue{money(c.KPI, v), percent("rate", *tr.Rate)},
			Rule:   fmt.Sprintf("%s reached%s, at %s retroactive on the whole value%s%s: %s × %s", t.name(i), t.basis, p(*tr.Rate), t.boundaryText(), over, e.m(on), p(*tr.Rate)),
			Result: amt, Unit: kpi.LineMoney})
		return amt, nil
	}
	total := decimal.Zero
	var parts []string
	for i, tr := range t.tiers {
		lo := t.bound(tr.From)
		if v.LessThanOrEqual(lo) && i > 0 {
			break
		}
		hi := v
		if tr.To != nil && t.bound(*tr.To).LessThan(v) {
			hi = t.bound(*tr.To)
		}
		slice := decimal.Max(hi.Sub(lo), decimal.Zero)
		amt := e.money(slice.Mul(*tr.Rate).Div(hundred))
		e.add(kpi.StatementLine{ID: fmt.Sprintf("%s.tier%d", c.ID, i+1), Label: label(c) + ": " + t.name(i), Inputs: []kpi.LineValue{money("slice", slice), percent("rate", *tr.Rate)},
			Rule: fmt.Sprintf("%s%s at %s marginal: %s × %s", t.name(i), t.basis, p(*tr.Rate), e.m(slice), p(*tr.Rate)), Result: amt, Unit: kpi.LineMoney})
		total = total.Add(amt)
		parts = append(parts, e.m(amt))
	}
	rule := "sum of the tiers: " + strings.Join(parts, " + ")
	if last := t.tiers[len(t.tiers)-1]; last.To != nil && v.GreaterThan(t.bound(*last.To)) {
		rule += fmt.Sprintf("; nothing is paid above the closed last tier's end %s", f(t.bound(*last.To)))
	}
	e.add(kpi.StatementLine{ID: c.ID + ".amount", Label: label(c), Inputs: []kpi.LineValue{money(c.KPI, v)}, Rule: rule, Result: total, Unit: kpi.LineMoney})
	return total, nil
}

// perRecord pays each credited record of the KPI on its own value: the
// rate (or amount) of the first of the part's rates whose condition its
// fields meet, else the part's rate or tiers; then the multipliers whose
// condition it meets.
func (e *evaluator) perRecord(c *Component) (decimal.Decimal, error) {
	rs, err := e.recordsOf(c)
	if err != nil {
		return decimal.Zero, err
	}
	rates := make([]*cond, len(c.Rates))
	for i, r := range c.Rates {
		if rates[i], err = rs.compile(fmt.Sprintf("%s rates[%d]", c.ID, i), r.When); err != nil {
			return decimal.Zero, err
		}
	}
	mults, err := e.recordMultipliers(c, rs)
	if err != nil {
		return decimal.Zero, err
	}
	shown := rs.shown(append(rates, mults...))
	lbl := label(c) + ": "
	var t *table
	if len(c.Tiers) > 0 {
		t = &table{tiers: c.Tiers, scale: decimal.NewFromInt(1), lower: c.Boundary == BoundaryLower, proRata: c.ProRata}
	}
	// The rule texts of the rates, written once.
	rateText, rateP := make([]string, len(c.Rates)), make([]string, len(c.Rates))
	for j, r := range c.Rates {
		if r.Rate != nil {
			rateText[j], rateP[j] = "rate "+p(*r.Rate)+" (when "+r.When+"): ", p(*r.Rate)
		} else {
			rateText[j] = "amount " + e.m(*r.Amount) + " per record (when " + r.When + ")"
		}
	}
	baseText, baseP := "", ""
	if c.Rate != nil {
		baseText, baseP = "rate "+p(*c.Rate)+": ", p(*c.Rate)
	}
	e.st.Lines = slices.Grow(e.st.Lines, len(rs.recs)+1)
	values := make([]kpi.LineValue, 2*len(rs.recs)) // the lines' inputs, allocated at once
	total := decimal.Zero
	var parts []string
	for i, r := range rs.recs {
		v := decimal.Max(r.Value, decimal.Zero)
		var amt decimal.Decimal
		var rule string
		inputs := values[2*i : 2*i+1 : 2*i+2]
		inputs[0] = money("value", v)
		row := -1
		for j, rc := range rates {
			if rc.holds(rs.vals[i]) {
				row = j
				break
			}
		}
		switch {
		case row >= 0 && c.Rates[row].Rate != nil:
			rate := *c.Rates[row].Rate
			amt = v.Mul(rate).Shift(-2)
			inputs = append(inputs, percent("rate", rate))
			rule = rateText[row] + e.m(v) + " × " + rateP[row]
		case row >= 0:
			amt = *c.Rates[row].Amount
			rule = rateText[row]
		case c.Rate != nil:
			amt = v.Mul(*c.Rate).Shift(-2)
			inputs = append(inputs, percent("rate", *c.Rate))
			rule = baseText + e.m(v) + " × " + baseP
		case t.amounts():
			amt, rule = t.amountAt(v)
			rule = "amount table: " + rule
		default:
			amt, rule = e.tiersOn(t, v, c.Method)
		}
		amt, rule = e.applyRecordMultipliers(c, mults, rs.vals[i], amt, rule)
		amt = e.money(amt)
		e.add(kpi.StatementLine{ID: c.ID + ".record." + r.Key, Label: lbl + r.Key, Inputs: inputs,
			Rule: rs.describe(i, shown) + ": " + rule, Result: amt, Unit: kpi.LineMoney})
		total = total.Add(amt)
		if len(rs.recs) <= maxListed {
			parts = append(parts, e.m(amt))
		}
	}
	e.add(kpi.StatementLine{ID: c.ID + ".amount", Label: label(c), Inputs: []kpi.LineValue{number("records", decimal.NewFromInt(int64(len(rs.recs))))},
		Rule: recordSum(len(rs.recs), parts), Result: total, Unit: kpi.LineMoney})
	return total, nil
}

// maxListed is how many record amounts a sum line lists.
const maxListed = 12

func recordSum(n int, parts []string) string {
	switch {
	case n == 0:
		return "no credited records: 0"
	case len(parts) == n:
		return "sum of the records: " + strings.Join(parts, " + ")
	}
	return fmt.Sprintf("sum of the %d records' lines above", n)
}

// tiersOn tiers one record's value v from zero (rates: marginal, or the
// reached tier's rate on all of v with retroactive).
func (e *evaluator) tiersOn(t *table, v decimal.Decimal, method string) (decimal.Decimal, string) {
	if method == Retroactive {
		i, beyond := t.reached(v)
		on := v
		if beyond {
			on = t.bound(*t.tiers[i].To)
		}
		r := *t.tiers[i].Rate
		return on.Mul(r).Div(hundred), fmt.Sprintf("%s reached, retroactive%s: %s × %s", t.name(i), t.boundaryText(), e.m(on), p(r))
	}
	amt := decimal.Zero
	var parts []string
	for _, tr := range t.tiers {
		lo := t.bound(tr.From)
		hi := v
		if tr.To != nil && t.bound(*tr.To).LessThan(v) {
			hi = t.bound(*tr.To)
		}
		if !hi.GreaterThan(lo) {
			break
		}
		slice := hi.Sub(lo)
		amt = amt.Add(slice.Mul(*tr.Rate).Div(hundred))
		parts = append(parts, fmt.Sprintf("%s × %s", e.m(slice), p(*tr.Rate)))
	}
	if len(parts) == 0 {
		return decimal.Zero, "tiers from zero: nothing above 0"
	}
	return amt, "tiers from zero: " + strings.Join(parts, " + ")
}

// running pays the records in date order on a running total: each at the
// rates of the tiers the total passes through with it, the record that
// crosses a boundary split at it. With cumulative "year" the total starts
// at the KPI's value earlier in the year.
func (e *evaluator) running(c *Component, k *kpi.KPIActual) (decimal.Decimal, error) {
	rs, err := e.recordsOf(c)
	if err != nil {
		return decimal.Zero, err
	}
	t, err := e.tableOf(c, k)
	if err != nil {
		return decimal.Zero, err
	}
	mults, err := e.recordMultipliers(c, rs)
	if err != nil {
		return decimal.Zero, err
	}
	shown := rs.shown(mults)
	cum := decimal.Zero
	if c.Cumulative == ToDateYear {
		if k.Before == nil {
			return decimal.Zero, invalidf("Commission %s runs its total over the year: the inputs give no value of KPI %s before the period (before).", c.ID, c.KPI)
		}
		cum = *k.Before
		e.add(kpi.StatementLine{ID: c.ID + ".before", Label: label(c) + ": running total before the period", Inputs: []kpi.LineValue{number(c.KPI, cum)},
			Rule: fmt.Sprintf("%s earlier in the year: the running total starts there", c.KPI), Result: cum, Unit: kpi.LineNumber})
	}
	total := decimal.Zero
	var parts []string
	for i, r := range rs.recs {
		v := decimal.Max(r.Value, decimal.Zero)
		lo, hi := cum, cum.Add(v)
		amt := decimal.Zero
		var pieces []string
		for j, tr := range t.tiers {
			tlo := t.bound(tr.From)
			a, b := decimal.Max(lo, tlo), hi
			if tr.To != nil {
				b = decimal.Min(hi, t.bound(*tr.To))
			}
			if !b.GreaterThan(a) {
				continue
			}
			slice := b.Sub(a)
			amt = amt.Add(slice.Mul(*tr.Rate).Div(hundred))
			pieces = append(pieces, fmt.Sprintf("%s in tier %d at %s", e.m(slice), j+1, p(*tr.Rate)))
		}
		rule := fmt.Sprintf("running total %s → %s%s: ", f(lo), f(hi), t.basis)
		if len(pieces) == 0 {
			rule += "no tier pays on it"
		} else {
			rule += strings.Join(pieces, " + ")
		}
		amt, rule = e.applyRecordMultipliers(c, mults, rs.vals[i], amt, rule)
		amt = e.money(amt)
		e.add(kpi.StatementLine{ID: c.ID + ".record." + r.Key, Label: label(c) + ": " + r.Key, Inputs: []kpi.LineValue{money("value", v)},
			Rule: rs.describe(i, shown) + ": " + rule, Result: amt, Unit: kpi.LineMoney})
		total = total.Add(amt)
		if len(rs.recs) <= maxListed {
			parts = append(parts, e.m(amt))
		}
		cum = hi
	}
	e.add(kpi.StatementLine{ID: c.ID + ".amount", Label: label(c), Inputs: []kpi.LineValue{number("records", decimal.NewFromInt(int64(len(rs.recs))))},
		Rule: recordSum(len(rs.recs), parts), Result: total, Unit: kpi.LineMoney})
	return total, nil
}

// recordMultipliers compiles a part's multipliers that read a record's
// fields (nil for the others).
func (e *evaluator) recordMultipliers(c *Component, rs *recordSet) ([]*cond, error) {
	out := make([]*cond, len(c.Multipliers))
	for i, m := range c.Multipliers {
		if m.When == "" {
			continue
		}
		var err error
		if out[i], err = rs.compile(fmt.Sprintf("%s multipliers[%d]", c.ID, i), m.When); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// applyRecordMultipliers multiplies a record's amount by every multiplier
// whose condition its fields meet.
func (e *evaluator) applyRecordMultipliers(c *Component, mults []*cond, vals []kpi.Value, amt decimal.Decimal, rule string) (decimal.Decimal, string) {
	for i, mc := range mults {
		if mc != nil && mc.holds(vals) {
			m := c.Multipliers[i]
			amt = amt.Mul(m.Factor)
			rule += ", × " + f(m.Factor) + " (when " + m.When + ")"
		}
	}
	return amt, rule
}
