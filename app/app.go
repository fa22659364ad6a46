// Package app is Attain's application layer: one method per thing a person
// does (apply definitions, import records, ask for values, review a
// scorecard, set targets, approve a statement, export payouts, load the
// demo), each given who acts. The CLI, the JSON API and the web pages call
// these methods with the same arguments and only parse input and render
// results; access is decided here, in one place (policy.go).
//
// The sub-packages review, payroll and preview hold the services these use
// cases are built from; the edges do not call them directly.
package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"attain/app/payroll"
	"attain/app/preview"
	"attain/app/review"
	"attain/kpi"
)

// Services are the stores and the engine a use case reads and writes.
type Services struct {
	Workspaces  kpi.WorkspaceService
	Tokens      kpi.TokenService
	Org         kpi.OrgService
	Definitions kpi.DefinitionService
	Records     kpi.RecordService
	Audit       kpi.AuditService
	Targets     kpi.TargetService
	Statements  kpi.StatementService
	Values      ValueService
	// Users, Sessions, Throttle and ResetLinks are who signs in and how
	// (auth.go).
	Users      kpi.UserService
	Sessions   kpi.SessionService
	Throttle   kpi.SignInThrottle
	ResetLinks kpi.ResetLinkService
	// Personal erases what identifies a person who has left.
	Personal kpi.PersonalDataService
	// Strategy keeps objectives, unit functions, guardrails and tasks.
	Strategy kpi.StrategyService
	// Notify keeps inboxes, the outbox and webhooks; nil: no notifications.
	Notify kpi.NotifyService
	// Pilots and Meetings: schemes on trial, and the review meeting's
	// comments and proposals.
	Pilots   kpi.PilotService
	Meetings kpi.MeetingService
	// Awards keeps the awards of locked periods (recognition.go).
	Awards kpi.AwardService
	// ImportJobs keeps the files uploaded from the admin pages with their
	// progress and result (import_jobs.go).
	ImportJobs kpi.ImportJobService
}

// ValueService is the KPI engine: values and explanations, values as they
// would be under other definitions (a dry run's preview), and a refresh
// that brings a workspace's state up to date before the first question.
type ValueService interface {
	kpi.ValueService
	Preview(ctx context.Context, defs *kpi.Definitions, q kpi.ValueQuery) ([]kpi.KPIValue, error)
	Refresh(ctx context.Context) error
}

// App is every use case over one set of services.
type App struct {
	svc    Services
	Logger *slog.Logger
	// Now is the clock "today" is read from; nil is time.Now.
	Now func() time.Time
	// Auth is how people sign in: session lifetimes, links, e-mail, SSO.
	Auth AuthConfig
	// Notify is how notifications go out (notify.go).
	Notify NotifyConfig
	// FollowImports has the engine follow each record import into its
	// saved state (importRecords), for a process that imports and exits
	// (attain import): the next process answers from that state at once.
	FollowImports bool

	review  *review.Service
	payroll *payroll.Service
	preview *preview.Service
	orgs    orgCache
	recog   recognitionCache
	// reading counts the bytes read of the import jobs this process runs.
	reading sync.Map // job id → *atomic.Int64
}

// New returns the use cases over s.
func New(s Services, logger *slog.Logger) *App {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a := &App{svc: s, Logger: logger}
	now := func() time.Time { return a.now() }
	a.review = &review.Service{Workspaces: s.Workspaces, Org: s.Org, Definitions: s.Definitions, Values: s.Values, Targets: s.Targets, Now: now,
		Versions: s.Records.Versions, Levels: s.Strategy.FindLevelChanges}
	a.payroll = &payroll.Service{Workspaces: s.Workspaces, Org: s.Org, Definitions: s.Definitions, Values: s.Values,
		Targets: s.Targets, Statements: s.Statements, Records: s.Records, Review: a.review, Now: now, Versions: s.Records.Versions}
	a.preview = &preview.Service{Workspaces: s.Workspaces, Org: s.Org, Definitions: s.Definitions, Values: s.Values}
	return a
}

func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// begin checks that who may take act on target and returns ctx scoped to
// who's workspace, naming who for the audit trail. Every use case starts
// here.
func (a *App) begin(ctx context.Context, who kpi.Actor, act Action, target on) (context.Context, error) {
	if err := a.authorize(ctx, who, act, target); err != nil {
		return nil, err
	}
	ctx = kpi.NewContextWithWorkspace(ctx, who.WorkspaceID)
	ctx = kpi.NewContextWithAddr(ctx, who.Addr)
	return kpi.NewContextWithActor(ctx, who.Name), nil
}

// today is the date in the workspace's time zone.
func (a *App) today(ctx context.Context) (kpi.Date, error) {
	loc, err := kpi.WorkspaceLocation(ctx, a.svc.Workspaces)
	if err != nil {
		return 0, err
	}
	return kpi.DateOf(a.now(), loc), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
