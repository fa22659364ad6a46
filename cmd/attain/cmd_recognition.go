package main

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
)

func (m *Main) leaderboardCommand() *cobra.Command {
	var q app.LeaderboardQuery
	cmd := &cobra.Command{
		Use:   "leaderboard --period P [--metric M] [--unit UNIT] [--by people|teams]",
		Short: "A leaderboard by % of target or score, with medals, streaks and rank change",
		Long: `Leaderboard ranks people (or, with --by teams, the units directly below
--unit) for a period: by the weighted scorecard score (the default), by a
KPI's % of target (so a small target can lead), or by a multi-metric
leaderboard of the awards section of attain.yaml. Tied values share a
place. See docs/recognition.md.

  attain leaderboard --period 2026-06
  attain leaderboard --period 2026-06 --metric won_value --unit sales
  attain leaderboard --period 2026-06 --by teams --unit sales`,
		Args: cobra.NoArgs,
	}
	cmd.Flags().StringVar(&q.Period, "period", "", "period: 2026-06, 2026-Q3, 2026-W14, 2026 or FROM..TO")
	cmd.Flags().StringVar(&q.Metric, "metric", "", "score (default), a KPI of a scorecard, or a leaderboard's name")
	cmd.Flags().StringVar(&q.Unit, "unit", "", "only the people in this unit and below; with --by teams, its units")
	cmd.Flags().StringVar(&q.By, "by", "people", "people or teams")
	return m.listCommand(cmd, func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
		lb, err := m.App.Leaderboard(ctx, who, q)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"place", "medal", "subject", "name", lb.Metric, "streak", "change", "note"}, json: lb}
		for _, r := range lb.Rows {
			place, change, note := strconv.Itoa(r.Place), strconv.Itoa(r.Change), r.Why
			if r.Place == 0 {
				place = "-"
			}
			if r.ChangeNull {
				change = "-"
			}
			if r.Null && note == "" {
				note = "no value"
			}
			t.rows = append(t.rows, []string{place, r.Medal, r.Subject.ID, r.Name, nullable(r.Value.String(), r.Null || r.Hidden), strconv.Itoa(r.Streak), change, note})
		}
		return t, nil
	})
}

func (m *Main) awardsCommand() *cobra.Command {
	var period string
	var freeze bool
	cmd := &cobra.Command{
		Use:   "awards --period P",
		Short: "The awards of a period: provisional while it is open, frozen once it is locked",
		Long: `Awards applies the award rules of attain.yaml's awards section to a
period. While the period is open they are provisional; once it is locked
(attain period lock) they are frozen with the numbers that earned them the
first time they are read, and never change after. See docs/recognition.md.

  attain awards --period 2026-06`,
		Args: cobra.NoArgs,
	}
	cmd.Flags().StringVar(&period, "period", "", "period: 2026-06, 2026-Q3, 2026-W14, 2026 or FROM..TO")
	cmd.Flags().BoolVar(&freeze, "freeze", false, "freeze the awards of a locked period now (admins)")
	return m.listCommand(cmd, func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
		var l *app.AwardList
		var err error
		if freeze {
			l, err = m.App.FreezeAwards(ctx, who, period)
		} else {
			l, err = m.App.Awards(ctx, who, period)
		}
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"award", "place", "subject", "name", "value", "reason", "status"}, json: l}
		for _, a := range l.Awards {
			place, status := strconv.Itoa(a.Place), "frozen"
			if a.Place == 0 {
				place = "-"
			}
			if a.Provisional {
				status = "provisional"
			}
			t.rows = append(t.rows, []string{a.Title, place, a.Subject.ID, a.Name, a.Value.String(), a.Reason, status})
		}
		return t, nil
	})
}
