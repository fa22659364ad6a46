// Package strategy rolls an objective's progress up from the KPIs that
// measure it, and ranks who contributes to it: plain functions over
// values, exact decimals, no I/O.
package strategy

import (
	"slices"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Cap is the highest achievement one KPI counts with in an objective's
// progress, so one KPI far over its target cannot hide the others; a
// lower-is-better KPI at zero counts Cap.
var Cap = decimal.NewFromInt(kpi.DefaultCap)

var hundred = decimal.NewFromInt(100)

// Line is one KPI measuring an objective: its target over the whole
// period, its weight, and its actual so far (Null: no value).
type Line struct {
	KPI       string          `json:"kpi"`
	Direction kpi.Direction   `json:"direction"`
	Additive  bool            `json:"additive"` // a count or a sum: its target is due over the period
	Target    decimal.Decimal `json:"target"`
	Weight    decimal.Decimal `json:"weight"`
	Actual    decimal.Decimal `json:"actual"`
	Null      bool            `json:"null,omitempty"`
}

// LineProgress is a Line with what it achieves: Achievement is the % of
// the target reached (capped at Cap), Expected the part of the target due
// by the day measured (all of it for a closed period or a KPI that is not
// additive), Pace the % of Expected reached.
type LineProgress struct {
	Line
	Achievement     decimal.Decimal `json:"achievement"`
	AchievementNull bool            `json:"achievement_null,omitempty"`
	Expected        decimal.Decimal `json:"expected"`
	Pace            decimal.Decimal `json:"pace"`
	PaceNull        bool            `json:"pace_null,omitempty"`
}

// Share is how much of the period has passed: Elapsed of Total working
// days. A closed period has Elapsed == Total.
type Share struct {
	Elapsed, Total int
}

// Progress is an objective's progress: the weighted mean of its lines'
// achievements (and paces), over the lines that have a value; Missing
// names the lines left out.
type Progress struct {
	Lines        []LineProgress  `json:"lines"`
	Progress     decimal.Decimal `json:"progress"`
	ProgressNull bool            `json:"progress_null,omitempty"`
	Pace         decimal.Decimal `json:"pace"`
	PaceNull     bool            `json:"pace_null,omitempty"`
	Missing      []string        `json:"missing,omitempty"`
}

// Achievement is the % of target that actual reaches, the better way
// round for dir, rounded to 2 places and capped at Cap; ok is false when
// it cannot be measured (a target of zero or less for higher-is-better).
func Achievement(actual, target decimal.Decimal, dir kpi.Direction) (decimal.Decimal, bool) {
	var a decimal.Decimal
	switch {
	case dir == kpi.LowerIsBetter && !actual.IsPositive():
		return Cap, true
	case dir == kpi.LowerIsBetter:
		a = target.Mul(hundred).Div(actual)
	case !target.IsPositive():
		return decimal.Zero, false
	default:
		a = actual.Mul(hundred).Div(target)
	}
	a = a.Round(2)
	if a.GreaterThan(Cap) {
		a = Cap
	}
	if a.IsNegative() {
		a = decimal.Zero
	}
	return a, true
}

// Rollup computes an objective's progress from its lines as of sh.
func Rollup(lines []Line, sh Share) Progress {
	var p Progress
	sumW, sumA, sumWP, sumP := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
	for _, l := range lines {
		lp := LineProgress{Line: l, Expected: l.Target}
		if l.Additive && sh.Total > 0 && sh.Elapsed < sh.Total {
			lp.Expected = l.Target.Mul(decimal.NewFromInt(int64(sh.Elapsed))).Div(decimal.NewFromInt(int64(sh.Total))).Round(2)
		}
		if l.Null {
			lp.AchievementNull, lp.PaceNull = true, true
			p.Missing = append(p.Missing, l.KPI)
			p.Lines = append(p.Lines, lp)
			continue
		}
		var ok bool
		if lp.Achievement, ok = Achievement(l.Actual, l.Target, l.Direction); ok {
			sumW, sumA = sumW.Add(l.Weight), sumA.Add(l.Weight.Mul(lp.Achievement))
		} else {
			lp.AchievementNull = true
			p.Missing = append(p.Missing, l.KPI)
		}
		if lp.Pace, ok = Achievement(l.Actual, lp.Expected, l.Direction); ok && !(l.Additive && sh.Elapsed == 0) {
			sumWP, sumP = sumWP.Add(l.Weight), sumP.Add(l.Weight.Mul(lp.Pace))
		} else {
			lp.Pace, lp.PaceNull = decimal.Zero, true
		}
		p.Lines = append(p.Lines, lp)
	}
	if sumW.IsPositive() {
		p.Progress = sumA.Div(sumW).Round(2)
	} else {
		p.ProgressNull = true
	}
	if sumWP.IsPositive() {
		p.Pace = sumP.Div(sumWP).Round(2)
	} else {
		p.PaceNull = true
	}
	return p
}

// Member is a unit or person below the objective's unit, with their values
// of its KPIs (absent: no value).
type Member struct {
	Subject kpi.Subject
	Values  map[string]decimal.Decimal
}

// Contribution is how much a member contributes to an objective, as an
// index where 100 is an even share: for a count or a sum, their value
// against the unit's divided by the number of members; for any other KPI
// their value against the unit's (the better way round). The index is the
// weighted mean over the KPIs they have a value of, rounded to 1 place.
type Contribution struct {
	Subject kpi.Subject     `json:"subject"`
	Index   decimal.Decimal `json:"index"`
}

// Contributions ranks members by their contribution to lines (whose Actual
// is the unit's value), highest first; members with no value of any line
// are left out.
func Contributions(lines []Line, members []Member) []Contribution {
	n := decimal.NewFromInt(int64(len(members)))
	var out []Contribution
	for _, m := range members {
		sumW, sum := decimal.Zero, decimal.Zero
		for _, l := range lines {
			v, ok := m.Values[l.KPI]
			if !ok || l.Null {
				continue
			}
			var idx decimal.Decimal
			switch {
			case l.Additive:
				if l.Actual.IsZero() {
					continue
				}
				idx = v.Mul(n).Mul(hundred).Div(l.Actual)
			case l.Direction == kpi.LowerIsBetter:
				if !v.IsPositive() {
					idx = Cap
				} else {
					idx = l.Actual.Mul(hundred).Div(v)
				}
			default:
				if l.Actual.IsZero() {
					continue
				}
				idx = v.Mul(hundred).Div(l.Actual)
			}
			sumW, sum = sumW.Add(l.Weight), sum.Add(l.Weight.Mul(idx))
		}
		if sumW.IsPositive() {
			out = append(out, Contribution{Subject: m.Subject, Index: sum.Div(sumW).Round(1)})
		}
	}
	slices.SortStableFunc(out, func(a, b Contribution) int {
		if c := b.Index.Cmp(a.Index); c != 0 {
			return c
		}
		return compare(a.Subject.ID, b.Subject.ID)
	})
	return out
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
