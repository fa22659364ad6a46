package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/attainyaml"
	"attain/calc/score"
	"attain/calc/strategy"
	"attain/kpi"
)

// Objectives lists the workspace's objectives.
func (a *App) Objectives(ctx context.Context, who kpi.Actor) ([]*kpi.Objective, error) {
	ctx, err := a.begin(ctx, who, ReadStrategy, on{})
	if err != nil {
		return nil, err
	}
	objs, err := a.svc.Strategy.FindObjectives(ctx)
	return nonNil(objs), err
}

// PutObjective creates or replaces one objective, checked with all the
// others (ids, parents, KPIs).
func (a *App) PutObjective(ctx context.Context, who kpi.Actor, o *kpi.Objective) error {
	ctx, err := a.begin(ctx, who, WriteStrategy, on{})
	if err != nil {
		return err
	}
	objs, err := a.svc.Strategy.FindObjectives(ctx)
	if err != nil {
		return err
	}
	objs = slices.DeleteFunc(objs, func(x *kpi.Objective) bool { return x.ID == o.ID })
	objs = append(objs, o)
	if err := a.checkObjectives(ctx, objs); err != nil {
		return err
	}
	return a.svc.Strategy.PutObjective(ctx, o)
}

// DeleteObjective deletes an objective no other cascades from.
func (a *App) DeleteObjective(ctx context.Context, who kpi.Actor, id string) error {
	ctx, err := a.begin(ctx, who, WriteStrategy, on{})
	if err != nil {
		return err
	}
	objs, err := a.svc.Strategy.FindObjectives(ctx)
	if err != nil {
		return err
	}
	for _, o := range objs {
		if o.ParentID == id {
			return kpi.Errorf(kpi.ECONFLICT, "Objective %q cascades from %q: delete or move it first.", o.ID, id)
		}
	}
	return a.svc.Strategy.DeleteObjective(ctx, id)
}

func (a *App) checkObjectives(ctx context.Context, objs []*kpi.Objective) error {
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return err
	}
	probs := attainyaml.CheckObjectives(objs, defs)
	if len(probs) == 0 {
		return nil
	}
	out := make([]kpi.Problem, len(probs))
	for i, p := range probs {
		out[i] = p.Problem
	}
	return &kpi.Error{Code: kpi.EINVALID, Message: "The objectives are invalid.", Details: out}
}

// applyStrategy stores what an attain.yaml's strategy sections declare
// (a section left out is left as it is) and returns the changes.
func (a *App) applyStrategy(ctx context.Context, who kpi.Actor, s *attainyaml.Strategy, reason string, dryRun bool) ([]kpi.Change, error) {
	if s == nil || (s.Objectives == nil && s.Functions == nil && s.Guardrails == nil) {
		return nil, nil
	}
	if err := a.authorize(ctx, who, WriteStrategy, on{}); err != nil {
		return nil, err
	}
	var changes []kpi.Change
	if s.Objectives != nil && dryRun {
		old, err := a.svc.Strategy.FindObjectives(ctx)
		if err != nil {
			return nil, err
		}
		changes = append(changes, objectiveChanges(old, *s.Objectives)...)
	} else if s.Objectives != nil {
		ch, err := a.svc.Strategy.ReplaceObjectives(ctx, *s.Objectives, reason)
		if err != nil {
			return nil, err
		}
		changes = append(changes, ch...)
	}
	units := make([]string, 0, len(s.Functions))
	for u := range s.Functions {
		units = append(units, u)
	}
	slices.Sort(units)
	have, err := a.svc.Strategy.FindUnitFunctions(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if slices.Contains(have, kpi.UnitFunction{UnitID: u, Function: s.Functions[u]}) {
			continue
		}
		if !dryRun {
			if err := a.svc.Strategy.SetUnitFunction(ctx, kpi.UnitFunction{UnitID: u, Function: s.Functions[u]}); err != nil {
				return nil, err
			}
		}
		changes = append(changes, kpi.Change{Action: "update", Kind: "unit_function", Name: u})
	}
	if s.Guardrails != nil {
		old, err := a.svc.Strategy.FindGuardrails(ctx)
		if err != nil {
			return nil, err
		}
		if !sameGuardrails(old, *s.Guardrails) {
			if !dryRun {
				if err := a.svc.Strategy.SetGuardrails(ctx, *s.Guardrails); err != nil {
					return nil, err
				}
			}
			changes = append(changes, kpi.Change{Action: "update", Kind: "guardrails", Name: "guardrails"})
		}
	}
	return changes, nil
}

// objectiveChanges are the changes that replacing old with next makes:
// what a dry run reports.
func objectiveChanges(old, next []*kpi.Objective) []kpi.Change {
	byID := map[string]*kpi.Objective{}
	for _, o := range old {
		byID[o.ID] = o
	}
	var out []kpi.Change
	for _, o := range next {
		prev := byID[o.ID]
		delete(byID, o.ID)
		switch {
		case prev == nil:
			out = append(out, kpi.Change{Action: "create", Kind: "objective", Name: o.ID})
		case !sameObjective(prev, o):
			out = append(out, kpi.Change{Action: "update", Kind: "objective", Name: o.ID})
		}
	}
	for _, o := range old {
		if byID[o.ID] != nil {
			out = append(out, kpi.Change{Action: "delete", Kind: "objective", Name: o.ID})
		}
	}
	return out
}

// sameObjective reports whether two objectives say the same, whenever
// they were stored.
func sameObjective(a, b *kpi.Objective) bool {
	x, y := *a, *b
	x.UpdatedAt = y.UpdatedAt
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}

func sameGuardrails(a, b []kpi.Guardrail) bool {
	return slices.EqualFunc(a, b, func(x, y kpi.Guardrail) bool {
		return x.KPI == y.KPI && x.MaxChange.Equal(y.MaxChange) && x.Floor.Equal(y.Floor)
	})
}

// StrategyView is the strategy of a period: every objective whose period
// overlaps it, in cascade order, with its progress, who contributes most
// and least, the scorecard items and tasks that serve it; and the gaps.
type StrategyView struct {
	Period     kpi.Period       `json:"period"`
	AsOf       kpi.Date         `json:"as_of"`
	Objectives []*ObjectiveView `json:"objectives"`
	Gaps       []StrategyGap    `json:"gaps"`
	// KPIs are the definitions of the KPIs the objectives name.
	KPIs map[string]*kpi.KPI `json:"-"`
}

// ObjectiveView is one objective of a StrategyView. Progress is over the
// objective's own period as of AsOf; Hidden says the numbers are not
// shown, as who may not see the values of the unit carrying it.
type ObjectiveView struct {
	Objective   *kpi.Objective     `json:"objective"`
	UnitID      string             `json:"unit_id"`
	UnitName    string             `json:"unit_name"`
	Depth       int                `json:"depth"`
	Open        bool               `json:"open"`
	Elapsed     int                `json:"elapsed"`
	WorkingDays int                `json:"working_days"`
	Hidden      bool               `json:"hidden,omitempty"`
	Progress    *strategy.Progress `json:"progress,omitempty"`
	// Units ranks the units right below the carrying unit; Most and
	// Least are the people who contribute most and least (index 100: an
	// even share): those in the unit whose position has a scorecard, and
	// only those who may be seen.
	Units []Contributor `json:"units"`
	Most  []Contributor `json:"most"`
	Least []Contributor `json:"least"`
	// Served lists the scorecard items that name the objective.
	Served    []ServedBy `json:"served"`
	Tasks     int        `json:"tasks"`
	TasksDone int        `json:"tasks_done"`
}

// Contributor is a unit or person with their contribution index.
type Contributor struct {
	Subject kpi.Subject     `json:"subject"`
	Name    string          `json:"name"`
	Index   decimal.Decimal `json:"index"`
}

// ServedBy is a scorecard item serving an objective.
type ServedBy struct {
	Template string `json:"template"`
	Position string `json:"position"`
	KPI      string `json:"kpi"`
}

// StrategyGap is an objective nothing measures or nobody carries.
type StrategyGap struct {
	Objective string `json:"objective"`
	Title     string `json:"title"`
	Kind      string `json:"kind"` // unmeasured, uncarried, no_unit, unserved
	Text      string `json:"text"`
}

// Strategy returns the strategy of period (default: this year).
func (a *App) Strategy(ctx context.Context, who kpi.Actor, period string) (*StrategyView, error) {
	ctx, err := a.begin(ctx, who, ReadStrategy, on{})
	if err != nil {
		return nil, err
	}
	today, err := a.today(ctx)
	if err != nil {
		return nil, err
	}
	p := kpi.PeriodOf(kpi.Year, today)
	if period != "" {
		if p, err = kpi.ParsePeriod(period); err != nil {
			return nil, err
		}
	}
	objs, err := a.svc.Strategy.FindObjectives(ctx)
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	tasks, err := a.svc.Strategy.FindTasks(ctx, kpi.TaskFilter{})
	if err != nil {
		return nil, err
	}
	vis, err := a.visibility(ctx, who, ReadValues, p)
	if err != nil {
		return nil, err
	}
	v := &StrategyView{Period: p, AsOf: today, Objectives: []*ObjectiveView{}, Gaps: []StrategyGap{}, KPIs: map[string]*kpi.KPI{}}
	byID := map[string]*kpi.Objective{}
	children := map[string][]*kpi.Objective{}
	for _, o := range objs {
		byID[o.ID] = o
	}
	for _, o := range objs {
		parent := o.ParentID
		if byID[parent] == nil {
			parent = ""
		}
		children[parent] = append(children[parent], o)
	}
	units := map[string]*kpi.OrgUnit{}
	root := ""
	for _, u := range org.Units {
		units[u.ID] = u
		if u.ParentID == "" && (root == "" || u.Kind == "company") {
			root = u.ID
		}
	}
	var walk func(parent string, depth int) error
	walk = func(parent string, depth int) error {
		for _, o := range children[parent] {
			if o.Period.To >= p.From && o.Period.From <= p.To {
				ov, err := a.objectiveView(ctx, o, depth, today, defs, org, units, root, vis)
				if err != nil {
					return err
				}
				for _, t := range tasks {
					if t.ObjectiveID == o.ID && t.Status != kpi.TaskCancelled {
						ov.Tasks++
						if t.Status == kpi.TaskDone || t.Status == kpi.TaskConfirmed {
							ov.TasksDone++
						}
					}
				}
				v.Objectives = append(v.Objectives, ov)
				v.Gaps = append(v.Gaps, gaps(ov, children, units)...)
			}
			if err := walk(o.ID, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk("", 0); err != nil {
		return nil, err
	}
	for _, o := range objs {
		for _, m := range o.Measures {
			if k := defs.KPI(m.KPI); k != nil {
				v.KPIs[k.Name] = k
			}
		}
	}
	return v, nil
}

// objectiveView rolls one objective up.
func (a *App) objectiveView(ctx context.Context, o *kpi.Objective, depth int, today kpi.Date, defs *kpi.Definitions,
	org *kpi.Org, units map[string]*kpi.OrgUnit, root string, vis *visible) (*ObjectiveView, error) {
	ov := &ObjectiveView{Objective: o, UnitID: o.UnitID, Depth: depth, Units: []Contributor{}, Most: []Contributor{}, Least: []Contributor{}, Served: []ServedBy{}}
	if ov.UnitID == "" {
		ov.UnitID = root
	}
	if u := units[ov.UnitID]; u != nil {
		ov.UnitName = u.Name
	}
	for _, t := range defs.Scorecards {
		for _, it := range t.Items {
			if it.Objective == o.ID {
				ov.Served = append(ov.Served, ServedBy{Template: t.Name, Position: t.Position, KPI: it.KPI})
			}
		}
	}
	asOf := min(today, o.Period.To)
	ov.Open = today <= o.Period.To
	sh, err := score.ShareOf(o.Period, asOf, review.Calendar(defs.Calendar), nil)
	if err != nil {
		return nil, err
	}
	if today < o.Period.From {
		sh.Elapsed = 0
	}
	ov.Elapsed, ov.WorkingDays = sh.Elapsed, sh.Total
	unit := kpi.Subject{Kind: kpi.SubjectUnit, ID: ov.UnitID}
	if units[ov.UnitID] == nil || !vis.has(unit) {
		ov.Hidden = true
		return ov, nil
	}
	if len(o.Measures) == 0 {
		return ov, nil
	}
	// The subjects: the unit, the units right below it, its people.
	subjects := []kpi.Subject{unit}
	names := map[kpi.Subject]string{}
	var childUnits, people []kpi.Subject
	for _, u := range org.Units {
		if u.ParentID == ov.UnitID {
			s := kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}
			childUnits, names[s] = append(childUnits, s), u.Name
		}
	}
	in := map[string]bool{}
	var mark func(id string)
	mark = func(id string) {
		in[id] = true
		for _, u := range org.Units {
			if u.ParentID == id {
				mark(u.ID)
			}
		}
	}
	mark(ov.UnitID)
	for _, e := range org.Employees {
		// Only the people measured: those whose position has a scorecard.
		if !in[unitOn(org, e, asOf)] || (e.LeftOn != nil && *e.LeftOn < o.Period.From) || (e.HiredOn != nil && *e.HiredOn > asOf) || defs.Scorecard(e.Position) == nil {
			continue
		}
		s := kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}
		people, names[s] = append(people, s), e.Name
	}
	subjects = append(append(subjects, childUnits...), people...)
	kpiNames := make([]string, len(o.Measures))
	for i, m := range o.Measures {
		kpiNames[i] = m.KPI
	}
	vals, err := a.svc.Values.Values(ctx, kpi.ValueQuery{KPIs: kpiNames, Subjects: subjects, Grain: kpi.Range, From: o.Period.From, To: o.Period.To})
	if err != nil {
		return nil, err
	}
	got := map[kpi.Subject]map[string]decimal.Decimal{}
	for _, val := range vals {
		if val.Null {
			continue
		}
		if got[val.Subject] == nil {
			got[val.Subject] = map[string]decimal.Decimal{}
		}
		got[val.Subject][val.KPI] = val.Value
	}
	lines := make([]strategy.Line, len(o.Measures))
	for i, m := range o.Measures {
		l := strategy.Line{KPI: m.KPI, Target: m.Target, Weight: m.Weight, Direction: kpi.HigherIsBetter}
		if k := defs.KPI(m.KPI); k != nil {
			l.Direction, l.Additive = k.Direction, score.Additive(k)
		}
		l.Actual, l.Null = got[unit][m.KPI], true
		if _, ok := got[unit][m.KPI]; ok {
			l.Null = false
		}
		lines[i] = l
	}
	pr := strategy.Rollup(lines, strategy.Share{Elapsed: sh.Elapsed, Total: sh.Total})
	ov.Progress = &pr
	members := func(ss []kpi.Subject) []strategy.Member {
		out := make([]strategy.Member, len(ss))
		for i, s := range ss {
			out[i] = strategy.Member{Subject: s, Values: got[s]}
		}
		return out
	}
	for _, c := range strategy.Contributions(lines, members(childUnits)) {
		if vis.has(c.Subject) {
			ov.Units = append(ov.Units, Contributor{Subject: c.Subject, Name: names[c.Subject], Index: c.Index})
		}
	}
	var ranked []Contributor
	for _, c := range strategy.Contributions(lines, members(people)) {
		if vis.has(c.Subject) {
			ranked = append(ranked, Contributor{Subject: c.Subject, Name: names[c.Subject], Index: c.Index})
		}
	}
	n := min(3, len(ranked))
	ov.Most, ov.Least = nonNil(ranked[:n]), []Contributor{}
	for i := len(ranked) - 1; i >= n && len(ov.Least) < 3; i-- {
		ov.Least = append(ov.Least, ranked[i])
	}
	return ov, nil
}

// gaps says what an objective lacks: a KPI measuring it, a unit carrying
// it (itself or an objective cascaded from it), a unit that exists, a
// scorecard item serving it.
func gaps(ov *ObjectiveView, children map[string][]*kpi.Objective, units map[string]*kpi.OrgUnit) []StrategyGap {
	o := ov.Objective
	var out []StrategyGap
	add := func(kind, text string) {
		out = append(out, StrategyGap{Objective: o.ID, Title: o.Title, Kind: kind, Text: text})
	}
	if len(o.Measures) == 0 && len(ov.Served) == 0 {
		add("unmeasured", "No KPI measures it: add measures, or name it in a scorecard item.")
	}
	var carried func(x *kpi.Objective) bool
	carried = func(x *kpi.Objective) bool {
		if x.UnitID != "" {
			return true
		}
		for _, c := range children[x.ID] {
			if carried(c) {
				return true
			}
		}
		return false
	}
	if !carried(o) {
		add("uncarried", "No unit carries it: cascade it to a department or team.")
	}
	if o.UnitID != "" && units[o.UnitID] == nil {
		add("no_unit", "Its unit "+o.UnitID+" does not exist.")
	}
	if len(o.Measures) > 0 && len(ov.Served) == 0 && len(children[o.ID]) == 0 {
		add("unserved", "No scorecard item serves it, so nobody's score moves with it.")
	}
	return out
}

// UnitFunctions lists the units' functions.
func (a *App) UnitFunctions(ctx context.Context, who kpi.Actor) ([]kpi.UnitFunction, error) {
	ctx, err := a.begin(ctx, who, ReadStrategy, on{})
	if err != nil {
		return nil, err
	}
	fs, err := a.svc.Strategy.FindUnitFunctions(ctx)
	return nonNil(fs), err
}

// SetUnitFunction sets what a unit does ("" clears it).
func (a *App) SetUnitFunction(ctx context.Context, who kpi.Actor, f kpi.UnitFunction) error {
	ctx, err := a.begin(ctx, who, WriteStrategy, on{})
	if err != nil {
		return err
	}
	f.Function = strings.TrimSpace(f.Function)
	if len(f.Function) > 64 {
		return kpi.Errorf(kpi.EINVALID, "A function is a short name like sales or order_processing, not %d characters.", len(f.Function))
	}
	if _, err := a.svc.Org.FindOrgUnitByID(ctx, f.UnitID); err != nil {
		return err
	}
	return a.svc.Strategy.SetUnitFunction(ctx, f)
}
