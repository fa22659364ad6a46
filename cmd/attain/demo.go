package main

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/attainyaml"
	"attain/demo"
	"attain/kpi"
)

// demoGrowth is the growth the demo's targets ask for over the median of
// the three months before.
var demoGrowth = decimal.RequireFromString("1.05")

// loadDemo creates the demo workspace if needed and upserts its
// definitions, org and the twelve months of records up to today, then sets
// targets proposed from history. Then it approves and locks the bonus
// statements of the months before this one (paying all but last month's),
// and loses a deal that was won and paid on two months ago, so this
// month's statement claws it back. With the same seed on the same day a
// second run changes nothing; a day later, that day's records arrive.
func (m *Main) loadDemo(ctx context.Context, seed int64) error {
	if _, err := m.Svc.Workspaces.FindWorkspaceBySlug(ctx, demoSlug); kpi.ErrorCode(err) == kpi.ENOTFOUND {
		ws := kpi.Workspace{Slug: demoSlug, Name: "Northwind Supply (demo)", TimeZone: "Europe/Berlin"}
		if err := m.Svc.Workspaces.CreateWorkspace(ctx, &ws); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	ctx, ws, err := m.workspaceContext(ctx)
	if err != nil {
		return err
	}
	loc, err := ws.Location()
	if err != nil {
		return err
	}
	f, err := attainyaml.LoadFile("demo/attain.yaml", demo.Config)
	if err != nil {
		return fmt.Errorf("demo definitions: %w", err)
	}
	defs := f.Definitions
	today := kpi.DateOf(time.Now(), loc)
	thisMonth := kpi.PeriodOf(kpi.Month, today)
	start := thisMonth.From
	for range demo.DefaultMonths - 1 {
		start = kpi.PeriodOf(kpi.Month, start-1).From
	}
	data, err := demo.Generate(demo.Options{Seed: seed, Start: start, Until: today})
	if err != nil {
		return err
	}
	if _, err := m.Svc.Definitions.ApplyDefinitions(ctx, defs, kpi.ApplyOptions{Reason: "attain demo"}); err != nil {
		return err
	}
	// The deal lost after it was paid on: once its month is locked, the
	// data has it lost from the start.
	lostMonth := kpi.PeriodOf(kpi.Month, kpi.PeriodOf(kpi.Month, thisMonth.From-1).From-1)
	lost, haveLost := demoReversal(data, lostMonth)
	lostApplied := false
	if haveLost && lostMonth.From >= start {
		st, err := m.Svc.Statements.FindStatement(ctx, lost.Owner, lostMonth)
		if err != nil && kpi.ErrorCode(err) != kpi.ENOTFOUND {
			return err
		}
		if st != nil && st.Status != kpi.StatusApproved {
			for i, r := range data.Records["deals"] {
				if r.Key == lost.Key {
					data.Records["deals"][i] = lost
				}
			}
			lostApplied = true
		}
	}
	if _, err := m.Svc.Org.ImportOrg(ctx, data.Units, data.Employees); err != nil {
		return err
	}
	total := 0
	for _, ds := range defs.Datasets {
		res, err := m.Svc.Records.UpsertRecords(ctx, ds.Name, data.Records[ds.Name])
		if err != nil {
			return fmt.Errorf("demo %s: %w", ds.Name, err)
		}
		total += res.Created + res.Updated + res.Unchanged
	}
	targets, err := m.demoTargets(ctx, defs, data, start, thisMonth)
	if err != nil {
		return fmt.Errorf("demo targets: %w", err)
	}
	locked, failed, err := m.lockDemoStatements(ctx, data, start, thisMonth)
	if err != nil {
		return fmt.Errorf("demo statements: %w", err)
	}
	if haveLost && !lostApplied && lostMonth.From >= start {
		if _, err := m.Svc.Records.UpsertRecords(ctx, "deals", []kpi.Record{lost}); err != nil {
			return fmt.Errorf("demo lost deal: %w", err)
		}
	}
	fmt.Fprintf(m.Stdout, "Demo workspace %q: %d employees in %d units, %d records in %d datasets, %d KPIs, %d targets (%s to %s).\n",
		demoSlug, len(data.Employees), len(data.Units), total, len(defs.Datasets), len(defs.KPIs), targets, start, today)
	fmt.Fprintf(m.Stdout, "Bonus statements: %d locked before %s", locked, thisMonth.Label())
	if failed > 0 {
		fmt.Fprintf(m.Stdout, ", %d that cannot be computed left as drafts", failed)
	}
	if haveLost {
		fmt.Fprintf(m.Stdout, "; deal %s of %s, won in %s, was lost since: this month's statement claws it back", lost.Key, lost.Owner, lostMonth.Label())
	}
	fmt.Fprintln(m.Stdout, ".")
	return nil
}

// demoTargets sets, for every month from the fourth on, each person's
// target of every plan-based scorecard KPI to the median of their three
// months before × 1.05, and each unit's to the sum of its people's (so the
// cascade agrees), except the sales department this month, whose target is
// the strategy's: 10 % above what its people add up to.
func (m *Main) demoTargets(ctx context.Context, defs *kpi.Definitions, data *demo.Data, start kpi.Date, thisMonth kpi.Period) (int, error) {
	var in []kpi.TargetInput
	for _, tmpl := range defs.Scorecards {
		var people []kpi.Subject
		for _, e := range data.Employees {
			if e.Position == tmpl.Position {
				people = append(people, kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID})
			}
		}
		for _, item := range tmpl.Items {
			if item.Basis != kpi.LevelsPlan {
				continue
			}
			places := int32(0)
			if k := defs.KPI(item.KPI); k != nil && k.Unit == kpi.UnitMoney {
				places = 2
			}
			for p := kpi.PeriodOf(kpi.Month, start); p.From <= thisMonth.From; p = p.Next() {
				props, err := m.Svc.Review.Propose(ctx, review.ProposeRequest{
					KPI: item.KPI, Period: p, Method: review.MethodMedian, Subjects: people, N: 3, Growth: demoGrowth, Places: &places,
				})
				if err != nil {
					return 0, err
				}
				for _, pr := range props {
					if !pr.Null {
						v := pr.Value
						in = append(in, kpi.TargetInput{KPI: pr.KPI, Subject: pr.Subject, Period: pr.Period, Value: &v})
					}
				}
			}
		}
	}
	in = append(in, unitSums(in, data, thisMonth)...)
	ts, err := m.Svc.Targets.SetTargets(ctx, in, "attain demo: proposed from history")
	return len(ts), err
}

// unitSums adds up people's targets into every unit above them.
func unitSums(people []kpi.TargetInput, data *demo.Data, thisMonth kpi.Period) []kpi.TargetInput {
	parent := map[string]string{}
	for _, u := range data.Units {
		parent[u.ID] = u.ParentID
	}
	unitOf := map[string]string{}
	for _, e := range data.Employees {
		unitOf[e.ID] = e.UnitID
	}
	type key struct {
		kpi, unit string
		period    kpi.Period
	}
	sums := map[key]decimal.Decimal{}
	var order []key
	for _, t := range people {
		for u := unitOf[t.Subject.ID]; u != ""; u = parent[u] {
			k := key{t.KPI, u, t.Period}
			if _, ok := sums[k]; !ok {
				order = append(order, k)
			}
			sums[k] = sums[k].Add(*t.Value)
		}
	}
	out := make([]kpi.TargetInput, 0, len(order))
	for _, k := range order {
		v := sums[k]
		if k.unit == demo.UnitSales && k.period == thisMonth {
			v = v.Mul(decimal.RequireFromString("1.1")).Round(2)
		}
		out = append(out, kpi.TargetInput{KPI: k.kpi, Subject: kpi.Subject{Kind: kpi.SubjectUnit, ID: k.unit}, Period: k.period, Value: &v})
	}
	return out
}
