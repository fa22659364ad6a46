package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

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
	cmd.AddCommand(m.libraryListCommand(), m.libraryShowCommand(), m.libraryApplyCommand())
	return cmd
}

func (m *Main) libraryListCommand() *cobra.Command {
	var function string
	cmd := m.listCommand(&cobra.Command{
		Use:   "list",
		Short: "List the library's entries, the dataset columns each needs and the values it relies on",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, who kpi.Actor, args []string) (*table, error) {
		es, err := m.App.Library(ctx, who, function)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"entry", "function", "position", "title", "needs", "values"}, json: es}
		for _, e := range es {
			var needs, values []string
			for _, n := range e.Needs {
				needs = append(needs, n.Dataset+"("+strings.Join(n.Columns, ", ")+")")
				values = append(values, needValues(n)...)
			}
			t.rows = append(t.rows, []string{e.ID, e.Function, e.Position, e.Title, strings.Join(needs, " "), strings.Join(values, " ")})
		}
		return t, nil
	})
	cmd.Flags().StringVar(&function, "function", "", "only the entries of this unit function (sales, order_processing, ...)")
	return cmd
}

// needValues are the values an entry relies on in the columns of n, like
// deals.stage(Won, Lost).
func needValues(n app.LibraryNeed) []string {
	var out []string
	for _, col := range slices.Sorted(maps.Keys(n.Values)) {
		out = append(out, n.Dataset+"."+col+"("+strings.Join(n.Values[col], ", ")+")")
	}
	return out
}

func (m *Main) libraryShowCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "show ENTRY",
		Short: "Show a library entry: its KPIs, scorecard template, and the datasets, columns and values it needs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return kpi.Errorf(kpi.EINVALID, "Unknown format %q: want text or json.", format)
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			d, err := m.App.LibraryEntry(cmd.Context(), who, args[0])
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(m.Stdout, d)
			}
			return writeLibraryEntry(m.Stdout, d)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

// writeLibraryEntry prints entry d as text.
func writeLibraryEntry(w io.Writer, d *app.LibraryDetail) error {
	fmt.Fprintf(w, "%s: %s (function %s", d.ID, d.Title, d.Function)
	if d.Position != "" {
		fmt.Fprintf(w, ", position %s", d.Position)
	}
	fmt.Fprintf(w, ")\n%s\n\nNeeds (map yours with --map THEIRS=OURS, values with --map-value COLUMN:THEIRS=OURS):\n", d.Description)
	for _, n := range d.Needs {
		fmt.Fprintf(w, "  dataset %s: columns %s\n", n.Dataset, strings.Join(n.Columns, ", "))
		for _, col := range slices.Sorted(maps.Keys(n.Values)) {
			fmt.Fprintf(w, "    values of %s: %s\n", col, strings.Join(n.Values[col], ", "))
		}
	}
	fmt.Fprintln(w, "\nKPIs:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tTITLE\tUNIT\tDIRECTION\tDEFINITION")
	for _, k := range d.KPIs {
		def := k.Formula
		if k.Dataset != "" {
			def = fmt.Sprintf("%s of %s", k.Aggregation, k.Dataset)
			if k.Expr != "" {
				def += " " + k.Expr
			}
			if k.Filter != "" {
				def += " where " + k.Filter
			}
			def += " by " + k.TimeColumn
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", k.Name, k.Title, k.Unit, k.Direction, def)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, t := range d.Scorecards {
		fmt.Fprintf(w, "\nScorecard template %s (position %s):\n", t.Name, t.Position)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  KPI\tWEIGHT\tBASIS\tTHRESHOLD\tTARGET\tSTRETCH")
		for _, it := range t.Items {
			target := it.Target.String()
			if it.Basis != kpi.LevelsFixed {
				target = "(the plan)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", it.KPI, it.Weight, it.Basis, it.Threshold, target, it.Stretch)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func (m *Main) libraryApplyCommand() *cobra.Command {
	var r app.LibraryRequest
	var maps, values []string
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

The values the entry's filters compare columns with (attain library show
lists them) are mapped to yours by --map-value COLUMN:THEIRS=OURS, several
of yours separated by |: --map-value "stage:Won=Closed Won|Won Deal". A
value the entry does not rely on, or one your column's declared values do
not allow, is refused; a value no record of yours has is a warning that
names the values your records do have.

  attain library apply order-processing-manager
  attain library apply order-processing-manager --map-value status:done=processed --map-value status:rejected=declined
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
			if r.Values, err = app.ParseValueMap(values); err != nil {
				return err
			}
			res, err := m.App.ApplyLibrary(cmd.Context(), who, r)
			if err != nil {
				return err
			}
			printChanges(m, res.Changes, r.DryRun)
			if len(res.Kept) > 0 {
				fmt.Fprintf(m.Stdout, "Kept your own definitions of: %s.\n", strings.Join(res.Kept, ", "))
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(m.Stdout, "Warning: %s.\n", w)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&maps, "map", nil, "THEIRS=OURS: the entry's dataset or column and yours (repeat)")
	f.StringArrayVar(&values, "map-value", nil, "COLUMN:THEIRS=OURS[|OURS...]: a value the entry relies on and yours (repeat)")
	f.StringVar(&r.Position, "position", "", "give the entry's scorecard template to this position")
	f.StringVar(&r.Currency, "currency", "", "the currency of the entry's money KPIs, like EUR")
	f.BoolVar(&r.DryRun, "dry-run", false, "only show what would change")
	f.StringVar(&r.Reason, "reason", "", "why, for the audit trail")
	return cmd
}
