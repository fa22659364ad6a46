package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"attain/kpi"
)

func (m *Main) recordsCommand() *cobra.Command {
	var filter kpi.RecordFilter
	var format string
	cmd := &cobra.Command{
		Use:   "records DATASET [--key K] [--owner ID] [--limit N]",
		Short: "List a dataset's records",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			ctx, _, err := m.workspaceContext(cmd.Context())
			if err != nil {
				return err
			}
			defs, err := m.Svc.Definitions.FindDefinitions(ctx)
			if err != nil {
				return err
			}
			ds := defs.Dataset(args[0])
			if ds == nil {
				return kpi.Errorf(kpi.ENOTFOUND, "Dataset %q not found.", args[0])
			}
			recs, err := m.Svc.Records.FindRecords(ctx, ds.Name, filter)
			if err != nil {
				return err
			}
			total, err := m.Svc.Records.CountRecords(ctx, ds.Name)
			if err != nil {
				return err
			}
			var t table
			for _, c := range ds.Columns {
				t.header = append(t.header, c.Name)
			}
			rows := make([]map[string]string, len(recs))
			for i, r := range recs {
				row := make([]string, len(ds.Columns))
				rows[i] = make(map[string]string, len(ds.Columns))
				for j, c := range ds.Columns {
					if j < len(r.Values) {
						row[j] = kpi.FormatValue(c, r.Values[j])
					}
					rows[i][c.Name] = row[j]
				}
				t.rows = append(t.rows, row)
			}
			t.json = rows
			if err := t.write(m.Stdout, format); err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "%d shown; %d records in %s\n", len(recs), total, ds.Name)
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&filter.Keys, "key", nil, "only these keys")
	cmd.Flags().StringSliceVar(&filter.Owners, "owner", nil, "only these owners (employee ids)")
	cmd.Flags().IntVar(&filter.Limit, "limit", 100, "at most this many (0: all)")
	cmd.Flags().IntVar(&filter.Offset, "offset", 0, "skip this many")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}
