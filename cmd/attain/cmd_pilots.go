package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
)

func parseID(what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, kpi.Errorf(kpi.EINVALID, "%s %q is not a number.", what, s)
	}
	return id, nil
}

func (m *Main) pilotCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pilot",
		Short: "Try a scorecard template or bonus plan on one unit for some weeks, report and roll out",
		Long: `A pilot tries a scheme (a scorecard template and/or a bonus plan of the
definitions) on one org unit for a few weeks. In shadow mode (the default)
its KPIs and would-be bonuses are computed and shown, never paid and never
exported to payroll. Its report compares each KPI before and during the
pilot with a comparison unit (difference in differences, with a 95 %
interval) and the would-be bonuses with the current scheme's.

  attain pilot create --name "New bonus" --unit order-processing/order-entry \
      --comparison order-processing/fulfilment --start 2026-11-02 --end 2026-11-29 \
      --plan order-processing-pilot --template order-processing-pilot
  attain pilot list
  attain pilot report 1 [--xlsx pilot.xlsx | --pdf pilot.pdf]
  attain pilot end 1 --reason "four weeks done"
  attain pilot rollout 1 --units order-processing --from 2027-01-01 --reason "agreed" [--dry-run]`,
	}
	var in app.PilotInput
	var live bool
	create := &cobra.Command{
		Use:   "create --name N --unit U --start D --end D (--plan P | --template T)",
		Short: "Create a pilot (admins)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			in.Shadow = !live
			p, err := m.App.CreatePilot(cmd.Context(), who, in)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Created pilot %d, %s: %s in %s, %s..%s.\n", p.ID, p.Name, mode(p), p.Unit, p.Start, p.End)
			return nil
		},
	}
	f := create.Flags()
	f.StringVar(&in.Name, "name", "", "what the pilot is called")
	f.StringVar(&in.Unit, "unit", "", "the org unit it runs in")
	f.StringVar(&in.Comparison, "comparison", "", "the org unit it is compared with (none: before/after only)")
	f.StringVar(&in.Start, "start", "", "first day, YYYY-MM-DD")
	f.StringVar(&in.End, "end", "", "last day, YYYY-MM-DD (typically 3-4 weeks on)")
	f.StringVar(&in.Template, "template", "", "the scorecard template under trial")
	f.StringVar(&in.Plan, "plan", "", "the bonus plan under trial")
	f.StringVar(&in.Notes, "notes", "", "what is being tried, and why")
	f.BoolVar(&live, "live", false, "pay the plan to the unit's people for the pilot's days (default: shadow, never paid)")

	list := m.listCommand(&cobra.Command{Use: "list", Short: "List pilots", Args: cobra.NoArgs},
		func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
			ps, err := m.App.Pilots(ctx, who)
			if err != nil {
				return nil, err
			}
			t := &table{header: []string{"id", "name", "unit", "comparison", "start", "end", "template", "plan", "mode", "status"}, json: ps}
			for _, p := range ps {
				t.rows = append(t.rows, []string{strconv.FormatInt(p.ID, 10), p.Name, p.Unit, p.Comparison, p.Start.String(), p.End.String(), p.Template, p.Plan, mode(p), p.Status})
			}
			return t, nil
		})

	var xlsx, pdf, format string
	report := &cobra.Command{
		Use:   "report ID [--xlsx FILE | --pdf FILE]",
		Short: "The pilot's report: KPIs before and during against the comparison unit, would-be bonuses",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("pilot", args[0])
			if err != nil {
				return err
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if xlsx != "" || pdf != "" {
				file, write := xlsx, m.App.PilotReportXLSX
				if pdf != "" {
					file, write = pdf, m.App.PilotReportPDF
				}
				f, err := write(cmd.Context(), who, id)
				if err != nil {
					return err
				}
				if err := writeFile(file, f.Save); err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "Wrote the report of pilot %d to %s.\n", id, file)
				return nil
			}
			rep, err := m.App.PilotReport(cmd.Context(), who, id)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(m.Stdout, rep)
			}
			fmt.Fprintf(m.Stdout, "Pilot %d, %s: %s in %s, %s..%s (%d working days), before: %s..%s.\n\n", rep.Pilot.ID, rep.Pilot.Name, mode(rep.Pilot),
				rep.UnitName, rep.Window.From, rep.Window.To, rep.WorkingDays, rep.Before.From, rep.Before.To)
			t := table{header: []string{"kpi", "pilot_before", "pilot_during", "comparison_before", "comparison_during", "difference", "low_95", "high_95", "chance"}}
			for _, k := range rep.KPIs {
				r := k.Result
				row := []string{k.KPI, r.Pilot.MeanBefore.StringFixed(2), r.Pilot.MeanDuring.StringFixed(2), "", "", r.Estimate.StringFixed(2), "", "", ""}
				if c := r.Comparison; c != nil {
					row[3], row[4] = c.MeanBefore.StringFixed(2), c.MeanDuring.StringFixed(2)
				}
				if r.Valid {
					row[6], row[7], row[8] = r.Low.StringFixed(2), r.High.StringFixed(2), map[bool]string{true: "unlikely", false: "could be"}[r.Significant]
				}
				t.rows = append(t.rows, row)
			}
			if err := t.write(m.Stdout, format); err != nil {
				return err
			}
			for _, k := range rep.KPIs {
				fmt.Fprintf(m.Stdout, "%s\n", k.Sentence)
			}
			fmt.Fprintln(m.Stdout)
			t = table{header: []string{"employee", "name", "currency", "current", "pilot", "difference"}}
			for _, p := range rep.Payouts {
				t.rows = append(t.rows, []string{p.Employee, p.Name, p.Currency, p.Current.StringFixed(2), p.Shadow.StringFixed(2), p.Difference.StringFixed(2)})
			}
			t.rows = append(t.rows, []string{"total", "", rep.Currency, rep.Current.StringFixed(2), rep.Shadow.StringFixed(2), rep.Difference.StringFixed(2)})
			if err := t.write(m.Stdout, format); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%d would gain, %d would lose, %d would be paid nothing.\n", rep.Gainers, rep.Losers, rep.PaidNothing)
			for _, n := range rep.Notes {
				fmt.Fprintf(m.Stdout, "Note: %s\n", n)
			}
			return nil
		},
	}
	report.Flags().StringVar(&xlsx, "xlsx", "", "write the report to this XLSX file")
	report.Flags().StringVar(&pdf, "pdf", "", "write the report to this PDF file")
	report.MarkFlagsMutuallyExclusive("xlsx", "pdf")
	report.Flags().StringVar(&format, "format", "table", "table, csv or json")

	var endDay, reason string
	end := &cobra.Command{
		Use:   "end ID [--on DAY] --reason R",
		Short: "End a running pilot (admins)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("pilot", args[0])
			if err != nil {
				return err
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			p, err := m.App.EndPilot(cmd.Context(), who, id, endDay, reason)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Pilot %d ended on %s.\n", p.ID, p.End)
			return nil
		},
	}
	end.Flags().StringVar(&endDay, "on", "", "last day, YYYY-MM-DD (default today)")
	end.Flags().StringVar(&reason, "reason", "", "why, for the audit trail")

	var ro app.RolloutRequest
	var units string
	rollout := &cobra.Command{
		Use:   "rollout ID --units U1,U2 --from DAY --reason R [--dry-run]",
		Short: "Make an ended pilot's scheme live for more units from a day (admins)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("pilot", args[0])
			if err != nil {
				return err
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			ro.Units = splitComma(units)
			res, err := m.App.RolloutPilot(cmd.Context(), who, id, ro)
			if err != nil {
				return err
			}
			t := table{header: []string{"employee", "name", "currency", "current", "pilot", "difference"}}
			for _, p := range res.People {
				t.rows = append(t.rows, []string{p.Employee, p.Name, p.Currency, p.Current.StringFixed(2), p.Shadow.StringFixed(2), p.Difference.StringFixed(2)})
			}
			if err := t.write(m.Stdout, "table"); err != nil {
				return err
			}
			verb := "Rolled out"
			if res.DryRun {
				verb = "Would roll out"
			}
			fmt.Fprintf(m.Stdout, "%s to %d people from %s; in %s the current scheme paid %s, the pilot's would pay %s. %d definition change(s).\n",
				verb, len(res.People), res.From, res.Costed.Label(), res.Current.StringFixed(2), res.Shadow.StringFixed(2), len(res.Changes))
			for _, n := range res.Notes {
				fmt.Fprintf(m.Stdout, "Note: %s\n", n)
			}
			return nil
		},
	}
	rf := rollout.Flags()
	rf.StringVar(&units, "units", "", "org units, comma-separated: their people get the scheme")
	rf.StringVar(&ro.From, "from", "", "the day it goes live, YYYY-MM-DD")
	rf.StringVar(&ro.Reason, "reason", "", "why, for the audit trail")
	rf.BoolVar(&ro.DryRun, "dry-run", false, "only show whom it changes and what it would cost")
	cmd.AddCommand(create, list, report, end, rollout)
	return cmd
}

func mode(p *kpi.Pilot) string {
	if p.Shadow {
		return "shadow"
	}
	return "live"
}

func splitComma(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (m *Main) meetingCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "meeting",
		Short: "Review meetings: comments, proposals and the review pack",
		Long: `The review meeting's comments on KPIs (threads), proposals to change a
target or a KPI definition (previewed, then accepted and applied, or
rejected), and the review pack of a unit and period as XLSX.

  attain meeting comment --employee moritz.huber --kpi requests_processed --period 2026-11 --text "Why?"
  attain meeting comment --reply 1 --text "Returns queue."
  attain meeting comments --unit order-processing --period 2026-11
  attain meeting propose --kpi requests_processed --employee moritz.huber --period 2026-11 --value 18 --why "..."
  attain meeting proposals --unit order-processing --period 2026-11
  attain meeting accept 1 | reject 1 --reason "..."
  attain meeting pack --unit order-processing --period 2026-11 --xlsx pack.xlsx
  attain meeting pack --unit order-processing --period 2026-11 --pdf pack.pdf`,
	}
	var ci app.CommentInput
	comment := &cobra.Command{
		Use:   "comment (--employee E | --unit U) --period P [--kpi K] --text T | --reply ID --text T",
		Short: "Comment on a KPI, or reply to a comment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			c, err := m.App.AddComment(cmd.Context(), who, ci)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Comment %d on %s %s, %s.\n", c.ID, c.Subject.Kind, c.Subject.ID, c.Period.Label())
			return nil
		},
	}
	cf := comment.Flags()
	cf.StringVar(&ci.Employee, "employee", "", "employee id")
	cf.StringVar(&ci.Unit, "unit", "", "org unit id")
	cf.StringVar(&ci.KPI, "kpi", "", "the KPI it is about")
	cf.StringVar(&ci.Period, "period", "", "period, e.g. 2026-11")
	cf.StringVar(&ci.Text, "text", "", "the comment")
	cf.Int64Var(&ci.Parent, "reply", 0, "the comment this replies to")

	var q app.MeetingQuery
	scope := func(c *cobra.Command) {
		c.Flags().StringVar(&q.Employee, "employee", "", "employee id")
		c.Flags().StringVar(&q.Unit, "unit", "", "org unit id (and everyone in it)")
		c.Flags().StringVar(&q.Period, "period", "", "period, e.g. 2026-11")
	}
	comments := m.listCommand(&cobra.Command{Use: "comments (--employee E | --unit U) --period P", Short: "List comments, in threads", Args: cobra.NoArgs},
		func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
			cs, err := m.App.Comments(ctx, who, q)
			if err != nil {
				return nil, err
			}
			t := &table{header: []string{"id", "reply_to", "subject", "kpi", "period", "by", "text", "resolved_by"}, json: cs}
			for _, c := range cs {
				t.rows = append(t.rows, []string{strconv.FormatInt(c.ID, 10), strconv.FormatInt(c.Parent, 10), c.Subject.ID, c.KPI, c.Period.Label(), c.By, c.Text, c.ResolvedBy})
			}
			return t, nil
		})
	scope(comments)

	var pi app.ProposalInput
	var value, definition string
	propose := &cobra.Command{
		Use:   "propose --kpi K (--employee E | --unit U) --period P --value V --why W | --kpi K --definition JSON --period P --why W",
		Short: "Propose a target or a KPI definition; shows its previewed effect",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			pi.Kind = kpi.ProposeTarget
			if definition != "" {
				pi.Kind, pi.Definition = kpi.ProposeDefinition, []byte(definition)
			} else if value != "" {
				v, err := decimal.NewFromString(value)
				if err != nil {
					return kpi.Errorf(kpi.EINVALID, "--value %q is not a number.", value)
				}
				pi.Value = &v
			}
			v, err := m.App.Propose(cmd.Context(), who, pi)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Proposal %d (%s of %s), open.\n", v.ID, v.Kind, v.KPI)
			if tp := v.Target; tp != nil {
				fmt.Fprintf(m.Stdout, "Preview: target %s → %s, achievement %s → %s, score %s → %s, total %s → %s.\n",
					tp.Before.Target, tp.After.Target, tp.Before.Achievement, tp.After.Achievement, tp.Before.Score, tp.After.Score, tp.Before.Total, tp.After.Total)
			}
			for _, r := range v.Definition {
				fmt.Fprintf(m.Stdout, "Preview: %s of %s in %s: %v → %v\n", r.KPI, r.Subject.ID, r.Period.Label(), r.Before, r.After)
			}
			return nil
		},
	}
	pf := propose.Flags()
	pf.StringVar(&pi.KPI, "kpi", "", "the KPI")
	pf.StringVar(&pi.Employee, "employee", "", "employee id (a target)")
	pf.StringVar(&pi.Unit, "unit", "", "org unit id (a target)")
	pf.StringVar(&pi.Period, "period", "", "the target's period, or the months a definition's preview covers")
	pf.StringVar(&value, "value", "", "the proposed target")
	pf.StringVar(&definition, "definition", "", "the KPI's whole new definition, as JSON")
	pf.StringVar(&pi.Effective, "effective", "", "a definition: in effect from this day, YYYY-MM-DD")
	pf.StringVar(&pi.Why, "why", "", "why (required)")

	proposals := m.listCommand(&cobra.Command{Use: "proposals (--employee E | --unit U) --period P", Short: "List proposals", Args: cobra.NoArgs},
		func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
			ps, err := m.App.Proposals(ctx, who, q, nil)
			if err != nil {
				return nil, err
			}
			t := &table{header: []string{"id", "kind", "kpi", "subject", "period", "value", "status", "by", "why"}, json: ps}
			for _, p := range ps {
				v := ""
				if p.Value != nil {
					v = p.Value.String()
				}
				t.rows = append(t.rows, []string{strconv.FormatInt(p.ID, 10), p.Kind, p.KPI, p.Subject.ID, p.Period.Label(), v, p.Status, p.By, p.Why})
			}
			return t, nil
		})
	scope(proposals)

	decide := func(accept bool) *cobra.Command {
		var reason string
		use, short := "accept ID [--reason R]", "Accept a proposal: apply it (admins)"
		if !accept {
			use, short = "reject ID --reason R", "Reject a proposal, with a reason (admins)"
		}
		c := &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("proposal", args[0])
			if err != nil {
				return err
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			v, err := m.App.DecideProposal(cmd.Context(), who, id, accept, reason)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Proposal %d %s.\n", v.ID, v.Status)
			return nil
		}}
		c.Flags().StringVar(&reason, "reason", "", "why")
		return c
	}

	var packFile, packPDF string
	pack := &cobra.Command{
		Use:   "pack --unit U --period P (--xlsx FILE | --pdf FILE)",
		Short: "Write the review pack of a unit and period",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if packFile == "" && packPDF == "" {
				return kpi.Errorf(kpi.EINVALID, "Give the file to write: --xlsx pack.xlsx or --pdf pack.pdf.")
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			write := m.App.MeetingPackXLSX // m.App is open once the actor is known
			if packPDF != "" {
				packFile, write = packPDF, m.App.MeetingPackPDF
			}
			f, err := write(cmd.Context(), who, q)
			if err != nil {
				return err
			}
			if err := writeFile(packFile, f.Save); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Wrote the review pack of %s, %s to %s.\n", q.Unit, q.Period, packFile)
			return nil
		},
	}
	scope(pack)
	pack.Flags().StringVar(&packFile, "xlsx", "", "the XLSX file to write")
	pack.Flags().StringVar(&packPDF, "pdf", "", "the PDF file to write")
	pack.MarkFlagsMutuallyExclusive("xlsx", "pdf")
	cmd.AddCommand(comment, comments, propose, proposals, decide(true), decide(false), pack)
	return cmd
}
