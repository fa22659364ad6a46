package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"attain/config"
	"attain/kpi"
)

func (m *Main) applyCommand() *cobra.Command {
	var file, effective, reason string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "apply -f attain.yaml",
		Short: "Apply definitions (datasets, KPIs, scorecards, calendar) and targets from attain.yaml",
		Long: `Apply replaces the workspace's datasets and KPIs with those in the file.
The file is validated whole first: if anything is wrong, nothing changes and
every problem is listed with its line. Applying the same file twice changes
nothing. Each change is written to the audit trail.

By default a changed KPI applies to all records, past ones too. With
--effective DATE the old definition stays in effect for records before DATE,
so past periods keep their numbers; --dry-run shows what would change.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := loadFile(file)
			if err != nil {
				return err
			}
			defs := f.Definitions
			ctx, _, err := m.workspaceContext(cmd.Context())
			if err != nil {
				return err
			}
			opt := kpi.ApplyOptions{DryRun: dryRun, Reason: reason}
			if effective != "" {
				d, err := kpi.ParseDate(effective)
				if err != nil {
					return kpi.Errorf(kpi.EINVALID, "--effective: %s", err)
				}
				opt.EffectiveFrom = &d
			}
			changes, err := m.Svc.Definitions.ApplyDefinitions(ctx, defs, opt)
			if err != nil {
				return err
			}
			printChanges(m, changes, dryRun)
			if len(f.Targets) == 0 {
				return nil
			}
			if dryRun {
				fmt.Fprintf(m.Stdout, "%d target(s) in the file are not set in a dry run.\n", len(f.Targets))
				return nil
			}
			if err := m.Svc.Review.CheckTargets(ctx, f.Targets); err != nil {
				return err
			}
			ts, err := m.Svc.Targets.SetTargets(ctx, f.Targets, reason)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%d target(s) in the file; %d stored now (unchanged ones are skipped).\n", len(f.Targets), len(ts))
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "attain.yaml", "definitions file")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only show what would change")
	cmd.Flags().StringVar(&effective, "effective", "", "YYYY-MM-DD: changed KPIs keep their old definition for records before this day")
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the audit trail")
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
			f, err := loadFile(file)
			if err != nil {
				return err
			}
			d := f.Definitions
			fmt.Fprintf(m.Stdout, "%s is valid: %d dataset(s), %d KPI(s), %d scorecard(s), %d target(s).\n", file, len(d.Datasets), len(d.KPIs), len(d.Scorecards), len(f.Targets))
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "attain.yaml", "definitions file")
	return cmd
}

func loadFile(file string) (*config.File, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, kpi.Errorf(kpi.EINVALID, "Cannot read %s: %s", file, err)
	}
	return config.LoadFile(file, data)
}
