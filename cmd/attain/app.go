package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"attain/app"
	"attain/engine"
	"attain/kpi"
	"attain/sqldb"
	"attain/web"
)

// Config is everything the flags and the environment set.
type Config struct {
	DB        string // PostgreSQL URL, SQLite file, or data directory
	Workspace string // workspace slug the CLI works in
	LogLevel  string // "" means info for serve, warn for the other commands
	// Server, when set, sends the everyday commands to a running server
	// (its URL) with Token, instead of opening the database.
	Server, Token string
	// Limits guard the API (serve's flags, limits.go); MaxFieldBytes
	// applies to every import.
	Limits web.Limits
	// MaxCells caps the values one query may compute; 0 is the engine's
	// default.
	MaxCells int64
}

// DefaultConfig: SQLite in ./attain-data, the "default" workspace.
func DefaultConfig() Config {
	return Config{DB: envOr("ATTAIN_DB", "attain-data"), Workspace: envOr("ATTAIN_WORKSPACE", "default"),
		Server: os.Getenv("ATTAIN_SERVER"), Token: os.Getenv("ATTAIN_TOKEN")}
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
	Engine *engine.Engine
	App    *app.App
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
		return db, os.MkdirAll(filepath.Dir(db), 0o700)
	}
	return filepath.Join(db, "attain.db"), os.MkdirAll(db, 0o700)
}

// open connects to the database (applying migrations) and wires the
// engine and the use cases over it.
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
		return kpi.Errorf(kpi.EINVALID, "Cannot make the data directory %s: %s", m.Config.DB, err)
	}
	db, err := sqldb.Open(ctx, dsn, m.Logger)
	if err != nil {
		return unreachable(m.Config.DB, err)
	}
	m.DB = db
	s := app.Services{
		Workspaces:  sqldb.NewWorkspaceService(db),
		Tokens:      sqldb.NewTokenService(db),
		Org:         sqldb.NewOrgService(db),
		Definitions: sqldb.NewDefinitionService(db),
		Records:     sqldb.NewRecordService(db),
		Audit:       sqldb.NewAuditService(db),
		Targets:     sqldb.NewTargetService(db),
		Statements:  sqldb.NewStatementService(db),
		ImportJobs:  sqldb.NewImportJobService(db),
		Users:       sqldb.NewUserService(db),
		Personal:    sqldb.NewPersonalDataService(db),
		Strategy:    sqldb.NewStrategyService(db),
		Sessions:    sqldb.NewSessionService(db),
		Throttle:    sqldb.NewSessionService(db),
		ResetLinks:  sqldb.NewUserService(db),
		Notify:      sqldb.NewNotifyService(db),
		Pilots:      sqldb.NewPilotService(db),
		Meetings:    sqldb.NewMeetingService(db),
		Awards:      sqldb.NewAwardService(db),
	}
	m.Engine = engine.New(engine.Services{Workspaces: s.Workspaces, Org: s.Org, Definitions: s.Definitions, Records: s.Records}, m.Logger)
	m.Engine.MaxCells = m.Config.MaxCells
	m.Engine.StateDir = stateDir(dsn)
	s.Values = m.Engine
	m.App = app.New(s, m.Logger)
	m.App.Auth.BaseURL = os.Getenv("ATTAIN_BASE_URL") // for the reset links the CLI prints
	return nil
}

// unreachable says which database could not be opened; main prints the
// driver's reason after it.
func unreachable(db string, err error) error {
	if kpi.ErrorCode(err) != kpi.EINTERNAL {
		return err
	}
	if u, perr := url.Parse(db); perr == nil && u.User != nil {
		db = u.Redacted()
	}
	return fmt.Errorf("%w: %w", kpi.Errorf(kpi.EUNAVAILABLE, "Cannot open the database %s.", db), err)
}

// Close saves the engine's states worth saving and releases the database.
func (m *Main) Close() error {
	if m.DB == nil {
		return nil
	}
	if err := m.Engine.SaveChanged(); err != nil {
		m.Logger.Warn("engine state not saved", "err", err)
	}
	err := m.DB.Close()
	m.DB = nil
	return err
}

// actor opens the database and returns who the command line acts as in
// --workspace: the login of whoever runs it.
func (m *Main) actor(ctx context.Context) (kpi.Actor, *kpi.Workspace, error) {
	if m.Config.Server != "" {
		return kpi.Actor{}, nil, kpi.Errorf(kpi.EINVALID, "This command works on the database itself: run it without --server.")
	}
	if err := m.open(ctx); err != nil {
		return kpi.Actor{}, nil, err
	}
	return m.App.LocalActor(ctx, m.Config.Workspace, currentUser())
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}
