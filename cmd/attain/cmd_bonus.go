package main

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"attain/app"
	"attain/calc/bonus"
	"attain/kpi"
)

func (m *Main) bonusCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "bonus", Short: "Bonus plans and statements"}
	cmd.AddCommand(m.bonusEvalCommand(), m.bonusCostCommand())
	return cmd
}

func (m *Main) bonusEvalCommand() *cobra.Command {
	var planFile, inputsFile, format string
	var adds, sets []string
	cmd := &cobra.Command{
		Use:   "eval --plan PLAN.yaml --inputs INPUTS.yaml",
		Short: "Compute one employee's bonus statement, without a database",
		Long: `Eval computes the statement of one employee and period from a plan and
its inputs (KPI actuals and targets, base pay, prior payouts, reversed
records) and prints every line of the calculation.

What if: --add and --set change KPI actuals and print the statement again
with the difference, e.g. "3 more deals worth 10,000":

  attain bonus eval --plan plan.yaml --inputs ana.yaml --add deals_won=3 --add won_value=10000
  attain bonus eval --plan plan.yaml --inputs ana.yaml --set processing_days=2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return kpi.Errorf(kpi.EINVALID, "Unknown format %q: want text or json.", format)
			}
			plan, err := readFile(planFile)
			if err != nil {
				return err
			}
			inputs, err := readFile(inputsFile)
			if err != nil {
				return err
			}
			changes, err := whatIfChanges(adds, sets)
			if err != nil {
				return err
			}
			res, err := app.EvalBonus(planFile, plan, inputsFile, inputs, changes)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(m.Stdout, res)
			}
			base, changed := res.Statement, res.WhatIf
			if err := bonus.WriteText(m.Stdout, base); err != nil {
				return err
			}
			if changed == nil {
				return nil
			}
			fmt.Fprintf(m.Stdout, "\n=== What if: %s %s ===\n\n", strings.Join(adds, " "), strings.Join(sets, " "))
			if err := bonus.WriteText(m.Stdout, changed); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "\nPayout %s → %s (%s %s)\n", base.Payout.StringFixed(2), changed.Payout.StringFixed(2),
				signed(changed.Payout.Sub(base.Payout)), base.Currency)
			return nil
		},
	}
	cmd.Flags().StringVar(&planFile, "plan", "", "bonus plan YAML (required)")
	cmd.Flags().StringVar(&inputsFile, "inputs", "", "inputs YAML of one employee and period (required)")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	cmd.Flags().StringArrayVar(&adds, "add", nil, "what if: KPI=N adds N to the KPI's actual")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "what if: KPI=V sets the KPI's actual to V")
	cmd.MarkFlagRequired("plan")
	cmd.MarkFlagRequired("inputs")
	return cmd
}

// whatIfChanges reads KPI=VALUE pairs.
func whatIfChanges(adds, sets []string) ([]bonus.Change, error) {
	var out []bonus.Change
	for _, group := range []struct {
		flag  string
		pairs []string
	}{{"add", adds}, {"set", sets}} {
		for _, p := range group.pairs {
			name, val, ok := strings.Cut(p, "=")
			d, err := decimal.NewFromString(strings.TrimSpace(val))
			if !ok || name == "" || err != nil {
				return nil, kpi.Errorf(kpi.EINVALID, "--%s %q: want KPI=NUMBER.", group.flag, p)
			}
			c := bonus.Change{KPI: strings.TrimSpace(name)}
			if group.flag == "add" {
				c.Add = &d
			} else {
				c.Set = &d
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func signed(d decimal.Decimal) string {
	if d.IsNegative() {
		return d.StringFixed(2)
	}
	return "+" + d.StringFixed(2)
}
