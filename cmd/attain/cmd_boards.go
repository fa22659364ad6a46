package main

import (
	"context"

	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
)

// heatmapCommand prints a unit's heat map: a row per person (or team), a
// column per period, each cell the % of target of a KPI or of the
// weighted score.
func (m *Main) heatmapCommand() *cobra.Command {
	var req app.HeatMapRequest
	cmd := m.listCommand(&cobra.Command{
		Use:   "heatmap --unit UNIT [--kpi KPI] --period PERIOD",
		Short: "People (or teams) × the 12 periods up to one: % of target of a KPI or of the weighted score",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
		hm, err := m.App.HeatMap(ctx, who, req)
		if err != nil {
			return nil, err
		}
		return heatTable(hm), nil
	})
	fl := cmd.Flags()
	fl.StringVar(&req.Unit, "unit", "", "org unit id")
	fl.StringVar(&req.KPI, "kpi", "", "KPI name, or score (default): the weighted score")
	fl.StringVar(&req.Period, "period", "", "the last period shown, e.g. 2026-06")
	fl.StringVar(&req.Rows, "rows", "", "people (default) or teams")
	return cmd
}

// heatTable writes a heat map as rows: the % of target with 2 places, "-"
// where there is none.
func heatTable(hm *app.HeatMap) *table {
	t := &table{header: []string{"id", "name"}, json: hm}
	for _, p := range hm.Periods {
		t.header = append(t.header, p.Label())
	}
	for _, l := range hm.Lines {
		row := []string{l.Subject.ID, l.Name}
		for _, c := range l.Cells {
			if c.Null {
				row = append(row, "-")
			} else {
				row = append(row, c.Value.StringFixed(2))
			}
		}
		t.rows = append(t.rows, row)
	}
	return t
}
