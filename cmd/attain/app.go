package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"attain/app/payroll"
	"attain/app/preview"
	"attain/app/review"
	"attain/engine"
	"attain/kpi"
	"attain/sqldb"
)

// Config is everything the flags and the environment set.
type Config struct {
	DB        string // PostgreSQL URL, SQLite file, or data directory
	Workspace string // workspace slug the CLI works in
	LogLevel  string // "" means info for serve, warn for the other commands
}

// DefaultConfig: SQLite in ./attain-data, the "default" workspace.
func DefaultConfig() Config {
	return Config{DB: envOr("ATTAIN_DB", "attain-data"), Workspace: envOr("ATTAIN_WORKSPACE", "default")}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Main wires the program. Tests run it in-process with their own writers.
type Main struct {
	Config Config
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader

	Logger *slog.Logger
	DB     *sqldb.DB
	Svc    *Services
}

// Services are the kpi services over the open database.
type Services struct {
	Workspaces  kpi.WorkspaceService
	Tokens      kpi.TokenService
	Org         kpi.OrgService
	Definitions kpi.DefinitionService
	Records     kpi.RecordService
	Audit       kpi.AuditService
	Targets     kpi.TargetService
	Values      *engine.Engine
	Review      *review.Service
	Statements  kpi.StatementService
	Payroll     *payroll.Service
	Preview     *preview.Service
}

func NewMain() *Main {
	return &Main{Config: DefaultConfig(), Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}
}

// dsn turns --db into what sqldb.Open takes: a PostgreSQL URL as is, a
// SQLite file as is, a directory as DIR/attain.db (made if missing).
func (m *Main) dsn() (string, error) {
	db := m.Config.DB
	switch {
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"), strings.HasPrefix(db, "sqlite:"), db == ":memory:":
		return db, nil
	case strings.HasSuffix(db, ".db"), strings.HasSuffix(db, ".sqlite"), strings.HasSuffix(db, ".sqlite3"):
		return db, os.MkdirAll(filepath.Dir(db), 0o755)
	}
	return filepath.Join(db, "attain.db"), os.MkdirAll(db, 0o755)
}

// open connects to the database (applying migrations) and builds the services.
func (m *Main) open(ctx context.Context) error {
	if m.DB != nil {
		return nil
	}
	level := slog.LevelWarn
	if m.Config.LogLevel != "" {
		if err := level.UnmarshalText([]byte(m.Config.LogLevel)); err != nil {
			return kpi.Errorf(kpi.EINVALID, "Unknown log level %q: want debug, info, warn or error.", m.Config.LogLevel)
		}
	}
	m.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
	dsn, err := m.dsn()
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	db, err := sqldb.Open(ctx, dsn, m.Logger)
	if err != nil {
		return err
	}
	m.DB = db
	ws := sqldb.NewWorkspaceService(db)
	recs := sqldb.NewRecordService(db)
	m.Svc = &Services{
		Workspaces:  ws,
		Tokens:      sqldb.NewTokenService(db),
		Org:         sqldb.NewOrgService(db),
		Definitions: sqldb.NewDefinitionService(db),
		Records:     recs,
		Audit:       sqldb.NewAuditService(db),
	}
	m.Svc.Targets = sqldb.NewTargetService(db)
	m.Svc.Values = engine.New(engine.Services{Workspaces: ws, Org: m.Svc.Org, Definitions: m.Svc.Definitions, Records: recs}, m.Logger)
	m.Svc.Values.StateDir = stateDir(dsn)
	m.Svc.Review = &review.Service{Workspaces: ws, Org: m.Svc.Org, Definitions: m.Svc.Definitions, Values: m.Svc.Values, Targets: m.Svc.Targets}
	m.Svc.Statements = sqldb.NewStatementService(db)
	m.Svc.Payroll = &payroll.Service{Workspaces: ws, Org: m.Svc.Org, Definitions: m.Svc.Definitions, Values: m.Svc.Values,
		Targets: m.Svc.Targets, Statements: m.Svc.Statements, Review: m.Svc.Review}
	m.Svc.Preview = &preview.Service{Workspaces: ws, Org: m.Svc.Org, Definitions: m.Svc.Definitions, Values: m.Svc.Values}
	return nil
}

// Close saves the engine's states worth saving and releases the database.
func (m *Main) Close() error {
	if m.DB == nil {
		return nil
	}
	if m.Svc == nil || m.Svc.Values == nil {
		// nothing loaded
	} else if err := m.Svc.Values.SaveChanged(); err != nil {
		m.Logger.Warn("engine state not saved", "err", err)
	}
	err := m.DB.Close()
	m.DB = nil
	return err
}

// workspaceContext opens the database and scopes ctx to --workspace. The
// "default" workspace is made on first use; others must exist.
func (m *Main) workspaceContext(ctx context.Context) (context.Context, *kpi.Workspace, error) {
	if err := m.open(ctx); err != nil {
		return nil, nil, err
	}
	ws, err := m.Svc.Workspaces.FindWorkspaceBySlug(ctx, m.Config.Workspace)
	if kpi.ErrorCode(err) == kpi.ENOTFOUND && m.Config.Workspace == "default" {
		ws = &kpi.Workspace{Slug: "default", Name: "Default", TimeZone: "UTC"}
		err = m.Svc.Workspaces.CreateWorkspace(ctx, ws)
	} else if kpi.ErrorCode(err) == kpi.ENOTFOUND {
		return nil, nil, kpi.Errorf(kpi.ENOTFOUND, "Workspace %q not found; create it with: attain workspace create %s", m.Config.Workspace, m.Config.Workspace)
	}
	if err != nil {
		return nil, nil, err
	}
	ctx = kpi.NewContextWithWorkspace(ctx, ws.ID)
	ctx = kpi.NewContextWithActor(ctx, "cli:"+currentUser())
	return ctx, ws, nil
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}
