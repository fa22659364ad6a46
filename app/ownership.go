package app

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"attain/attainyaml"
	"attain/kpi"
)

// Guardrails lists the guardrails the company set.
func (a *App) Guardrails(ctx context.Context, who kpi.Actor) ([]kpi.Guardrail, error) {
	ctx, err := a.begin(ctx, who, ReadStrategy, on{})
	if err != nil {
		return nil, err
	}
	gs, err := a.svc.Strategy.FindGuardrails(ctx)
	return nonNil(gs), err
}

// SetGuardrails replaces the guardrails.
func (a *App) SetGuardrails(ctx context.Context, who kpi.Actor, gs []kpi.Guardrail) error {
	ctx, err := a.begin(ctx, who, WriteStrategy, on{})
	if err != nil {
		return err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return err
	}
	if probs := attainyaml.CheckGuardrails(gs, defs); len(probs) > 0 {
		return &kpi.Error{Code: kpi.EINVALID, Message: "The guardrails are invalid.", Details: probs}
	}
	return a.svc.Strategy.SetGuardrails(ctx, gs)
}

// guardrail is the guardrail of KPI name: its own, the company default,
// or kpi.DefaultGuardrail.
func guardrail(gs []kpi.Guardrail, name string) kpi.Guardrail {
	def := kpi.DefaultGuardrail
	for _, g := range gs {
		switch g.KPI {
		case name:
			return g
		case "":
			def = g
		}
	}
	return def
}

// LevelRequest is a unit head setting the target of a KPI for their unit
// or one of their people.
type LevelRequest struct {
	KPI      string          `json:"kpi"`
	Employee string          `json:"employee,omitempty"`
	Unit     string          `json:"unit,omitempty"`
	Period   string          `json:"period"`
	Value    decimal.Decimal `json:"value"`
	Reason   string          `json:"reason"`
	// DryRun only says what would happen: applied, pending or refused.
	DryRun bool `json:"dry_run,omitempty"`
}

// SetLevel is a unit head's change of a target in their own subtree:
// inside the guardrails it is applied at once; a change bigger than the
// guardrail's max change waits for the next level up; one below its floor
// is refused. An admin's change is applied as asked. Every change is kept
// as a level change and audited, and the target's history says who. A dry
// run says what would happen and changes nothing.
func (a *App) SetLevel(ctx context.Context, who kpi.Actor, r LevelRequest) (*kpi.LevelChange, error) {
	subj, err := oneSubject(r.Employee, r.Unit)
	if err != nil {
		return nil, err
	}
	p, err := parsePeriod(r.Period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, WriteLevels, onSubject(subj, p)); err != nil {
		return nil, err
	}
	v := r.Value
	cs, err := a.judgeLevels(ctx, who, []kpi.TargetInput{{KPI: r.KPI, Subject: subj, Period: p, Value: &v}}, r.Reason)
	if err != nil {
		return nil, err
	}
	if r.DryRun {
		return cs[0], nil
	}
	if _, err := a.applyLevels(ctx, who, cs, r.Reason); err != nil {
		return nil, err
	}
	return cs[0], nil
}

// isAdmin reports whether who sets targets as asked, without guardrails.
func isAdmin(who kpi.Actor) bool { return who.System || who.Role == kpi.RoleAdmin }

// judgeLevels is the one place a change of targets meets the guardrails,
// whichever way it comes (SetLevel, SetTargets and what calls it): for each
// change it finds the old value and the company value and decides applied,
// pending or (for anyone but an admin) rejected, and why. A rejected change
// fails them all, naming each refused one; so does deleting a target
// (nil value) by anyone but an admin. Nothing is stored here.
func (a *App) judgeLevels(ctx context.Context, who kpi.Actor, in []kpi.TargetInput, reason string) ([]*kpi.LevelChange, error) {
	if len(reason) > 500 {
		return nil, kpi.Errorf(kpi.EINVALID, "reason: at most 500 characters.")
	}
	admin := isAdmin(who)
	for _, t := range in {
		if t.Value == nil && !admin {
			return nil, kpi.Errorf(kpi.EFORBIDDEN, "Only an admin may delete a target (%s of %s, %s); a unit head changes it.", t.KPI, t.Subject, t.Period.Label())
		}
		if t.Value != nil && t.Value.IsNegative() {
			return nil, kpi.Errorf(kpi.EINVALID, "value: %s: a target cannot be negative.", t.Value)
		}
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range in {
		if defs.KPI(t.KPI) == nil {
			return nil, kpi.Errorf(kpi.ENOTFOUND, "KPI %q not found.", t.KPI)
		}
	}
	if err := a.review.CheckTargets(ctx, in); err != nil {
		return nil, err
	}
	// A locked period refuses a change that would wait too, not only one
	// stored now.
	locks, err := a.svc.Targets.FindPeriodLocks(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range in {
		for _, l := range locks {
			if l.Period.From <= t.Period.To && t.Period.From <= l.Period.To {
				return nil, kpi.Errorf(kpi.ECONFLICT, "The %s target of %s for %s cannot change: %s is locked since %s by %s; reopen it with a reason.",
					t.KPI, t.Subject, t.Period.Label(), l.Period.Label(), l.LockedAt.Format("2006-01-02 15:04 UTC"), l.LockedBy)
			}
		}
	}
	// The company value: the value before the first change by a head in
	// this period, applied or approved.
	earlier, err := a.svc.Strategy.FindLevelChanges(ctx, "")
	if err != nil {
		return nil, err
	}
	var gs []kpi.Guardrail
	if !admin {
		if gs, err = a.svc.Strategy.FindGuardrails(ctx); err != nil {
			return nil, err
		}
	}
	var out []*kpi.LevelChange
	var refused []kpi.Problem
	for _, t := range in {
		ts, err := a.svc.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: []string{t.KPI}, Subjects: []kpi.Subject{t.Subject}, From: t.Period.From, To: t.Period.To})
		if err != nil {
			return nil, err
		}
		c := &kpi.LevelChange{KPI: t.KPI, Subject: t.Subject, Period: t.Period, Reason: reason, Status: kpi.LevelApplied}
		if t.Value != nil {
			c.New = *t.Value
		}
		for _, x := range ts {
			if x.Period.From == t.Period.From && x.Period.To == t.Period.To {
				old := x.Value
				c.Old, c.Baseline = &old, &old
			}
		}
		for _, e := range earlier { // newest first: the last one seen is the first made
			if e.KPI == c.KPI && e.Subject == c.Subject && e.Period == c.Period && (e.Status == kpi.LevelApplied || e.Status == kpi.LevelApproved) && e.Baseline != nil {
				c.Baseline = e.Baseline
			}
		}
		if admin {
			c.Why = "set by an admin"
		} else {
			c.Status, c.Why = judge(guardrail(gs, t.KPI), defs.KPI(t.KPI).Direction, c.Baseline, c.New)
		}
		if c.Status == kpi.LevelRejected {
			refused = append(refused, kpi.Problem{Column: t.KPI, Value: c.New.String(), Reason: fmt.Sprintf("%s, %s: %s", t.Subject, t.Period.Label(), c.Why)})
		}
		out = append(out, c)
	}
	switch {
	case len(refused) == 1 && len(in) == 1:
		return nil, kpi.Errorf(kpi.EINVALID, "%s Ask the next level up to change the company value.", out[0].Why)
	case len(refused) > 0:
		return nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("%d of %d target changes are below the guardrails' floor, so none was made: %s Ask the next level up to change the company value.", len(refused), len(in), refused[0].String()), Details: refused}
	}
	return out, nil
}

// applyLevels stores what judgeLevels decided: the applied targets in one
// change (a unit head's reason says so in the history), and every change
// as a level change, the pending ones to wait for the next level up. It
// returns the targets stored.
func (a *App) applyLevels(ctx context.Context, who kpi.Actor, cs []*kpi.LevelChange, reason string) ([]*kpi.Target, error) {
	var in []kpi.TargetInput
	for _, c := range cs {
		if c.Status == kpi.LevelApplied {
			v := c.New
			in = append(in, kpi.TargetInput{KPI: c.KPI, Subject: c.Subject, Period: c.Period, Value: &v})
		}
	}
	var ts []*kpi.Target
	if len(in) > 0 {
		why := reason
		if !isAdmin(who) {
			why = fmt.Sprintf("level change by the unit head: %s", reason)
		}
		var err error
		if ts, err = a.svc.Targets.SetTargets(ctx, in, why); err != nil {
			return nil, err
		}
	}
	for _, c := range cs {
		if err := a.svc.Strategy.CreateLevelChange(ctx, c); err != nil {
			return nil, err
		}
	}
	return nonNil(ts), nil
}

// judge says whether a head may set a target to v against the company
// value base under g: applied, pending (more than MaxChange % away from
// base) or rejected (easier than Floor % of base: below it when higher is
// better, above base × 100 / Floor when lower is), and why.
func judge(g kpi.Guardrail, dir kpi.Direction, base *decimal.Decimal, v decimal.Decimal) (string, string) {
	hundred := decimal.NewFromInt(100)
	if base == nil || base.IsZero() {
		return kpi.LevelPending, "There is no company value to measure the change against, so it waits for the next level up."
	}
	if g.Floor.IsPositive() {
		if dir == kpi.LowerIsBetter {
			limit := base.Mul(hundred).Div(g.Floor).Round(4)
			if v.GreaterThan(limit) {
				return kpi.LevelRejected, fmt.Sprintf("%s is above %s, the most the guardrail allows (the company value %s ÷ %s %%).", v, limit, base, g.Floor)
			}
		} else {
			limit := base.Mul(g.Floor).Div(hundred).Round(4)
			if v.LessThan(limit) {
				return kpi.LevelRejected, fmt.Sprintf("%s is below %s, the least the guardrail allows (%s %% of the company value %s).", v, limit, g.Floor, base)
			}
		}
	}
	change := v.Sub(*base).Abs().Mul(hundred).Div(base.Abs()).Round(2)
	if change.GreaterThan(g.MaxChange) {
		return kpi.LevelPending, fmt.Sprintf("A change of %s %% from the company value %s is more than the %s %% a head may make alone; it waits for the next level up.", change, base, g.MaxChange)
	}
	return kpi.LevelApplied, fmt.Sprintf("A change of %s %% from the company value %s, inside the %s %% guardrail.", change, base, g.MaxChange)
}

// LevelChanges lists level changes (status "" is all) that who may see:
// those of subjects whose targets they may read.
func (a *App) LevelChanges(ctx context.Context, who kpi.Actor, status string) ([]*kpi.LevelChange, error) {
	vis, err := a.visibility(ctx, who, ReadTargets, kpi.Period{})
	if err != nil {
		return nil, err
	}
	ctx, err = a.begin(ctx, who, ReadStrategy, on{})
	if err != nil {
		return nil, err
	}
	cs, err := a.svc.Strategy.FindLevelChanges(ctx, status)
	if err != nil {
		return nil, err
	}
	out := []*kpi.LevelChange{}
	for _, c := range cs {
		if vis.has(c.Subject) {
			out = append(out, c)
		}
	}
	return out, nil
}

// DecideLevel approves (and applies) or rejects a pending level change: by
// an admin, or by a head of the unit above the one the change is about,
// never by who asked for it.
func (a *App) DecideLevel(ctx context.Context, who kpi.Actor, id int64, approve bool) (*kpi.LevelChange, error) {
	wctx := kpi.NewContextWithWorkspace(ctx, who.WorkspaceID)
	c, err := a.svc.Strategy.FindLevelChange(wctx, id)
	if err != nil {
		return nil, err
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	unit := c.Subject.ID
	if c.Subject.Kind == kpi.SubjectEmployee {
		unit = ""
		for _, e := range org.Employees {
			if e.ID == c.Subject.ID {
				unit = unitOn(org, e, c.Period.From)
			}
		}
	}
	above := on{}
	for _, u := range org.Units {
		if u.ID == unit && u.ParentID != "" {
			above = onSubject(kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ParentID}, c.Period)
		}
	}
	if ctx, err = a.begin(ctx, who, ApproveLevels, above); err != nil {
		return nil, err
	}
	if c.Status != kpi.LevelPending {
		return nil, kpi.Errorf(kpi.ECONFLICT, "Level change %d is %s, not pending.", id, c.Status)
	}
	if c.By == who.Name {
		return nil, kpi.Errorf(kpi.EFORBIDDEN, "Nobody may approve their own level change; it needs the next level up.")
	}
	status := kpi.LevelRejected
	if approve && c.Scorecard != "" { // in effect once approved, unless it would reach into a locked period
		if err := a.lockedSince(ctx, c.Period.From); err != nil {
			return nil, err
		}
		status = kpi.LevelApproved
	} else if approve {
		status = kpi.LevelApproved
		v := c.New
		if _, err := a.svc.Targets.SetTargets(ctx, []kpi.TargetInput{{KPI: c.KPI, Subject: c.Subject, Period: c.Period, Value: &v}},
			fmt.Sprintf("level change %d approved: %s", c.ID, c.Reason)); err != nil {
			return nil, err
		}
	}
	return a.svc.Strategy.DecideLevelChange(ctx, id, status)
}

// LevelSubject is a unit or person whose levels someone may set.
type LevelSubject struct {
	Subject kpi.Subject `json:"subject"`
	Name    string      `json:"name"`
}

// LevelScope lists the units and people whose targets who may set as a
// unit head (everything, for an admin); empty for anyone else.
func (a *App) LevelScope(ctx context.Context, who kpi.Actor) ([]LevelSubject, error) {
	ctx, err := a.begin(ctx, who, ReadStrategy, on{})
	if err != nil {
		return nil, err
	}
	today, err := a.today(ctx)
	if err != nil {
		return nil, err
	}
	vis, err := a.visibility(ctx, who, WriteLevels, kpi.PeriodOf(kpi.Day, today))
	if err != nil {
		return nil, err
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	out := []LevelSubject{}
	for _, u := range org.Units {
		if s := (kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}); vis.has(s) {
			out = append(out, LevelSubject{Subject: s, Name: u.Name})
		}
	}
	for _, e := range org.Employees {
		if s := (kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}); vis.has(s) && e.ID != who.EmployeeID && (e.LeftOn == nil || *e.LeftOn >= today) {
			out = append(out, LevelSubject{Subject: s, Name: e.Name})
		}
	}
	return out, nil
}
