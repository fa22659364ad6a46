package app

import (
	"context"
	"fmt"

	"attain/kpi"
)

// demoRecognition locks every month before last month (their statements
// are paid) and freezes the awards of each, so the demo shows frozen
// awards for those months and provisional ones for last month and this
// one. Months locked already are left as they are.
func (a *App) demoRecognition(ctx context.Context, who kpi.Actor, start kpi.Date, thisMonth kpi.Period) error {
	locks, err := a.svc.Targets.FindPeriodLocks(ctx)
	if err != nil {
		return err
	}
	locked := map[kpi.Period]bool{}
	for _, l := range locks {
		locked[l.Period] = true
	}
	lastMonth := kpi.PeriodOf(kpi.Month, thisMonth.From-1)
	for p := kpi.PeriodOf(kpi.Month, start); p.From < lastMonth.From; p = p.Next() {
		if !locked[p] {
			if err := a.svc.Targets.LockPeriod(ctx, p, "attain demo: the month is paid"); err != nil {
				return fmt.Errorf("lock %s: %w", p.Label(), err)
			}
		}
		if _, err := a.awards(ctx, who.WorkspaceID, p); err != nil {
			return fmt.Errorf("awards of %s: %w", p.Label(), err)
		}
	}
	return nil
}
