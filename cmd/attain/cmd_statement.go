package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"attain/app"
	"attain/calc/bonus"
	"attain/kpi"
)

func (m *Main) statementCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "statement",
		Short: "Bonus statements of the workspace: show, approve, lock, pay, inquiries, PDF",
		Long: `A statement is one employee's bonus for one period under the plan
assigned to them in attain.yaml (bonus_plans:), every line explained.

Lifecycle: a draft is computed afresh every time; a manager approves it;
locking stores it for good (later data changes show as adjustments in the
next statement); then it is marked paid. Every step is in the audit trail.`,
	}
	cmd.AddCommand(m.statementShowCommand(), m.statementStepCommand(app.Approve), m.statementStepCommand(app.Lock),
		m.statementStepCommand(app.Pay), m.statementInquireCommand(), m.statementAnswerCommand(), m.statementPDFCommand())
	return cmd
}

func (m *Main) statementShowCommand() *cobra.Command {
	var period, format string
	var adds, sets []string
	cmd := &cobra.Command{
		Use:   "show EMPLOYEE --period P",
		Short: "Print an employee's statement for a period (with --add/--set: what if)",
		Long: `Show prints the statement: a draft computed now, or the locked one.

What if: --add and --set change KPI actuals of the draft, like
attain bonus eval, e.g. "3 more deals worth 10,000":

  attain statement show e17 --period 2026-03 --add deals_won=3 --add won_value=10000`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return kpi.Errorf(kpi.EINVALID, "Unknown format %q: want text or json.", format)
			}
			changes, err := whatIfChanges(adds, sets)
			if err != nil {
				return err
			}
			ref := app.StatementRef{Employee: args[0], Period: period}
			if len(changes) > 0 {
				who, _, err := m.actor(cmd.Context())
				if err != nil {
					return err
				}
				w, err := m.App.WhatIf(cmd.Context(), who, ref, changes)
				if err != nil {
					return err
				}
				if format == "json" {
					return writeJSON(m.Stdout, w)
				}
				if err := writeStatement(m.Stdout, w.Statement); err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "\n=== What if: %s %s ===\n\n", strings.Join(adds, " "), strings.Join(sets, " "))
				if err := bonus.WriteText(m.Stdout, w.WhatIf); err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "\nPayout %s → %s (%s %s)\n", w.Statement.Payout.StringFixed(2), w.Payout.StringFixed(2), signed(w.Delta), w.Statement.Currency)
				return nil
			}
			uc, who, err := m.useCases(cmd.Context())
			if err != nil {
				return err
			}
			st, err := uc.Statement(cmd.Context(), who, ref)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(m.Stdout, st)
			}
			return writeStatement(m.Stdout, st)
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "period, e.g. 2026-03 (required)")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	cmd.Flags().StringArrayVar(&adds, "add", nil, "what if: KPI=N adds N to the KPI's actual")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "what if: KPI=V sets the KPI's actual to V")
	return cmd
}

// writeStatement prints the lifecycle, each section's statement, the
// adjustments and the inquiries.
func writeStatement(w io.Writer, st *app.Statement) error {
	status := st.Status
	for _, step := range []struct{ what, by string }{{"approved", st.ApprovedBy}, {"approved again", st.SecondApprovedBy}, {"locked", st.LockedBy}, {"paid", st.PaidBy}} {
		if step.by != "" {
			status += fmt.Sprintf("; %s by %s", step.what, step.by)
		}
	}
	fmt.Fprintf(w, "Status: %s\n", status)
	for i, sec := range st.Sections {
		if len(st.Sections) > 1 {
			fmt.Fprintf(w, "\n--- Plan %s, %s to %s ---\n", sec.Plan, sec.From, sec.To)
		}
		if i > 0 || len(st.Sections) > 1 {
			fmt.Fprintln(w)
		}
		if err := bonus.WriteText(w, sec.Evaluation); err != nil {
			return err
		}
	}
	if len(st.Sections) > 1 {
		fmt.Fprintf(w, "\nPayout of the period: %s %s\n", st.Payout.StringFixed(2), st.Currency)
	}
	for _, n := range st.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
	if len(st.Inquiries) > 0 {
		fmt.Fprintln(w, "\nInquiries:")
		for _, q := range st.Inquiries {
			fmt.Fprintf(w, "  #%d on %s (%s, %s): %s\n", q.ID, q.Line, q.AskedBy, q.AskedAt.Format("2006-01-02"), q.Text)
			if q.AnsweredAt != nil {
				fmt.Fprintf(w, "      answer (%s, %s): %s\n", q.AnsweredBy, q.AnsweredAt.Format("2006-01-02"), q.Answer)
			}
		}
	}
	return nil
}

func (m *Main) statementStepCommand(step app.Step) *cobra.Command {
	var period string
	short := map[app.Step]string{
		"approve": "Approve an employee's draft statement (as a manager)",
		"lock":    "Lock an approved statement: it is stored for good",
		"pay":     "Mark a locked statement paid",
	}[step]
	cmd := &cobra.Command{
		Use:   string(step) + " EMPLOYEE --period P",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			st, err := m.App.StepStatement(cmd.Context(), who, app.StatementRef{Employee: args[0], Period: period}, step)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Statement of %s for %s: %s, payout %s %s.\n", args[0], st.Period.Label(), st.Status, st.Payout.StringFixed(2), st.Currency)
			return nil
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "period, e.g. 2026-03 (required)")
	return cmd
}

func (m *Main) statementInquireCommand() *cobra.Command {
	var period, line, text string
	cmd := &cobra.Command{
		Use:   "inquire EMPLOYEE --period P --line LINE --text TEXT",
		Short: "Raise an inquiry on a line of a statement",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			q, err := m.App.Inquire(cmd.Context(), who, app.StatementRef{Employee: args[0], Period: period}, line, text)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Inquiry #%d on line %s of the statement of %s for %s.\n", q.ID, q.Line, args[0], q.Period.Label())
			return nil
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "period, e.g. 2026-03 (required)")
	cmd.Flags().StringVar(&line, "line", "", "the line's id, e.g. commission.amount (required)")
	cmd.Flags().StringVar(&text, "text", "", "the question (required)")
	return cmd
}

func (m *Main) statementAnswerCommand() *cobra.Command {
	var period, id, text string
	cmd := &cobra.Command{
		Use:   "answer EMPLOYEE --period P --id N --text TEXT",
		Short: "Answer an inquiry on a statement",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := strconv.ParseInt(strings.TrimPrefix(id, "#"), 10, 64)
			if err != nil {
				return kpi.Errorf(kpi.EINVALID, "--id %q: want the inquiry's number.", id)
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			q, err := m.App.Answer(cmd.Context(), who, app.StatementRef{Employee: args[0], Period: period}, n, text)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Answered inquiry #%d on line %s.\n", q.ID, q.Line)
			return nil
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "period, e.g. 2026-03 (required)")
	cmd.Flags().StringVar(&id, "id", "", "the inquiry's number (required)")
	cmd.Flags().StringVar(&text, "text", "", "the answer (required)")
	return cmd
}

func (m *Main) statementPDFCommand() *cobra.Command {
	var period, out string
	cmd := &cobra.Command{
		Use:   "pdf EMPLOYEE --period P -o FILE",
		Short: "Write a statement as PDF: every line with its inputs, rule and result",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return kpi.Errorf(kpi.EINVALID, "-o FILE is required.")
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			f, err := m.App.StatementPDF(cmd.Context(), who, app.StatementRef{Employee: args[0], Period: period})
			if err != nil {
				return err
			}
			return writeFile(out, f.Save)
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "period, e.g. 2026-03 (required)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "PDF file to write (required)")
	return cmd
}

// writeFile writes a file through fn, removing it if fn fails.
func writeFile(name string, fn func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return kpi.Errorf(kpi.EINVALID, "Cannot write %s: %s", name, err)
	}
	if err := fn(f); err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func (m *Main) payoutsCommand() *cobra.Command {
	var period, csvFile, xlsxFile, format string
	cmd := &cobra.Command{
		Use:   "payouts --period P [--csv FILE | --xlsx FILE]",
		Short: "Payouts of a period for payroll: a table, or a CSV or XLSX file",
		Long: `Payouts lists every employee with a bonus plan in the period: employee id,
name, currency, plan, payout, status (draft, approved, locked, paid; error
when the statement cannot be computed) and period, then a total per
currency. Locked and paid statements give their stored payout, others the
draft's. Projected earnings are never in it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if csvFile != "" || xlsxFile != "" {
				who, _, err := m.actor(cmd.Context())
				if err != nil {
					return err
				}
				name, format := csvFile, app.FormatCSV
				if xlsxFile != "" {
					name, format = xlsxFile, app.FormatXLSX
				}
				f, err := m.App.PayoutsFile(cmd.Context(), who, period, format)
				if err != nil {
					return err
				}
				if err := writeFile(name, f.Save); err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "%d payouts for %s written to %s.\n", f.Count, period, name)
				return nil
			}
			uc, who, err := m.useCases(cmd.Context())
			if err != nil {
				return err
			}
			rows, err := uc.Payouts(cmd.Context(), who, period)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if r.Error != "" {
					fmt.Fprintf(m.Stderr, "warning: %s: %s\n", r.EmployeeID, r.Error)
				}
			}
			t := table{header: []string{"employee", "name", "currency", "plan", "payout", "status", "period"}, json: rows}
			for _, r := range append(rows, app.PayoutTotals(rows)...) {
				amt := ""
				if r.Status != "error" {
					amt = r.Payout.StringFixed(r.Places)
				}
				t.rows = append(t.rows, []string{r.EmployeeID, r.Name, r.Currency, r.Plan, amt, r.Status, r.Period})
			}
			return t.write(m.Stdout, format)
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "period, e.g. 2026-03 (required)")
	cmd.Flags().StringVar(&csvFile, "csv", "", "write a CSV file for payroll")
	cmd.Flags().StringVar(&xlsxFile, "xlsx", "", "write an XLSX workbook for payroll")
	cmd.Flags().StringVar(&format, "format", "table", "without --csv/--xlsx: table, csv or json")
	return cmd
}

func (m *Main) bonusCostCommand() *cobra.Command {
	var planFile, unit, period, format string
	cmd := &cobra.Command{
		Use:   "cost --plan DRAFT.yaml --unit U --period P",
		Short: "What a draft plan would pay a unit's people against their current plans",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			plan, err := readFile(planFile)
			if err != nil {
				return err
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			d, err := m.App.TeamCost(cmd.Context(), who, planFile, plan, unit, period)
			if err != nil {
				return err
			}
			t := table{header: []string{"employee", "currency", d.Base, d.Draft, "delta"}, json: d}
			for _, r := range d.People {
				t.rows = append(t.rows, []string{r.Employee, r.Currency, r.Base.StringFixed(2), r.Draft.StringFixed(2), signed(r.Delta)})
			}
			for _, r := range d.Totals {
				t.rows = append(t.rows, []string{"TOTAL", r.Currency, r.Base.StringFixed(2), r.Draft.StringFixed(2), signed(r.Delta)})
			}
			return t.write(m.Stdout, format)
		},
	}
	cmd.Flags().StringVar(&planFile, "plan", "", "draft plan YAML (required)")
	cmd.Flags().StringVar(&unit, "unit", "", "org unit: its people and those of the units below (required)")
	cmd.Flags().StringVar(&period, "period", "", "period, e.g. 2026-03 (required)")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	cmd.MarkFlagRequired("plan")
	return cmd
}
