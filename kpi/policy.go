package kpi

import "github.com/shopspring/decimal"

// WorkspacePolicy is how a workspace wants its pay and personal data
// handled: the policy section of attain.yaml.
type WorkspacePolicy struct {
	// SecondApproverAbove: a statement paying more than this (in its own
	// currency) needs a second approver, someone other than the first,
	// before it can be locked. Nil: one approver is enough.
	SecondApproverAbove *decimal.Decimal `json:"second_approver_above,omitempty"`
	// RetentionMonths is how long after a person left their data must be
	// kept before an admin may pseudonymise them; 0: no wait.
	RetentionMonths int `json:"retention_months,omitempty"`
}

// SecondApproval reports whether a payout needs a second approver.
func (p *WorkspacePolicy) SecondApproval(payout decimal.Decimal) bool {
	return p != nil && p.SecondApproverAbove != nil && payout.GreaterThan(*p.SecondApproverAbove)
}
