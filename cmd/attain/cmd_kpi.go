package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
)

func (m *Main) kpiCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "kpi", Short: "List KPIs, ask for their values and explain them"}
	cmd.AddCommand(m.kpiListCommand(), m.kpiValuesCommand(), m.kpiExplainCommand())
	return cmd
}

func (m *Main) kpiListCommand() *cobra.Command {
	cmd := m.everydayList(&cobra.Command{
		Use:   "list",
		Short: "List the workspace's KPIs",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, uc useCases, who kpi.Actor, args []string) (*table, error) {
		defs, err := uc.Definitions(ctx, who)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"name", "title", "unit", "direction", "definition"}, json: defs.KPIs}
		for _, k := range defs.KPIs {
			def := "= " + k.Formula
			if !k.IsFormula() {
				def = fmt.Sprintf("%s(%s) of %s", k.Aggregation, k.Expr, k.Dataset)
				if k.Filter != "" {
					def += " where " + k.Filter
				}
				def += " by " + k.TimeColumn
			}
			t.rows = append(t.rows, []string{k.Name, k.Title, string(k.Unit), string(k.Direction), def})
		}
		return t, nil
	})
	return cmd
}

// valueFlags are the flags that pick KPIs, subjects and periods.
type valueFlags struct {
	app.ValuesRequest
}

func (f *valueFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringSliceVar(&f.Employees, "employee", nil, "employee ids (comma-separated)")
	fl.StringSliceVar(&f.Units, "unit", nil, "org unit ids (comma-separated)")
	fl.StringVar(&f.Period, "period", "", "one period: 2017-06, 2017-Q2, 2017-W22, 2017, 2017-06-03 or 2017-06-01..2017-06-21")
}

func (m *Main) kpiValuesCommand() *cobra.Command {
	var f valueFlags
	var format string
	cmd := &cobra.Command{
		Use:   "values",
		Short: "KPI values per employee or unit and period",
		Long: `Values prints KPI values for employees and org units, per period.

A unit's value is computed over the records of everyone in it and in its
sub-units: a team's median is the median of the team's records, a team's
win rate its wins over its decided deals.

  attain kpi values --period 2017-06 --employee "Anna Snelling"
  attain kpi values --kpi won_deals,win_rate --unit central --grain quarter --from 2017-01-01 --to 2017-12-31
  attain kpi values --grain month --from 2017-01-01 --to 2017-12-31 --format csv   # everyone, every unit`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			uc, who, err := m.useCases(cmd.Context())
			if err != nil {
				return err
			}
			vals, err := uc.Values(cmd.Context(), who, f.ValuesRequest)
			if err != nil {
				return err
			}
			defs, err := uc.Definitions(cmd.Context(), who)
			if err != nil {
				return err
			}
			t := table{header: []string{"kpi", "subject", "id", "period", "value", "records"}, json: vals}
			for _, v := range vals {
				val := v.Value.String()
				if format == "table" {
					val = kpi.DisplayValue(defs.KPI(v.KPI), v)
				} else if v.Null {
					val = ""
				}
				t.rows = append(t.rows, []string{v.KPI, v.Subject.Kind, v.Subject.ID, v.Period.Label(), val, strconv.Itoa(v.Records)})
			}
			return t.write(m.Stdout, format)
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringSliceVar(&f.KPIs, "kpi", nil, "KPI names (comma-separated; default all)")
	fl.StringVar(&f.Grain, "grain", "", "day, week, month, quarter, year or range (default month)")
	fl.StringVar(&f.From, "from", "", "first day, YYYY-MM-DD")
	fl.StringVar(&f.To, "to", "", "last day, YYYY-MM-DD")
	fl.StringVar(&format, "format", "table", "table, csv or json (csv and json keep every digit)")
	return cmd
}

func (m *Main) kpiExplainCommand() *cobra.Command {
	var employee, unit, period, format string
	var limit int
	cmd := &cobra.Command{
		Use:   "explain KPI --employee ID|--unit ID --period PERIOD",
		Short: "Show the records (or formula parts) a KPI value is made of",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format == "csv" || checkFormat(format) != nil {
				return kpi.Errorf(kpi.EINVALID, "Unknown format %q: want table or json.", format)
			}
			uc, who, err := m.useCases(cmd.Context())
			if err != nil {
				return err
			}
			ex, err := uc.Explain(cmd.Context(), who, app.ExplainRequest{KPI: args[0], Employee: employee, Unit: unit, Period: period, Limit: limit})
			if err != nil {
				return err
			}
			defs, err := uc.Definitions(cmd.Context(), who)
			if err != nil {
				return err
			}
			if format == "json" {
				return (&table{json: ex}).write(m.Stdout, "json")
			}
			return printExplanation(m, defs, ex, "")
		},
	}
	cmd.Flags().StringVar(&employee, "employee", "", "employee id")
	cmd.Flags().StringVar(&unit, "unit", "", "org unit id")
	cmd.Flags().StringVar(&period, "period", "", "period: 2017-06, 2017-Q2, 2017-W22, 2017, 2017-06-03 or 2017-06-01..2017-06-21")
	cmd.Flags().IntVar(&limit, "limit", 1000, "records listed at most (0: all)")
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}

func printExplanation(m *Main, defs *kpi.Definitions, ex *kpi.Explanation, indent string) error {
	v := ex.Value
	k := defs.KPI(v.KPI)
	fmt.Fprintf(m.Stdout, "%s%s for %s %s, %s: %s (exact %s, %d records)\n", indent, v.KPI, v.Subject.Kind, v.Subject.ID, v.Period.Label(), kpi.DisplayValue(k, v), exact(v), v.Records)
	if ex.Formula != "" {
		fmt.Fprintf(m.Stdout, "%s  = %s\n", indent, ex.Formula)
		for _, p := range ex.Parts {
			if err := printExplanation(m, defs, p, indent+"    "); err != nil {
				return err
			}
		}
		return nil
	}
	what := string(ex.Aggregation)
	if ex.Expr != "" {
		what += "(" + ex.Expr + ")"
	}
	fmt.Fprintf(m.Stdout, "%s  = %s of %s", indent, what, ex.Dataset)
	if ex.Filter != "" {
		fmt.Fprintf(m.Stdout, " where %s", ex.Filter)
	}
	fmt.Fprintf(m.Stdout, ", dated by %s\n", ex.TimeColumn)
	ds := defs.Dataset(ex.Dataset)
	if ds == nil || len(ex.Records) == 0 {
		return nil
	}
	t := table{header: []string{"date", "key", "owner", "counts"}}
	for _, c := range ds.Columns {
		if c.Name != ds.Key && c.Name != ds.Owner {
			t.header = append(t.header, c.Name)
		}
	}
	for _, r := range ex.Records {
		counts := "1"
		if r.Value != nil {
			counts = r.Value.String()
		}
		row := []string{r.Date.String(), r.Key, r.Owner, counts}
		for _, c := range ds.Columns {
			if c.Name != ds.Key && c.Name != ds.Owner {
				row = append(row, r.Fields[c.Name])
			}
		}
		t.rows = append(t.rows, row)
	}
	var buf strings.Builder
	if err := t.write(&buf, "table"); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line != "" {
			fmt.Fprint(m.Stdout, indent+"  "+line)
		}
	}
	if ex.Truncated {
		fmt.Fprintf(m.Stdout, "%s  ... more records; raise --limit to see them all\n", indent)
	}
	return nil
}

func exact(v kpi.KPIValue) string {
	if v.Null {
		return "null"
	}
	return v.Value.String()
}
