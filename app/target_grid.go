package app

import (
	"context"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/calc/score"
	"attain/kpi"
)

// Limits of the targets grid.
const (
	// MaxGridRows is the most people (and units) one grid shows and saves.
	MaxGridRows = 500
	// GridHistory is how many periods before the one planned the grid
	// shows each person's actuals of.
	GridHistory = 3
)

// ProposalMethod is a way to propose targets from history, in words.
type ProposalMethod struct {
	Name, Title, Formula string
	// Split says the method splits the unit's own target among its
	// members.
	Split bool
}

// ProposalMethods are the methods the targets grid offers.
var ProposalMethods = []ProposalMethod{
	{review.MethodAverage, "Average of recent periods", "target = (sum of the actuals of the last N periods that have one ÷ their number) × growth", false},
	{review.MethodMedian, "Median of recent periods", "target = the middle actual of the last N periods (the mean of the middle two for an even number) × growth", false},
	{review.MethodLastYear, "Same period last year", "target = the actual of the same period a year before × growth", false},
	{review.MethodSplit, "Split the unit's target by share", "target = the unit's target × the member's share of the unit's actuals in the last N periods", true},
	{review.MethodEven, "Split the unit's target evenly", "target = the unit's target ÷ the number of its members", true},
}

// TargetGridRequest asks for the targets grid of one KPI, unit and
// period; with Method, proposals from history too (nothing is saved).
type TargetGridRequest struct {
	KPI, Unit, Period string
	Method            string
	N                 int
	Growth            *decimal.Decimal
	// Total is the unit's total a split shares out (nil: the unit's
	// target).
	Total *decimal.Decimal
}

// TargetGrid is the targets of the people of a unit (and the units below
// it) whom the viewer may set targets for, for one KPI and period: the
// current target, the actuals of the periods before, a proposal, the
// cascade check, the lock, and the history of every change.
type TargetGrid struct {
	KPIs    []*kpi.KPI
	KPI     *kpi.KPI
	Units   []*kpi.OrgUnit // the units the viewer may plan for
	Unit    string
	Period  kpi.Period
	History []kpi.Period // the periods of the actual columns, oldest first
	Rows    []TargetRow
	Method  *ProposalMethod
	// ProposeError says why no proposal could be made.
	ProposeError string
	Lock         *kpi.PeriodLock
	// Locks are every locked period, newest first.
	Locks       []*kpi.PeriodLock
	Cascade     []score.Check
	CascadeNote string
	Changes     []*kpi.TargetChange
}

// TargetRow is one person's (or unit's) line of the grid.
type TargetRow struct {
	Subject  kpi.Subject
	Name     string
	Current  *kpi.Target
	Actuals  []kpi.KPIValue // one per History period; Null where none
	Proposal *score.Proposal
}

// TargetGrid returns the grid of r: only the people who may have their
// targets set by who (a manager's people, never the manager).
func (a *App) TargetGrid(ctx context.Context, who kpi.Actor, r TargetGridRequest) (*TargetGrid, error) {
	p, err := parsePeriod(r.Period)
	if err != nil {
		return nil, err
	}
	if p.Grain == kpi.Range {
		return nil, kpi.Errorf(kpi.EINVALID, "Period %s: targets are set for a week, month, quarter or year, not a range of days.", r.Period)
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	g := &TargetGrid{Period: p, Unit: r.Unit}
	// The units whose people who may plan: each unit with at least one.
	byUnit := map[string][]*kpi.Employee{}
	for _, e := range org.Employees {
		if e.LeftOn != nil && *e.LeftOn < p.From || e.HiredOn != nil && *e.HiredOn > p.To {
			continue
		}
		if a.authorize(ctx, who, WriteTargets, onEmployee(e.ID, p)) == nil {
			byUnit[e.UnitID] = append(byUnit[e.UnitID], e)
		}
	}
	for _, u := range org.Units {
		if len(byUnit[u.ID]) > 0 || (u.ID == r.Unit && a.authorize(ctx, who, WriteTargets, onSubject(kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}, p)) == nil) {
			g.Units = append(g.Units, u)
		}
	}
	if len(g.Units) == 0 {
		return nil, forbidden(WriteTargets)
	}
	if g.Unit == "" {
		g.Unit = g.Units[0].ID
	}
	if !slices.ContainsFunc(g.Units, func(u *kpi.OrgUnit) bool { return u.ID == g.Unit }) {
		return nil, kpi.Errorf(kpi.EFORBIDDEN, "You may not set targets of the people of unit %q: pick one of your units.", g.Unit)
	}
	for _, e := range byUnit[g.Unit] {
		g.Rows = append(g.Rows, TargetRow{Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}, Name: e.Name})
	}
	if len(g.Rows) > MaxGridRows {
		return nil, kpi.Errorf(kpi.EINVALID, "Unit %s has %d people, more than the %d a grid shows: pick a smaller unit.", g.Unit, len(g.Rows), MaxGridRows)
	}
	subjects := make([]kpi.Subject, 0, len(g.Rows))
	for _, row := range g.Rows {
		subjects = append(subjects, row.Subject)
	}
	target := on{subjects: subjects, period: p}
	if len(subjects) == 0 {
		target.subjects = []kpi.Subject{{Kind: kpi.SubjectUnit, ID: g.Unit}}
	}
	if ctx, err = a.begin(ctx, who, WriteTargets, target); err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	g.KPIs = defs.KPIs
	name := r.KPI
	if name == "" && len(defs.KPIs) > 0 {
		name = defs.KPIs[0].Name
	}
	if g.KPI = defs.KPI(name); g.KPI == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "KPI %q not found.", name)
	}
	if r.Method != "" {
		a.gridPropose(ctx, who, g, r)
		for i := range g.Rows {
			for _, u := range org.Units {
				if g.Rows[i].Subject == (kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}) {
					g.Rows[i].Name = u.Name
				}
			}
		}
	}
	all := make([]kpi.Subject, 0, len(g.Rows))
	for _, row := range g.Rows {
		all = append(all, row.Subject) // with the units a split proposes for
	}
	if err := a.gridValues(ctx, g, all); err != nil {
		return nil, err
	}
	locks, err := a.svc.Targets.FindPeriodLocks(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range locks {
		if l.Period.From <= p.To && p.From <= l.Period.To {
			g.Lock = l
		}
	}
	g.Locks = locks
	slices.SortStableFunc(g.Locks, func(x, y *kpi.PeriodLock) int { return int(y.Period.From) - int(x.Period.From) })
	if checks, err := a.review.Cascade(ctx, g.KPI.Name, p); err != nil {
		if kpi.ErrorCode(err) == kpi.EINTERNAL {
			return nil, err
		}
		g.CascadeNote = kpi.ErrorMessage(err)
	} else {
		vis, err := a.visibility(ctx, who, WriteTargets, p)
		if err != nil {
			return nil, err
		}
		for _, c := range score.Disagreements(checks) {
			if vis.has(c.Unit) {
				g.Cascade = append(g.Cascade, c)
			}
		}
	}
	if len(subjects) > 0 {
		hist, err := a.svc.Targets.TargetHistory(ctx, kpi.TargetFilter{KPIs: []string{g.KPI.Name}, Subjects: subjects, From: p.From, To: p.To})
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(hist, func(x, y *kpi.TargetChange) int { return y.At.Compare(x.At) })
		g.Changes = hist
	}
	return g, nil
}

// gridValues fills each row's current target and actuals of the periods
// before.
func (a *App) gridValues(ctx context.Context, g *TargetGrid, subjects []kpi.Subject) error {
	from := g.Period
	for range GridHistory {
		from = score.Previous(from)
		g.History = append([]kpi.Period{from}, g.History...)
	}
	if len(subjects) == 0 {
		return nil
	}
	ts, err := a.svc.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: []string{g.KPI.Name}, Subjects: subjects, Grain: g.Period.Grain, From: g.Period.From, To: g.Period.To})
	if err != nil {
		return err
	}
	vals, err := a.svc.Values.Values(ctx, kpi.ValueQuery{KPIs: []string{g.KPI.Name}, Subjects: subjects, Grain: g.Period.Grain, From: g.History[0].From, To: g.Period.From - 1})
	if err != nil {
		return err
	}
	for i := range g.Rows {
		row := &g.Rows[i]
		for _, t := range ts {
			if t.Subject == row.Subject && t.Period.Label() == g.Period.Label() {
				row.Current = t
			}
		}
		row.Actuals = make([]kpi.KPIValue, len(g.History))
		for j, hp := range g.History {
			row.Actuals[j] = kpi.KPIValue{KPI: g.KPI.Name, Subject: row.Subject, Period: hp, Null: true}
			for _, v := range vals {
				if v.Subject == row.Subject && v.Period.Label() == hp.Label() {
					row.Actuals[j] = v
				}
			}
		}
	}
	return nil
}

// gridPropose puts the proposals of r's method on the rows; a method that
// cannot propose (no target of the unit to split) says why.
func (a *App) gridPropose(ctx context.Context, who kpi.Actor, g *TargetGrid, r TargetGridRequest) {
	i := slices.IndexFunc(ProposalMethods, func(m ProposalMethod) bool { return m.Name == r.Method })
	if i < 0 {
		names := make([]string, len(ProposalMethods))
		for j, m := range ProposalMethods {
			names[j] = m.Name
		}
		g.ProposeError = "Unknown method " + r.Method + ": want " + strings.Join(names, ", ") + "."
		return
	}
	g.Method = &ProposalMethods[i]
	req := review.ProposeRequest{KPI: g.KPI.Name, Period: g.Period, Method: r.Method, N: r.N, Growth: decimal.NewFromInt(1)}
	if r.Growth != nil {
		req.Growth = *r.Growth
	}
	if g.Method.Split {
		req.Unit, req.Total = g.Unit, r.Total
	} else {
		for _, row := range g.Rows {
			req.Subjects = append(req.Subjects, row.Subject)
		}
		if len(req.Subjects) == 0 {
			return
		}
	}
	props, err := a.review.Propose(ctx, req)
	if err != nil {
		g.ProposeError = kpi.ErrorMessage(err)
		return
	}
	for _, pr := range props {
		pr := pr
		j := slices.IndexFunc(g.Rows, func(row TargetRow) bool { return row.Subject == pr.Subject })
		if j >= 0 {
			g.Rows[j].Proposal = &pr
			continue
		}
		// A child unit the split gives a share to: a row of its own, when
		// who may set its target.
		if pr.Subject.Kind == kpi.SubjectUnit && a.authorize(ctx, who, WriteTargets, onSubject(pr.Subject, g.Period)) == nil {
			g.Rows = append(g.Rows, TargetRow{Subject: pr.Subject, Name: pr.Subject.ID, Proposal: &pr})
		}
	}
}
