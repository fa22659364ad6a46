package score

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Status says where an actual stands against an item's levels.
type Status string

const (
	StatusNoData         Status = "no_data"         // the actual is null
	StatusNoTarget       Status = "no_target"       // basis plan, and the subject has no usable target
	StatusBelowThreshold Status = "below_threshold" // worse than the threshold
	StatusOnTrack        Status = "on_track"        // at the threshold or better, short of the target
	StatusAboveTarget    Status = "above_target"    // at the target or better
	StatusEarly          Status = "too_early"       // an open period: less than one record expected so far
)

// Words names a status for people: "at or above target", "below
// threshold" and so on.
func (s Status) Words() string {
	switch s {
	case StatusAboveTarget:
		return "at or above target"
	case StatusOnTrack:
		return "between threshold and target"
	case StatusEarly:
		return "too early to tell"
	}
	return strings.ReplaceAll(string(s), "_", " ")
}

// Scores of the linear curve at its three levels.
const (
	ThresholdScore = 50
	TargetScore    = 100
	StretchScore   = 150
)

// Item is one KPI of a scored scorecard.
type Item struct {
	KPI       string          `json:"kpi"`
	Direction kpi.Direction   `json:"direction"`
	Weight    decimal.Decimal `json:"weight"`
	Curve     kpi.CurveKind   `json:"curve"`

	Actual     decimal.Decimal `json:"actual"`
	ActualNull bool            `json:"actual_null,omitempty"`
	Records    int             `json:"records"` // the actual rests on

	// The levels in the KPI's unit; for basis plan, computed from the
	// subject's target.
	Threshold decimal.Decimal `json:"threshold"`
	Target    decimal.Decimal `json:"target"`
	Stretch   decimal.Decimal `json:"stretch"`

	// Achievement is actual / target × 100 (target / actual × 100 when
	// lower is better), rounded half to even to 2 places; Null when it is
	// undefined (Notes say why).
	Achievement     decimal.Decimal `json:"achievement"`
	AchievementNull bool            `json:"achievement_null,omitempty"`
	// Score is the curve's score, 2 places; Null when the item is left
	// out of the total.
	Score     decimal.Decimal `json:"score"`
	ScoreNull bool            `json:"score_null,omitempty"`
	// Contribution is Weight × Score / 100, exact.
	Contribution decimal.Decimal `json:"contribution"`
	Status       Status          `json:"status"`
	// ToDate is set when the item was scored against what was expected
	// by the as-of day of a period that has not ended: Threshold, Target
	// and Stretch above are then the levels to date.
	ToDate *ToDate `json:"to_date,omitempty"`
	// Allowance, inside an open period, is what one more record could
	// still make of the actual: a shortfall it covers is no reason for
	// attention yet.
	Allowance *Allowance  `json:"allowance,omitempty"`
	Notes     []string    `json:"notes,omitempty"`
	Display   ItemDisplay `json:"display"`
}

// ToDate is how an item's levels were cut to the part of an open period
// expected by its as-of day (see Share).
type ToDate struct {
	Share
	// The levels of the whole period.
	Threshold decimal.Decimal `json:"threshold"`
	Target    decimal.Decimal `json:"target"`
	Stretch   decimal.Decimal `json:"stretch"`
	Rule      string          `json:"rule"`
}

// ItemDisplay is an item's numbers written in the KPI's unit for a person
// to read (kpi.Display); "-" for no value.
type ItemDisplay struct {
	Actual    string `json:"actual"`
	Threshold string `json:"threshold"`
	Target    string `json:"target"`
	Stretch   string `json:"stretch"`
}

// Scorecard is one subject's scored template for one period.
type Scorecard struct {
	Template string      `json:"template"`
	Position string      `json:"position"`
	Subject  kpi.Subject `json:"subject"`
	Period   kpi.Period  `json:"period"`
	Items    []Item      `json:"items"`
	// ScoredWeight adds the weights of the items that have a score.
	ScoredWeight decimal.Decimal `json:"scored_weight"`
	// Total is the sum of the contributions × 100 / ScoredWeight, rounded
	// half to even to 2 places; Null when no item has a score.
	Total     decimal.Decimal `json:"total"`
	TotalNull bool            `json:"total_null,omitempty"`
	Rule      string          `json:"rule"` // the total written out
}

// Input is what Score needs. A unit's scorecard takes the unit's own
// actuals (computed over all its records) and the unit's own targets, never
// an average of its people's scorecards.
type Input struct {
	Template *kpi.ScorecardTemplate
	KPIs     *kpi.Definitions // for each KPI's direction
	Subject  kpi.Subject
	Period   kpi.Period
	// Actuals are the subject's values for the period; a KPI without one
	// counts as null. Values of other subjects or periods are ignored.
	Actuals []kpi.KPIValue
	// Targets are the subject's targets for exactly this period, used by
	// items with basis plan. Others are ignored.
	Targets []*kpi.Target
	// Shares, for a period that has not ended, hold the share of it
	// expected by its as-of day of each additive KPI (ShareOf): the levels
	// of its items are cut to that share, so the period so far is scored
	// against what was expected by then, never against the whole period's
	// levels. A KPI without a share (not additive: an average, a rate,
	// whose value so far compares with its levels as they are) keeps them.
	Shares map[string]Share
	// Records hold the size of one record of a KPI with a share (1 for a
	// count; for a sum, the subject's average record): an item whose
	// target to date is less than one record is too early to judge
	// (StatusEarly) and left out of the total. Without one, an item is
	// judged however little is expected.
	Records map[string]decimal.Decimal
	// Open says the period has not ended: every item gets an Allowance.
	Open bool
}

func samePeriod(a, b kpi.Period) bool { return a.From == b.From && a.To == b.To }

// Score scores in.Template for one subject and period. See docs/scoring.md
// for the rules, each with a worked example. The template is validated
// first (EINVALID with every problem).
func Score(in Input) (*Scorecard, error) {
	if in.Template == nil || in.KPIs == nil {
		return nil, kpi.Errorf(kpi.EINVALID, "Scoring needs a template and the KPI definitions.")
	}
	if err := in.Template.Validate(in.KPIs); err != nil {
		return nil, fmt.Errorf("score %s: %w", in.Subject, err)
	}
	// Optional items count only once switched on (kpi.ScorecardFor).
	in.Template = in.Template.WithLevels(nil)
	actuals := map[string]kpi.KPIValue{}
	for _, v := range in.Actuals {
		if v.Subject != in.Subject || !samePeriod(v.Period, in.Period) {
			continue
		}
		if _, dup := actuals[v.KPI]; dup {
			return nil, kpi.Errorf(kpi.EINVALID, "Two values of %s for %s in %s.", v.KPI, in.Subject, in.Period)
		}
		actuals[v.KPI] = v
	}
	targets := map[string]decimal.Decimal{}
	for _, t := range in.Targets {
		if t == nil || t.Subject != in.Subject || !samePeriod(t.Period, in.Period) {
			continue
		}
		if _, dup := targets[t.KPI]; dup {
			return nil, kpi.Errorf(kpi.EINVALID, "Two targets of %s for %s in %s.", t.KPI, in.Subject, in.Period)
		}
		targets[t.KPI] = t.Value
	}

	sc := &Scorecard{Template: in.Template.Name, Position: in.Template.Position, Subject: in.Subject, Period: in.Period}
	missingZero := in.Template.Missing == kpi.MissingZero
	sum := decimal.Zero
	var terms []string
	for _, ti := range in.Template.Items {
		v, ok := actuals[ti.KPI]
		if !ok {
			v = kpi.KPIValue{Null: true}
		}
		t, hasTarget := targets[ti.KPI]
		def := in.KPIs.KPI(ti.KPI)
		var toDate *ToDate
		var allow *Allowance
		if in.Open {
			allow = &Allowance{Open: true, Lower: def.Direction == kpi.LowerIsBetter, Records: v.Records, Rate: def.Unit == kpi.UnitPercent}
			if r, ok := in.Records[ti.KPI]; ok && r.IsPositive() {
				allow.Record, allow.Records, allow.Rate = &r, 0, false
			}
		}
		if sh, ok := in.Shares[ti.KPI]; ok {
			toDate = &ToDate{Share: sh}
		}
		it := scoreItem(ti, def.Direction, v, t, hasTarget, toDate, allow)
		it.Display = ItemDisplay{Actual: kpi.DisplayValue(def, v), Threshold: kpi.Display(def, it.Threshold),
			Target: kpi.Display(def, it.Target), Stretch: kpi.Display(def, it.Stretch)}
		if it.Status == StatusNoTarget { // the levels are percentages of a target there is not
			it.Display.Threshold, it.Display.Target, it.Display.Stretch = "-", "-", "-"
		}
		if it.Status == StatusNoData && missingZero {
			it.Score, it.ScoreNull = decimal.Zero, false
			it.Notes = append(it.Notes, "no actual: scored 0 (template rule missing: zero)")
		}
		if !it.ScoreNull {
			it.Contribution = it.Weight.Mul(it.Score).Shift(-2)
			sum = sum.Add(it.Contribution)
			sc.ScoredWeight = sc.ScoredWeight.Add(it.Weight)
			terms = append(terms, fmt.Sprintf("%s × %s", it.Weight, fixed(it.Score, 2)))
		}
		sc.Items = append(sc.Items, it)
	}
	if sc.ScoredWeight.IsZero() {
		sc.TotalNull = true
		sc.Rule = "no item could be scored"
		for _, it := range sc.Items {
			if it.Status == StatusEarly {
				sc.Rule = "too early to score: less than one record expected so far of every item with a value"
			}
		}
		return sc, nil
	}
	sc.Total = roundRat(new(big.Rat).Mul(ratio(sum, sc.ScoredWeight), big.NewRat(100, 1)), 2)
	sc.Rule = fmt.Sprintf("(%s) / %s = %s", strings.Join(terms, " + "), sc.ScoredWeight, fixed(sc.Total, 2))
	return sc, nil
}

// scoreItem scores one item; v is the actual (maybe null), target the
// subject's target if hasTarget; toDate, when set, holds the share of an
// open period its levels are cut to.
func scoreItem(ti kpi.ScorecardItem, dir kpi.Direction, v kpi.KPIValue, target decimal.Decimal, hasTarget bool, toDate *ToDate, allow *Allowance) Item {
	curve := ti.Curve.Kind
	if curve == "" {
		curve = kpi.CurveLinear
	}
	it := Item{KPI: ti.KPI, Direction: dir, Weight: ti.Weight, Curve: curve, Actual: v.Value, ActualNull: v.Null, Records: v.Records,
		Threshold: ti.Threshold, Target: ti.Target, Stretch: ti.Stretch, ScoreNull: true, AchievementNull: true, Allowance: allow}
	if ti.Basis == kpi.LevelsPlan {
		switch {
		case !hasTarget:
			it.Status = StatusNoTarget
			it.Notes = append(it.Notes, "no target set for this period: left out of the total")
			return it
		case target.IsNegative():
			it.Status = StatusNoTarget
			it.Notes = append(it.Notes, fmt.Sprintf("target %s is negative: levels in %% of it mean nothing; left out of the total", target))
			return it
		}
		it.Target = target
		it.Threshold = target.Mul(ti.Threshold).Shift(-2)
		it.Stretch = target.Mul(ti.Stretch).Shift(-2)
	}
	if toDate != nil {
		toDate.Threshold, toDate.Target, toDate.Stretch = it.Threshold, it.Target, it.Stretch
		it.Threshold, it.Target, it.Stretch = toDate.Of(it.Threshold), toDate.Of(it.Target), toDate.Of(it.Stretch)
		toDate.Rule = fmt.Sprintf("levels expected by %s = %s / %s / %s %s = %s / %s / %s", toDate.AsOf,
			showLevel(toDate.Threshold, toDate.Target), show(toDate.Target), showLevel(toDate.Stretch, toDate.Target), toDate.times(),
			show(it.Threshold), show(it.Target), show(it.Stretch))
		if toDate.Note != "" {
			toDate.Rule = toDate.Note + ", so linear: " + toDate.Rule
		}
		it.ToDate = toDate
		if allow != nil && toDate.Total > 0 {
			day := roundRat(new(big.Rat).Quo(rat(toDate.Target), big.NewRat(int64(toDate.Total), 1)), targetPlaces(toDate.Target))
			allow.Day = &day
		}
		if allow != nil && allow.Record != nil && it.Target.Abs().LessThan(*allow.Record) {
			r := allow.Record
			it.Status = StatusEarly
			it.Notes = append(it.Notes, fmt.Sprintf("too early to judge: %s expected by %s, less than one record (%s): left out of the total",
				show(it.Target), toDate.AsOf, show(*r)))
			return it
		}
	}
	if v.Null {
		it.Status = StatusNoData
		it.Notes = append(it.Notes, "no actual: left out of the total, the other weights scaled up")
		return it
	}
	sign := 1
	if dir == kpi.LowerIsBetter {
		sign = -1
	}
	// better returns > 0 when a is better than b, 0 when equal.
	better := func(a, b decimal.Decimal) int { return sign * a.Cmp(b) }
	a := v.Value
	collapsed := it.Threshold.Equal(it.Stretch) // basis plan with a zero target
	met := better(a, it.Target) >= 0

	switch {
	case collapsed && met, !collapsed && better(a, it.Target) >= 0:
		it.Status = StatusAboveTarget
	case collapsed, better(a, it.Threshold) < 0:
		it.Status = StatusBelowThreshold
	default:
		it.Status = StatusOnTrack
	}

	// Achievement.
	ach, best, note := achievement(a, it.Target, dir)
	if note != "" {
		it.Notes = append(it.Notes, note)
	}
	if ach != nil {
		it.Achievement, it.AchievementNull = *ach, false
	}
	// Effective achievement for the curves that read it, when undefined:
	// best possible, or 100 when the target is met and 0 when not.
	eff := it.Achievement
	if it.AchievementNull && !best {
		eff = decimal.Zero
		if met {
			eff = decimal.NewFromInt(100)
		}
		it.Notes = append(it.Notes, fmt.Sprintf("scored as %s %% achievement (target met: %t)", eff, met))
	}

	switch {
	case collapsed:
		it.Score = decimal.Zero
		if met {
			it.Score = decimal.NewFromInt(TargetScore)
		}
		it.Notes = append(it.Notes, "target is 0, so the levels coincide: scored 100 if met, 0 if not")
	case curve == kpi.CurveLinear:
		it.Score = linear(a, it.Threshold, it.Target, it.Stretch, better)
	case curve == kpi.CurveCapped:
		limit := ti.Curve.Cap
		if limit.IsZero() {
			limit = decimal.NewFromInt(kpi.DefaultCap)
		}
		switch {
		case better(a, it.Threshold) < 0:
			it.Score = decimal.Zero
		case best:
			it.Score = limit
		default:
			it.Score = decimal.Min(eff, limit)
		}
	case curve == kpi.CurveSteps:
		it.Score = decimal.Zero
		for _, s := range ti.Curve.Steps {
			if best || eff.GreaterThanOrEqual(s.Achievement) {
				it.Score = s.Score
			}
		}
	}
	it.ScoreNull = false
	return it
}

// achievement returns actual / target × 100 (target / actual × 100 when
// lower is better) rounded to 2 places, or nil with a note when undefined;
// best is set when it is undefined because the actual is better than any
// ratio can say (a zero actual where lower is better).
func achievement(actual, target decimal.Decimal, dir kpi.Direction) (ach *decimal.Decimal, best bool, note string) {
	pct := func(a, b decimal.Decimal) *decimal.Decimal {
		d := roundRat(new(big.Rat).Mul(ratio(a, b), big.NewRat(100, 1)), 2)
		return &d
	}
	if dir != kpi.LowerIsBetter {
		if target.IsPositive() {
			return pct(actual, target), false, ""
		}
		return nil, false, fmt.Sprintf("target is %s: achievement undefined", target)
	}
	switch {
	case actual.IsZero() && target.IsZero():
		h := decimal.NewFromInt(100)
		return &h, false, "actual and target are both 0: achievement 100 %"
	case actual.IsZero() && target.IsPositive():
		return nil, true, "actual is 0 where lower is better: better than any target, achievement undefined, scored as best"
	case actual.IsPositive() && !target.IsNegative():
		return pct(target, actual), false, ""
	}
	return nil, false, fmt.Sprintf("actual %s and target %s: achievement undefined for negative values", actual, target)
}

// linear is the linear curve through (threshold, 50), (target, 100),
// (stretch, 150): 0 worse than the threshold, 150 beyond the stretch,
// rounded half to even to 2 places. It reads the actual value, so it needs
// no division by the actual and works either way round.
func linear(a, t0, t1, t2 decimal.Decimal, better func(a, b decimal.Decimal) int) decimal.Decimal {
	seg := func(from, to decimal.Decimal, lo, hi int64) decimal.Decimal {
		// lo + (hi − lo) × (a − from) / (to − from)
		r := new(big.Rat).Mul(ratio(a.Sub(from), to.Sub(from)), big.NewRat(hi-lo, 1))
		return roundRat(r.Add(r, big.NewRat(lo, 1)), 2)
	}
	switch {
	case better(a, t0) < 0:
		return decimal.Zero
	case better(a, t1) < 0:
		return seg(t0, t1, ThresholdScore, TargetScore)
	case better(a, t2) < 0:
		return seg(t1, t2, TargetScore, StretchScore)
	}
	return decimal.NewFromInt(StretchScore)
}
