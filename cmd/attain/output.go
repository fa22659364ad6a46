package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(t.json)
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(t.header); err != nil {
			return err
		}
		if err := cw.WriteAll(t.rows); err != nil {
			return err
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
