package app

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// The demo's pilot: a new order-processing scheme tried in shadow mode on
// the Order Entry team for the four weeks that end last month, compared
// with the Fulfilment Desk.
const (
	DemoPilotName     = "Order Entry: new processing bonus"
	DemoPilotPlan     = "order-processing-pilot"
	DemoPilotTemplate = "order-processing-pilot"
	demoPilotUnit     = "order-processing/order-entry"
	demoPilotCompare  = "order-processing/fulfilment"
	// demoPilotPosition holds the pilot's plan and template, so nobody is
	// paid or scored on them.
	demoPilotPosition = "order-processing manager (pilot)"
)

// demoPilotPlan: a higher target bonus, paid from a lower score but on a
// steeper curve, and only from 25 requests processed.
const demoPilotPlan = `{"name": "order-processing-pilot", "currency": "EUR", "components": [
  {"id": "bonus", "kind": "bonus", "label": "Processing bonus (pilot)", "target": 450,
   "coefficient": {"of": "score", "curve": {"points": [[70, 0.4], [100, 1], [130, 1.6]]}}},
  {"id": "volume", "kind": "gate", "kpi": "requests_processed", "min_actual": 25, "applies_to": ["bonus"]}]}`

// demoPilotScheme adds the pilot's plan and template to the demo's
// definitions, before they are applied.
func demoPilotScheme(defs *kpi.Definitions) {
	if defs.BonusPlan(DemoPilotPlan) == nil {
		defs.BonusPlans = append(defs.BonusPlans, &kpi.BonusPlan{Name: DemoPilotPlan, Plan: json.RawMessage(demoPilotPlan),
			Assign: []kpi.PlanAssignment{{Position: demoPilotPosition}}})
	}
	if !slices.ContainsFunc(defs.Scorecards, func(t *kpi.ScorecardTemplate) bool { return t.Name == DemoPilotTemplate }) {
		d := decimal.RequireFromString
		defs.Scorecards = append(defs.Scorecards, &kpi.ScorecardTemplate{Name: DemoPilotTemplate, Position: demoPilotPosition, Items: []kpi.ScorecardItem{
			{KPI: "requests_processed", Weight: d("60"), Basis: kpi.LevelsFixed, Threshold: d("18"), Target: d("24"), Stretch: d("30")},
			{KPI: "median_processing_hours", Weight: d("40"), Basis: kpi.LevelsFixed, Threshold: d("8"), Target: d("5"), Stretch: d("3")},
		}})
	}
}

// demoPilots adds, once, the finished pilot and last month's review
// meeting.
func (a *App) demoPilots(ctx context.Context, thisMonth kpi.Period) error {
	ps, err := a.svc.Pilots.FindPilots(ctx)
	if err != nil {
		return err
	}
	if err := a.demoMeeting(ctx, kpi.PeriodOf(kpi.Month, thisMonth.From-1)); err != nil {
		return err
	}
	if slices.ContainsFunc(ps, func(p *kpi.Pilot) bool { return p.Name == DemoPilotName }) {
		return nil
	}
	end := thisMonth.From - 1 // the last Sunday of last month: four whole weeks
	for end.Time().Weekday() != time.Sunday {
		end--
	}
	p := &kpi.Pilot{Name: DemoPilotName, Unit: demoPilotUnit, Comparison: demoPilotCompare, Start: end - 27, End: end,
		Template: DemoPilotTemplate, Plan: DemoPilotPlan, Shadow: true,
		Notes: "A higher target bonus on a steeper curve, paid from 25 requests; one volume target for everyone (24 requests a month), weighing 60 %."}
	if err := a.svc.Pilots.CreatePilot(ctx, p); err != nil {
		return err
	}
	_, err = a.svc.Pilots.EndPilot(ctx, p.ID, p.End, "four weeks done: the report goes to the review meeting")
	return err
}

// demoMeeting adds, once, what last month's review meeting of order
// processing discusses: a thread on a weak month, a comment on the pilot,
// and a proposal to lower a target.
func (a *App) demoMeeting(ctx context.Context, lastMonth kpi.Period) error {
	cs, err := a.svc.Meetings.FindComments(ctx, kpi.CommentFilter{})
	if err != nil || len(cs) > 0 {
		return err
	}
	as := func(name string) context.Context { return kpi.NewContextWithActor(ctx, name) }
	moritz := kpi.Subject{Kind: kpi.SubjectEmployee, ID: "moritz.huber"}
	first := &kpi.Comment{Subject: moritz, KPI: "requests_processed", Period: lastMonth,
		Text: "Requests processed are down for the third month running. What is getting in the way?"}
	if err := a.svc.Meetings.CreateComment(as("Jonas Weber"), first); err != nil {
		return err
	}
	if err := a.svc.Meetings.CreateComment(as("Petra Zimmermann"), &kpi.Comment{Parent: first.ID,
		Text: "He took over the returns queue in week 2; those take twice as long. I propose a lower target for the month."}); err != nil {
		return err
	}
	if err := a.svc.Meetings.CreateComment(as("Jonas Weber"), &kpi.Comment{Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: demoPilotUnit},
		KPI: "median_processing_hours", Period: lastMonth,
		Text: "The pilot report says the processing time gain could be chance. Run two more weeks before we decide on the rollout?"}); err != nil {
		return err
	}
	ts, err := a.svc.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: []string{"requests_processed"}, Subjects: []kpi.Subject{moritz}, From: lastMonth.From, To: lastMonth.To})
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.Period == lastMonth {
			v := t.Value.Mul(decimal.RequireFromString("0.8")).Round(0)
			return a.svc.Meetings.CreateProposal(as("Petra Zimmermann"), &kpi.Proposal{Kind: kpi.ProposeTarget, KPI: "requests_processed",
				Subject: moritz, Period: lastMonth, Value: &v, Why: "Two weeks on the returns queue, which takes twice as long per request."})
		}
	}
	return nil
}
