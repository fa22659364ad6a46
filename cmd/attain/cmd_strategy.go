package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
)

func (m *Main) strategyCommand() *cobra.Command {
	var period string
	cmd := m.listCommand(&cobra.Command{
		Use:   "strategy",
		Short: "Objectives of a period: progress, pace, who contributes, and gaps",
		Long: `Strategy prints the objectives whose period overlaps --period (default:
this year), in cascade order, each with its progress (the weighted % of
its KPIs' targets, each KPI counting at most 150 %) and its pace (against
what is due by today), and the gaps: objectives no KPI measures or no unit
carries. --format json prints everything, contributors included.

  attain strategy --period 2026
  attain strategy --period 2026-Q2 --format json`,
		Args: cobra.NoArgs,
	}, func(ctx context.Context, who kpi.Actor, args []string) (*table, error) {
		v, err := m.App.Strategy(ctx, who, period)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"objective", "title", "unit", "period", "progress", "pace", "gaps"}, json: v}
		for _, o := range v.Objectives {
			progress, pace := "–", "–"
			switch {
			case o.Hidden:
				progress, pace = "hidden", "hidden"
			case o.Progress != nil:
				if !o.Progress.ProgressNull {
					progress = o.Progress.Progress.String() + " %"
				}
				if !o.Progress.PaceNull {
					pace = o.Progress.Pace.String() + " %"
				}
			}
			var gaps []string
			for _, g := range v.Gaps {
				if g.Objective == o.Objective.ID {
					gaps = append(gaps, g.Kind)
				}
			}
			t.rows = append(t.rows, []string{o.Objective.ID, strings.Repeat("  ", o.Depth) + o.Objective.Title, o.UnitName,
				o.Objective.Period.Label(), progress, pace, strings.Join(gaps, ", ")})
		}
		return t, nil
	})
	cmd.Flags().StringVar(&period, "period", "", "period, e.g. 2026 or 2026-Q2 (default: this year)")
	return cmd
}

func (m *Main) libraryCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "library", Short: "The built-in KPI library: KPIs and scorecard templates per function and position"}
	cmd.AddCommand(m.libraryListCommand(), m.libraryApplyCommand())
	return cmd
}

func (m *Main) libraryListCommand() *cobra.Command {
	var function string
	cmd := m.listCommand(&cobra.Command{
		Use:   "list",
		Short: "List the library's entries and the dataset columns each needs",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, who kpi.Actor, args []string) (*table, error) {
		es, err := m.App.Library(ctx, who, function)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"entry", "function", "position", "title", "needs"}, json: es}
		for _, e := range es {
			var needs []string
			for _, n := range e.Needs {
				needs = append(needs, n.Dataset+"("+strings.Join(n.Columns, ", ")+")")
			}
			t.rows = append(t.rows, []string{e.ID, e.Function, e.Position, e.Title, strings.Join(needs, " ")})
		}
		return t, nil
	})
	cmd.Flags().StringVar(&function, "function", "", "only the entries of this unit function (sales, order_processing, ...)")
	return cmd
}

func (m *Main) libraryApplyCommand() *cobra.Command {
	var r app.LibraryRequest
	var maps []string
	cmd := &cobra.Command{
		Use:   "apply ENTRY",
		Short: "Add a library entry's KPIs and scorecard template, mapped onto your datasets and columns",
		Long: `Apply adds the entry's KPIs (those you do not have yet by name) and its
scorecard template (replacing one of the same name or position) to the
workspace's definitions, with the entry's datasets and columns renamed to
yours by --map THEIRS=OURS: a dataset (deals=opportunities), a column of
any dataset (amount=close_value) or of one (deals.amount=close_value).
Every dataset and column the entry needs must exist after the mapping;
otherwise each missing one is named and nothing changes.

  attain library apply order-processing-manager
  attain library apply sales-pipeline --map stage=deal_stage --map amount=close_value --map created_at=engage_date --map closed_at=close_date --currency USD --position "sales agent" --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			r.Entry, r.Map = args[0], map[string]string{}
			for _, s := range maps {
				from, to, ok := strings.Cut(s, "=")
				if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
					return kpi.Errorf(kpi.EINVALID, "--map %q: want THEIRS=OURS, like amount=close_value.", s)
				}
				r.Map[strings.TrimSpace(from)] = strings.TrimSpace(to)
			}
			res, err := m.App.ApplyLibrary(cmd.Context(), who, r)
			if err != nil {
				return err
			}
			printChanges(m, res.Changes, r.DryRun)
			if len(res.Kept) > 0 {
				fmt.Fprintf(m.Stdout, "Kept your own definitions of: %s.\n", strings.Join(res.Kept, ", "))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&maps, "map", nil, "THEIRS=OURS: the entry's dataset or column and yours (repeat)")
	f.StringVar(&r.Position, "position", "", "give the entry's scorecard template to this position")
	f.StringVar(&r.Currency, "currency", "", "the currency of the entry's money KPIs, like EUR")
	f.BoolVar(&r.DryRun, "dry-run", false, "only show what would change")
	f.StringVar(&r.Reason, "reason", "", "why, for the audit trail")
	return cmd
}
