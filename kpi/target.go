package kpi

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// Target is the planned value of a KPI for an employee or an org unit in a
// period. Every change is kept as a TargetChange; a target of a locked
// period cannot change until the period is reopened with a reason.
type Target struct {
	KPI       string          `json:"kpi"`
	Subject   Subject         `json:"subject"`
	Period    Period          `json:"period"`
	Value     decimal.Decimal `json:"value"`
	Version   int             `json:"version"` // 1 for the first value, +1 per change
	UpdatedAt time.Time       `json:"updated_at"`
	UpdatedBy string          `json:"updated_by"`
	Reason    string          `json:"reason,omitempty"`
}

// TargetInput sets one target; a nil Value deletes it.
type TargetInput struct {
	KPI     string           `json:"kpi"`
	Subject Subject          `json:"subject"`
	Period  Period           `json:"period"`
	Value   *decimal.Decimal `json:"value"`
}

// TargetChange is one entry of a target's history: who changed it when,
// from what to what, and why. Old is nil when the target was created, New
// nil when it was deleted.
type TargetChange struct {
	KPI     string           `json:"kpi"`
	Subject Subject          `json:"subject"`
	Period  Period           `json:"period"`
	Old     *decimal.Decimal `json:"old"`
	New     *decimal.Decimal `json:"new"`
	Version int              `json:"version"`
	At      time.Time        `json:"at"`
	By      string           `json:"by"`
	Reason  string           `json:"reason,omitempty"`
}

// TargetFilter selects targets; empty fields match all. Periods match when
// they overlap [From, To] (zero dates: no bound) and, if Grain is set, have
// that grain.
type TargetFilter struct {
	KPIs     []string
	Subjects []Subject
	Grain    Grain
	From, To Date
}

// PeriodLock closes a period: targets of periods inside it cannot change.
type PeriodLock struct {
	Period   Period    `json:"period"`
	LockedAt time.Time `json:"locked_at"`
	LockedBy string    `json:"locked_by"`
	Reason   string    `json:"reason,omitempty"`
}

// TargetService keeps the targets of the context's workspace with their
// full history, and the locks of closed periods.
type TargetService interface {
	FindTargets(ctx context.Context, f TargetFilter) ([]*Target, error)
	// SetTargets writes all inputs in one transaction, or none: a locked
	// period fails the whole call (ECONFLICT naming it). Inputs whose value
	// does not change are skipped. It returns the targets as they are now,
	// deleted ones left out.
	SetTargets(ctx context.Context, in []TargetInput, reason string) ([]*Target, error)
	// TargetHistory lists the changes of targets matching f, oldest first.
	TargetHistory(ctx context.Context, f TargetFilter) ([]*TargetChange, error)
	// TargetsVersion is the number of the workspace's last target change
	// (0 before any): it grows with every SetTargets that changes a
	// target, so a cache of what targets feed can tell it is stale.
	TargetsVersion(ctx context.Context) (int64, error)

	FindPeriodLocks(ctx context.Context) ([]*PeriodLock, error)
	// LockPeriod closes p; ReopenPeriod removes the lock of exactly p.
	// Both need a reason and are audited.
	LockPeriod(ctx context.Context, p Period, reason string) error
	ReopenPeriod(ctx context.Context, p Period, reason string) error
}
