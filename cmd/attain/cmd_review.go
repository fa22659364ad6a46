package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"attain/app"
)

func (m *Main) scorecardCommand() *cobra.Command {
	var unit, period, template, format, xlsx string
	cmd := &cobra.Command{
		Use:   "scorecard [EMPLOYEE] --period P | --unit UNIT --period P [--xlsx FILE]",
		Short: "Plan vs actual, score, pace and progress of an employee or a unit",
		Long: `Scorecard shows, for each KPI of the position's scorecard template: the
actual, the target (prorated for a partial period), achievement, score,
weighted contribution and status; inside an open period the pace (expected
to date, forecast, ahead or behind); and the change against the previous
period and last year, with the trend.

With --unit the unit is scored on its own values and targets; with --xlsx
the scorecards of the unit and of every employee in it are written to a
workbook for the review meeting.

  attain scorecard "Anna Snelling" --period 2017-06
  attain scorecard --unit central --period 2017-Q2 --xlsx central-q2.xlsx`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			req := app.ScorecardRequest{Unit: unit, Period: period, Template: template}
			if len(args) == 1 {
				req.Employee = args[0]
			}
			if xlsx != "" {
				who, _, err := m.actor(cmd.Context())
				if err != nil {
					return err
				}
				f, err := m.App.ScorecardsXLSX(cmd.Context(), who, req)
				if err != nil {
					return err
				}
				if err := writeFile(xlsx, f.Save); err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "Wrote %d scorecard(s) to %s.\n", f.Count, xlsx)
				return nil
			}
			uc, who, err := m.useCases(cmd.Context())
			if err != nil {
				return err
			}
			card, err := uc.Scorecard(cmd.Context(), who, req)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(m.Stdout, card)
			}
			return printCard(m, card, format)
		},
	}
	cmd.Flags().StringVar(&unit, "unit", "", "score an org unit instead of an employee")
	cmd.Flags().StringVar(&period, "period", "", "period: 2026-06, 2026-Q3, 2026-W14, 2026 or FROM..TO")
	cmd.Flags().StringVar(&template, "template", "", "scorecard template for a unit (default: the one most of its people have)")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	cmd.Flags().StringVar(&xlsx, "xlsx", "", "with --unit: write the unit's and its people's scorecards to this XLSX file")
	return cmd
}

func printCard(m *Main, c *app.Card, format string) error {
	t := table{header: []string{"kpi", "weight", "actual", "threshold", "target", "stretch", "achievement", "score", "contribution", "status", "pace", "vs_previous"}}
	for _, it := range c.Items {
		pace := ""
		for _, p := range c.Pace {
			if p.KPI == it.KPI {
				pace = fmt.Sprintf("%s (expected %s, forecast %s)", p.Status, p.Display.Expected, p.Display.Forecast)
			}
		}
		prev := ""
		for _, p := range c.Progress {
			if p.KPI == it.KPI {
				prev = p.VsPrevious.Text
				if p.Declining {
					prev += fmt.Sprintf(", declining %d periods", p.DeclineStreak)
				}
			}
		}
		actual, levels := it.Display.Actual, []string{it.Display.Threshold, it.Display.Target, it.Display.Stretch}
		if format != "table" { // CSV keeps every digit
			actual, levels = nullable(it.Actual.String(), it.ActualNull), []string{it.Threshold.String(), it.Target.String(), it.Stretch.String()}
			prev = ""
			for _, p := range c.Progress {
				if p.KPI == it.KPI {
					prev = p.VsPrevious.String()
				}
			}
		}
		t.rows = append(t.rows, []string{it.KPI, it.Weight.String() + "%", actual, levels[0], levels[1], levels[2],
			nullable(it.Achievement.String()+"%", it.AchievementNull), nullable(it.Score.String(), it.ScoreNull), it.Contribution.String(),
			string(it.Status), pace, prev})
	}
	if format == "table" {
		fmt.Fprintf(m.Stdout, "%s %s, %s, template %s (as of %s; %s)\n", c.Subject.Kind, c.Subject.ID, c.Period.Label(), c.Template, c.AsOf, c.Standing)
	}
	if err := t.write(m.Stdout, format); err != nil {
		return err
	}
	if format != "table" {
		return nil
	}
	fmt.Fprintf(m.Stdout, "Total score: %s  (%s)\n", nullable(c.Total.String(), c.TotalNull), c.Rule)
	for _, p := range c.Prorations {
		fmt.Fprintf(m.Stdout, "Target of %s prorated: %s\n", p.KPI, p.Rule)
	}
	for _, it := range c.Items {
		if it.ToDate != nil {
			fmt.Fprintf(m.Stdout, "Levels of %s to date: %s\n", it.KPI, it.ToDate.Rule)
		}
	}
	for _, p := range c.Pace {
		fmt.Fprintf(m.Stdout, "Pace of %s: %s (%s)\n", p.KPI, p.Status, p.Rule)
	}
	for _, it := range c.Items {
		for _, n := range it.Notes {
			fmt.Fprintf(m.Stdout, "Note on %s: %s\n", it.KPI, n)
		}
	}
	return nil
}

func nullable(s string, null bool) string {
	if null {
		return "-"
	}
	return s
}

func (m *Main) attentionCommand() *cobra.Command {
	var manager, period, format string
	cmd := &cobra.Command{
		Use:   "attention --manager ID --period P",
		Short: "Who among a manager's people needs attention, and why",
		Long: `Attention ranks a manager's direct reports by what their scorecards show:
fell below threshold after being above, below threshold, declining three
periods in a row, behind pace, worse than the same period last year.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			uc, who, err := m.useCases(cmd.Context())
			if err != nil {
				return err
			}
			att, err := uc.Attention(cmd.Context(), who, manager, period)
			if err != nil {
				return err
			}
			t := table{header: []string{"employee", "points", "reasons"}, json: att}
			for _, c := range att.Concerns {
				var rs []string
				for _, r := range c.Reasons {
					rs = append(rs, r.Text)
				}
				t.rows = append(t.rows, []string{c.Subject.ID, fmt.Sprint(c.Points), strings.Join(rs, "; ")})
			}
			if err := t.write(m.Stdout, format); err != nil {
				return err
			}
			for _, s := range att.Skipped {
				fmt.Fprintf(m.Stderr, "skipped %s: %s\n", s.Employee, s.Reason)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&manager, "manager", "", "the manager's employee id")
	cmd.Flags().StringVar(&period, "period", "", "period")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}

func (m *Main) periodCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "period", Short: "Lock closed periods (their targets cannot change) and reopen them"}
	var reason, format string
	lock := &cobra.Command{
		Use:   "lock PERIOD --reason WHY",
		Short: "Lock a period: its targets cannot change until it is reopened",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.lockPeriod(cmd, args[0], reason, true)
		},
	}
	reopen := &cobra.Command{
		Use:   "reopen PERIOD --reason WHY",
		Short: "Reopen a locked period",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.lockPeriod(cmd, args[0], reason, false)
		},
	}
	for _, c := range []*cobra.Command{lock, reopen} {
		c.Flags().StringVar(&reason, "reason", "", "why (required)")
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List locked periods",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			locks, err := m.App.PeriodLocks(cmd.Context(), who)
			if err != nil {
				return err
			}
			t := table{header: []string{"period", "locked_at", "locked_by", "reason"}, json: locks}
			for _, l := range locks {
				t.rows = append(t.rows, []string{l.Period.Label(), l.LockedAt.Format("2006-01-02 15:04"), l.LockedBy, l.Reason})
			}
			return t.write(m.Stdout, format)
		},
	}
	list.Flags().StringVar(&format, "format", "table", "table, csv or json")
	cmd.AddCommand(lock, reopen, list)
	return cmd
}

func (m *Main) lockPeriod(cmd *cobra.Command, period, reason string, lock bool) error {
	who, _, err := m.actor(cmd.Context())
	if err != nil {
		return err
	}
	p, err := m.App.LockPeriod(cmd.Context(), who, period, reason, lock)
	if err != nil {
		return err
	}
	verb := map[bool]string{true: "Locked", false: "Reopened"}[lock]
	fmt.Fprintf(m.Stdout, "%s %s.\n", verb, p.Label())
	return nil
}
