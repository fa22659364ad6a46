package score

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Method is how ProposeRecent folds the recent periods into one value.
type Method string

const (
	Average Method = "average"
	Median  Method = "median"
)

// Proposal is a suggested target, with the calculation written out so a
// manager can check it before it is saved. Null means there is no proposal
// (no history to base it on); Explanation then says why. A Null proposal is
// not a zero target.
type Proposal struct {
	KPI         string          `json:"kpi"`
	Subject     kpi.Subject     `json:"subject"`
	Period      kpi.Period      `json:"period"`
	Value       decimal.Decimal `json:"value"`
	Null        bool            `json:"null,omitempty"`
	Method      string          `json:"method"` // average, median, last_year, share, even
	Explanation string          `json:"explanation"`
}

func checkGrowth(growth decimal.Decimal) error {
	if growth.IsNegative() {
		return kpi.Errorf(kpi.EINVALID, "Growth factor %s is negative: want 1.10 for 10 %% more, 0.95 for 5 %% less.", growth)
	}
	return nil
}

// ProposeRecent proposes a target for target from the n periods of s just
// before it: their average or median, times growth, rounded half to even to
// p places. Periods without a value are left out (not counted as zero); with
// none left there is no proposal. The median of an even number of values is
// the mean of the middle two.
func ProposeRecent(s Series, target kpi.Period, n int, m Method, growth decimal.Decimal, p int32) (Proposal, error) {
	if n < 1 {
		return Proposal{}, kpi.Errorf(kpi.EINVALID, "Number of periods to look back must be at least 1, not %d.", n)
	}
	if m != Average && m != Median {
		return Proposal{}, kpi.Errorf(kpi.EINVALID, "Unknown proposal method %q: want average or median.", m)
	}
	if err := checkGrowth(growth); err != nil {
		return Proposal{}, err
	}
	pr := Proposal{KPI: s.KPI, Subject: s.Subject, Period: target, Method: string(m)}
	ps := window(target, n)
	var vals []decimal.Decimal
	var listed, missing []string
	for _, per := range ps {
		if v, ok := s.find(per); ok {
			vals = append(vals, v.Value)
			listed = append(listed, v.Value.String())
		} else {
			missing = append(missing, per.Label())
		}
	}
	if len(vals) == 0 {
		pr.Null = true
		pr.Explanation = fmt.Sprintf("No proposal: no values in %s.", spanLabel(ps))
		return pr, nil
	}
	var stat *big.Rat
	switch m {
	case Average:
		sum := decimal.Sum(decimal.Zero, vals...)
		stat = new(big.Rat).Quo(rat(sum), big.NewRat(int64(len(vals)), 1))
	case Median:
		sorted := slices.Clone(vals)
		slices.SortFunc(sorted, decimal.Decimal.Cmp)
		k := len(sorted)
		if k%2 == 1 {
			stat = rat(sorted[k/2])
		} else {
			stat = new(big.Rat).Quo(rat(sorted[k/2-1].Add(sorted[k/2])), big.NewRat(2, 1))
		}
	}
	pr.Value = roundRat(new(big.Rat).Mul(stat, rat(growth)), p)
	pr.Explanation = fmt.Sprintf("%s of %s (%s) = %s, × %s = %s", m, spanLabel(ps), strings.Join(listed, ", "),
		ratString(stat, p+2), growth, fixed(pr.Value, p))
	if len(missing) > 0 {
		pr.Explanation += fmt.Sprintf("; no value in %s, left out", strings.Join(missing, ", "))
	}
	return pr, nil
}

// ratString writes r exactly when it has at most p decimal places, else
// rounded to p places with "≈".
func ratString(r *big.Rat, p int32) string {
	d := roundRat(r, p)
	if rat(d).Cmp(r) == 0 {
		return d.String()
	}
	return "≈" + fixed(d, p)
}

// ProposeLastYear proposes the value of the same period a year before
// target (see LastYear) times growth, rounded half to even to p places. No
// value then means no proposal.
func ProposeLastYear(s Series, target kpi.Period, growth decimal.Decimal, p int32) (Proposal, error) {
	if err := checkGrowth(growth); err != nil {
		return Proposal{}, err
	}
	pr := Proposal{KPI: s.KPI, Subject: s.Subject, Period: target, Method: "last_year"}
	ly, note := LastYear(target)
	if note != "" {
		note = " (" + note + ")"
	}
	v, ok := s.find(ly)
	if !ok {
		pr.Null = true
		pr.Explanation = fmt.Sprintf("No proposal: no value in %s%s.", ly.Label(), note)
		return pr, nil
	}
	pr.Value = roundRat(new(big.Rat).Mul(rat(v.Value), rat(growth)), p)
	pr.Explanation = fmt.Sprintf("%s%s = %s, × %s = %s", ly.Label(), note, v.Value, growth, fixed(pr.Value, p))
	return pr, nil
}

// ProposeSplit splits total, a unit's target for target, to its members
// (child units or people) by their share of the n periods before target:
// each member's weight is the sum of its values there (nulls left out,
// negative sums taken as 0). The parts are rounded by largest remainder at
// p places (see Split), so they add up exactly to total. When no member has
// any history, every proposal is Null and says so: split evenly instead.
func ProposeSplit(total decimal.Decimal, target kpi.Period, members []Series, n int, p int32) ([]Proposal, error) {
	if n < 1 {
		return nil, kpi.Errorf(kpi.EINVALID, "Number of periods to look back must be at least 1, not %d.", n)
	}
	if len(members) == 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "Nothing to split %s between.", total)
	}
	ps := window(target, n)
	weights := make([]decimal.Decimal, len(members))
	sum := decimal.Zero
	for i, m := range members {
		for _, per := range ps {
			if v, ok := m.find(per); ok {
				weights[i] = weights[i].Add(v.Value)
			}
		}
		weights[i] = decimal.Max(weights[i], decimal.Zero)
		sum = sum.Add(weights[i])
	}
	out := make([]Proposal, len(members))
	for i, m := range members {
		out[i] = Proposal{KPI: m.KPI, Subject: m.Subject, Period: target, Method: "share"}
	}
	if sum.IsZero() {
		for i := range out {
			out[i].Null = true
			out[i].Explanation = fmt.Sprintf("No proposal: no history in %s to split %s by; split it evenly instead.", spanLabel(ps), total)
		}
		return out, nil
	}
	parts, err := Split(total, weights, p)
	if err != nil {
		return nil, fmt.Errorf("split by share: %w", err)
	}
	p = max(p, places(total))
	for i := range out {
		out[i].Value = parts[i]
		out[i].Explanation = fmt.Sprintf("%s × %s / %s (share of %s = %s %%) = %s",
			total, weights[i], sum, spanLabel(ps), fixed(roundRat(new(big.Rat).Mul(ratio(weights[i], sum), big.NewRat(100, 1)), 2), 2),
			fixed(parts[i], p))
	}
	out = noteRemainders(out, total, p)
	return out, nil
}

// ProposeEven splits total evenly between members, by largest remainder at
// p places: 100 to 3 at 0 places is 34, 33, 33.
func ProposeEven(kpiName string, total decimal.Decimal, target kpi.Period, members []kpi.Subject, p int32) ([]Proposal, error) {
	weights := make([]decimal.Decimal, len(members))
	for i := range weights {
		weights[i] = decimal.NewFromInt(1)
	}
	parts, err := Split(total, weights, p)
	if err != nil {
		return nil, fmt.Errorf("split evenly: %w", err)
	}
	p = max(p, places(total))
	out := make([]Proposal, len(members))
	for i, m := range members {
		out[i] = Proposal{KPI: kpiName, Subject: m, Period: target, Value: parts[i], Method: "even",
			Explanation: fmt.Sprintf("%s / %d = %s", total, len(members), fixed(parts[i], p))}
	}
	return noteRemainders(out, total, p), nil
}

func noteRemainders(out []Proposal, total decimal.Decimal, p int32) []Proposal {
	for i := range out {
		out[i].Explanation += fmt.Sprintf(" (parts rounded to %d places by largest remainder so they add up to %s)", p, total)
	}
	return out
}
