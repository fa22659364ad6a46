package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
)

func (m *Main) levelsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "levels", Short: "Department ownership: unit heads' targets and scorecards (weights, optional KPIs, threshold, stretch), inside the guardrails"}
	cmd.AddCommand(m.levelsListCommand(), m.levelsShowCommand(), m.levelsScorecardCommand(), m.levelsDecideCommand())
	return cmd
}

func (m *Main) levelsListCommand() *cobra.Command {
	var status string
	cmd := m.everydayList(&cobra.Command{
		Use:   "list",
		Short: "Level changes by unit heads, newest first: applied, pending, approved or rejected",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, uc useCases, who kpi.Actor, args []string) (*table, error) {
		cs, err := uc.LevelChanges(ctx, who, status)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"id", "subject", "what", "period", "change", "status", "by", "why"}, json: cs}
		for _, c := range cs {
			what, change, period := c.KPI, c.New.String(), c.Period.Label()
			if c.Scorecard != "" {
				what, change, period = "scorecard "+c.Scorecard, strings.Join(c.Changed, ", "), "from "+c.Period.From.String()
			} else if c.Old != nil {
				change = c.Old.String() + " → " + change
			}
			t.rows = append(t.rows, []string{fmt.Sprint(c.ID), c.Subject.String(), what, period, change, c.Status, c.By, c.Why})
		}
		return t, nil
	})
	cmd.Flags().StringVar(&status, "status", "", "applied, pending, approved or rejected (default all)")
	return cmd
}

func (m *Main) levelsShowCommand() *cobra.Command {
	var employee, unit, period, scorecard string
	cmd := m.everydayList(&cobra.Command{
		Use:   "show",
		Short: "The scorecard of a unit or person in effect in a period, item by item, against the company's template",
		Long: `Show prints each item of the scorecard of --employee or --unit in effect
in --period: on or off, weight, threshold and stretch, the company's
template values beside them, and the guardrails; then the scorecard
changes of the subject (what applied when). --format json prints it all.

  attain levels show --employee E-1001 --period 2026-12`,
		Args: cobra.NoArgs,
	}, func(ctx context.Context, uc useCases, who kpi.Actor, args []string) (*table, error) {
		v, err := uc.ScorecardLevelsOf(ctx, who, employee, unit, period, scorecard)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"kpi", "on", "weight", "threshold", "stretch", "template", "guardrail"}, json: v}
		for i, l := range v.Items {
			it := v.Template.Items[i]
			g := v.Guardrail[l.KPI]
			guard := fmt.Sprintf("max change %s %%, floor %s %%", g.MaxChange, g.Floor)
			if g.Mandatory {
				guard += ", mandatory"
			}
			if g.MinWeight != nil || g.MaxWeight != nil {
				guard += ", weight " + g.WeightRange()
			}
			tmpl := fmt.Sprintf("%s %% %s/%s", it.Weight, it.Threshold, it.Stretch)
			if it.Optional {
				tmpl += " (optional)"
			}
			t.rows = append(t.rows, []string{l.KPI, map[bool]string{true: "off", false: "on"}[l.Off], l.Weight.String(), l.Threshold.String(), l.Stretch.String(), tmpl, guard})
		}
		return t, nil
	})
	f := cmd.Flags()
	f.StringVar(&employee, "employee", "", "the person")
	f.StringVar(&unit, "unit", "", "the unit")
	f.StringVar(&period, "period", "", "the period, e.g. 2026-12")
	f.StringVar(&scorecard, "scorecard", "", "the template (default: the subject's)")
	return cmd
}

func (m *Main) levelsScorecardCommand() *cobra.Command {
	var r app.ScorecardLevelRequest
	var ons, offs, weights, thresholds, stretches []string
	cmd := m.everydayList(&cobra.Command{
		Use:   "scorecard",
		Short: "Set the scorecard of a unit or person from a period on: optional KPIs on or off, weights, threshold and stretch",
		Long: `Scorecard changes the scorecard of --employee or --unit from the first day
of --from onward (never into a locked period): --on and --off switch a
KPI's item on or off, --weight, --threshold and --stretch set an item's
weight and levels (KPI=VALUE; levels in the item's basis: values, or
percent of the target). The weights of the items on must add up to 100.
A unit head's change inside the guardrails applies at once, one outside
waits for the next level up, a mandatory KPI switched off or weighted
below its minimum is refused. --dry-run says which, and the scores of
the --from period before and after. On the database itself the change is
the local admin's (applied as asked); through --server it is the token
owner's, judged by the guardrails.

  attain levels scorecard --unit sales-north --from 2026-12 --on deals_won --weight won_value=25 --dry-run
  attain levels scorecard --employee E-1001 --from 2027-01 --threshold win_rate=70 --reason "new market"`,
		Args: cobra.NoArgs,
	}, func(ctx context.Context, uc useCases, who kpi.Actor, args []string) (*table, error) {
		items := map[string]*app.ItemChange{}
		var order []string
		item := func(k string) *app.ItemChange {
			if items[k] == nil {
				items[k] = &app.ItemChange{KPI: k}
				order = append(order, k)
			}
			return items[k]
		}
		for _, k := range ons {
			v := true
			item(k).On = &v
		}
		for _, k := range offs {
			v := false
			item(k).On = &v
		}
		for flag, list := range map[string][]string{"weight": weights, "threshold": thresholds, "stretch": stretches} {
			for _, s := range list {
				k, val, ok := strings.Cut(s, "=")
				d, err := decimal.NewFromString(strings.TrimSpace(val))
				if !ok || err != nil || strings.TrimSpace(k) == "" {
					return nil, kpi.Errorf(kpi.EINVALID, "--%s %q: want KPI=NUMBER, like won_value=25.", flag, s)
				}
				it := item(strings.TrimSpace(k))
				switch flag {
				case "weight":
					it.Weight = &d
				case "threshold":
					it.Threshold = &d
				default:
					it.Stretch = &d
				}
			}
		}
		for _, k := range order {
			r.Items = append(r.Items, *items[k])
		}
		res, err := uc.SetScorecardLevels(ctx, who, r)
		if err != nil {
			return nil, err
		}
		c := res.Change
		t := &table{header: []string{"subject", "scorecard", "from", "status", "change", "why"}, json: res}
		t.rows = append(t.rows, []string{c.Subject.String(), c.Scorecard, c.Period.From.String(), c.Status, strings.Join(c.Changed, ", "), c.Why})
		for _, e := range res.Effect {
			t.rows = append(t.rows, []string{e.Subject.String(), "", "", "score", fmt.Sprintf("%s → %s", showTotal(e.Before), showTotal(e.After)), e.Name})
		}
		return t, nil
	})
	f := cmd.Flags()
	f.StringVar(&r.Employee, "employee", "", "the person")
	f.StringVar(&r.Unit, "unit", "", "the unit")
	f.StringVar(&r.Scorecard, "scorecard", "", "the template (default: the subject's)")
	f.StringVar(&r.From, "from", "", "the first period the change applies to, e.g. 2027-01")
	f.StringArrayVar(&ons, "on", nil, "switch this KPI's item on (repeat)")
	f.StringArrayVar(&offs, "off", nil, "switch this KPI's item off (repeat)")
	f.StringArrayVar(&weights, "weight", nil, "KPI=WEIGHT in % (repeat)")
	f.StringArrayVar(&thresholds, "threshold", nil, "KPI=THRESHOLD (repeat)")
	f.StringArrayVar(&stretches, "stretch", nil, "KPI=STRETCH (repeat)")
	f.StringVar(&r.Reason, "reason", "", "why, for the audit trail")
	f.BoolVar(&r.DryRun, "dry-run", false, "only say what would happen and the scores before and after")
	return cmd
}

func showTotal(d *decimal.Decimal) string {
	if d == nil {
		return "–"
	}
	return d.String()
}

func (m *Main) levelsDecideCommand() *cobra.Command {
	var approve, reject bool
	cmd := m.everydayList(&cobra.Command{
		Use:   "decide ID",
		Short: "Approve (and apply) or reject a pending level change: the next level up or an admin",
		Args:  cobra.ExactArgs(1),
	}, func(ctx context.Context, uc useCases, who kpi.Actor, args []string) (*table, error) {
		id, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return nil, kpi.Errorf(kpi.EINVALID, "ID %q: want the number of a level change (attain levels list --status pending).", args[0])
		}
		if approve == reject {
			return nil, kpi.Errorf(kpi.EINVALID, "Give --approve or --reject.")
		}
		c, err := uc.DecideLevel(ctx, who, id, approve)
		if err != nil {
			return nil, err
		}
		return &table{header: []string{"id", "subject", "status", "decided by"}, rows: [][]string{{fmt.Sprint(c.ID), c.Subject.String(), c.Status, c.DecidedBy}}, json: c}, nil
	})
	cmd.Flags().BoolVar(&approve, "approve", false, "approve and apply it")
	cmd.Flags().BoolVar(&reject, "reject", false, "reject it")
	return cmd
}

func (r *remote) LevelChanges(ctx context.Context, _ kpi.Actor, status string) ([]*kpi.LevelChange, error) {
	var out []*kpi.LevelChange
	return out, r.get(ctx, "/api/v1/levels", values("status", status), &out)
}

func (r *remote) ScorecardLevelsOf(ctx context.Context, _ kpi.Actor, employee, unit, period, scorecard string) (*app.ScorecardLevels, error) {
	var out app.ScorecardLevels
	return &out, r.get(ctx, "/api/v1/levels/scorecard", values("employee", employee, "unit", unit, "period", period, "scorecard", scorecard), &out)
}

func (r *remote) SetScorecardLevels(ctx context.Context, _ kpi.Actor, q app.ScorecardLevelRequest) (*app.ScorecardLevelResult, error) {
	var out app.ScorecardLevelResult
	return &out, r.postJSON(ctx, "/api/v1/levels/scorecard", q, &out)
}

func (r *remote) DecideLevel(ctx context.Context, _ kpi.Actor, id int64, approve bool) (*kpi.LevelChange, error) {
	var out kpi.LevelChange
	return &out, r.postJSON(ctx, "/api/v1/levels/"+url.PathEscape(fmt.Sprint(id))+"/decide", map[string]bool{"approve": approve}, &out)
}

// postJSON posts body as JSON and reads the answer into out.
func (r *remote) postJSON(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return r.call(ctx, http.MethodPost, path, nil, "application/json", bytes.NewReader(b), out)
}
