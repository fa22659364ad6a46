package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

// Digest kinds: the weekly one reads this month so far, the monthly one
// the month that just ended.
const (
	DigestWeekly  = "weekly"
	DigestMonthly = "monthly"
)

// SendDigests sends the weekly or monthly digest to everyone in who's
// workspace who signs in: each manager's of their team, each person's of
// their own numbers. It returns how many digests it raised; one person
// gets one digest of a kind per day.
func (a *App) SendDigests(ctx context.Context, who kpi.Actor, kind string) (int, error) {
	ctx, err := a.begin(ctx, who, RunNotifications, on{})
	if err != nil {
		return 0, err
	}
	today, err := a.today(ctx)
	if err != nil {
		return 0, err
	}
	return a.sendDigests(ctx, who, kind, today)
}

func (a *App) sendDigests(ctx context.Context, who kpi.Actor, kind string, today kpi.Date) (int, error) {
	p := kpi.PeriodOf(kpi.Month, today)
	switch kind {
	case DigestWeekly:
	case DigestMonthly:
		p = score.Previous(p)
	default:
		return 0, kpi.Errorf(kpi.EINVALID, "Unknown digest %q: want weekly or monthly.", kind)
	}
	users, err := a.svc.Users.FindUsers(ctx)
	if err != nil {
		return 0, err
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range users {
		if u.EmployeeID == "" || u.Disabled {
			continue
		}
		ev, err := a.Digest(ctx, org, u, kind, p)
		if err != nil {
			a.Logger.Warn("notify: digest", "employee", u.EmployeeID, "err", err)
			continue
		}
		ev.Day = today
		if _, err := a.notify(ctx, ev); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Digest builds one person's digest of period p: for a manager, their
// team's plan against actual, who is ahead and who needs attention, then
// their own numbers; for everyone, their pace, what is needed per
// remaining working day to reach each target, and their bonus so far;
// and the awards of the period the user was told of. ctx is scoped to the
// workspace.
func (a *App) Digest(ctx context.Context, org *kpi.Org, u *kpi.User, kind string, p kpi.Period) (Event, error) {
	employee := u.EmployeeID
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return Event{}, err
	}
	var name string
	var reports []*kpi.Employee
	var heads []*kpi.OrgUnit
	for _, e := range org.Employees {
		if e.ID == employee {
			name = e.Name
		}
		if e.ManagerID == employee {
			reports = append(reports, e)
		}
	}
	for _, u := range org.Units {
		if u.HeadID == employee {
			heads = append(heads, u)
		}
	}
	if name == "" {
		return Event{}, kpi.Errorf(kpi.ENOTFOUND, "Employee %q not found.", employee)
	}
	var b strings.Builder
	for _, u := range heads {
		card, err := a.review.Scorecard(ctx, kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}, p, "")
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "Team %s, plan vs actual:\n", u.Name)
		writeItems(&b, defs, card)
	}
	if len(reports) > 0 {
		var ahead, behind []string
		for _, r := range reports {
			card, err := a.review.Scorecard(ctx, kpi.Subject{Kind: kpi.SubjectEmployee, ID: r.ID}, p, "")
			if err != nil || card.TotalNull {
				continue
			}
			if card.Total.GreaterThanOrEqual(decimal.NewFromInt(100)) {
				ahead = append(ahead, fmt.Sprintf("%s (score %s)", r.Name, card.Total.StringFixed(1)))
			}
		}
		if att, err := a.review.Attention(ctx, employee, p); err == nil {
			for _, c := range att.Concerns {
				texts := make([]string, 0, len(c.Reasons))
				for _, r := range c.Reasons {
					texts = append(texts, r.Text)
				}
				who := c.Subject.ID
				for _, r := range reports {
					if r.ID == c.Subject.ID {
						who = r.Name
					}
				}
				behind = append(behind, fmt.Sprintf("%s: %s", who, strings.Join(texts, "; ")))
			}
		}
		fmt.Fprintf(&b, "Ahead (score 100 or more): %s\n", orNone(ahead))
		fmt.Fprintf(&b, "Needs attention: %s\n", orNone(behind))
		b.WriteString("\n")
	}
	if awards := a.awardsOf(ctx, u.ID, p); len(awards) > 0 {
		fmt.Fprintf(&b, "Awards: %s\n\n", strings.Join(awards, "; "))
	}
	if card, err := a.review.Scorecard(ctx, kpi.Subject{Kind: kpi.SubjectEmployee, ID: employee}, p, ""); err == nil {
		b.WriteString("Your numbers:\n")
		writeItems(&b, defs, card)
	}
	if st, err := a.payroll.Statement(ctx, employee, p); err == nil {
		label := "Bonus so far"
		if kind == DigestMonthly {
			label = "Bonus for " + p.Label()
		}
		fmt.Fprintf(&b, "%s: %s (%s).\n", label, money(st.Payout, st.Places(), st.Currency), st.Status)
	}
	title := fmt.Sprintf("Your weekly digest: %s so far", p.Label())
	if kind == DigestMonthly {
		title = fmt.Sprintf("Your monthly digest: %s", p.Label())
	}
	return Event{Kind: EventDigest, Subject: employee + ":" + kind, Period: p.Label(), Employees: []string{employee},
		Title: title, Body: strings.TrimSpace(b.String()), Link: personLink(employee, p)}, nil
}

// awardsOf lists the awards of period p the user was told of (their own
// and their team's), as the award rules raised them (NotifyAward).
func (a *App) awardsOf(ctx context.Context, user int64, p kpi.Period) []string {
	ns, err := a.svc.Notify.FindNotifications(ctx, user, MaxInbox)
	if err != nil {
		a.Logger.Warn("notify: awards of a digest", "err", err)
		return nil
	}
	var out []string
	for i := len(ns) - 1; i >= 0; i-- {
		if n := ns[i]; n.Kind == EventAward && strings.Contains(n.Key, "/"+p.Label()+"/") {
			out = append(out, strings.TrimPrefix(n.Title, "Award for "))
		}
	}
	return out
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "nobody"
	}
	return strings.Join(s, ", ")
}

// writeItems writes each scorecard item: actual against target and the
// achievement; inside an open period, against the whole period's target,
// with what was expected by now and what is needed per remaining working
// day (see NeededPerDay).
func writeItems(b *strings.Builder, defs *kpi.Definitions, card *Card) {
	paces := map[string]score.Pace{}
	for _, pc := range card.Pace {
		paces[pc.KPI] = pc.Pace
	}
	for _, it := range card.Items {
		k := defs.KPI(it.KPI)
		name := it.KPI
		if k != nil && k.Title != "" {
			name = k.Title
		}
		actual := "-"
		if !it.ActualNull {
			actual = kpi.Display(k, it.Actual)
		}
		pc, open := paces[it.KPI]
		if !open || pc.Method == "value" {
			switch {
			case !it.AchievementNull:
				fmt.Fprintf(b, "- %s: %s of %s (%s %%)\n", name, actual, kpi.Display(k, it.Target), it.Achievement.StringFixed(1))
			case it.Target.IsZero():
				fmt.Fprintf(b, "- %s: %s, no target\n", name, actual)
			default:
				fmt.Fprintf(b, "- %s: %s of %s\n", name, actual, kpi.Display(k, it.Target))
			}
			continue
		}
		fmt.Fprintf(b, "- %s: %s of %s, expected %s by now: %s", name, kpi.Display(k, pc.Actual), kpi.Display(k, pc.Target),
			kpi.Display(k, pc.Expected), strings.ReplaceAll(string(pc.Status), "_", " "))
		left := pc.Total - pc.Elapsed
		switch {
		case k != nil && k.Direction == kpi.LowerIsBetter, left <= 0:
		case pc.Target.Sub(pc.Actual).Sign() <= 0:
			b.WriteString("; target reached")
		default:
			fmt.Fprintf(b, "; needs %s per working day for the %d left", kpi.Display(k, NeededPerDay(pc.Target, pc.Actual, left)), left)
		}
		b.WriteString(".\n")
	}
	if !card.TotalNull {
		fmt.Fprintf(b, "Score: %s\n", card.Total.StringFixed(1))
	}
}

// NeededPerDay is what is left to reach target from actual, spread over
// the working days left, rounded half up to 2 places; 0 when nothing is
// left to do or no day is left.
func NeededPerDay(target, actual decimal.Decimal, daysLeft int) decimal.Decimal {
	todo := target.Sub(actual)
	if todo.Sign() <= 0 || daysLeft <= 0 {
		return decimal.Zero
	}
	return todo.Div(decimal.NewFromInt(int64(daysLeft))).Round(2)
}
