package kpi

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// Limits of what a meeting keeps.
const (
	MaxCommentLen   = 4000
	MaxReasonLen    = 1000
	MaxMeetingItems = 500 // comments or proposals listed at once
)

// Comment is a remark in a review meeting on a KPI of a person or unit in
// a period; a reply names the comment it answers (Parent), so comments
// form threads. A thread is resolved as a whole, on its first comment.
type Comment struct {
	ID         int64      `json:"id"`
	Parent     int64      `json:"parent,omitempty"`
	Subject    Subject    `json:"subject"`
	KPI        string     `json:"kpi,omitempty"`
	Period     Period     `json:"period"`
	Text       string     `json:"text"`
	By         string     `json:"by"`
	At         time.Time  `json:"at"`
	ResolvedBy string     `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
}

// CommentFilter selects comments; empty fields match all. Periods match
// when they overlap [From, To].
type CommentFilter struct {
	Subjects []Subject
	KPI      string
	From, To Date
}

// Proposal kinds and statuses.
const (
	ProposeTarget     = "target"
	ProposeDefinition = "definition"

	ProposalOpen     = "open"
	ProposalAccepted = "accepted"
	ProposalRejected = "rejected"
)

// Proposal is a change put to the review meeting: a target (Value for KPI
// of Subject in Period) or a KPI's definition (KPIDef, in effect from
// Effective), with why; it is accepted (applied, audited) or rejected with
// a reason.
type Proposal struct {
	ID        int64            `json:"id"`
	Kind      string           `json:"kind"`
	KPI       string           `json:"kpi"`
	Subject   Subject          `json:"subject,omitzero"`
	Period    Period           `json:"period"`
	Value     *decimal.Decimal `json:"value,omitempty"`
	KPIDef    json.RawMessage  `json:"definition,omitempty"`
	Effective *Date            `json:"effective,omitempty"`
	Why       string           `json:"why"`
	Status    string           `json:"status"`
	By        string           `json:"by"`
	At        time.Time        `json:"at"`
	DecidedBy string           `json:"decided_by,omitempty"`
	DecidedAt *time.Time       `json:"decided_at,omitempty"`
	Reason    string           `json:"reason,omitempty"` // of the decision
}

// MeetingService keeps the context workspace's review-meeting comments
// and proposals, each change audited.
type MeetingService interface {
	CreateComment(ctx context.Context, c *Comment) error
	FindCommentByID(ctx context.Context, id int64) (*Comment, error)
	FindComments(ctx context.Context, f CommentFilter) ([]*Comment, error)
	// ResolveComment marks the thread of comment id resolved.
	ResolveComment(ctx context.Context, id int64) (*Comment, error)

	CreateProposal(ctx context.Context, p *Proposal) error
	FindProposalByID(ctx context.Context, id int64) (*Proposal, error)
	// FindProposals lists proposals of periods overlapping [from, to]
	// (zero: no bound) with one of statuses (none: all), newest first.
	FindProposals(ctx context.Context, from, to Date, statuses []string) ([]*Proposal, error)
	// DecideProposal marks an open proposal accepted or rejected with
	// reason; ECONFLICT unless it is open.
	DecideProposal(ctx context.Context, id int64, status, reason string) (*Proposal, error)
}
