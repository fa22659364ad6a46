package kpi

import (
	"context"

	"github.com/shopspring/decimal"
)

// Subject kinds.
const (
	SubjectEmployee = "employee"
	SubjectUnit     = "unit"
)

// Subject is whom a value is about: an employee or an org unit. A unit's
// value is computed over the records of every employee in the unit and its
// descendants, never as an average of its members' values.
type Subject struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

func (s Subject) String() string { return s.Kind + ":" + s.ID }

// ValueQuery asks for KPI values per subject and period.
type ValueQuery struct {
	KPIs     []string  // names; empty means all
	Subjects []Subject // empty means every employee and every unit
	Grain    Grain     // Range for the one period From..To
	From, To Date      // inclusive; periods of Grain that touch it are returned whole
}

// KPIValue is one KPI's value for one subject and period. Records is how
// many records it was computed from (for a formula, the sum over its parts).
// Null means there is no value: an average of no records, a division by zero.
type KPIValue struct {
	KPI     string          `json:"kpi"`
	Subject Subject         `json:"subject"`
	Period  Period          `json:"period"`
	Value   decimal.Decimal `json:"value"`
	Null    bool            `json:"null,omitempty"`
	Records int             `json:"records"`
	// Display is Value written in the KPI's unit for reading (see
	// Display); set by the API, empty elsewhere.
	Display string `json:"display,omitempty"`
}

// ExplainQuery asks why a KPI has the value it has.
type ExplainQuery struct {
	KPI     string
	Subject Subject
	Period  Period
	Limit   int // records listed at most; 0 means all
}

// Explanation takes a value apart: for a measure, the records it folds, each
// with the amount it contributed; for a formula, the values of its parts;
// for a measure whose definition changed within the period, one part per
// definition used (see Until), each with its records.
type Explanation struct {
	Value       KPIValue          `json:"value"`
	Aggregation Aggregation       `json:"aggregation,omitempty"`
	Dataset     string            `json:"dataset,omitempty"`
	Filter      string            `json:"filter,omitempty"`
	Expr        string            `json:"expr,omitempty"`
	TimeColumn  string            `json:"time_column,omitempty"`
	Formula     string            `json:"formula,omitempty"`
	Parts       []*Explanation    `json:"parts,omitempty"`
	Records     []ExplainedRecord `json:"records,omitempty"`
	Truncated   bool              `json:"truncated,omitempty"` // more records than Limit
	Until       *Date             `json:"until,omitempty"`     // computed with the KPI's revision in effect until this day; nil: the current definition
}

// ExplainedRecord is one record that counts towards a measure.
type ExplainedRecord struct {
	Key   string           `json:"key"`
	Owner string           `json:"owner"`
	Date  Date             `json:"date"`
	Value *decimal.Decimal `json:"value,omitempty"` // nil for count
	// Fields are the record's cells as text, for people to read; filled
	// from the store by the API and the CLI, not by the engine.
	Fields map[string]string `json:"fields,omitempty"`
}

// ValueService computes KPI values for the context's workspace.
type ValueService interface {
	Values(ctx context.Context, q ValueQuery) ([]KPIValue, error)
	Explain(ctx context.Context, q ExplainQuery) (*Explanation, error)
}
