package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/attainyaml"
	"attain/calc/bonus"
	"attain/calc/did"
	"attain/calc/score"
	"attain/kpi"
)

// Pilot is a scheme on trial (see kpi.Pilot).
type Pilot = kpi.Pilot

// PilotInput creates a pilot. Dates are YYYY-MM-DD; Shadow is the default
// a form should offer (a live pilot assigns its plan to the unit's people
// for its days).
type PilotInput struct {
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Comparison string `json:"comparison"`
	Start      string `json:"start"`
	End        string `json:"end"`
	Template   string `json:"template"`
	Plan       string `json:"plan"`
	Shadow     bool   `json:"shadow"`
	Notes      string `json:"notes"`
}

// pilotScope is the unit (and comparison unit) a pilot is read on.
func pilotScope(p *kpi.Pilot) on {
	return onSubject(kpi.Subject{Kind: kpi.SubjectUnit, ID: p.Unit}, p.Window())
}

// CreatePilot checks the input whole (every problem at once, by field) and
// stores the pilot; a live one assigns its plan to the participants for
// its days, through the definitions (audited).
func (a *App) CreatePilot(ctx context.Context, who kpi.Actor, in PilotInput) (*Pilot, error) {
	ctx, err := a.begin(ctx, who, WritePilots, on{})
	if err != nil {
		return nil, err
	}
	var probs []kpi.Problem
	bad := func(col, value, format string, args ...any) {
		probs = append(probs, kpi.Problem{Column: col, Value: value, Reason: fmt.Sprintf(format, args...)})
	}
	p := &kpi.Pilot{Name: strings.TrimSpace(in.Name), Unit: in.Unit, Comparison: in.Comparison, Template: in.Template, Plan: in.Plan, Shadow: in.Shadow, Notes: in.Notes}
	switch {
	case p.Name == "":
		bad("name", "", "a pilot needs a name")
	case len(p.Name) > kpi.MaxPilotNameLen:
		bad("name", p.Name[:20]+"…", "at most %d characters", kpi.MaxPilotNameLen)
	}
	if len(p.Notes) > kpi.MaxCommentLen {
		bad("notes", "", "at most %d characters", kpi.MaxCommentLen)
	}
	var dateErr error
	if p.Start, dateErr = parseDate("start", in.Start); dateErr != nil || in.Start == "" {
		bad("start", in.Start, "want a date YYYY-MM-DD")
	}
	if p.End, dateErr = parseDate("end", in.End); dateErr != nil || in.End == "" {
		bad("end", in.End, "want a date YYYY-MM-DD")
	}
	if p.Start != 0 && p.End != 0 {
		if p.End < p.Start {
			bad("end", in.End, "the pilot ends before it starts (%s)", in.Start)
		} else if n := int(p.End-p.Start) + 1; n > kpi.MaxPilotDays {
			bad("end", in.End, "%d days: a pilot runs at most %d days (typically 3-4 weeks)", n, kpi.MaxPilotDays)
		}
	}
	units, err := a.svc.Org.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	hasUnit := func(id string) bool {
		return slices.ContainsFunc(units, func(u *kpi.OrgUnit) bool { return u.ID == id })
	}
	switch {
	case p.Unit == "":
		bad("unit", "", "give the org unit the pilot runs in")
	case !hasUnit(p.Unit):
		bad("unit", p.Unit, "no such org unit")
	}
	switch {
	case p.Comparison == "":
	case p.Comparison == p.Unit:
		bad("comparison", p.Comparison, "the comparison unit must be another unit")
	case !hasUnit(p.Comparison):
		bad("comparison", p.Comparison, "no such org unit")
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	if p.Template == "" && p.Plan == "" {
		bad("template", "", "name the scheme under trial: a scorecard template, a bonus plan, or both")
	}
	if p.Template != "" && !slices.ContainsFunc(defs.Scorecards, func(t *kpi.ScorecardTemplate) bool { return t.Name == p.Template }) {
		bad("template", p.Template, "no such scorecard template in the definitions")
	}
	if p.Plan != "" && defs.BonusPlan(p.Plan) == nil {
		bad("plan", p.Plan, "no such bonus plan in the definitions")
	}
	if !p.Shadow && p.Template != "" {
		bad("shadow", "false", "a scorecard template belongs to a position, not a unit: try it in shadow mode, or pilot a bonus plan live")
	}
	if len(probs) > 0 {
		return nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("The pilot is not valid: %d problems.", len(probs)), Details: probs}
	}
	if !p.Shadow {
		people, err := a.participants(ctx, defs, p.Unit, p.Start)
		if err != nil {
			return nil, err
		}
		start, end := p.Start, p.End
		next, err := assignPlan(defs, p.Plan, ids(people), start, &end)
		if err != nil {
			return nil, err
		}
		if _, err := a.applyDefs(ctx, next, nil, "live pilot "+p.Name); err != nil {
			return nil, err
		}
	}
	if err := a.svc.Pilots.CreatePilot(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Pilots lists the pilots who may see: all for admins, finance and
// auditors; a head those of the units they lead.
func (a *App) Pilots(ctx context.Context, who kpi.Actor) ([]*Pilot, error) {
	today, err := a.today(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID))
	if err != nil {
		return nil, err
	}
	month := kpi.PeriodOf(kpi.Month, today)
	vis, err := a.visibility(ctx, who, ReadPilots, month)
	if err != nil {
		return nil, err
	}
	target := on{period: month}
	if !vis.all {
		for _, s := range vis.subjects() {
			if s.Kind == kpi.SubjectUnit {
				target.subjects = append(target.subjects, s)
			}
		}
		if len(target.subjects) == 0 {
			return nil, forbidden(ReadPilots)
		}
	}
	if ctx, err = a.begin(ctx, who, ReadPilots, target); err != nil {
		return nil, err
	}
	ps, err := a.svc.Pilots.FindPilots(ctx)
	if err != nil {
		return nil, err
	}
	out := []*Pilot{}
	for _, p := range ps {
		if vis.has(kpi.Subject{Kind: kpi.SubjectUnit, ID: p.Unit}) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Pilot returns one pilot.
func (a *App) Pilot(ctx context.Context, who kpi.Actor, id int64) (*Pilot, error) {
	p, err := a.svc.Pilots.FindPilotByID(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID), id)
	if err != nil {
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			// Whether it exists is not told to whom it is not shown.
			if err := a.authorize(ctx, who, ReadPilots, on{}); err != nil {
				return nil, err
			}
		}
		return nil, err
	}
	if _, err := a.begin(ctx, who, ReadPilots, pilotScope(p)); err != nil {
		return nil, err
	}
	return p, nil
}

// EndPilot ends a running pilot early, on day end ("" today), with a
// reason. A live pilot's plan assignment ends that day too.
func (a *App) EndPilot(ctx context.Context, who kpi.Actor, id int64, end, reason string) (*Pilot, error) {
	ctx, err := a.begin(ctx, who, WritePilots, on{})
	if err != nil {
		return nil, err
	}
	day, err := parseDate("end", end)
	if err != nil {
		return nil, err
	}
	if day == 0 {
		if day, err = a.today(ctx); err != nil {
			return nil, err
		}
	}
	p, err := a.svc.Pilots.FindPilotByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if day > p.End {
		day = p.End
	}
	if !p.Shadow && p.Plan != "" && day < p.End {
		defs, err := a.svc.Definitions.FindDefinitions(ctx)
		if err != nil {
			return nil, err
		}
		next := cloneDefs(defs)
		for _, bp := range next.BonusPlans {
			if bp.Name != p.Plan {
				continue
			}
			for i, as := range bp.Assign {
				if as.Employee != "" && as.From != nil && *as.From == p.Start && as.To != nil && *as.To == p.End {
					d := day
					bp.Assign[i].To = &d
				}
			}
		}
		if _, err := a.applyDefs(ctx, next, nil, "pilot "+p.Name+" ended: "+reason); err != nil {
			return nil, err
		}
	}
	return a.svc.Pilots.EndPilot(ctx, id, day, reason)
}

// RolloutRequest turns a pilot's scheme into the live one for the people
// of Units from a day; a dry run only previews whom it changes and what
// it would cost.
type RolloutRequest struct {
	Units  []string `json:"units"`
	From   string   `json:"from"`
	Reason string   `json:"reason"`
	DryRun bool     `json:"dry_run"`
}

// RolloutResult is whom a rollout changes and its cost: what each person
// would have been paid in the last month before it under the current
// scheme and under the pilot's.
type RolloutResult struct {
	DryRun    bool            `json:"dry_run"`
	From      kpi.Date        `json:"from"`
	Costed    kpi.Period      `json:"costed"` // the month the cost is worked out on
	People    []PilotPayout   `json:"people"`
	Positions []string        `json:"positions,omitempty"`
	Current   decimal.Decimal `json:"current"`
	Shadow    decimal.Decimal `json:"shadow"`
	Changes   []kpi.Change    `json:"changes"`
	Pilot     *Pilot          `json:"pilot,omitempty"`
	Notes     []string        `json:"notes,omitempty"`
}

// RolloutPilot makes an ended pilot's scheme live for the people of more
// units from a day, in one step: its bonus plan is assigned to each of
// them from that day (their own earlier assignments end the day before),
// and its scorecard template's KPIs, weights and levels become those of
// their positions' templates from that day (the old ones stay in effect
// before it). It is audited as a change of the definitions and as a
// rollout of the pilot.
func (a *App) RolloutPilot(ctx context.Context, who kpi.Actor, id int64, r RolloutRequest) (*RolloutResult, error) {
	ctx, err := a.begin(ctx, who, WritePilots, on{})
	if err != nil {
		return nil, err
	}
	var probs []kpi.Problem
	from, err := parseDate("from", r.From)
	if err != nil || r.From == "" {
		probs = append(probs, kpi.Problem{Column: "from", Value: r.From, Reason: "want the day the scheme goes live, YYYY-MM-DD"})
	}
	if len(r.Units) == 0 || len(r.Units) > 100 {
		probs = append(probs, kpi.Problem{Column: "units", Value: strings.Join(r.Units, ","), Reason: "give 1 to 100 org units"})
	}
	if !r.DryRun && strings.TrimSpace(r.Reason) == "" {
		probs = append(probs, kpi.Problem{Column: "reason", Reason: "a rollout needs a reason, for the audit trail"})
	}
	if len(probs) > 0 {
		return nil, &kpi.Error{Code: kpi.EINVALID, Message: "The rollout is not valid.", Details: probs}
	}
	p, err := a.svc.Pilots.FindPilotByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status == kpi.PilotRunning && !r.DryRun {
		return nil, kpi.Errorf(kpi.ECONFLICT, "Pilot %d is still running until %s: end it first, then roll it out.", id, p.End)
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	// Those it changes: in each unit, the people of the position the
	// pilot measured (the unit's main one), not its heads.
	var people []*kpi.Employee
	for _, u := range r.Units {
		ps, err := a.participants(ctx, defs, u, from)
		if err != nil {
			return nil, err
		}
		for _, e := range ps {
			if !slices.ContainsFunc(people, func(x *kpi.Employee) bool { return x.ID == e.ID }) {
				people = append(people, e)
			}
		}
	}
	if len(people) == 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "units: nobody with a scorecard works in %s on %s.", strings.Join(r.Units, ", "), from)
	}
	today, err := a.today(ctx)
	if err != nil {
		return nil, err
	}
	// The cost is worked out on the last closed month before the day.
	costed := kpi.PeriodOf(kpi.Month, from-1)
	if costed.To >= today {
		costed = kpi.PeriodOf(kpi.Month, kpi.PeriodOf(kpi.Month, today).From-1)
	}
	res := &RolloutResult{DryRun: r.DryRun, From: from, Costed: costed, Changes: []kpi.Change{}}
	next := defs
	if p.Plan != "" {
		if next, err = assignPlan(defs, p.Plan, ids(people), from, nil); err != nil {
			return nil, err
		}
	}
	var effective *kpi.Date
	if p.Template != "" {
		next = cloneDefs(next)
		pilotT := next.ScorecardNamed(p.Template, from)
		if pilotT == nil {
			return nil, kpi.Errorf(kpi.ENOTFOUND, "The pilot's scorecard template %q is gone from the definitions.", p.Template)
		}
		for _, e := range people {
			if !slices.Contains(res.Positions, e.Position) {
				res.Positions = append(res.Positions, e.Position)
			}
		}
		for i, t := range next.Scorecards {
			if t.Name != p.Template && slices.Contains(res.Positions, t.Position) {
				cp := *t
				cp.Items, cp.Missing = slices.Clone(pilotT.Items), pilotT.Missing
				next.Scorecards[i] = &cp
			}
		}
		effective = &from
		res.Notes = append(res.Notes, fmt.Sprintf("the scorecard templates of %s take the pilot's KPIs, weights and levels from %s: a template belongs to a position, so everyone holding it changes, in every unit", strings.Join(res.Positions, ", "), from))
	}
	for _, e := range people {
		pay, err := a.pilotPay(ctx, p, e, res.Costed, res.Costed)
		if err != nil {
			return nil, err
		}
		res.People = append(res.People, pay)
		res.Current, res.Shadow = res.Current.Add(pay.Current), res.Shadow.Add(pay.Shadow)
	}
	if r.DryRun {
		if err := attainyaml.Validate(next, "rollout", nil); err != nil {
			return nil, err
		}
		changes, err := a.svc.Definitions.ApplyDefinitions(ctx, next, kpi.ApplyOptions{DryRun: true, EffectiveFrom: effective})
		res.Changes = nonNil(changes)
		return res, err
	}
	if res.Changes, err = a.applyDefs(ctx, next, effective, fmt.Sprintf("rollout of pilot %d (%s): %s", p.ID, p.Name, r.Reason)); err != nil {
		return nil, err
	}
	ro := &kpi.Rollout{Units: r.Units, From: from, Reason: r.Reason, Employees: ids(people), Positions: res.Positions}
	if res.Pilot, err = a.svc.Pilots.AddRollout(ctx, id, ro); err != nil {
		return nil, err
	}
	return res, nil
}

// applyDefs validates next whole and stores it (audited with reason).
func (a *App) applyDefs(ctx context.Context, next *kpi.Definitions, effective *kpi.Date, reason string) ([]kpi.Change, error) {
	if err := attainyaml.Validate(next, "definitions", nil); err != nil {
		return nil, err
	}
	changes, err := a.svc.Definitions.ApplyDefinitions(ctx, next, kpi.ApplyOptions{Reason: reason, EffectiveFrom: effective})
	return nonNil(changes), err
}

// cloneDefs copies the definitions deep enough to change plans'
// assignments and the list of templates, without the stored revisions
// (the store keeps those).
func cloneDefs(d *kpi.Definitions) *kpi.Definitions {
	n := *d
	n.Revisions, n.ScorecardRevisions = nil, nil
	n.Scorecards = slices.Clone(d.Scorecards)
	n.BonusPlans = make([]*kpi.BonusPlan, len(d.BonusPlans))
	for i, bp := range d.BonusPlans {
		cp := *bp
		cp.Assign = slices.Clone(bp.Assign)
		n.BonusPlans[i] = &cp
	}
	return &n
}

// assignPlan returns defs with plan assigned to each of employees from
// from to to (nil: open); their own assignments to other plans on those
// days end the day before from (or, ending later than to, resume after).
func assignPlan(defs *kpi.Definitions, plan string, employees []string, from kpi.Date, to *kpi.Date) (*kpi.Definitions, error) {
	next := cloneDefs(defs)
	target := next.BonusPlan(plan)
	if target == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Bonus plan %q not found.", plan)
	}
	for _, bp := range next.BonusPlans {
		var keep []kpi.PlanAssignment
		for _, as := range bp.Assign {
			if as.Employee == "" || !slices.Contains(employees, as.Employee) || (as.To != nil && *as.To < from) || (to != nil && as.From != nil && *as.From > *to) {
				keep = append(keep, as)
				continue
			}
			if as.From == nil || *as.From < from {
				before := as
				d := from - 1
				before.To = &d
				keep = append(keep, before)
			}
			if to != nil && (as.To == nil || *as.To > *to) {
				after := as
				d := *to + 1
				after.From = &d
				keep = append(keep, after)
			}
		}
		bp.Assign = keep
	}
	for _, e := range employees {
		f := from
		target.Assign = append(target.Assign, kpi.PlanAssignment{Employee: e, From: &f, To: to})
	}
	return next, nil
}

func ids(emps []*kpi.Employee) []string {
	out := make([]string, len(emps))
	for i, e := range emps {
		out[i] = e.ID
	}
	return out
}

// unitPeople lists the employees of a unit and the units below it who
// work there on day.
func (a *App) unitPeople(ctx context.Context, unit string, day kpi.Date) ([]*kpi.Employee, error) {
	units, err := a.svc.Org.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(units, func(u *kpi.OrgUnit) bool { return u.ID == unit }) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Org unit %q not found.", unit)
	}
	in := map[string]bool{unit: true}
	for changed := true; changed; {
		changed = false
		for _, u := range units {
			if !in[u.ID] && in[u.ParentID] {
				in[u.ID], changed = true, true
			}
		}
	}
	emps, err := a.svc.Org.FindEmployees(ctx, kpi.EmployeeFilter{})
	if err != nil {
		return nil, err
	}
	var out []*kpi.Employee
	for _, e := range emps {
		if in[e.UnitID] && (e.HiredOn == nil || *e.HiredOn <= day) && (e.LeftOn == nil || *e.LeftOn >= day) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(x, y *kpi.Employee) int { return cmp.Compare(x.ID, y.ID) })
	return out, nil
}

// participants are the people a pilot measures in a unit: those who work
// there on day and hold the position most of its people with a scorecard
// hold (the unit's head and other roles are left out).
func (a *App) participants(ctx context.Context, defs *kpi.Definitions, unit string, day kpi.Date) ([]*kpi.Employee, error) {
	all, err := a.unitPeople(ctx, unit, day)
	if err != nil {
		return nil, err
	}
	pos := mainPosition(defs, all, day)
	var out []*kpi.Employee
	for _, e := range all {
		if e.Position == pos {
			out = append(out, e)
		}
	}
	return out, nil
}

func mainPosition(defs *kpi.Definitions, emps []*kpi.Employee, day kpi.Date) string {
	counts := map[string]int{}
	for _, e := range emps {
		if defs.ScorecardOn(e.Position, day) != nil {
			counts[e.Position]++
		}
	}
	best := ""
	for pos, n := range counts {
		if n > counts[best] || (n == counts[best] && pos < best) {
			best = pos
		}
	}
	return best
}

// PilotReport is what a pilot shows: each KPI before and during the pilot
// in the pilot unit and the comparison unit, the difference in
// differences with its 95 % interval and a sentence saying whether it
// could be chance; the would-be (shadow) bonus of each participant against
// what the current scheme pays; and the corrections made during the pilot.
type PilotReport struct {
	Pilot       *Pilot            `json:"pilot"`
	UnitName    string            `json:"unit_name"`
	CompName    string            `json:"comparison_name,omitempty"`
	Window      kpi.Period        `json:"window"`
	Before      kpi.Period        `json:"before"`
	WorkingDays int               `json:"working_days"`
	People      []string          `json:"people"`
	Comparison  []string          `json:"comparison_people"`
	Position    string            `json:"position"`
	KPIs        []PilotKPI        `json:"kpis"`
	Payouts     []PilotPayout     `json:"payouts"`
	Currency    string            `json:"currency"`
	Current     decimal.Decimal   `json:"current_total"`
	Shadow      decimal.Decimal   `json:"shadow_total"`
	Difference  decimal.Decimal   `json:"difference_total"`
	Gainers     int               `json:"gainers"`
	Losers      int               `json:"losers"`
	PaidNothing int               `json:"paid_nothing"` // would be paid nothing under the pilot's scheme
	Scores      []ScoreBand       `json:"scores"`       // how the scores spread, under each scheme
	Months      []kpi.Period      `json:"months"`
	Corrections []*kpi.AuditEntry `json:"corrections"`
	Notes       []string          `json:"notes"`

	// CappedCurrent and CappedShadow count the people whose statement
	// would hit a cap (see capped) under each scheme.
	CappedCurrent int `json:"capped_current"`
	CappedShadow  int `json:"capped_shadow"`
}

// PilotKPI is one KPI's comparison.
type PilotKPI struct {
	KPI       string     `json:"kpi"`
	Title     string     `json:"title"`
	Unit      kpi.Unit   `json:"unit"`
	Direction string     `json:"direction"`
	Result    did.Result `json:"result"`
	Better    bool       `json:"better"` // the estimate points the KPI's better way
	Sentence  string     `json:"sentence"`
}

// PilotPayout is one person's would-be bonus under the pilot's scheme
// against the current one, over the pilot's days.
type PilotPayout struct {
	Employee   string          `json:"employee"`
	Name       string          `json:"name"`
	Currency   string          `json:"currency"`
	Current    decimal.Decimal `json:"current"`
	Shadow     decimal.Decimal `json:"shadow"`
	Difference decimal.Decimal `json:"difference"`
	// ScoreCurrent and ScoreShadow are the scorecard scores the schemes
	// pay on, in the last month evaluated; nil when the plan pays on none.
	ScoreCurrent *decimal.Decimal `json:"score_current,omitempty"`
	ScoreShadow  *decimal.Decimal `json:"score_shadow,omitempty"`
	Error        string           `json:"error,omitempty"`
	// CappedCurrent and CappedShadow say a month's statement under the
	// scheme hit a cap.
	CappedCurrent bool `json:"capped_current,omitempty"`
	CappedShadow  bool `json:"capped_shadow,omitempty"`
}

// ScoreBand counts the people whose score falls in [From, To) under the
// current scheme and under the pilot's: are the levels too easy or too
// hard?
type ScoreBand struct {
	Label   string `json:"label"`
	Current int    `json:"current"`
	Shadow  int    `json:"shadow"`
}

// scoreBands are the bands of a score: below 80, 80 to 100, 100 to 120,
// 120 and more.
func scoreBands(ps []PilotPayout) []ScoreBand {
	edges := []int64{80, 100, 120}
	bands := []ScoreBand{{Label: "below 80"}, {Label: "80 to 100"}, {Label: "100 to 120"}, {Label: "120 and more"}}
	band := func(d decimal.Decimal) int {
		i := 0
		for i < len(edges) && !d.LessThan(decimal.NewFromInt(edges[i])) {
			i++
		}
		return i
	}
	any := false
	for _, p := range ps {
		if p.ScoreCurrent != nil {
			bands[band(*p.ScoreCurrent)].Current++
			any = true
		}
		if p.ScoreShadow != nil {
			bands[band(*p.ScoreShadow)].Shadow++
			any = true
		}
	}
	if !any {
		return []ScoreBand{}
	}
	return bands
}

// PilotReport computes the report of a pilot (see PilotReport).
func (a *App) PilotReport(ctx context.Context, who kpi.Actor, id int64) (*PilotReport, error) {
	p, err := a.Pilot(ctx, who, id)
	if err != nil {
		return nil, err
	}
	ctx, err = a.begin(ctx, who, ReadPilots, pilotScope(p))
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	cal := review.Calendar(defs.Calendar)
	rep := &PilotReport{Pilot: p, Window: p.Window(), KPIs: []PilotKPI{}, Payouts: []PilotPayout{}, Notes: []string{}, People: []string{}, Comparison: []string{}}
	rep.WorkingDays = cal.WorkingDays(p.Start, p.End)
	rep.Before = beforeWindow(cal, p.Start, rep.WorkingDays, int(p.End-p.Start)+1)
	units, err := a.svc.Org.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if u.ID == p.Unit {
			rep.UnitName = u.Name
		}
		if u.ID == p.Comparison {
			rep.CompName = u.Name
		}
	}
	// People there all along: from the first day before to the last day.
	steady := func(es []*kpi.Employee) []*kpi.Employee {
		var out []*kpi.Employee
		for _, e := range es {
			if (e.HiredOn == nil || *e.HiredOn <= rep.Before.From) && (e.LeftOn == nil || *e.LeftOn >= p.End) {
				out = append(out, e)
			}
		}
		return out
	}
	all, err := a.participants(ctx, defs, p.Unit, p.Start)
	if err != nil {
		return nil, err
	}
	rep.Position = mainPosition(defs, all, p.Start)
	pilotPeople := steady(all)
	var compPeople []*kpi.Employee
	if p.Comparison != "" {
		cs, err := a.unitPeople(ctx, p.Comparison, p.Start)
		if err != nil {
			return nil, err
		}
		for _, e := range steady(cs) {
			if e.Position == rep.Position {
				compPeople = append(compPeople, e)
			}
		}
	}
	if n := len(all) - len(pilotPeople); n > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d of the pilot's people joined or left between %s and %s: they are left out of the comparison of KPIs", n, rep.Before.From, p.End))
	}
	rep.People, rep.Comparison = ids(pilotPeople), ids(compPeople)

	// The KPIs: the template's under trial (or the position's own), and
	// the plan's.
	var names []string
	tmpl := defs.ScorecardOn(rep.Position, p.Start)
	if p.Template != "" {
		tmpl = defs.ScorecardNamed(p.Template, p.Start)
	}
	if tmpl != nil {
		for _, it := range tmpl.Items {
			names = append(names, it.KPI)
		}
	}
	if p.Plan != "" {
		if bp := defs.BonusPlan(p.Plan); bp != nil {
			var plan bonus.Plan
			if err := json.Unmarshal(bp.Plan, &plan); err == nil {
				for _, k := range plan.KPIs() {
					if !slices.Contains(names, k) {
						names = append(names, k)
					}
				}
			}
		}
	}
	if len(names) > 0 && len(pilotPeople) > 0 {
		subjs := make([]kpi.Subject, 0, len(pilotPeople)+len(compPeople))
		for _, e := range append(slices.Clone(pilotPeople), compPeople...) {
			subjs = append(subjs, kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID})
		}
		val := func(w kpi.Period) (map[string]kpi.KPIValue, error) {
			vs, err := a.svc.Values.Values(ctx, kpi.ValueQuery{KPIs: names, Subjects: subjs, Grain: kpi.Range, From: w.From, To: w.To})
			out := map[string]kpi.KPIValue{}
			for _, v := range vs {
				out[v.KPI+"\x00"+v.Subject.ID] = v
			}
			return out, err
		}
		before, err := val(rep.Before)
		if err != nil {
			return nil, err
		}
		during, err := val(rep.Window)
		if err != nil {
			return nil, err
		}
		group := func(name string, es []*kpi.Employee) did.Group {
			var g did.Group
			for _, e := range es {
				b, okb := before[name+"\x00"+e.ID]
				d, okd := during[name+"\x00"+e.ID]
				if okb && okd && !b.Null && !d.Null {
					g.Before, g.During = append(g.Before, b.Value), append(g.During, d.Value)
				}
			}
			return g
		}
		for _, name := range names {
			k := defs.KPI(name)
			if k == nil {
				continue
			}
			var comp *did.Group
			if p.Comparison != "" {
				g := group(name, compPeople)
				comp = &g
			}
			r := did.Compute(group(name, pilotPeople), comp)
			pk := PilotKPI{KPI: name, Title: k.Title, Unit: k.Unit, Direction: string(k.Direction), Result: r}
			if pk.Title == "" {
				pk.Title = name
			}
			pk.Better = r.Estimate.IsPositive() == (k.Direction != kpi.LowerIsBetter) && !r.Estimate.IsZero()
			pk.Sentence = sentence(k, pk, rep.CompName)
			rep.KPIs = append(rep.KPIs, pk)
		}
	}

	// Would-be bonuses, month by month over the pilot's days.
	rep.Months = kpi.Periods(kpi.Month, p.Start, p.End)
	for _, e := range all {
		pay, err := a.pilotPay(ctx, p, e, rep.Window, kpi.Period{})
		if err != nil {
			return nil, err
		}
		rep.Payouts = append(rep.Payouts, pay)
		if pay.Error != "" {
			continue
		}
		if rep.Currency == "" {
			rep.Currency = pay.Currency
		}
		rep.Current, rep.Shadow = rep.Current.Add(pay.Current), rep.Shadow.Add(pay.Shadow)
		switch pay.Difference.Sign() {
		case 1:
			rep.Gainers++
		case -1:
			rep.Losers++
		}
		if pay.Shadow.IsZero() {
			rep.PaidNothing++
		}
		if pay.CappedCurrent {
			rep.CappedCurrent++
		}
		if pay.CappedShadow {
			rep.CappedShadow++
		}
	}
	rep.Difference = rep.Shadow.Sub(rep.Current)
	rep.Scores = scoreBands(rep.Payouts)
	slices.SortStableFunc(rep.Payouts, func(x, y PilotPayout) int { return y.Difference.Cmp(x.Difference) })
	if p.Shadow {
		rep.Notes = append(rep.Notes, "shadow mode: the pilot's bonuses are computed and shown, never paid, never in payouts or payroll exports")
	}

	// Corrections during the pilot: changes of its plan and template.
	rep.Corrections = []*kpi.AuditEntry{}
	loc, err := kpi.WorkspaceLocation(ctx, a.svc.Workspaces)
	if err != nil {
		return nil, err
	}
	for _, q := range [][2]string{{"bonus_plan", p.Plan}, {"scorecard", p.Template}} {
		if q[1] == "" {
			continue
		}
		entries, err := a.svc.Audit.FindAuditEntries(ctx, q[0], q[1], MaxAuditPage)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if d := kpi.DateOf(e.At, loc); d >= p.Start && d <= p.End {
				rep.Corrections = append(rep.Corrections, e)
			}
		}
	}
	return rep, nil
}

// beforeWindow is the run of days just before start that holds as many
// working days as the pilot (calendar days when the calendar has none).
func beforeWindow(cal score.Calendar, start kpi.Date, working, days int) kpi.Period {
	from := start
	if working == 0 {
		return kpi.Period{Grain: kpi.Range, From: start - kpi.Date(days), To: start - 1}
	}
	for n := 0; n < working && from > start-400; {
		from--
		n = cal.WorkingDays(from, start-1)
	}
	return kpi.Period{Grain: kpi.Range, From: from, To: start - 1}
}

// pilotPay is what e would be paid over the days of window under the
// pilot's scheme and under the current one: each month the window touches
// is evaluated whole (package payroll's Shadow), then counted for the
// share of its working days inside the window. With month set, that month
// is evaluated whole instead (a rollout's cost).
func (a *App) pilotPay(ctx context.Context, p *kpi.Pilot, e *kpi.Employee, window, month kpi.Period) (PilotPayout, error) {
	out := PilotPayout{Employee: e.ID, Name: e.Name, Currency: e.Currency}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return out, err
	}
	cal := review.Calendar(defs.Calendar)
	months := kpi.Periods(kpi.Month, window.From, window.To)
	if month.From != 0 {
		months = []kpi.Period{month}
	}
	for _, m := range months {
		share := decimal.NewFromInt(1)
		if month.From == 0 {
			in := cal.WorkingDays(max(m.From, window.From), min(m.To, window.To))
			all := cal.WorkingDays(m.From, m.To)
			if all > 0 {
				share = decimal.NewFromInt(int64(in)).DivRound(decimal.NewFromInt(int64(all)), 16)
			}
		}
		cur, err := a.payroll.Shadow(ctx, e.ID, m, "", "")
		if err != nil {
			if c := kpi.ErrorCode(err); c == kpi.ENOTFOUND || c == kpi.EINVALID {
				out.Error = kpi.ErrorMessage(err)
				return out, nil
			}
			return out, err
		}
		sh, err := a.payroll.Shadow(ctx, e.ID, m, p.Plan, p.Template)
		if err != nil {
			if c := kpi.ErrorCode(err); c == kpi.ENOTFOUND || c == kpi.EINVALID {
				out.Error = kpi.ErrorMessage(err)
				return out, nil
			}
			return out, err
		}
		out.Currency = cur.Currency
		out.ScoreCurrent, out.ScoreShadow = scoreOf(cur), scoreOf(sh)
		out.CappedCurrent = out.CappedCurrent || capped(cur)
		out.CappedShadow = out.CappedShadow || capped(sh)
		out.Current = out.Current.Add(cur.Payout.Mul(share))
		out.Shadow = out.Shadow.Add(sh.Payout.Mul(share))
	}
	out.Current, out.Shadow = out.Current.Round(2), out.Shadow.Round(2)
	out.Difference = out.Shadow.Sub(out.Current)
	return out, nil
}

// capped says a statement hit a cap: a component's or the plan's cap (per
// period, per year) took something off, a coefficient or an attainment
// was held at its maximum, or the score reached the flat top of a payout
// curve (at or above its last point, where it pays no more).
func capped(st *kpi.Statement) bool {
	for _, sec := range st.Sections {
		for _, l := range sec.Evaluation.Lines {
			switch {
			case strings.HasSuffix(l.ID, ".cap") || l.ID == "limit.period_cap" || l.ID == "limit.year_cap":
				if len(l.Inputs) > 0 && l.Inputs[0].Value.GreaterThan(l.Result) {
					return true
				}
			case strings.Contains(l.Rule, "capped at the maximum") || strings.Contains(l.Rule, "(capped)") || strings.Contains(l.Rule, "at or above the last point"):
				return true
			}
		}
	}
	return false
}

// scoreOf is the score a shadow statement paid on, nil if none.
func scoreOf(st *kpi.Statement) *decimal.Decimal {
	if len(st.Sections) == 0 || st.Sections[0].Inputs == nil || st.Sections[0].Inputs.Score == nil {
		return nil
	}
	d := *st.Sections[0].Inputs.Score
	return &d
}

// sentence says a KPI's result in words a head of sales can follow.
func sentence(k *kpi.KPI, pk PilotKPI, compName string) string {
	r := pk.Result
	title := pk.Title
	est := kpi.DisplayDelta(k, r.Estimate)
	against := "than the same people in the weeks before"
	if r.Comparison != nil {
		against = "than in " + compName + " over the same weeks"
	}
	if r.Comparison != nil && r.Comparison.N < 2 || r.Pilot.N < 2 {
		return fmt.Sprintf("%s: %s per person; too few people to tell whether that is chance (%s).", title, est, r.Why)
	}
	way := "better"
	if !pk.Better {
		way = "worse"
	}
	if r.Estimate.IsZero() {
		way = "no different"
	}
	chance := "this could well be chance: the 95 % interval includes no change."
	if r.Significant {
		chance = "unlikely to be chance: the whole 95 % interval lies on one side of zero."
	}
	return fmt.Sprintf("%s changed by %s per person more %s (%s, 95 %% interval %s to %s); %s", title, est, against, way,
		kpi.Display(k, r.Low), kpi.Display(k, r.High), chance)
}
