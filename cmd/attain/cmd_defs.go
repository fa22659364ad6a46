package main

import (
	"context"
	"fmt"
	"os"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"attain/app/preview"
	"attain/attainyaml"
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
			var popt preview.Options
			for _, p := range []struct {
				flag, v string
				d       **kpi.Date
			}{{"--preview-from", previewFrom, &popt.From}, {"--preview-to", previewTo, &popt.To}} {
				if p.v == "" {
					continue
				}
				if !dryRun {
					return kpi.Errorf(kpi.EINVALID, "%s needs --dry-run.", p.flag)
				}
				d, err := kpi.ParseDate(p.v)
				if err != nil {
					return kpi.Errorf(kpi.EINVALID, "%s: %s", p.flag, err)
				}
				*p.d = &d
			}
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
			if dryRun {
				popt.Effective = opt.EffectiveFrom
				rows, err := m.Svc.Preview.Rows(ctx, defs, changes, popt)
				if err != nil {
					return err
				}
				if format == "table" {
					printChanges(m, changes, dryRun)
				}
				if err := printPreview(ctx, m, defs, changes, preview.Changed(rows), format); err != nil {
					return err
				}
				if len(f.Targets) > 0 && format == "table" {
					fmt.Fprintf(m.Stdout, "%d target(s) in the file are not set in a dry run.\n", len(f.Targets))
				}
				return nil
			}
			printChanges(m, changes, dryRun)
			if len(f.Targets) == 0 {
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
	cmd.Flags().StringVar(&previewFrom, "preview-from", "", "YYYY-MM-DD: with --dry-run, the first day of the months previewed (default: 2 months before this one)")
	cmd.Flags().StringVar(&previewTo, "preview-to", "", "YYYY-MM-DD: with --dry-run, the last day of the months previewed (default: today)")
	cmd.Flags().StringVar(&format, "format", "table", "with --dry-run: table, csv or json")
	return cmd
}

// printPreview prints the values a dry run would change: in a table (with
// a line when none change), as CSV, or as JSON with the changes.
func printPreview(ctx context.Context, m *Main, next *kpi.Definitions, changes []kpi.Change, rows []preview.Row, format string) error {
	stored, err := m.Svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return err
	}
	def := func(name string) *kpi.KPI {
		if k := next.KPI(name); k != nil {
			return k
		}
		return stored.KPI(name)
	}
	t := table{
		header: []string{"kpi", "subject", "id", "period", "before", "after", "delta"},
		json: struct {
			Changes []kpi.Change  `json:"changes"`
			Preview []preview.Row `json:"preview"`
		}{nonNil(changes), nonNil(rows)},
	}
	for _, r := range rows {
		cells := []string{r.KPI, r.Subject.Kind, r.Subject.ID, r.Period.Label()}
		for i, d := range []*decimal.Decimal{r.Before, r.After, r.Delta} {
			switch {
			case d == nil && format == "table":
				cells = append(cells, "-")
			case d == nil:
				cells = append(cells, "")
			case format == "table" && i == 2:
				cells = append(cells, kpi.DisplayDelta(def(r.KPI), *d))
			case format == "table":
				cells = append(cells, kpi.Display(def(r.KPI), *d))
			default:
				cells = append(cells, d.String())
			}
		}
		t.rows = append(t.rows, cells)
	}
	if format == "table" {
		if len(rows) == 0 {
			fmt.Fprintln(m.Stdout, "No values change.")
			return nil
		}
		fmt.Fprintf(m.Stdout, "\nValues that would change (%d):\n", len(rows))
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

func loadFile(file string) (*attainyaml.File, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, kpi.Errorf(kpi.EINVALID, "Cannot read %s: %s", file, err)
	}
	return attainyaml.LoadFile(file, data)
}
