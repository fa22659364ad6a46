package app

import "attain/kpi"

// Action is what a use case does, as access is decided on it.
type Action string

// The actions, one per kind of access a use case needs.
const (
	ReadWorkspace     Action = "workspace:read"
	ReadOrg           Action = "org:read"
	WriteOrg          Action = "org:write"
	ReadDefinitions   Action = "definitions:read"
	WriteDefinitions  Action = "definitions:write"
	ReadRecords       Action = "records:read"
	WriteRecords      Action = "records:write"
	ReadValues        Action = "values:read"
	ReadTargets       Action = "targets:read"
	WriteTargets      Action = "targets:write"
	LockPeriods       Action = "periods:lock"
	ReadStatements    Action = "statements:read"
	ApproveStatements Action = "statements:approve"
	LockStatements    Action = "statements:lock"
	PayStatements     Action = "statements:pay"
	InquireStatements Action = "statements:inquire"
	AnswerInquiries   Action = "statements:answer"
	ReadPayouts       Action = "payouts:read"
	ReadAudit         Action = "audit:read"
	WriteTokens       Action = "tokens:write"
	LoadDemo          Action = "demo:load"
)

// authorize is the one place access is decided: every use case calls it
// (through begin) before it reads or changes anything.
func authorize(who kpi.Actor, act Action) error {
	if who.WorkspaceID <= 0 {
		return kpi.Errorf(kpi.EUNAUTHORIZED, "No workspace selected.")
	}
	return nil
}
