package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"attain/attainyaml"
	"attain/demo"
	"attain/kpi"
	"attain/library"
)

// demoLibrary adds to the demo's definitions the library's order-processing
// entry, mapped as is (the demo's columns carry the library's names), its
// template given to the head of order processing: the demo's template that
// comes from the library.
func (a *App) demoLibrary(defs *kpi.Definitions) (*kpi.Definitions, error) {
	e, err := library.Find("order-processing-manager")
	if err != nil || e == nil {
		return nil, fmt.Errorf("demo library: no order-processing entry: %v", err)
	}
	next, _, _, err := mergeLibrary(defs, e, LibraryRequest{Entry: e.ID, Position: demo.PositionHeadOfProcessing})
	if err != nil {
		return nil, fmt.Errorf("demo library: %w", err)
	}
	return next, nil
}

// demoStrategy gives the demo a strategy for this year: three company
// objectives, each cascaded to a department (the scorecards of
// demo/attain.yaml name them), targets set from the last twelve months'
// values, the departments' functions and the guardrails; then, once, a
// change of a team's target by the head of sales inside the guardrails,
// and tasks for a few sales managers from their team lead.
func (a *App) demoStrategy(ctx context.Context, who kpi.Actor, data *demo.Data, today kpi.Date) error {
	year := kpi.PeriodOf(kpi.Year, today)
	last := kpi.Period{Grain: kpi.Range, From: today - 364, To: today}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return err
	}
	type measure struct {
		kpi    string
		weight int64
	}
	type objective struct {
		id, title, unit, parent string
		measures                []measure
	}
	objs := []objective{
		{id: "grow-revenue", title: "Grow won value and cash in by a tenth", measures: []measure{{"won_value", 3}, {"goods_paid", 1}}},
		{id: "sales-revenue", title: "Sales: won value and contracts up a tenth", unit: demo.UnitSales, parent: "grow-revenue", measures: []measure{{"won_value", 2}, {"contracts_signed", 1}}},
		{id: "faster-processing", title: "Process orders faster, within a working day", measures: []measure{{"median_processing_hours", 2}, {"requests_processed", 1}}},
		{id: "processing-speed", title: "Order processing: faster and on time", unit: demo.UnitProcessing, parent: "faster-processing", measures: []measure{{"median_processing_hours", 2}, {"on_time_share", 1}}},
		{id: "processing-errors", title: "Order processing: fewer rejected requests", unit: demo.UnitProcessing, parent: "faster-processing", measures: []measure{{"error_rate", 1}}},
		{id: "win-more", title: "Win more of the deals we work, sooner", measures: []measure{{"win_rate", 1}, {"median_days_to_close", 1}}},
		{id: "sales-conversion", title: "Sales: a higher win rate, deals closed sooner", unit: demo.UnitSales, parent: "win-more", measures: []measure{{"win_rate", 1}, {"median_days_to_close", 1}}},
	}
	// The targets: the last twelve months' value of the unit carrying the
	// objective (the company's for the company's), a tenth better.
	var names []string
	for _, o := range objs {
		for _, m := range o.measures {
			if !slices.Contains(names, m.kpi) {
				names = append(names, m.kpi)
			}
		}
	}
	units := []kpi.Subject{{Kind: kpi.SubjectUnit, ID: demo.UnitCompany}, {Kind: kpi.SubjectUnit, ID: demo.UnitSales}, {Kind: kpi.SubjectUnit, ID: demo.UnitProcessing}}
	vals, err := a.svc.Values.Values(ctx, kpi.ValueQuery{KPIs: names, Subjects: units, Grain: kpi.Range, From: last.From, To: last.To})
	if err != nil {
		return err
	}
	value := map[string]decimal.Decimal{}
	for _, v := range vals {
		if !v.Null {
			value[v.Subject.ID+" "+v.KPI] = v.Value
		}
	}
	better, worse := decimal.RequireFromString("1.1"), decimal.RequireFromString("0.9")
	var list []*kpi.Objective
	for _, o := range objs {
		unit := o.unit
		if unit == "" {
			unit = demo.UnitCompany
		}
		ko := &kpi.Objective{ID: o.id, Title: o.title, Period: year, UnitID: o.unit, ParentID: o.parent}
		for _, m := range o.measures {
			k := defs.KPI(m.kpi)
			if k == nil {
				return fmt.Errorf("demo objective %s: no KPI %s", o.id, m.kpi)
			}
			v := value[unit+" "+m.kpi]
			target := v.Mul(better)
			if k.Direction == kpi.LowerIsBetter {
				target = v.Mul(worse)
			}
			places := int32(0)
			if k.Unit == kpi.UnitPercent || k.Unit == kpi.UnitDuration {
				places = 2
			}
			ko.Measures = append(ko.Measures, kpi.ObjectiveMeasure{KPI: m.kpi, Target: target.Round(places), Weight: decimal.NewFromInt(m.weight)})
		}
		list = append(list, ko)
	}
	if probs := attainyaml.CheckObjectives(list, defs); len(probs) > 0 {
		return fmt.Errorf("demo objectives: %s %s", probs[0].Column, probs[0].Reason)
	}
	guard := []kpi.Guardrail{
		{MaxChange: decimal.NewFromInt(10), Floor: decimal.NewFromInt(80)},
		{KPI: "won_value", MaxChange: decimal.NewFromInt(5), Floor: decimal.NewFromInt(90), Mandatory: true, MinWeight: pct(20), MaxWeight: pct(40)},
		{KPI: "deals_won", MaxChange: decimal.NewFromInt(10), Floor: decimal.NewFromInt(80), MinWeight: pct(20), MaxWeight: pct(40)},
		{KPI: "distinct_accounts_won", MaxChange: decimal.NewFromInt(10), Floor: decimal.NewFromInt(80), MinWeight: pct(5), MaxWeight: pct(15)},
	}
	if _, err := a.applyStrategy(ctx, who, &attainyaml.Strategy{Objectives: &list, Guardrails: &guard,
		Functions: map[string]string{demo.UnitSales: "sales", demo.UnitProcessing: "order_processing"}}, "attain demo", false); err != nil {
		return err
	}
	return a.demoOwnership(ctx, who, data, today)
}

func pct(n int64) *decimal.Decimal { d := decimal.NewFromInt(n); return &d }

// demoOwnership makes, once, the head of sales raise a sales team's won
// value target for this month by 3 % (inside the 5 % guardrail), switch on
// the optional KPI distinct accounts won for that team from this month
// and shift weight to it (inside the ranges), and ask to reweight another
// team's win rate and days to close (no range: it waits for approval); and
// their team lead set three sales managers a task each.
func (a *App) demoOwnership(ctx context.Context, who kpi.Actor, data *demo.Data, today kpi.Date) error {
	changes, err := a.svc.Strategy.FindLevelChanges(ctx, "")
	if err != nil {
		return err
	}
	tasks, err := a.svc.Strategy.FindTasks(ctx, kpi.TaskFilter{})
	if err != nil {
		return err
	}
	actor := func(e *kpi.Employee) kpi.Actor {
		return kpi.Actor{WorkspaceID: who.WorkspaceID, Name: "user:" + e.Email, Role: kpi.RoleMember, EmployeeID: e.ID}
	}
	byID := map[string]*kpi.Employee{}
	var head *kpi.Employee
	for _, e := range data.Employees {
		byID[e.ID] = e
		if e.Position == demo.PositionHeadOfSales && head == nil {
			head = e
		}
	}
	var team string
	for _, u := range data.Units {
		if u.ParentID == demo.UnitSales && team == "" {
			team = u.ID
		}
	}
	month := kpi.PeriodOf(kpi.Month, today)
	if len(changes) == 0 && head != nil && team != "" {
		ts, err := a.svc.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: []string{"won_value"}, Subjects: []kpi.Subject{{Kind: kpi.SubjectUnit, ID: team}}, From: month.From, To: month.To})
		if err != nil {
			return err
		}
		for _, t := range ts {
			if t.Period.From != month.From || t.Period.To != month.To {
				continue
			}
			_, err := a.SetLevel(ctx, actor(head), LevelRequest{KPI: "won_value", Unit: team, Period: month.Label(),
				Value: t.Value.Mul(decimal.RequireFromString("1.03")).Round(2), Reason: "the team took over two key accounts"})
			if err != nil {
				return fmt.Errorf("demo level change: %w", err)
			}
		}
	}
	if err := a.demoScorecards(ctx, actor, head, changes, month); err != nil {
		return err
	}
	if len(tasks) > 0 {
		return nil
	}
	var reps []*kpi.Employee
	for _, e := range data.Employees {
		if e.UnitID == team && e.Position == demo.PositionSalesManager && e.LeftOn == nil && len(reps) < 3 {
			reps = append(reps, e)
		}
	}
	titles := []struct{ title, objective string }{
		{"Call every key account not heard from this quarter", "sales-revenue"},
		{"Qualify out stale deals older than 60 days", "sales-conversion"},
		{"Send signed contracts to order processing the same day", "sales-revenue"},
	}
	for i, e := range reps {
		lead := byID[e.ManagerID]
		if lead == nil {
			continue
		}
		due := min(month.To, today+kpi.Date(7*(i+1)))
		t, err := a.CreateTask(ctx, actor(lead), TaskRequest{Employee: e.ID, Objective: titles[i].objective, Title: titles[i].title, Due: due.String()})
		if err != nil {
			return fmt.Errorf("demo task: %w", err)
		}
		if i == 0 {
			if _, err := a.ChangeTask(ctx, actor(e), t.ID, TaskChange{Status: kpi.TaskDone}); err != nil {
				return fmt.Errorf("demo task: %w", err)
			}
		}
	}
	return nil
}

// demoScorecards makes the head of sales' scorecard changes, unless some
// scorecard change was made already.
func (a *App) demoScorecards(ctx context.Context, actor func(*kpi.Employee) kpi.Actor, head *kpi.Employee, changes []*kpi.LevelChange, month kpi.Period) error {
	if head == nil || slices.ContainsFunc(changes, func(c *kpi.LevelChange) bool { return c.Scorecard != "" }) {
		return nil
	}
	on := true
	w := pct
	for _, r := range []ScorecardLevelRequest{
		{Unit: "sales/key-accounts", Items: []ItemChange{{KPI: "distinct_accounts_won", On: &on, Weight: w(10)}, {KPI: "deals_won", Weight: w(25)}, {KPI: "won_value", Weight: w(25)}},
			Reason: "key accounts: winning new accounts counts as much as the deals"},
		{Unit: "sales/new-business", Items: []ItemChange{{KPI: "win_rate", Weight: w(25)}, {KPI: "median_days_to_close", Weight: w(15)}},
			Reason: "new business: conversion over speed this quarter"},
	} {
		r.Scorecard, r.From = "sales-manager", month.Label()
		if _, err := a.SetScorecardLevels(ctx, actor(head), r); err != nil {
			return fmt.Errorf("demo scorecard change: %w", err)
		}
	}
	return nil
}
