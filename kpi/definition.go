package kpi

import (
	"context"
	"time"
)

// Unit says what a KPI's number is.
type Unit string

const (
	UnitCount    Unit = "count"
	UnitMoney    Unit = "money"
	UnitPercent  Unit = "percent" // a ratio: 0.25 is shown as 25 %
	UnitDuration Unit = "duration"
	UnitNumber   Unit = "number"
)

// Direction says which way is better.
type Direction string

const (
	HigherIsBetter Direction = "higher"
	LowerIsBetter  Direction = "lower"
)

// KPI is either a measure over a dataset (Dataset and Aggregation set) or a
// formula over other KPIs of the same workspace (Formula set).
type KPI struct {
	Name        string      `json:"name" yaml:"name"`
	Title       string      `json:"title" yaml:"title"`
	Description string      `json:"description,omitempty" yaml:"description,omitempty"`
	Unit        Unit        `json:"unit" yaml:"unit"`
	Direction   Direction   `json:"direction" yaml:"direction"`
	Currency    string      `json:"currency,omitempty" yaml:"currency,omitempty"`       // for money
	TimeUnit    string      `json:"time_unit,omitempty" yaml:"time_unit,omitempty"`     // for duration: days, hours, minutes, seconds
	Dataset     string      `json:"dataset,omitempty" yaml:"dataset,omitempty"`         // measure
	Aggregation Aggregation `json:"aggregation,omitempty" yaml:"aggregation,omitempty"` // measure
	Expr        string      `json:"expr,omitempty" yaml:"expr,omitempty"`               // measure: the value folded (not for count)
	Filter      string      `json:"filter,omitempty" yaml:"filter,omitempty"`           // measure: records counted, a boolean expression
	TimeColumn  string      `json:"time_column,omitempty" yaml:"time_column,omitempty"` // measure: which time column dates a record
	Formula     string      `json:"formula,omitempty" yaml:"formula,omitempty"`         // formula over other KPIs' names
	UpdatedAt   time.Time   `json:"updated_at" yaml:"-"`
}

// IsFormula reports whether k is computed from other KPIs.
func (k *KPI) IsFormula() bool { return k.Formula != "" }

// Definitions is the whole set of definitions of a workspace: what an
// attain.yaml declares. It is validated and swapped as one.
type Definitions struct {
	Datasets   []*Dataset           `json:"datasets"`
	KPIs       []*KPI               `json:"kpis"`
	Scorecards []*ScorecardTemplate `json:"scorecards,omitempty"`
	Calendar   *Calendar            `json:"calendar,omitempty"`
	BonusPlans []*BonusPlan         `json:"bonus_plans,omitempty"`
	Policy     *WorkspacePolicy     `json:"policy,omitempty"`
	Awards     *Awards              `json:"awards,omitempty"`
	// Revisions are earlier definitions of KPIs that stay in effect for
	// the records (and periods) before a change that was applied from a
	// date; they are kept by the store, not written in attain.yaml.
	Revisions []*KPIRevision `json:"revisions,omitempty"`
	// ScorecardRevisions are earlier versions of scorecard templates, kept
	// the same way: the cards of periods before a change keep the weights
	// and levels they were scored with.
	ScorecardRevisions []*ScorecardRevision `json:"scorecard_revisions,omitempty"`
}

// KPIRevision is an earlier definition of a KPI, in effect up to and
// including Until. A KPI may have several, each ending where the next
// begins; the current definition is in effect after the last one.
type KPIRevision struct {
	KPI   *KPI `json:"kpi"`
	Until Date `json:"until"`
}

// Calendar is the workspace's working-day calendar: targets are prorated
// and pace is measured by working days.
type Calendar struct {
	Weekend  []time.Weekday `json:"weekend,omitempty"` // nil: Saturday and Sunday
	Holidays []Holiday      `json:"holidays,omitempty"`
	// Pace is how much of a plan is expected by a day inside an open
	// period, for its scorecard, pace and forecast: PaceLinear (the
	// default, "") or PaceShape.
	Pace string `json:"pace,omitempty"`
}

// Pace methods of a Calendar.
const (
	PaceLinear = "linear" // by the working days passed
	PaceShape  = "shape"  // by the shape of the same-grain periods before
)

// Holiday is a non-working day.
type Holiday struct {
	Date Date   `json:"date" yaml:"date"`
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
}

// Scorecard returns the current template for a position, or nil. Use
// ScorecardOn for the one in effect on a day.
func (d *Definitions) Scorecard(position string) *ScorecardTemplate {
	for _, t := range d.Scorecards {
		if t.Position == position {
			return t
		}
	}
	return nil
}

// Dataset returns the named dataset or nil.
func (d *Definitions) Dataset(name string) *Dataset {
	for _, ds := range d.Datasets {
		if ds.Name == name {
			return ds
		}
	}
	return nil
}

// KPI returns the named KPI or nil.
func (d *Definitions) KPI(name string) *KPI {
	for _, k := range d.KPIs {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// Change is one difference between stored and applied definitions.
type Change struct {
	Action string `json:"action"` // create, update, delete
	Kind   string `json:"kind"`   // dataset, kpi
	Name   string `json:"name"`
}

// DefinitionService stores the context workspace's datasets and KPIs.
type DefinitionService interface {
	FindDefinitions(ctx context.Context) (*Definitions, error)
	// ApplyDefinitions replaces the stored definitions with defs in one
	// transaction, writes an audit entry per change and returns the
	// changes. Applying the same definitions twice changes nothing. With
	// dryRun it only returns the changes. Datasets that still hold records
	// are not deleted (ECONFLICT). The caller has validated defs.
	//
	// With opt.EffectiveFrom set, a changed or deleted KPI keeps its old
	// definition as a KPIRevision in effect until the day before, so
	// records and periods before that day keep their numbers; a changed or
	// deleted scorecard template keeps its old version as a
	// ScorecardRevision the same way.
	ApplyDefinitions(ctx context.Context, defs *Definitions, opt ApplyOptions) ([]Change, error)
}

// ApplyOptions say how definitions are applied.
type ApplyOptions struct {
	DryRun        bool
	EffectiveFrom *Date  // nil: the new definitions apply to all records
	Reason        string // kept in the audit trail
}

// AuditEntry records one change: who, when, what, old and new, why.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"` // create, update, delete, apply, import
	Entity   string    `json:"entity"` // kpi, dataset, org_unit, employee, records
	EntityID string    `json:"entity_id"`
	Old      string    `json:"old,omitempty"` // JSON
	New      string    `json:"new,omitempty"` // JSON
	Reason   string    `json:"reason,omitempty"`
	Addr     string    `json:"addr,omitempty"` // where the change came from
}

// AuditService reads the audit trail; entries are written by the other
// services in the same transaction as the change.
type AuditService interface {
	FindAuditEntries(ctx context.Context, entity, entityID string, limit int) ([]*AuditEntry, error)
}

type actorContextKey struct{}

// NewContextWithActor names who makes the changes done with ctx (a user, a
// token, "cli"); the audit trail records it.
func NewContextWithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorContextKey{}, actor)
}

// ActorFromContext returns who acts, "system" if nobody was named.
func ActorFromContext(ctx context.Context) string {
	if a, ok := ctx.Value(actorContextKey{}).(string); ok && a != "" {
		return a
	}
	return "system"
}
