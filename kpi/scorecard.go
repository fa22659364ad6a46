package kpi

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

// LevelBasis says where a scorecard item's threshold, target and stretch
// levels come from.
type LevelBasis string

const (
	// LevelsFixed: Threshold, Target and Stretch are values of the KPI
	// (8, 10 and 12 won deals), the same for everyone on the template.
	LevelsFixed LevelBasis = "fixed"
	// LevelsPlan: the target is the subject's own planned target for the
	// period (a Target); Threshold and Stretch are percentages of it (80
	// and 120). Target must be left zero.
	LevelsPlan LevelBasis = "plan"
)

// CurveKind names how a scorecard item turns an actual into a score.
type CurveKind string

const (
	// CurveLinear scores 50 at the threshold, 100 at the target and 150 at
	// the stretch level, linear in the actual value in between, 0 worse
	// than the threshold and 150 beyond the stretch level.
	CurveLinear CurveKind = "linear"
	// CurveSteps scores by a table on achievement %: the score of the
	// highest step reached, 0 below the first step.
	CurveSteps CurveKind = "steps"
	// CurveCapped scores the achievement % itself, 0 worse than the
	// threshold and at most Cap.
	CurveCapped CurveKind = "capped"
)

// DefaultCap is the highest score of a capped curve whose Cap is zero.
const DefaultCap = 150

// Step is one row of a step table: from Achievement % up, the item scores
// Score.
type Step struct {
	Achievement decimal.Decimal `json:"achievement" yaml:"achievement"`
	Score       decimal.Decimal `json:"score" yaml:"score"`
}

// Curve is a scoring curve. The zero Curve is linear.
type Curve struct {
	Kind  CurveKind       `json:"kind,omitempty" yaml:"kind,omitempty"`
	Steps []Step          `json:"steps,omitempty" yaml:"steps,omitempty"` // steps: ascending achievement
	Cap   decimal.Decimal `json:"cap,omitzero" yaml:"cap,omitempty"`      // capped: highest score; zero means DefaultCap
}

// MissingRule says how an item without an actual (a null value: an average
// of no records) counts in the weighted total.
type MissingRule string

const (
	// MissingExclude leaves the item out and scales the total up to the
	// weights that were scored. The default.
	MissingExclude MissingRule = "exclude"
	// MissingZero scores the item 0.
	MissingZero MissingRule = "zero"
)

// ScorecardItem is one KPI of a scorecard template.
type ScorecardItem struct {
	KPI       string          `json:"kpi" yaml:"kpi"`
	Weight    decimal.Decimal `json:"weight" yaml:"weight"` // percent; a template's weights add up to exactly 100
	Basis     LevelBasis      `json:"basis" yaml:"basis"`
	Threshold decimal.Decimal `json:"threshold" yaml:"threshold"`
	Target    decimal.Decimal `json:"target,omitzero" yaml:"target,omitempty"` // LevelsFixed only
	Stretch   decimal.Decimal `json:"stretch" yaml:"stretch"`
	Curve     Curve           `json:"curve,omitzero" yaml:"curve,omitempty"`
	// Objective is the strategy objective the item serves, if any.
	Objective string `json:"objective,omitempty" yaml:"objective,omitempty"`
	// Optional items are not scored unless a unit head switches them on
	// for their unit or a person (LevelChange); Weight is then the weight
	// proposed. The weights of the other items add up to 100.
	Optional bool `json:"optional,omitempty" yaml:"optional,omitempty"`
}

// ScorecardTemplate is the KPI matrix of a position: which KPIs count, how
// much, and how each is scored. Scoring is in package score.
type ScorecardTemplate struct {
	Name     string          `json:"name" yaml:"name"`
	Position string          `json:"position" yaml:"position"`
	Missing  MissingRule     `json:"missing,omitempty" yaml:"missing,omitempty"` // "" means MissingExclude
	Items    []ScorecardItem `json:"items" yaml:"items"`
}

// Validate checks t on its own and against the KPIs of defs (when defs is
// not nil): weights are positive and those of the items that are not
// optional add up to exactly 100, every KPI exists
// once, levels are ordered the KPI's better way round (threshold, then
// target, then stretch), and curves are well formed. It reports every
// problem at once in an EINVALID *Error.
func (t *ScorecardTemplate) Validate(defs *Definitions) error {
	var probs []Problem
	bad := func(col, value, format string, args ...any) {
		probs = append(probs, Problem{Column: col, Value: value, Reason: fmt.Sprintf(format, args...)})
	}
	if t.Name == "" {
		bad("name", "", "a template needs a name")
	}
	if t.Position == "" {
		bad("position", "", "a template belongs to a position")
	}
	switch t.Missing {
	case "", MissingExclude, MissingZero:
	default:
		bad("missing", string(t.Missing), "want exclude or zero")
	}
	if len(t.Items) == 0 {
		bad("items", "", "a template needs at least one KPI")
	}
	hundred := decimal.NewFromInt(100)
	seen := map[string]bool{}
	sum := decimal.Zero
	for i, it := range t.Items {
		col := func(f string) string { return fmt.Sprintf("items[%d].%s", i, f) }
		dir := HigherIsBetter
		switch {
		case it.KPI == "":
			bad(col("kpi"), "", "missing KPI name")
		case seen[it.KPI]:
			bad(col("kpi"), it.KPI, "KPI is listed twice")
		case defs != nil && defs.KPI(it.KPI) == nil:
			bad(col("kpi"), it.KPI, "unknown KPI")
		case defs != nil:
			dir = defs.KPI(it.KPI).Direction
		}
		seen[it.KPI] = true
		if !it.Weight.IsPositive() {
			bad(col("weight"), it.Weight.String(), "weight must be more than 0")
		}
		if !it.Optional {
			sum = sum.Add(it.Weight)
		}

		lo, mid, hi := it.Threshold, it.Target, it.Stretch
		switch it.Basis {
		case LevelsFixed:
		case LevelsPlan:
			if !it.Target.IsZero() {
				bad(col("target"), it.Target.String(), "with basis plan the target is the subject's own; leave it out")
			}
			mid = hundred
			if it.Threshold.IsNegative() || it.Stretch.IsNegative() {
				bad(col("threshold"), it.Threshold.String()+"/"+it.Stretch.String(), "percentages of the target cannot be negative")
			}
		default:
			bad(col("basis"), string(it.Basis), "want fixed or plan")
		}
		ordered := lo.LessThan(mid) && mid.LessThan(hi)
		order := "threshold < target < stretch"
		if dir == LowerIsBetter {
			ordered = lo.GreaterThan(mid) && mid.GreaterThan(hi)
			order = "threshold > target > stretch (lower is better)"
		}
		if !ordered {
			bad(col("threshold"), fmt.Sprintf("%s/%s/%s", lo, mid, hi), "levels must be ordered %s", order)
		}

		switch it.Curve.Kind {
		case "", CurveLinear, CurveCapped:
			if len(it.Curve.Steps) > 0 {
				bad(col("curve.steps"), "", "steps belong to a steps curve")
			}
			if it.Curve.Cap.IsNegative() {
				bad(col("curve.cap"), it.Curve.Cap.String(), "cap cannot be negative")
			}
		case CurveSteps:
			if len(it.Curve.Steps) == 0 {
				bad(col("curve.steps"), "", "a steps curve needs at least one step")
			}
			for j, s := range it.Curve.Steps {
				if j > 0 && !s.Achievement.GreaterThan(it.Curve.Steps[j-1].Achievement) {
					bad(fmt.Sprintf("items[%d].curve.steps[%d].achievement", i, j), s.Achievement.String(), "steps must ascend")
				}
				if s.Score.IsNegative() {
					bad(fmt.Sprintf("items[%d].curve.steps[%d].score", i, j), s.Score.String(), "score cannot be negative")
				}
			}
		default:
			bad(col("curve.kind"), string(it.Curve.Kind), "want linear, steps or capped")
		}
	}
	if len(t.Items) > 0 && !sum.Equal(hundred) {
		bad("items.weight", sum.String(), "weights add up to %s, want exactly 100", sum)
	}
	if len(probs) > 0 {
		return &Error{Code: EINVALID, Message: fmt.Sprintf("Scorecard template %q is invalid: %d problems.", t.Name, len(probs)), Details: probs}
	}
	return nil
}

// ScorecardRevision is an earlier version of a scorecard template (matched
// by Template.Name), in effect up to and including Until. A template may
// have several, each ending where the next begins; the current template,
// if it still exists, is in effect after the last one.
type ScorecardRevision struct {
	Template *ScorecardTemplate `json:"template"`
	Until    Date               `json:"until"`
}

// ScorecardsOn returns the versions of the scorecard templates in effect on
// day: for a template with revisions ending on or after day, the one that
// ends first (they come first, by name); for any other, the current
// template, if it has not been deleted (then, in the order applied). A
// current template's start is not kept, so it is taken to be in effect on
// every day after its last revision, and before too if it has none.
func (d *Definitions) ScorecardsOn(day Date) []*ScorecardTemplate {
	inEffect := map[string]*ScorecardRevision{}
	for _, r := range d.ScorecardRevisions {
		if r == nil || r.Template == nil || r.Until < day {
			continue
		}
		if b, ok := inEffect[r.Template.Name]; !ok || r.Until < b.Until {
			inEffect[r.Template.Name] = r
		}
	}
	names := make([]string, 0, len(inEffect))
	for n := range inEffect {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]*ScorecardTemplate, 0, len(names)+len(d.Scorecards))
	for _, n := range names {
		out = append(out, inEffect[n].Template)
	}
	for _, t := range d.Scorecards {
		if inEffect[t.Name] == nil {
			out = append(out, t)
		}
	}
	return out
}

// ScorecardOn returns the template that belongs to position on day, or nil:
// the first of ScorecardsOn(day) with that position, so an earlier version
// in effect on day beats a current template of the same position.
func (d *Definitions) ScorecardOn(position string, day Date) *ScorecardTemplate {
	for _, t := range d.ScorecardsOn(day) {
		if t.Position == position {
			return t
		}
	}
	return nil
}

// ScorecardNamed returns the version of the named template in effect on
// day, or nil: none after the last revision of a deleted template.
func (d *Definitions) ScorecardNamed(name string, day Date) *ScorecardTemplate {
	for _, t := range d.ScorecardsOn(day) {
		if t.Name == name {
			return t
		}
	}
	return nil
}
