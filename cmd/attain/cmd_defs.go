package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"attain/config"
	"attain/kpi"
)

func (m *Main) applyCommand() *cobra.Command {
	var file string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "apply -f attain.yaml",
		Short: "Apply dataset and KPI definitions from attain.yaml",
		Long: `Apply replaces the workspace's datasets and KPIs with those in the file.
The file is validated whole first: if anything is wrong, nothing changes and
every problem is listed with its line. Applying the same file twice changes
nothing. Each change is written to the audit trail.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			defs, err := loadDefinitions(file)
			if err != nil {
				return err
			}
			ctx, _, err := m.workspaceContext(cmd.Context())
			if err != nil {
				return err
			}
			changes, err := m.Svc.Definitions.ApplyDefinitions(ctx, defs, dryRun)
			if err != nil {
				return err
			}
			printChanges(m, changes, dryRun)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "attain.yaml", "definitions file")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only show what would change")
	return cmd
}

func printChanges(m *Main, changes []kpi.Change, dryRun bool) {
	if len(changes) == 0 {
		fmt.Fprintln(m.Stdout, "No changes.")
		return
	}
	sign := map[string]string{"create": "+", "update": "~", "delete": "-"}
	for _, c := range changes {
		fmt.Fprintf(m.Stdout, "%s %s %s\n", sign[c.Action], c.Kind, c.Name)
	}
	verb := "applied"
	if dryRun {
		verb = "would be applied (dry run)"
	}
	fmt.Fprintf(m.Stdout, "%d change(s) %s.\n", len(changes), verb)
}

func (m *Main) validateCommand() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "validate -f attain.yaml",
		Short: "Check attain.yaml without applying it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			defs, err := loadDefinitions(file)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%s is valid: %d dataset(s), %d KPI(s).\n", file, len(defs.Datasets), len(defs.KPIs))
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "attain.yaml", "definitions file")
	return cmd
}

func loadDefinitions(file string) (*kpi.Definitions, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, kpi.Errorf(kpi.EINVALID, "Cannot read %s: %s", file, err)
	}
	return config.Load(file, data)
}
