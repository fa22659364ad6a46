package main

import (
	"context"

	"github.com/spf13/cobra"

	"attain/kpi"
)

// Run executes one command line. A command line that cobra cannot read (an
// unknown command or flag, a missing argument) is an invalid-input error
// that says so.
func (m *Main) Run(ctx context.Context, args []string) error {
	defer m.Close()
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	root.SetIn(m.Stdin)
	started := false
	root.PersistentPreRun = func(*cobra.Command, []string) { started = true }
	err := root.ExecuteContext(ctx)
	if err != nil && !started && kpi.ErrorCode(err) == kpi.EINTERNAL {
		return kpi.Errorf(kpi.EINVALID, "%s. See attain --help.", err)
	}
	return err
}

func (m *Main) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "attain",
		Short: "KPIs and transparent bonuses for sales departments",
		Long: `Attain measures how each person, team, department and the company performs:
it imports the records you already have (deals, orders, payments, requests),
computes the KPIs you define in attain.yaml, and explains every number down
to the records it came from.

Data lives in an embedded SQLite database in ./attain-data unless --db (or
ATTAIN_DB) names another directory, a SQLite file, or a PostgreSQL URL
(postgres://user@host/db).

Start with the demo:  attain serve --demo`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	f := root.PersistentFlags()
	f.StringVar(&m.Config.DB, "db", m.Config.DB, "database: data directory, SQLite file or postgres:// URL (env ATTAIN_DB)")
	f.StringVarP(&m.Config.Workspace, "workspace", "w", m.Config.Workspace, "workspace to work in (env ATTAIN_WORKSPACE)")
	f.StringVar(&m.Config.LogLevel, "log-level", m.Config.LogLevel, "log level: debug, info, warn, error (default: info for serve, warn otherwise)")
	f.StringVar(&m.Config.Server, "server", m.Config.Server, "run on a running server at this URL, as its API token's owner (env ATTAIN_SERVER): kpi, scorecard, attention, target list/history, statement show, payouts, org units/employees, import")
	f.StringVar(&m.Config.Token, "token", m.Config.Token, "the API token for --server (env ATTAIN_TOKEN)")
	root.AddCommand(
		m.serveCommand(),
		m.demoCommand(),
		m.applyCommand(),
		m.validateCommand(),
		m.importCommand(),
		m.deleteCommand(),
		m.recordsCommand(),
		m.kpiCommand(),
		m.bonusCommand(),
		m.statementCommand(),
		m.payoutsCommand(),
		m.targetCommand(),
		m.scorecardCommand(),
		m.attentionCommand(),
		m.heatmapCommand(),
		m.periodCommand(),
		m.orgCommand(),
		m.personCommand(),
		m.migrateCommand(),
		m.workspaceCommand(),
		m.tokenCommand(),
		m.userCommand(),
		m.auditCommand(),
		m.strategyCommand(),
		m.libraryCommand(),
		m.levelsCommand(),
		m.webhookCommand(), m.notifyCommand(), // cmd_notify.go
		m.pilotCommand(), m.meetingCommand(),
		m.leaderboardCommand(),
		m.awardsCommand(),
	)
	return root
}
