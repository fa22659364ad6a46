package app

import (
	"context"
	"slices"
	"strings"

	"attain/kpi"
)

// Action is what a use case does, as access is decided on it; it is also
// the scope an API token names to be allowed it.
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
	WriteUsers        Action = "users:write"
	LoadDemo          Action = "demo:load"
	// Strategy (strategy.go): objectives, unit ownership of levels, tasks.
	ReadStrategy     Action = "strategy:read"
	WriteStrategy    Action = "strategy:write"
	WriteLevels      Action = "levels:write"
	ApproveLevels    Action = "levels:approve"
	ReadTasks        Action = "tasks:read"
	WriteTasks       Action = "tasks:write"
	ReportTasks      Action = "tasks:report"
	ReadInbox        Action = "inbox:read"
	WriteWebhooks    Action = "webhooks:write"
	RunNotifications Action = "notifications:run"
	ReadPilots       Action = "pilots:read"
	WritePilots      Action = "pilots:write"
	ReadOwnPilots    Action = "pilots:own"
	ReadMeetings     Action = "meetings:read"
	WriteComments    Action = "meetings:comment"
	WriteProposals   Action = "meetings:propose"
	DecideProposals  Action = "meetings:decide"
	ReadLeaderboards Action = "leaderboards:read"
)

// rule says who may take an action: the roles that may take it on anything
// in the workspace; whether everyone may (Everyone); whether a person may
// take it on their own data (Self) and, as a manager, on the data of the
// people and units below them (Team); and whether nobody, whatever their
// role, may take it on their own data (NotOwn: approving one's own pay).
type rule struct {
	Roles    []kpi.Role
	Everyone bool
	Self     bool
	Team     bool
	NotOwn   bool
	Doc      string
}

var (
	readers = []kpi.Role{kpi.RoleAdmin, kpi.RoleFinance, kpi.RoleAuditor}
	admins  = []kpi.Role{kpi.RoleAdmin}
)

// Policy is the one table of who may do what; authorize reads it, and
// docs/security.md shows it.
var Policy = map[Action]rule{
	ReadWorkspace:     {Everyone: true, Doc: "the workspace's name and time zone"},
	ReadOrg:           {Everyone: true, Doc: "units and people (pay only of oneself, one's team, or for admins, finance and auditors)"},
	WriteOrg:          {Roles: admins, Doc: "change units and people"},
	ReadDefinitions:   {Everyone: true, Doc: "datasets, KPIs, scorecards, plans"},
	WriteDefinitions:  {Roles: admins, Doc: "apply definitions"},
	ReadRecords:       {Roles: readers, Self: true, Team: true, Doc: "records, by their owner"},
	WriteRecords:      {Roles: admins, Doc: "import and delete records"},
	ReadValues:        {Roles: readers, Self: true, Team: true, Doc: "KPI values, explanations, scorecards, attention"},
	ReadTargets:       {Roles: readers, Self: true, Team: true, Doc: "targets and their history"},
	WriteTargets:      {Roles: admins, Team: true, NotOwn: true, Doc: "set and propose targets"},
	LockPeriods:       {Roles: admins, Doc: "lock and reopen periods"},
	ReadStatements:    {Roles: readers, Self: true, Team: true, Doc: "bonus statements, what-if, PDF"},
	ApproveStatements: {Roles: admins, Team: true, NotOwn: true, Doc: "approve a statement"},
	LockStatements:    {Roles: admins, Doc: "lock a statement for good"},
	PayStatements:     {Roles: admins, Doc: "mark a statement paid"},
	InquireStatements: {Roles: admins, Self: true, Doc: "ask about a line of a statement"},
	AnswerInquiries:   {Roles: admins, Team: true, NotOwn: true, Doc: "answer an inquiry"},
	ReadPayouts:       {Roles: readers, Doc: "payouts of a period, team costs, payroll exports"},
	ReadAudit:         {Roles: readers, Doc: "the audit trail"},
	WriteTokens:       {Everyone: true, Doc: "one's own API tokens"},
	WriteUsers:        {Roles: admins, Doc: "users, roles, integration tokens, personal data"},
	LoadDemo:          {Doc: "load the demo (the system only)"},
	ReadStrategy:      {Everyone: true, Doc: "objectives and their gaps, unit functions, guardrails, the KPI library (progress numbers only of units one may see values of)"},
	WriteStrategy:     {Roles: admins, Doc: "objectives, unit functions, guardrails"},
	WriteLevels:       {Roles: admins, Team: true, NotOwn: true, Doc: "a unit head's targets, scorecard weights, levels and optional KPIs for their units and people, inside the guardrails"},
	ApproveLevels:     {Roles: admins, Team: true, NotOwn: true, Doc: "approve or reject a level change above the guardrails (the next level up)"},
	ReadTasks:         {Roles: readers, Self: true, Team: true, Doc: "tasks"},
	WriteTasks:        {Roles: admins, Team: true, NotOwn: true, Doc: "set, change, confirm a person's tasks"},
	ReportTasks:       {Roles: admins, Self: true, Team: true, Doc: "report progress on a task"},
	ReadInbox:         {Everyone: true, Doc: "one's own notifications, mark them read"},
	WriteWebhooks:     {Roles: admins, Doc: "outgoing webhooks and the outbox"},
	RunNotifications:  {Doc: "deliver notifications, raise the daily ones, send digests (the system only)"},
	ReadPilots:        {Roles: readers, Team: true, Doc: "pilots of a unit, their reports and exports"},
	WritePilots:       {Roles: admins, Doc: "create, end and roll out pilots"},
	ReadOwnPilots:     {Self: true, Doc: "one's own would-be bonus in a shadow pilot one takes part in, marked not paid"},
	ReadMeetings:      {Roles: readers, Self: true, Team: true, Doc: "review-meeting comments, proposals and packs"},
	WriteComments:     {Roles: readers, Self: true, Team: true, Doc: "comment on a KPI in a review meeting"},
	WriteProposals:    {Roles: admins, Team: true, Doc: "propose a change of a target or a KPI definition"},
	DecideProposals:   {Roles: admins, Doc: "accept (apply) or reject a proposal"},
	ReadLeaderboards:  {Everyone: true, Doc: "leaderboards and awards: peers' rank and % of target as the workspace allows, never pay"},
}

// on is what an action is taken on: employees and units as of a period (a
// manager's team is read as of its first and last day), or a named
// resource (a dataset, for a token scoped to one). The zero value is the
// workspace as a whole.
type on struct {
	subjects []kpi.Subject
	period   kpi.Period
	resource string
}

func onSubject(s kpi.Subject, p kpi.Period) on { return on{subjects: []kpi.Subject{s}, period: p} }

func onEmployee(id string, p kpi.Period) on {
	return onSubject(kpi.Subject{Kind: kpi.SubjectEmployee, ID: id}, p)
}

// authorize is the one place access is decided: every use case calls it
// (through begin) before it reads or changes anything.
func (a *App) authorize(ctx context.Context, who kpi.Actor, act Action, target on) error {
	if who.WorkspaceID <= 0 {
		return kpi.Errorf(kpi.EUNAUTHORIZED, "No workspace selected.")
	}
	r, ok := Policy[act]
	if !ok {
		return kpi.Errorf(kpi.EFORBIDDEN, "Unknown action %s.", act)
	}
	if !scoped(who.Scopes, act, target.resource) {
		return kpi.Errorf(kpi.EFORBIDDEN, "This token may not %s: its scopes are %s.", act, strings.Join(who.Scopes, ", "))
	}
	for _, s := range target.subjects {
		if r.NotOwn && s.Kind == kpi.SubjectEmployee && s.ID == who.EmployeeID && who.EmployeeID != "" {
			return kpi.Errorf(kpi.EFORBIDDEN, "Nobody may %s their own; it needs someone else.", act)
		}
	}
	if who.System || r.Everyone || slices.Contains(r.Roles, who.Role) {
		return nil
	}
	if !r.Self && !r.Team || len(target.subjects) == 0 {
		return forbidden(act)
	}
	var team *team
	for _, s := range target.subjects {
		if r.Self && s.Kind == kpi.SubjectEmployee && s.ID == who.EmployeeID && who.EmployeeID != "" {
			continue
		}
		if !r.Team || who.EmployeeID == "" {
			return forbiddenOn(act, s)
		}
		if team == nil {
			var err error
			if team, err = a.teamOf(ctx, who, target.period); err != nil {
				return err
			}
		}
		if !team.has(s) {
			return forbiddenOn(act, s)
		}
	}
	return nil
}

func forbidden(act Action) error {
	return kpi.Errorf(kpi.EFORBIDDEN, "This is not yours to open or change (%s); ask an admin.", Policy[act].Doc)
}

func forbiddenOn(act Action, s kpi.Subject) error {
	return kpi.Errorf(kpi.EFORBIDDEN, "You may not see or change %s of %s %s: only your own and your team's.", Policy[act].Doc, s.Kind, s.ID)
}

// scoped reports whether a token with scopes may take act on resource:
// a scope names the action ("values:read") or the action on one resource
// ("records:write:deals"). No scopes: the token may do all its role may.
func scoped(scopes []string, act Action, resource string) bool {
	if scopes == nil {
		return true
	}
	for _, s := range scopes {
		if s == string(act) || (resource != "" && s == string(act)+":"+resource) {
			return true
		}
	}
	return false
}

// visible is what of a kind of data an actor may see: everything, or some
// employees and units (themselves and their team).
type visible struct {
	all  bool
	team *team
	self string
}

// visibility returns what who may see of act's data in period p.
func (a *App) visibility(ctx context.Context, who kpi.Actor, act Action, p kpi.Period) (*visible, error) {
	if who.WorkspaceID <= 0 {
		return nil, kpi.Errorf(kpi.EUNAUTHORIZED, "No workspace selected.")
	}
	r := Policy[act]
	if who.System || r.Everyone || slices.Contains(r.Roles, who.Role) {
		return &visible{all: true}, nil
	}
	v := &visible{}
	if r.Self {
		v.self = who.EmployeeID
	}
	if r.Team && who.EmployeeID != "" {
		t, err := a.teamOf(ctx, who, p)
		if err != nil {
			return nil, err
		}
		v.team = t
	}
	return v, nil
}

// employees checks that each of ids is visible, or, when ids is empty,
// lists the visible employees: the filter of a query for "everyone".
func (v *visible) employees(ids []string, act Action) ([]string, error) {
	if len(ids) == 0 {
		for _, s := range v.subjects() {
			if s.Kind == kpi.SubjectEmployee {
				ids = append(ids, s.ID)
			}
		}
		if len(ids) == 0 {
			return nil, forbidden(act)
		}
		return ids, nil
	}
	for _, id := range ids {
		if s := (kpi.Subject{Kind: kpi.SubjectEmployee, ID: id}); !v.has(s) {
			return nil, forbiddenOn(act, s)
		}
	}
	return ids, nil
}

// has reports whether s is visible.
func (v *visible) has(s kpi.Subject) bool {
	return v.all || (s.Kind == kpi.SubjectEmployee && s.ID != "" && s.ID == v.self) || (v.team != nil && v.team.has(s))
}

// subjects lists what is visible, for a query that asked for everything.
func (v *visible) subjects() []kpi.Subject {
	var out []kpi.Subject
	if v.self != "" {
		out = append(out, kpi.Subject{Kind: kpi.SubjectEmployee, ID: v.self})
	}
	if v.team != nil {
		for id := range v.team.employees {
			if id != v.self {
				out = append(out, kpi.Subject{Kind: kpi.SubjectEmployee, ID: id})
			}
		}
		for id := range v.team.units {
			out = append(out, kpi.Subject{Kind: kpi.SubjectUnit, ID: id})
		}
	}
	slices.SortFunc(out, func(a, b kpi.Subject) int { return strings.Compare(a.Kind+a.ID, b.Kind+b.ID) })
	return out
}
