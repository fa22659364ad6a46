package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

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
