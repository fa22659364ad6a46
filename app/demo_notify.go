package app

import (
	"context"
	"fmt"

	"attain/calc/score"
	"attain/kpi"
)

// EventPayoutsReady tells those who pay (admins, finance) that a month's
// statements are locked and ready for payroll.
const EventPayoutsReady = "payouts_ready"

// demoNotify fills each demo person's inbox as the jobs would have by
// today: the regressions of last month's last day, last month's approved
// statements, the awards of the last month locked, last month's digest
// (as on the first), today's reps behind pace and regressions, this
// week's digest, and, for admin and finance, the payouts of the last two
// months. Loading the demo again the same day adds nothing.
func (a *App) demoNotify(ctx context.Context, who kpi.Actor, today kpi.Date) error {
	if a.svc.Notify == nil {
		return nil
	}
	last := score.Previous(kpi.PeriodOf(kpi.Month, today))
	if _, err := a.daily(ctx, who, last.To, nil); err != nil {
		return err
	}
	if err := a.demoPayouts(ctx, score.Previous(last)); err != nil {
		return err
	}
	if err := a.demoPayouts(ctx, last); err != nil {
		return err
	}
	if list, err := a.awards(ctx, who.WorkspaceID, score.Previous(last)); err == nil {
		a.notifyAwards(ctx, who.WorkspaceID, list) // as when the month was locked (the last one locked)
	} else {
		return err
	}
	if _, err := a.sendDigests(ctx, who, DigestMonthly, kpi.PeriodOf(kpi.Month, today).From); err != nil {
		return err
	}
	_, err := a.daily(ctx, who, today, []string{DigestWeekly})
	return err
}

// demoPayouts tells each person whose statement of p is approved, and
// admin and finance that p's payouts are ready.
func (a *App) demoPayouts(ctx context.Context, p kpi.Period) error {
	last := p
	pays, err := a.payroll.Payouts(ctx, last)
	if err != nil {
		return err
	}
	var locked []Payout
	for _, p := range pays {
		if p.Status == kpi.StatusDraft || p.Status == "error" {
			continue
		}
		if _, err := a.notify(ctx, approvedEvent(p.EmployeeID, last, money(p.Payout, p.Places, p.Currency), "")); err != nil {
			return err
		}
		locked = append(locked, p)
	}
	users, err := a.svc.Users.FindUsers(ctx)
	if err != nil {
		return err
	}
	var payers []int64
	for _, u := range users {
		if u.Role == kpi.RoleAdmin || u.Role == kpi.RoleFinance {
			payers = append(payers, u.ID)
		}
	}
	body := fmt.Sprintf("%d statements approved or locked.", len(locked))
	for _, t := range PayoutTotals(locked) {
		body += fmt.Sprintf(" Total %s.", money(t.Payout, t.Places, t.Currency))
	}
	_, err = a.notify(ctx, Event{Kind: EventPayoutsReady, Subject: "payouts", Period: last.Label(), Day: last.To, Users: payers,
		Title: fmt.Sprintf("Payouts of %s are ready for payroll", last.Label()), Body: body, Link: "/api/v1/payouts?period=" + last.Label()})
	return err
}
