package kpi

import (
	"context"
	"time"
)

// Pilot statuses: a pilot runs until it is ended (by hand, or its end day
// passes), and is rolled out when its scheme goes live for more units.
const (
	PilotRunning    = "running"
	PilotEnded      = "ended"
	PilotRolledOut  = "rolled_out"
	MaxPilotDays    = 92 // a pilot is a trial of weeks, not a new regime
	MaxPilotNameLen = 120
)

// Pilot is a scheme tried on one unit for a few weeks: its KPIs and
// would-be bonuses are computed under a scorecard template and/or a bonus
// plan of the definitions, and compared with the weeks before and with a
// comparison unit over the same weeks. In shadow mode the scheme is only
// computed and shown; nobody is paid on it and nothing of it reaches
// payouts or payroll exports.
type Pilot struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`                 // the org unit it runs in
	Comparison string `json:"comparison,omitempty"` // the org unit it is compared with; "" none
	Start      Date   `json:"start"`
	End        Date   `json:"end"` // inclusive
	// Template and Plan are the scheme under trial: a scorecard template
	// and/or a bonus plan of the definitions, by name.
	Template string `json:"template,omitempty"`
	Plan     string `json:"plan,omitempty"`
	Shadow   bool   `json:"shadow"`
	Status   string `json:"status"`
	Notes    string `json:"notes,omitempty"`

	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	EndedBy   string     `json:"ended_by,omitempty"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	Rollouts  []*Rollout `json:"rollouts"`
}

// Window is the pilot's days as a period.
func (p *Pilot) Window() Period { return Period{Grain: Range, From: p.Start, To: p.End} }

// Rollout is a pilot's scheme made live for more units from a day.
type Rollout struct {
	ID     int64     `json:"id"`
	Units  []string  `json:"units"`
	From   Date      `json:"from"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	// Employees are those whose bonus plan changed; Template is the
	// position's scorecard template replaced from From, if any.
	Employees []string `json:"employees"`
	Positions []string `json:"positions,omitempty"`
}

// PilotService keeps the context workspace's pilots, each change audited.
type PilotService interface {
	// CreatePilot stores p, sets its ID, status, creator and time.
	CreatePilot(ctx context.Context, p *Pilot) error
	FindPilotByID(ctx context.Context, id int64) (*Pilot, error)
	// FindPilots lists the pilots, newest first.
	FindPilots(ctx context.Context) ([]*Pilot, error)
	// EndPilot ends a running pilot on day end (not after its planned
	// end); ECONFLICT unless it is running.
	EndPilot(ctx context.Context, id int64, end Date, reason string) (*Pilot, error)
	// AddRollout records a rollout of the pilot and marks it rolled out.
	AddRollout(ctx context.Context, id int64, r *Rollout) (*Pilot, error)
}
