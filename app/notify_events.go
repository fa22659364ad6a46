package app

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

// personLink is a person's page for a period.
func personLink(employee string, p kpi.Period) string {
	return "/people/" + url.PathEscape(employee) + "?period=" + url.QueryEscape(p.Label())
}

func money(v decimal.Decimal, places int32, currency string) string {
	return kpi.Grouped(v, places) + " " + currency
}

// statementApproved tells the person their statement is approved.
func statementApproved(st *Statement) Event {
	return approvedEvent(st.Employee.ID, st.Period, money(st.Payout, st.Places(), st.Currency), st.ApprovedBy)
}

func approvedEvent(employee string, p kpi.Period, payout, by string) Event {
	body := "Payout " + payout + "."
	if by != "" {
		body = fmt.Sprintf("Payout %s, approved by %s.", payout, strings.TrimPrefix(by, "user:"))
	}
	return Event{Kind: EventStatementApproved, Subject: employee, Period: p.Label(), Day: p.To, Employees: []string{employee},
		Title: fmt.Sprintf("Your bonus statement for %s is approved", p.Label()), Body: body, Link: personLink(employee, p)}
}

// inquiryAnswered tells whoever asked (a user, by the e-mail the audit
// name holds; else the person whose statement it is) that the answer is
// there.
func (a *App) inquiryAnswered(ctx context.Context, q *kpi.Inquiry) Event {
	ev := Event{Kind: EventInquiryAnswered, Subject: fmt.Sprintf("%s#%d", q.EmployeeID, q.ID), Period: q.Period.Label(),
		Title: fmt.Sprintf("Your question on %s (%s) is answered", q.Line, q.Period.Label()),
		Body:  clip(q.Answer, 500), Link: personLink(q.EmployeeID, q.Period)}
	if email, ok := strings.CutPrefix(q.AskedBy, "user:"); ok {
		if u, err := a.svc.Users.FindUserByEmail(ctx, email); err == nil {
			ev.Users = []int64{u.ID}
			return ev
		}
	}
	ev.Employees = []string{q.EmployeeID}
	return ev
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// AwardNotice is an award someone earned, as the awards tell it: the
// hook for the award rules (issue 14's recognition), which call
// NotifyAward when a period's awards are computed.
type AwardNotice struct {
	Rule     string // the award rule's name: top3, over_plan, streak
	Employee string // who earned it ("" for a unit's award)
	Unit     string // the unit of a team award
	Period   string
	Text     string // what it is for: "Top 3 in deals won, 2026-03"
}

// NotifyAward tells the person who earned an award (or the head of the
// unit), and their manager, and posts it to the webhooks; once per rule,
// subject and period.
func (a *App) NotifyAward(ctx context.Context, who kpi.Actor, n AwardNotice) error {
	ctx, err := a.begin(ctx, who, RunNotifications, on{})
	if err != nil {
		return err
	}
	return a.notifyAward(ctx, who.WorkspaceID, n)
}

func (a *App) notifyAward(ctx context.Context, ws int64, n AwardNotice) error {
	p, err := parsePeriod(n.Period)
	if err != nil {
		return err
	}
	if n.Employee == "" && n.Unit == "" || n.Rule == "" {
		return kpi.Errorf(kpi.EINVALID, "An award names its rule and who earned it (an employee or a unit).")
	}
	org, err := a.org(ctx, ws)
	if err != nil {
		return err
	}
	ev := Event{Kind: EventAward, Period: p.Label(), Day: p.To, Title: "Award: " + n.Text}
	if n.Employee != "" {
		ev.Subject, ev.Employees, ev.Link = n.Employee+":"+n.Rule, []string{n.Employee}, personLink(n.Employee, p)
		for _, e := range org.Employees {
			if e.ID == n.Employee {
				ev.Title = fmt.Sprintf("Award for %s: %s", e.Name, n.Text)
				if e.ManagerID != "" {
					ev.Employees = append(ev.Employees, e.ManagerID)
				}
			}
		}
	} else {
		ev.Subject, ev.Link = "unit:"+n.Unit+":"+n.Rule, "/team?unit="+url.QueryEscape(n.Unit)+"&period="+url.QueryEscape(p.Label())
		for _, u := range org.Units {
			if u.ID == n.Unit && u.HeadID != "" {
				ev.Employees = append(ev.Employees, u.HeadID)
			}
		}
	}
	_, err = a.notify(ctx, ev)
	return err
}

// notifyAwards tells of each award of a frozen (locked) period: the
// award rules' hook, called when a period's awards freeze. Failures are
// logged; the awards stand.
func (a *App) notifyAwards(ctx context.Context, ws int64, list *AwardList) {
	if list == nil || list.Provisional {
		return
	}
	for _, aw := range list.Awards {
		n := AwardNotice{Rule: aw.Rule, Period: aw.Period.Label(), Text: aw.Title}
		if aw.Reason != "" {
			n.Text += " (" + aw.Reason + ")"
		}
		if aw.Subject.Kind == kpi.SubjectUnit {
			n.Unit = aw.Subject.ID
		} else {
			n.Employee = aw.Subject.ID
		}
		if err := a.notifyAward(ctx, ws, n); err != nil {
			a.Logger.Error("notify award", "rule", aw.Rule, "subject", aw.Subject.ID, "err", err)
		}
	}
}

// DailyReport is what a daily run raised: events of each kind, and the
// inboxes they reached for the first time.
type DailyReport struct {
	Day      kpi.Date       `json:"day"`
	Events   map[string]int `json:"events"`
	Notified int            `json:"notified"`
}

// NotifyDaily raises today's events in who's workspace: reps behind the
// pace of this month and KPIs that regressed (from each manager's
// attention list), last month's statements still waiting for approval
// (to the manager, once), and the digests (weekly on Mondays, monthly on
// the first). Run twice on one day, it tells nobody anything twice.
func (a *App) NotifyDaily(ctx context.Context, who kpi.Actor) (*DailyReport, error) {
	ctx, err := a.begin(ctx, who, RunNotifications, on{})
	if err != nil {
		return nil, err
	}
	today, err := a.today(ctx)
	if err != nil {
		return nil, err
	}
	var digests []string
	if today.Weekday() == 1 {
		digests = append(digests, DigestWeekly)
	}
	if today == kpi.PeriodOf(kpi.Month, today).From {
		digests = append(digests, DigestMonthly)
	}
	return a.daily(ctx, who, today, digests)
}

// daily raises the events of day today and the digests named.
func (a *App) daily(ctx context.Context, who kpi.Actor, today kpi.Date, digests []string) (*DailyReport, error) {
	rep := &DailyReport{Day: today, Events: map[string]int{}}
	raise := func(ev Event) error {
		n, err := a.notify(ctx, ev)
		rep.Events[ev.Kind]++
		rep.Notified += n
		return err
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	managers := map[string]bool{}
	byID := map[string]*kpi.Employee{}
	for _, e := range org.Employees {
		names[e.ID], byID[e.ID] = e.Name, e
		if e.ManagerID != "" {
			managers[e.ManagerID] = true
		}
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	title := func(name string) string {
		if k := defs.KPI(name); k != nil && k.Title != "" {
			return k.Title
		}
		return name
	}
	month := kpi.PeriodOf(kpi.Month, today)
	open := today < month.To
	for _, m := range sortedKeys(managers) {
		att, err := a.review.Attention(ctx, m, month)
		if err != nil {
			a.Logger.Warn("notify: attention", "manager", m, "err", err)
			continue
		}
		for _, c := range att.Concerns {
			if c.Subject.Kind != kpi.SubjectEmployee {
				continue
			}
			for _, r := range c.Reasons {
				// Inside the month, below the threshold expected by now is
				// behind pace too (attention counts it once, as the worse).
				if open && (r.Code == "behind_pace" || r.Code == "below_threshold" || r.Code == "fell_below_threshold") {
					if err := raise(Event{Kind: EventBehindPace, Subject: c.Subject.ID + ":" + r.KPI, Period: month.Label(), Day: today,
						Employees: []string{c.Subject.ID, m}, Title: fmt.Sprintf("%s is behind pace on %s", names[c.Subject.ID], title(r.KPI)),
						Body: r.Text, Link: personLink(c.Subject.ID, month)}); err != nil {
						return rep, err
					}
				}
				if r.Code == "fell_below_threshold" || r.Code == "declining" {
					if err := raise(Event{Kind: EventRegression, Subject: c.Subject.ID + ":" + r.KPI, Period: month.Label(), Day: today,
						Employees: []string{m}, Title: fmt.Sprintf("%s: %s regressed", names[c.Subject.ID], title(r.KPI)),
						Body: r.Text, Link: personLink(c.Subject.ID, month)}); err != nil {
						return rep, err
					}
				}
			}
		}
	}
	last := score.Previous(month)
	pays, err := a.payroll.Payouts(ctx, last)
	if err != nil {
		return rep, err
	}
	for _, p := range pays {
		e := byID[p.EmployeeID]
		if p.Status != kpi.StatusDraft || e == nil || e.ManagerID == "" {
			continue
		}
		if err := raise(Event{Kind: EventStatementReady, Subject: p.EmployeeID, Period: last.Label(), Day: month.From,
			Employees: []string{e.ManagerID},
			Title:     fmt.Sprintf("%s's bonus statement for %s is ready for your approval", p.Name, last.Label()),
			Body:      fmt.Sprintf("Draft payout %s (plan %s).", money(p.Payout, p.Places, p.Currency), p.Plan),
			Link:      personLink(p.EmployeeID, last)}); err != nil {
			return rep, err
		}
	}
	for _, kind := range digests {
		n, err := a.sendDigests(ctx, who, kind, today)
		if err != nil {
			return rep, err
		}
		rep.Events[EventDigest] += n
	}
	return rep, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
