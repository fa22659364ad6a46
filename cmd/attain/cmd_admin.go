package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"attain/kpi"
	"attain/sqldb"
)

func (m *Main) migrateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate list|pending|all",
		Short: "Database migrations (they are applied on every start)",
		Long: `Migrations are embedded in the binary and applied, each in one transaction,
whenever attain opens the database. "list" shows them all with when they
were applied, "pending" what opening would apply, "all" applies them.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"list", "pending", "all"},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch args[0] {
			case "list", "pending", "all":
			default:
				return kpi.Errorf(kpi.EINVALID, "Unknown migrate action %q: want list, pending or all.", args[0])
			}
			dsn, err := m.dsn()
			if err != nil {
				return err
			}
			db, err := sqldb.Connect(cmd.Context(), dsn, nil)
			if err != nil {
				return err
			}
			defer db.Close()
			migs, err := db.Migrations(cmd.Context())
			if err != nil {
				return err
			}
			pending := 0
			for _, mg := range migs {
				if !mg.Applied {
					pending++
				}
			}
			switch args[0] {
			case "list":
				for _, mg := range migs {
					state := "pending"
					if mg.Applied {
						state = "applied " + mg.AppliedAt.Format(time.RFC3339)
					}
					fmt.Fprintf(m.Stdout, "%s  %s\n", mg.Name, state)
				}
			case "pending":
				for _, mg := range migs {
					if !mg.Applied {
						fmt.Fprintln(m.Stdout, mg.Name)
					}
				}
				fmt.Fprintf(m.Stdout, "%d pending.\n", pending)
			case "all":
				db.Close()
				if err := m.open(cmd.Context()); err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "%d migration(s) applied now; %d in all.\n", pending, len(migs))
			}
			return nil
		},
	}
	return cmd
}

func (m *Main) workspaceCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "workspace", Short: "Workspaces: one per company, never seeing each other's data"}
	var ws kpi.Workspace
	create := &cobra.Command{
		Use:   "create SLUG [--name NAME] [--tz ZONE]",
		Short: "Create a workspace",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := m.open(cmd.Context()); err != nil {
				return err
			}
			ws.Slug = args[0]
			if err := m.App.CreateWorkspace(cmd.Context(), &ws); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Created workspace %s (time zone %s).\n", ws.Slug, ws.TimeZone)
			return nil
		},
	}
	create.Flags().StringVar(&ws.Name, "name", "", "display name")
	create.Flags().StringVar(&ws.TimeZone, "tz", "UTC", "IANA time zone periods are cut in, e.g. Europe/Berlin")
	create.Flags().StringVar(&ws.Locale, "locale", "en", "how numbers, money and dates are written on its pages: en, en-GB, de-DE, fr-FR...")
	list := &cobra.Command{
		Use:   "list",
		Short: "List workspaces",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := m.open(cmd.Context()); err != nil {
				return err
			}
			all, err := m.App.Workspaces(cmd.Context())
			if err != nil {
				return err
			}
			t := table{header: []string{"slug", "name", "time_zone", "locale"}}
			for _, w := range all {
				t.rows = append(t.rows, []string{w.Slug, w.Name, w.TimeZone, w.Locale})
			}
			return t.write(m.Stdout, "table")
		},
	}
	cmd.AddCommand(create, list)
	return cmd
}
