package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/attainyaml"
	"attain/demo"
	"attain/kpi"
)

// DemoWorkspace is the workspace the demo fills.
const DemoWorkspace = "demo"

// demoGrowth is the growth the demo's targets ask for over the median of
// the three months before.
var demoGrowth = decimal.RequireFromString("1.05")

// DemoReport says what loading the demo did.
type DemoReport struct {
	Workspace        *kpi.Workspace
	Actor            kpi.Actor // who the demo acts as, in its workspace
	From, To         kpi.Date  // the days its records cover
	Units, Employees int
	Datasets, KPIs   int
	Records          int
	Targets          int
	Locked           int // statements locked now
	Failed           int // statements that cannot be computed, left as drafts
	// Lost is the deal won, paid on and lost since, which this month's
	// statement of its owner claws back; nil if the data has none.
	Lost *DemoLostDeal
	// Users says who to sign in as.
	Users *DemoUsers
}

// DemoLostDeal names the deal the demo loses after it was paid on.
type DemoLostDeal struct {
	Key, Owner string
	Won        kpi.Period
}

// LoadDemo creates the demo workspace if needed and upserts its
// definitions, org and the twelve months of records up to today, then sets
// targets proposed from history. Then it approves and locks the bonus
// statements of the months before this one (paying all but last month's),
// and loses a deal that was won and paid on two months ago, so this
// month's statement claws it back. With the same seed on the same day a
// second run changes nothing; a day later, that day's records arrive. It
// is for whoever holds the database (the CLI), and acts as "demo".
func (a *App) LoadDemo(ctx context.Context, seed int64) (*DemoReport, error) {
	ws, err := a.svc.Workspaces.FindWorkspaceBySlug(ctx, DemoWorkspace)
	if kpi.ErrorCode(err) == kpi.ENOTFOUND {
		ws = &kpi.Workspace{Slug: DemoWorkspace, Name: demo.CompanyName + " (demo)", TimeZone: "Europe/Berlin", Locale: "en-GB"}
		err = a.svc.Workspaces.CreateWorkspace(ctx, ws)
	}
	if err != nil {
		return nil, err
	}
	who := kpi.Actor{WorkspaceID: ws.ID, Name: "demo", Role: kpi.RoleAdmin, System: true}
	if ctx, err = a.begin(ctx, who, LoadDemo, on{}); err != nil {
		return nil, err
	}
	f, err := attainyaml.LoadFile("demo/attain.yaml", demo.Config)
	if err != nil {
		return nil, fmt.Errorf("demo definitions: %w", err)
	}
	defs := f.Definitions
	if defs, err = a.demoLibrary(defs); err != nil { // strategy: the library's order-processing template
		return nil, err
	}
	demoPilotScheme(defs)
	today, err := a.today(ctx)
	if err != nil {
		return nil, err
	}
	thisMonth := kpi.PeriodOf(kpi.Month, today)
	start := thisMonth.From
	for range demo.DefaultMonths - 1 {
		start = kpi.PeriodOf(kpi.Month, start-1).From
	}
	data, err := demo.Generate(demo.Options{Seed: seed, Start: start, Until: today})
	if err != nil {
		return nil, err
	}
	rep := &DemoReport{Workspace: ws, Actor: who, From: start, To: today, Units: len(data.Units), Employees: len(data.Employees),
		Datasets: len(defs.Datasets), KPIs: len(defs.KPIs)}
	if _, err := a.svc.Definitions.ApplyDefinitions(ctx, defs, kpi.ApplyOptions{Reason: "attain demo"}); err != nil {
		return nil, err
	}
	// The deal lost after it was paid on: once its month is locked, the
	// data has it lost from the start.
	lostMonth := kpi.PeriodOf(kpi.Month, kpi.PeriodOf(kpi.Month, thisMonth.From-1).From-1)
	lost, haveLost := demoReversal(defs.Dataset("deals"), data, lostMonth)
	haveLost = haveLost && lostMonth.From >= start
	lostApplied := false
	if haveLost {
		st, err := a.svc.Statements.FindStatement(ctx, lost.Owner, lostMonth)
		if err != nil && kpi.ErrorCode(err) != kpi.ENOTFOUND {
			return nil, err
		}
		if st != nil && st.Status != kpi.StatusApproved {
			for i, r := range data.Records["deals"] {
				if r.Key == lost.Key {
					data.Records["deals"][i] = lost
				}
			}
			lostApplied = true
		}
		rep.Lost = &DemoLostDeal{Key: lost.Key, Owner: lost.Owner, Won: lostMonth}
	}
	if _, err := a.svc.Org.ImportOrg(ctx, data.Units, data.Employees); err != nil {
		return nil, err
	}
	if rep.Users, err = a.demoUsers(ctx, data); err != nil {
		return nil, fmt.Errorf("demo users: %w", err)
	}
	for _, ds := range defs.Datasets {
		res, err := a.svc.Records.UpsertRecords(ctx, ds.Name, data.Records[ds.Name])
		if err != nil {
			return nil, fmt.Errorf("demo %s: %w", ds.Name, err)
		}
		rep.Records += res.Created + res.Updated + res.Unchanged
	}
	if rep.Targets, err = a.demoTargets(ctx, defs, data, start, thisMonth); err != nil {
		return nil, fmt.Errorf("demo targets: %w", err)
	}
	if rep.Locked, rep.Failed, err = a.lockDemoStatements(ctx, start, thisMonth); err != nil {
		return nil, fmt.Errorf("demo statements: %w", err)
	}
	if err := a.demoPilots(ctx, thisMonth); err != nil {
		return nil, fmt.Errorf("demo pilots: %w", err)
	}
	if err := a.demoRecognition(ctx, who, start, thisMonth); err != nil {
		return nil, fmt.Errorf("demo recognition: %w", err)
	}
	if err := a.demoNotify(ctx, who, today); err != nil { // demo_notify.go
		return nil, fmt.Errorf("demo notifications: %w", err)
	}
	if haveLost && !lostApplied {
		if _, err := a.svc.Records.UpsertRecords(ctx, "deals", []kpi.Record{lost}); err != nil {
			return nil, fmt.Errorf("demo lost deal: %w", err)
		}
	}
	if err := a.demoStrategy(ctx, who, data, today); err != nil {
		return nil, fmt.Errorf("demo strategy: %w", err)
	}
	return rep, nil
}

// demoTargets sets, for every month from the fourth on, each person's
// target of every plan-based scorecard KPI to the median of their three
// months before × 1.05, and each unit's to the sum of its people's (so the
// cascade agrees), except the sales department this month, whose target is
// the strategy's: 10 % above what its people add up to.
func (a *App) demoTargets(ctx context.Context, defs *kpi.Definitions, data *demo.Data, start kpi.Date, thisMonth kpi.Period) (int, error) {
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
				props, err := a.review.Propose(ctx, review.ProposeRequest{
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
	ts, err := a.svc.Targets.SetTargets(ctx, in, "attain demo: proposed from history")
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

// demoReversal picks the deal the demo loses after it was won and paid on:
// the largest deal won in month by the first sales manager (by id) who won
// one then. It depends on the data only, so every run picks the same.
func demoReversal(deals *kpi.Dataset, data *demo.Data, month kpi.Period) (kpi.Record, bool) {
	managers := map[string]bool{}
	for _, e := range data.Employees {
		if e.Position == demo.PositionSalesManager {
			managers[e.ID] = true
		}
	}
	stage, amount, closed := deals.ColumnIndex("stage"), deals.ColumnIndex("amount"), deals.ColumnIndex("closed_at")
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
func (a *App) lockDemoStatements(ctx context.Context, start kpi.Date, thisMonth kpi.Period) (locked, failed int, err error) {
	lastMonth := kpi.PeriodOf(kpi.Month, thisMonth.From-1)
	for p := kpi.PeriodOf(kpi.Month, start); p.From < thisMonth.From; p = p.Next() {
		rows, err := a.payroll.Payouts(ctx, p)
		if err != nil {
			return locked, failed, err
		}
		for _, r := range rows {
			step := func(what string, do func(context.Context, string, kpi.Period) (*Statement, error)) error {
				if _, err := do(ctx, r.EmployeeID, p); err != nil {
					return fmt.Errorf("demo statement %s %s: %s: %w", r.EmployeeID, p.Label(), what, err)
				}
				return nil
			}
			switch r.Status {
			case "error":
				failed++
				continue
			case kpi.StatusDraft:
				if err := step("approve", a.payroll.Approve); err != nil {
					return locked, failed, err
				}
				fallthrough
			case kpi.StatusApproved:
				if err := step("lock", a.payroll.Lock); err != nil {
					return locked, failed, err
				}
				locked++
				fallthrough
			case kpi.StatusLocked:
				if p.From < lastMonth.From {
					if err := step("pay", a.payroll.Pay); err != nil {
						return locked, failed, err
					}
				}
			}
		}
	}
	return locked, failed, nil
}
