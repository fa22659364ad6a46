package main

import (
	"fmt"
	"os"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
)

func (m *Main) applyCommand() *cobra.Command {
	var file, effective, reason, previewFrom, previewTo, format string
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
so past periods keep their numbers.

--dry-run shows what would change and what it would do to the numbers: the
values, before and after, of every KPI the file creates, changes or removes
(and of the formulas over them) that would change, for the company and its
departments, per month: the last 3 months up to today, or those touching
--preview-from..--preview-to. With --format csv only those values are
printed; with json, {"changes": [...], "preview": [...]} as the API answers.

  attain apply -f attain.yaml --effective 2026-07-01 --dry-run
  attain apply -f attain.yaml --dry-run --preview-from 2026-01-01 --preview-to 2026-06-30`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			data, err := readFile(file)
			if err != nil {
				return err
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			res, err := m.App.Apply(cmd.Context(), who, app.ApplyRequest{Source: file, YAML: data, DryRun: dryRun,
				Effective: effective, Reason: reason, PreviewFrom: previewFrom, PreviewTo: previewTo})
			if err != nil {
				return err
			}
			if dryRun {
				if format == "table" {
					printChanges(m, res.Changes, dryRun)
				}
				if err := printPreview(m, res, format); err != nil {
					return err
				}
				if res.Targets > 0 && format == "table" {
					fmt.Fprintf(m.Stdout, "%d target(s) in the file are not set in a dry run.\n", res.Targets)
				}
				return nil
			}
			printChanges(m, res.Changes, dryRun)
			if res.Targets > 0 {
				fmt.Fprintf(m.Stdout, "%d target(s) in the file; %d stored now (unchanged ones are skipped).\n", res.Targets, res.TargetsStored)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "attain.yaml", "definitions file")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only show what would change")
	cmd.Flags().StringVar(&effective, "effective", "", "YYYY-MM-DD: changed KPIs keep their old definition for records before this day")
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the audit trail")
	cmd.Flags().StringVar(&previewFrom, "preview-from", "", "YYYY-MM-DD: with --dry-run, the first day of the months previewed (default: 2 months before this one)")
	cmd.Flags().StringVar(&previewTo, "preview-to", "", "YYYY-MM-DD: with --dry-run, the last day of the months previewed (default: today)")
	cmd.Flags().StringVar(&format, "format", "table", "with --dry-run: table, csv or json")
	return cmd
}

// printPreview prints the values a dry run would change: in a table (with
// a line when none change), as CSV, or as JSON with the changes.
func printPreview(m *Main, res *app.ApplyResult, format string) error {
	t := table{header: []string{"kpi", "subject", "id", "period", "before", "after", "delta"}, json: res}
	for _, r := range res.Preview {
		cells := []string{r.KPI, r.Subject.Kind, r.Subject.ID, r.Period.Label()}
		for i, d := range []*decimal.Decimal{r.Before, r.After, r.Delta} {
			switch {
			case d == nil && format == "table":
				cells = append(cells, "-")
			case d == nil:
				cells = append(cells, "")
			case format == "table" && i == 2:
				cells = append(cells, kpi.DisplayDelta(res.KPI(r.KPI), *d))
			case format == "table":
				cells = append(cells, kpi.Display(res.KPI(r.KPI), *d))
			default:
				cells = append(cells, d.String())
			}
		}
		t.rows = append(t.rows, cells)
	}
	if format == "table" {
		if len(res.Preview) == 0 {
			fmt.Fprintln(m.Stdout, "No values change.")
			return nil
		}
		fmt.Fprintf(m.Stdout, "\nValues that would change (%d):\n", len(res.Preview))
	}
	return t.write(m.Stdout, format)
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
			data, err := readFile(file)
			if err != nil {
				return err
			}
			f, err := app.Check(file, data)
			if err != nil {
				return err
			}
			d := f.Definitions
			fmt.Fprintf(m.Stdout, "%s is valid: %d dataset(s), %d KPI(s), %d scorecard(s), %d bonus plan(s), %d target(s).\n",
				file, len(d.Datasets), len(d.KPIs), len(d.Scorecards), len(d.BonusPlans), len(f.Targets))
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "attain.yaml", "definitions file")
	return cmd
}

// readFile reads a file named on the command line.
func readFile(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, kpi.Errorf(kpi.EINVALID, "Cannot read %s: %s", name, err)
	}
	return data, nil
}
