package app

import (
	"cmp"
	"context"
	"slices"

	"attain/kpi"
)

// MyPilot is what a participant of a shadow pilot sees of it: what the
// pilot's scheme would pay them for its days, beside what the current
// scheme pays the same way. The would-be bonus is never paid.
type MyPilot struct {
	Pilot  *Pilot      `json:"pilot"`
	Bonus  PilotPayout `json:"bonus"`
	Paid   bool        `json:"paid"` // always false: a shadow pilot pays nothing
	SoFar  bool        `json:"so_far"`
	Window kpi.Period  `json:"window"`
}

// MaxMyPilots is how many of their pilots a person sees, newest first.
const MaxMyPilots = 3

// MyPilots lists the running and ended shadow pilots who takes part in,
// with their own would-be bonus in each. It is about who alone: nobody
// sees a colleague's this way, whatever their role.
func (a *App) MyPilots(ctx context.Context, who kpi.Actor) ([]MyPilot, error) {
	out := []MyPilot{}
	if who.EmployeeID == "" {
		return out, nil
	}
	today, err := a.today(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID))
	if err != nil {
		return nil, err
	}
	ctx, err = a.begin(ctx, who, ReadOwnPilots, onEmployee(who.EmployeeID, kpi.PeriodOf(kpi.Month, today)))
	if err != nil {
		return nil, err
	}
	ps, err := a.svc.Pilots.FindPilots(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ps, func(x, y *kpi.Pilot) int { return cmp.Compare(y.Start, x.Start) })
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if !p.Shadow || p.Start > today || len(out) == MaxMyPilots {
			continue
		}
		people, err := a.participants(ctx, defs, p.Unit, p.Start)
		if err != nil {
			if kpi.ErrorCode(err) == kpi.ENOTFOUND {
				continue
			}
			return nil, err
		}
		i := slices.IndexFunc(people, func(e *kpi.Employee) bool { return e.ID == who.EmployeeID })
		if i < 0 {
			continue
		}
		pay, err := a.pilotPay(ctx, p, people[i], p.Window(), kpi.Period{})
		if err != nil {
			return nil, err
		}
		out = append(out, MyPilot{Pilot: p, Bonus: pay, Window: p.Window(), SoFar: p.Status == kpi.PilotRunning && today <= p.End})
	}
	return out, nil
}
