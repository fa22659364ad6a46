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
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			page, err := m.App.Records(cmd.Context(), who, args[0], filter)
			if err != nil {
				return err
			}
			var t table
			for _, c := range page.Dataset.Columns {
				t.header = append(t.header, c.Name)
			}
			rows := make([]map[string]string, len(page.Records))
			for i := range page.Records {
				rows[i] = page.Fields(i)
				row := make([]string, len(t.header))
				for j, c := range t.header {
					row[j] = rows[i][c]
				}
				t.rows = append(t.rows, row)
			}
			t.json = rows
			if err := t.write(m.Stdout, format); err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "%d shown; %d records in %s\n", len(page.Records), page.Total, page.Dataset.Name)
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&filter.Keys, "key", nil, "only these keys")
	cmd.Flags().StringSliceVar(&filter.Owners, "owner", nil, "only these owners (employee ids)")
	cmd.Flags().IntVar(&filter.Limit, "limit", 100, "at most this many (at most 10000; page with --offset)")
	cmd.Flags().IntVar(&filter.Offset, "offset", 0, "skip this many")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}
