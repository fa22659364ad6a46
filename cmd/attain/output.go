package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"attain/kpi"
)

// table is rows to print as an aligned table, CSV or JSON.
type table struct {
	header []string
	rows   [][]string
	json   any // what --format json prints
}

func checkFormat(format string) error {
	switch format {
	case "table", "csv", "json":
		return nil
	}
	return kpi.Errorf(kpi.EINVALID, "Unknown format %q: want table, csv or json.", format)
}

func (t *table) write(w io.Writer, format string) error {
	switch format {
	case "json":
		return writeJSON(w, t.json)
	case "csv":
		// Cells a spreadsheet would read as formulas are neutralised.
		cw := csv.NewWriter(w)
		if err := cw.Write(kpi.SafeCells(t.header)); err != nil {
			return err
		}
		for _, r := range t.rows {
			if err := cw.Write(kpi.SafeCells(r)); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(t.header, "\t")))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// listCommand makes cmd print a table of the workspace's data: it adds
// --format, finds who acts on the database, and writes the table fill
// returns.
func (m *Main) listCommand(cmd *cobra.Command, fill func(ctx context.Context, who kpi.Actor, args []string) (*table, error)) *cobra.Command {
	return m.everydayList(cmd, func(ctx context.Context, _ useCases, who kpi.Actor, args []string) (*table, error) {
		if m.Config.Server != "" {
			return nil, notOnServer(cmd)
		}
		return fill(ctx, who, args)
	})
}

// everydayList is listCommand for a command that runs on a server too
// (--server): fill gets the use cases to call.
func (m *Main) everydayList(cmd *cobra.Command, fill func(ctx context.Context, uc useCases, who kpi.Actor, args []string) (*table, error)) *cobra.Command {
	var format string
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := checkFormat(format); err != nil {
			return err
		}
		uc, who, err := m.useCases(cmd.Context())
		if err != nil {
			return err
		}
		t, err := fill(cmd.Context(), uc, who, args)
		if err != nil {
			return err
		}
		return t.write(m.Stdout, format)
	}
	return cmd
}

// notOnServer says a command works on the database itself only.
func notOnServer(cmd *cobra.Command) error {
	return kpi.Errorf(kpi.EINVALID, "%s works on the database itself: run it without --server.", cmd.CommandPath())
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// nonNil makes an empty list print as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
