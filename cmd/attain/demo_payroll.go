package main

import (
	"context"
	"fmt"
	"slices"

	"attain/demo"
	"attain/kpi"
)

// demoReversal picks the deal the demo loses after it was won and paid on:
// the largest deal won in month by the first sales manager (by id) who won
// one then. It depends on the data only, so every run picks the same.
func demoReversal(data *demo.Data, month kpi.Period) (kpi.Record, bool) {
	managers := map[string]bool{}
	for _, e := range data.Employees {
		if e.Position == demo.PositionSalesManager {
			managers[e.ID] = true
		}
	}
	const stage, amount, closed = 4, 5, 7 // columns of deals in demo/attain.yaml
	var best kpi.Record
	found := false
	for _, r := range data.Records["deals"] {
		if !managers[r.Owner] || r.Values[stage].S != "Won" || r.Values[closed].Null || !month.Contains(kpi.Date(r.Values[closed].N)) {
			continue
		}
		if !found || r.Owner < best.Owner || (r.Owner == best.Owner && r.Values[amount].N > best.Values[amount].N) {
			best, found = r, true
		}
	}
	if !found {
		return kpi.Record{}, false
	}
	lost := best
	lost.Values = slices.Clone(best.Values)
	lost.Values[stage] = kpi.Value{S: "Lost"}
	return lost, true
}

// lockDemoStatements approves and locks, month by month, the statements of
// every month before this one that are not locked yet, and marks those
// before last month paid, so the demo has history: payouts so far this
// year, balances carried, records attributed. Statements that cannot be
// computed are counted and left as drafts.
func (m *Main) lockDemoStatements(ctx context.Context, data *demo.Data, start kpi.Date, thisMonth kpi.Period) (locked, failed int, err error) {
	lastMonth := kpi.PeriodOf(kpi.Month, thisMonth.From-1)
	for p := kpi.PeriodOf(kpi.Month, start); p.From < thisMonth.From; p = p.Next() {
		rows, err := m.Svc.Payroll.Payouts(ctx, p)
		if err != nil {
			return locked, failed, err
		}
		for _, r := range rows {
			switch r.Status {
			case "error":
				failed++
				continue
			case kpi.StatusDraft:
				if _, err := m.Svc.Payroll.Approve(ctx, r.EmployeeID, p); err != nil {
					return locked, failed, fmt.Errorf("demo statement %s %s: %w", r.EmployeeID, p.Label(), err)
				}
				fallthrough
			case kpi.StatusApproved:
				if _, err := m.Svc.Payroll.Lock(ctx, r.EmployeeID, p); err != nil {
					return locked, failed, fmt.Errorf("demo statement %s %s: %w", r.EmployeeID, p.Label(), err)
				}
				locked++
				fallthrough
			case kpi.StatusLocked:
				if p.From < lastMonth.From {
					if _, err := m.Svc.Payroll.Pay(ctx, r.EmployeeID, p); err != nil {
						return locked, failed, fmt.Errorf("demo statement %s %s: %w", r.EmployeeID, p.Label(), err)
					}
				}
			}
		}
	}
	return locked, failed, nil
}
