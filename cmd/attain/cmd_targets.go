package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"attain/app"
	"attain/calc/score"
	"attain/kpi"
)

// subjectFlags pick an employee or a unit.
type subjectFlags struct{ employee, unit string }

func (f *subjectFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.employee, "employee", "", "employee id")
	cmd.Flags().StringVar(&f.unit, "unit", "", "org unit id")
}

// subject is the one employee or unit the flags name.
func (f *subjectFlags) subject() (kpi.Subject, error) {
	switch {
	case f.employee != "" && f.unit != "":
		return kpi.Subject{}, kpi.Errorf(kpi.EINVALID, "Give --employee or --unit, not both.")
	case f.employee != "":
		return kpi.Subject{Kind: kpi.SubjectEmployee, ID: f.employee}, nil
	case f.unit != "":
		return kpi.Subject{Kind: kpi.SubjectUnit, ID: f.unit}, nil
	}
	return kpi.Subject{}, kpi.Errorf(kpi.EINVALID, "Give --employee or --unit.")
}

// list is the flags as lists, for a filter: none, one or both.
func list(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func (m *Main) targetCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "target",
		Short: "Planned values: set, import, propose from history, check the cascade, see the history",
		Long: `Targets are planned values of a KPI for an employee or an org unit in a
period. Every change is kept with who, when, the old and new value and why;
targets of a locked period cannot change until it is reopened with a reason.
A person hired or leaving inside a period is measured against the target
prorated by working days (see docs/scoring.md).`,
	}
	cmd.AddCommand(m.targetSetCommand(), m.targetImportCommand(), m.targetListCommand(),
		m.targetHistoryCommand(), m.targetProposeCommand(), m.targetCascadeCommand())
	return cmd
}

func (m *Main) targetSetCommand() *cobra.Command {
	var subj subjectFlags
	var period, reason string
	cmd := &cobra.Command{
		Use:   "set KPI VALUE --employee ID|--unit ID --period P [--reason WHY]",
		Short: "Set one target (VALUE \"none\" deletes it)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := subj.subject()
			if err != nil {
				return err
			}
			if period == "" {
				return kpi.Errorf(kpi.EINVALID, "Give --period, e.g. 2026-06, 2026-Q3 or 2026.")
			}
			p, err := kpi.ParsePeriod(period)
			if err != nil {
				return err
			}
			in := kpi.TargetInput{KPI: args[0], Subject: s, Period: p}
			if args[1] != "none" {
				v, err := decimal.NewFromString(args[1])
				if err != nil {
					return kpi.Errorf(kpi.EINVALID, "%q is not a decimal number.", args[1])
				}
				in.Value = &v
			}
			return m.setTargets(cmd, []kpi.TargetInput{in}, reason)
		},
	}
	subj.register(cmd)
	cmd.Flags().StringVar(&period, "period", "", "period: 2026-06, 2026-Q3, 2026-W14, 2026 or FROM..TO")
	cmd.Flags().StringVar(&reason, "reason", "", "why (required to change or delete a target)")
	return cmd
}

func (m *Main) setTargets(cmd *cobra.Command, in []kpi.TargetInput, reason string) error {
	who, _, err := m.actor(cmd.Context())
	if err != nil {
		return err
	}
	res, err := m.App.ChangeTargets(cmd.Context(), who, in, reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d target(s) given; %d stored now.\n", len(in), len(res.Targets))
	if n := res.Pending(); n > 0 {
		fmt.Fprintf(m.Stdout, "%d change(s) above the guardrails wait for approval by the next level up.\n", n)
	}
	return nil
}

func (m *Main) targetImportCommand() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "import FILE [--reason WHY]",
		Short: "Set targets from a CSV or XLSX file (kpi, employee or unit, period, value), all or nothing",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, _, err := openInput(args[0], m.Stdin)
			if err != nil {
				return err
			}
			defer in.Close()
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := m.App.ImportTargets(cmd.Context(), who, filepath.Base(args[0]), in, reason)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%d target(s) in the file; %d stored now.\n", rep.InFile, rep.Stored)
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (required to change or delete targets)")
	return cmd
}

func (m *Main) targetFilterFlags(cmd *cobra.Command, subj *subjectFlags, kpis *[]string, period *string) {
	subj.register(cmd)
	cmd.Flags().StringSliceVar(kpis, "kpi", nil, "KPI names")
	cmd.Flags().StringVar(period, "period", "", "only periods overlapping this one")
}

func targetQuery(subj subjectFlags, kpis []string, period string) app.TargetQuery {
	return app.TargetQuery{KPIs: kpis, Employees: list(subj.employee), Units: list(subj.unit), Period: period}
}

func (m *Main) targetListCommand() *cobra.Command {
	var subj subjectFlags
	var kpis []string
	var period string
	cmd := m.everydayList(&cobra.Command{
		Use:   "list [--kpi K] [--employee ID|--unit ID] [--period P]",
		Short: "List targets",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, uc useCases, who kpi.Actor, args []string) (*table, error) {
		ts, err := uc.Targets(ctx, who, targetQuery(subj, kpis, period))
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"kpi", "subject", "id", "period", "value", "version", "updated_by", "reason"}, json: ts}
		for _, x := range ts {
			t.rows = append(t.rows, []string{x.KPI, x.Subject.Kind, x.Subject.ID, x.Period.Label(), x.Value.String(), strconv.Itoa(x.Version), x.UpdatedBy, x.Reason})
		}
		return t, nil
	})
	m.targetFilterFlags(cmd, &subj, &kpis, &period)
	return cmd
}

func (m *Main) targetHistoryCommand() *cobra.Command {
	var subj subjectFlags
	var kpis []string
	var period string
	cmd := m.everydayList(&cobra.Command{
		Use:   "history [--kpi K] [--employee ID|--unit ID] [--period P]",
		Short: "Every change of the targets: who, when, old, new, why",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, uc useCases, who kpi.Actor, args []string) (*table, error) {
		hist, err := uc.TargetHistory(ctx, who, targetQuery(subj, kpis, period))
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"at", "by", "kpi", "subject", "id", "period", "old", "new", "reason"}, json: hist}
		for _, h := range hist {
			t.rows = append(t.rows, []string{h.At.Format("2006-01-02 15:04"), h.By, h.KPI, h.Subject.Kind, h.Subject.ID, h.Period.Label(), decText(h.Old), decText(h.New), h.Reason})
		}
		return t, nil
	})
	m.targetFilterFlags(cmd, &subj, &kpis, &period)
	return cmd
}

func decText(d *decimal.Decimal) string {
	if d == nil {
		return "-"
	}
	return d.String()
}

func (m *Main) targetProposeCommand() *cobra.Command {
	var req app.ProposeRequest
	var growth, total, format string
	cmd := &cobra.Command{
		Use:   "propose KPI --period P --method average|median|last_year|split|even [flags]",
		Short: "Propose targets from history; preview, or --apply to save them",
		Long: `Propose computes targets from history, so nobody types hundreds of numbers:

  average, median  of the last --n periods (default 3) × --growth
  last_year        the same period last year × --growth
  split            --unit's target (or --total) split among its child units and
                   employees by their share of the last --n periods
  even             the same, split evenly
  sum              bottom-up: each unit under --unit (or every unit) gets the
                   sum of its child units' and employees' targets

Each proposal says how it was made. Nothing is saved without --apply.

  attain target propose deals_won --period 2026-12 --method median --growth 1.1
  attain target propose won_value --period 2026-12 --method split --unit sales --total 900000 --apply --reason "Q4 plan"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			req.KPI = args[0]
			g, err := decimal.NewFromString(growth)
			if err != nil {
				return kpi.Errorf(kpi.EINVALID, "--growth %q is not a number.", growth)
			}
			req.Growth = &g
			if total != "" {
				t, err := decimal.NewFromString(total)
				if err != nil {
					return kpi.Errorf(kpi.EINVALID, "--total %q is not a number.", total)
				}
				req.Total = &t
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			res, err := m.App.ProposeTargets(cmd.Context(), who, req)
			if err != nil {
				return err
			}
			t := table{header: []string{"kpi", "subject", "id", "period", "proposed", "how"}, json: res.Proposals}
			n := 0
			for _, p := range res.Proposals {
				v := "-"
				if !p.Null {
					v = p.Value.String()
					n++
				}
				t.rows = append(t.rows, []string{p.KPI, p.Subject.Kind, p.Subject.ID, p.Period.Label(), v, p.Explanation})
			}
			if err := t.write(m.Stdout, format); err != nil {
				return err
			}
			if !req.Apply {
				fmt.Fprintf(m.Stderr, "Preview only: %d proposal(s); --apply saves them.\n", n)
				return nil
			}
			fmt.Fprintf(m.Stderr, "Saved %d target(s).\n", res.Stored)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&req.Period, "period", "", "the period to propose for")
	fl.StringVar(&req.Method, "method", "median", "average, median, last_year, split, even or sum")
	fl.IntVar(&req.N, "n", 3, "periods of history")
	fl.StringVar(&growth, "growth", "1", "growth factor, e.g. 1.1 for +10 %")
	fl.StringSliceVar(&req.Employees, "employee", nil, "only these employees (average, median, last_year; default everyone)")
	fl.StringVar(&req.Unit, "unit", "", "split, even: the unit whose target is split; sum: the top unit summed (default all)")
	fl.StringVar(&total, "total", "", "split, even: the total to split (default: the unit's target)")
	req.Places = new(int32) // always set: the flag's default is score.DefaultPlaces
	fl.Int32Var(req.Places, "places", score.DefaultPlaces, "decimal places of the proposals (0: whole numbers)")
	fl.BoolVar(&req.Apply, "apply", false, "save the proposals as targets")
	fl.StringVar(&req.Reason, "reason", "", "why, when --apply changes existing targets")
	fl.StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}

func (m *Main) targetCascadeCommand() *cobra.Command {
	var period string
	var all bool
	cmd := m.listCommand(&cobra.Command{
		Use:   "cascade KPI --period P [--all]",
		Short: "Where a unit's target and the sum of its members' targets disagree",
		Args:  cobra.ExactArgs(1),
	}, func(ctx context.Context, who kpi.Actor, args []string) (*table, error) {
		checks, err := m.App.Cascade(ctx, who, args[0], period, all)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"unit", "status", "target", "sum_of_members", "difference", "members", "without_target", "none_by_design", "agrees"}, json: checks}
		for _, c := range checks {
			target := c.Target.String()
			if c.Null {
				target = "-"
			}
			var missing, byDesign []string
			for _, s := range c.Missing {
				missing = append(missing, s.ID)
			}
			for _, s := range c.ByDesign {
				byDesign = append(byDesign, s.ID)
			}
			t.rows = append(t.rows, []string{c.Unit.ID, c.Status, target, c.Sum.String(), c.Difference.String(), strconv.Itoa(c.Children),
				strings.Join(missing, " "), strings.Join(byDesign, " "), strconv.FormatBool(c.Agrees)})
		}
		return t, nil
	})
	cmd.Flags().StringVar(&period, "period", "", "period")
	cmd.Flags().BoolVar(&all, "all", false, "list the units that agree too")
	return cmd
}
