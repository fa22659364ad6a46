package kpi

import (
	"cmp"
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// Objective is what the company (or a department, a team) means to achieve
// in a period: "grow won value in key accounts by 20 % in 2027". It is
// measured by one or more KPIs, each with a target and a weight, and may
// cascade from a parent objective. UnitID is the unit that carries it; ""
// for the company as a whole (its top unit).
type Objective struct {
	ID          string             `json:"id" yaml:"id"`
	Title       string             `json:"title" yaml:"title"`
	Description string             `json:"description,omitempty" yaml:"description,omitempty"`
	Period      Period             `json:"period" yaml:"-"`
	ParentID    string             `json:"parent_id,omitempty" yaml:"parent,omitempty"`
	UnitID      string             `json:"unit_id,omitempty" yaml:"unit,omitempty"`
	Measures    []ObjectiveMeasure `json:"measures" yaml:"measures"`
	UpdatedAt   time.Time          `json:"updated_at" yaml:"-"`
}

// ObjectiveMeasure is a KPI that measures an objective: the value it
// should reach over the objective's period and its weight in the
// objective's progress (any positive numbers; they need not add up to
// 100).
type ObjectiveMeasure struct {
	KPI    string          `json:"kpi" yaml:"kpi"`
	Target decimal.Decimal `json:"target" yaml:"target"`
	Weight decimal.Decimal `json:"weight" yaml:"weight"`
}

// UnitFunction is what an org unit does: sales, order processing,
// production, service. The KPI library proposes definitions by function.
type UnitFunction struct {
	UnitID   string `json:"unit_id"`
	Function string `json:"function"`
}

// Functions are the unit functions the library knows; a workspace may use
// others.
var Functions = []string{"sales", "order_processing", "production", "service", "purchasing", "finance"}

// Guardrail bounds what the head of a unit may change on their own: a
// target of their unit or of a person below them. A change that moves a
// target by more than MaxChange % of its company value (the value before
// the first change by a head in that period) waits for approval by the
// next level up; one that sets it below Floor % of the company value is
// refused. KPI "" is the default for every KPI.
//
// For scorecards, the same MaxChange holds for a threshold or stretch level
// a head moves away from the template's, and the same Floor refuses one
// easier than Floor % of it. Mandatory says a head may not switch the
// KPI's scorecard item off, nor weight it below MinWeight; MinWeight and
// MaxWeight (percent, nil for none) are the range a head may weight the
// KPI's item in on their own, in any template: a weight outside waits for
// the next level up (a mandatory KPI's below MinWeight is refused). A KPI
// with no range set is weighted by its template unless the next level up
// approves.
type Guardrail struct {
	KPI       string           `json:"kpi"`
	MaxChange decimal.Decimal  `json:"max_change"`
	Floor     decimal.Decimal  `json:"floor"`
	Mandatory bool             `json:"mandatory,omitempty"`
	MinWeight *decimal.Decimal `json:"min_weight,omitempty"`
	MaxWeight *decimal.Decimal `json:"max_weight,omitempty"`
}

// WeightRange says g's weight range in words: "20–40 %" (0 and 100
// where a bound is not set).
func (g Guardrail) WeightRange() string {
	lo, hi := "0", "100"
	if g.MinWeight != nil {
		lo = g.MinWeight.String()
	}
	if g.MaxWeight != nil {
		hi = g.MaxWeight.String()
	}
	return lo + "–" + hi + " %"
}

// DefaultGuardrail holds when the company set none: a head may move a
// target by up to 10 % of its company value on their own, and never below
// 80 % of it.
var DefaultGuardrail = Guardrail{MaxChange: decimal.NewFromInt(10), Floor: decimal.NewFromInt(80)}

// GuardrailRow is a guardrail as the company writes it (attain.yaml's
// guardrails:, PUT /api/v1/guardrails): MaxChange and Floor nil where the
// row leaves them out.
type GuardrailRow struct {
	KPI       string           `json:"kpi"`
	MaxChange *decimal.Decimal `json:"max_change,omitempty"`
	Floor     *decimal.Decimal `json:"floor,omitempty"`
	Mandatory bool             `json:"mandatory,omitempty"`
	MinWeight *decimal.Decimal `json:"min_weight,omitempty"`
	MaxWeight *decimal.Decimal `json:"max_weight,omitempty"`
}

// GuardrailsOf returns rows as guardrails: a row that leaves MaxChange or
// Floor out takes the default row's (KPI ""), else DefaultGuardrail's.
func GuardrailsOf(rows []GuardrailRow) []Guardrail {
	def := DefaultGuardrail
	for _, r := range rows {
		if r.KPI == "" {
			def.MaxChange, def.Floor = *cmp.Or(r.MaxChange, &def.MaxChange), *cmp.Or(r.Floor, &def.Floor)
		}
	}
	out := make([]Guardrail, len(rows))
	for i, r := range rows {
		out[i] = Guardrail{KPI: r.KPI, MaxChange: *cmp.Or(r.MaxChange, &def.MaxChange), Floor: *cmp.Or(r.Floor, &def.Floor),
			Mandatory: r.Mandatory, MinWeight: r.MinWeight, MaxWeight: r.MaxWeight}
	}
	return out
}

// Level change statuses.
const (
	LevelApplied  = "applied"
	LevelPending  = "pending"
	LevelApproved = "approved"
	LevelRejected = "rejected"
)

// LevelChange is a head's change of a target, or of the scorecard of
// their unit or one person (Scorecard set): applied at once inside the
// guardrails, or pending until the next level up approves or rejects it.
//
// A scorecard change holds the whole scorecard as it is to be for Subject
// (Items: every item of the template, each on or off, with its weight and
// levels) and applies from Period.From onward: in each period starting on
// or after it, until a later change; KPI, Baseline, Old and New are then
// unused.
type LevelChange struct {
	ID        int64            `json:"id"`
	KPI       string           `json:"kpi"`
	Subject   Subject          `json:"subject"`
	Period    Period           `json:"period"`
	Baseline  *decimal.Decimal `json:"baseline"` // the company value; nil when there was no target
	Old       *decimal.Decimal `json:"old"`
	New       decimal.Decimal  `json:"new"`
	Status    string           `json:"status"`
	Why       string           `json:"why"` // which guardrail, in words
	Reason    string           `json:"reason,omitempty"`
	By        string           `json:"by"`
	At        time.Time        `json:"at"`
	DecidedBy string           `json:"decided_by,omitempty"`
	DecidedAt *time.Time       `json:"decided_at,omitempty"`

	Scorecard string       `json:"scorecard,omitempty"` // the template's name
	Items     []ItemLevels `json:"items,omitempty"`
	// Changed lists what the change moves from what was in effect,
	// in words ("won_value weight 30 → 35").
	Changed []string `json:"changed,omitempty"`
}

// ItemLevels is one scorecard item as a unit head set it for a subject:
// on or off, its weight and its threshold and stretch levels (in the
// item's basis: values, or percent of the target).
type ItemLevels struct {
	KPI       string          `json:"kpi"`
	Off       bool            `json:"off,omitempty"`
	Weight    decimal.Decimal `json:"weight"`
	Threshold decimal.Decimal `json:"threshold"`
	Stretch   decimal.Decimal `json:"stretch"`
}

// Task statuses.
const (
	TaskOpen      = "open"
	TaskDone      = "done"
	TaskConfirmed = "confirmed"
	TaskCancelled = "cancelled"
)

// Task judging: how a task is judged done.
const (
	JudgedDone    = "done"    // done or not
	JudgedPercent = "percent" // a percentage complete
	JudgedValue   = "value"   // a value reached against Goal
)

// Task is something a manager asks of one person, by a day, perhaps for an
// objective: the person reports progress, the manager confirms.
type Task struct {
	ID          int64            `json:"id"`
	EmployeeID  string           `json:"employee_id"`
	ObjectiveID string           `json:"objective_id,omitempty"`
	Title       string           `json:"title"`
	Due         Date             `json:"due"`
	Judged      string           `json:"judged"`
	Goal        *decimal.Decimal `json:"goal,omitempty"`     // judged by value
	Progress    *decimal.Decimal `json:"progress,omitempty"` // percent or value reached
	Status      string           `json:"status"`
	DoneOn      *Date            `json:"done_on,omitempty"`
	CreatedBy   string           `json:"created_by"`
	UpdatedAt   time.Time        `json:"updated_at"`
}

// TaskUpdate changes the fields that are set.
type TaskUpdate struct {
	Title    *string          `json:"title"`
	Due      *Date            `json:"due"`
	Status   *string          `json:"status"`
	Progress *decimal.Decimal `json:"progress"`
	DoneOn   **Date           `json:"-"`
}

// TaskFilter selects tasks; empty fields match all.
type TaskFilter struct {
	Employees   []string
	ObjectiveID string
}

// StrategyService keeps the objectives, unit functions, guardrails, level
// changes and tasks of the context's workspace; every change is audited.
type StrategyService interface {
	FindObjectives(ctx context.Context) ([]*Objective, error)
	// ReplaceObjectives replaces all objectives with objs in one
	// transaction (what attain.yaml declares), returning the changes.
	ReplaceObjectives(ctx context.Context, objs []*Objective, reason string) ([]Change, error)
	PutObjective(ctx context.Context, o *Objective) error
	DeleteObjective(ctx context.Context, id string) error

	FindUnitFunctions(ctx context.Context) ([]UnitFunction, error)
	SetUnitFunction(ctx context.Context, f UnitFunction) error

	FindGuardrails(ctx context.Context) ([]Guardrail, error)
	SetGuardrails(ctx context.Context, gs []Guardrail) error

	FindLevelChanges(ctx context.Context, status string) ([]*LevelChange, error)
	FindLevelChange(ctx context.Context, id int64) (*LevelChange, error)
	CreateLevelChange(ctx context.Context, c *LevelChange) error
	DecideLevelChange(ctx context.Context, id int64, status string) (*LevelChange, error)

	FindTasks(ctx context.Context, f TaskFilter) ([]*Task, error)
	FindTask(ctx context.Context, id int64) (*Task, error)
	CreateTask(ctx context.Context, t *Task) error
	UpdateTask(ctx context.Context, id int64, upd TaskUpdate) (*Task, error)
}
