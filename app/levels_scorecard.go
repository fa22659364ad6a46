package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// ScorecardLevelRequest is a unit head setting the scorecard of their unit
// or one of their people, from a period onward: which optional KPIs apply,
// the weights of the items and their threshold and stretch levels.
type ScorecardLevelRequest struct {
	// Scorecard names the template; "" is the subject's own (an
	// employee's position's, or the one most of a unit's people hold).
	Scorecard string `json:"scorecard,omitempty"`
	Employee  string `json:"employee,omitempty"`
	Unit      string `json:"unit,omitempty"`
	// From is the first period the change applies to (2027-01); it holds
	// from that period's first day onward, until a later change.
	From   string       `json:"from"`
	Items  []ItemChange `json:"items"`
	Reason string       `json:"reason"`
	// DryRun only says what would happen and what it does to the scores.
	DryRun bool `json:"dry_run,omitempty"`
}

// ItemChange changes one item of a scorecard; a field left out stays as
// it is in effect.
type ItemChange struct {
	KPI       string           `json:"kpi"`
	On        *bool            `json:"on,omitempty"`
	Weight    *decimal.Decimal `json:"weight,omitempty"`
	Threshold *decimal.Decimal `json:"threshold,omitempty"`
	Stretch   *decimal.Decimal `json:"stretch,omitempty"`
}

// ScorecardLevelResult is a scorecard change as judged, and (for a dry
// run) its effect on the scores of the period it starts in.
type ScorecardLevelResult struct {
	Change *kpi.LevelChange `json:"change"`
	Effect []ScoreEffect    `json:"effect,omitempty"`
}

// ScoreEffect is a subject's total score before and after a change, in
// the period it starts in, with the change's items counted so far.
type ScoreEffect struct {
	Subject    kpi.Subject      `json:"subject"`
	Name       string           `json:"name"`
	Before     *decimal.Decimal `json:"before"` // nil: no item could be scored
	After      *decimal.Decimal `json:"after"`
	Difference *decimal.Decimal `json:"difference,omitempty"`
}

// SetScorecardLevels is a unit head's change of the scorecard of their
// own unit, a unit below it or one of their people (levels:write, like a
// target), from a period onward. The change is made on the scorecard in
// effect for the subject then (its own earlier change, else its unit's,
// else the company's template) and judged whole against the guardrails:
//
//   - the weights of the items switched on must add up to exactly 100, and
//     the levels must stay ordered (else EINVALID, naming each item);
//   - a mandatory KPI switched off, or weighted below its min_weight, is
//     refused, as is a threshold or stretch easier than the floor;
//   - a weight outside the KPI's min_weight..max_weight (or any new weight
//     where the company set no range), and a threshold or stretch moved by
//     more than max_change % from the template's, waits for the next level
//     up (DecideLevel); switching a KPI that is not mandatory on or off
//     does not;
//   - a change applies from the first day of From onward, never into a
//     locked period, so the periods before keep their scoring.
//
// An admin's change applies as asked (still checked for sums and order).
// A dry run says what would happen and the scores before and after, for
// the subject and (for a unit) the people in it on that template.
func (a *App) SetScorecardLevels(ctx context.Context, who kpi.Actor, r ScorecardLevelRequest) (*ScorecardLevelResult, error) {
	subj, err := oneSubject(r.Employee, r.Unit)
	if err != nil {
		return nil, err
	}
	if r.From == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "from: give the first period the change applies to, e.g. 2027-01.")
	}
	p, err := kpi.ParsePeriod(r.From)
	if err != nil {
		return nil, kpi.Errorf(kpi.EINVALID, "from: %s", strings.TrimSuffix(err.Error(), "."))
	}
	if ctx, err = a.begin(ctx, who, WriteLevels, onSubject(subj, p)); err != nil {
		return nil, err
	}
	if len(r.Reason) > 500 {
		return nil, kpi.Errorf(kpi.EINVALID, "reason: at most 500 characters.")
	}
	if len(r.Items) == 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "items: say which items change.")
	}
	c, refused, err := a.judgeScorecard(ctx, who, subj, p, r)
	if err != nil {
		return nil, err
	}
	res := &ScorecardLevelResult{Change: c}
	if r.DryRun {
		if res.Effect, err = a.scoreEffect(ctx, subj, p, c); err != nil {
			return nil, err
		}
		return res, nil
	}
	if c.Status == kpi.LevelRejected {
		return nil, &kpi.Error{Code: kpi.EINVALID, Message: c.Why + " Ask the next level up to change the company's template or guardrails.", Details: refused}
	}
	if err := a.svc.Strategy.CreateLevelChange(ctx, c); err != nil {
		return nil, err
	}
	return res, nil
}

// judgeScorecard builds the scorecard change r asks for and decides it
// against the guardrails, with each refusal by item and field
// ("items[won_value].weight"); nothing is stored.
func (a *App) judgeScorecard(ctx context.Context, who kpi.Actor, subj kpi.Subject, p kpi.Period, r ScorecardLevelRequest) (*kpi.LevelChange, []kpi.Problem, error) {
	if err := a.lockedSince(ctx, p.From); err != nil {
		return nil, nil, err
	}
	base, _, by, err := a.review.Template(ctx, subj, r.Scorecard, p.From)
	if err != nil {
		return nil, nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, nil, err
	}
	levels := base.Levels()
	if by != nil {
		levels = append([]kpi.ItemLevels(nil), by.Items...)
	}
	index := make(map[string]int, len(levels))
	for i, l := range levels {
		index[l.KPI] = i
	}
	var probs []kpi.Problem
	bad := func(i int, field, value, format string, args ...any) {
		probs = append(probs, kpi.Problem{Column: fmt.Sprintf("items[%d].%s", i, field), Value: value, Reason: fmt.Sprintf(format, args...)})
	}
	var changed []string
	for i, ch := range r.Items {
		j, ok := index[ch.KPI]
		if !ok {
			bad(i, "kpi", ch.KPI, "not an item of the scorecard %s", base.Name)
			continue
		}
		l := &levels[j]
		if ch.On != nil && *ch.On == l.Off {
			l.Off = !*ch.On
			changed = append(changed, fmt.Sprintf("%s %s", l.KPI, map[bool]string{true: "off", false: "on"}[l.Off]))
		}
		set := func(what string, to *decimal.Decimal, at *decimal.Decimal) {
			if to == nil || to.Equal(*at) {
				return
			}
			changed = append(changed, fmt.Sprintf("%s %s %s → %s", l.KPI, what, at, to))
			*at = *to
		}
		set("weight", ch.Weight, &l.Weight)
		set("threshold", ch.Threshold, &l.Threshold)
		set("stretch", ch.Stretch, &l.Stretch)
	}
	if len(probs) > 0 {
		return nil, nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("The scorecard change is invalid: %s", probs[0]), Details: probs}
	}
	if len(changed) == 0 {
		return nil, nil, kpi.Errorf(kpi.EINVALID, "items: nothing changes; the scorecard in effect from %s already says so.", p.From)
	}
	next := base.WithLevels(levels)
	if len(next.Items) == 0 {
		return nil, nil, kpi.Errorf(kpi.EINVALID, "items: at least one item must stay on.")
	}
	if err := next.Validate(defs); err != nil {
		var ke *kpi.Error
		if errors.As(err, &ke) {
			msg := "The scorecard would be invalid"
			for k := range ke.Details { // items[2].weight → items[won_value].weight
				if n, rest, ok := strings.Cut(strings.TrimPrefix(ke.Details[k].Column, "items["), "]"); ok {
					if j, err := strconv.Atoi(n); err == nil && j < len(next.Items) {
						ke.Details[k].Column = "items[" + next.Items[j].KPI + "]" + rest
					}
				}
			}
			if len(ke.Details) > 0 {
				msg += ": " + ke.Details[0].String()
			}
			return nil, nil, &kpi.Error{Code: kpi.EINVALID, Message: msg, Details: ke.Details}
		}
		return nil, nil, err
	}
	c := &kpi.LevelChange{Scorecard: base.Name, Subject: subj, Period: p, Items: levels, Changed: changed, Reason: r.Reason, Status: kpi.LevelApplied}
	if isAdmin(who) {
		c.Why = "set by an admin"
		return c, nil, nil
	}
	gs, err := a.svc.Strategy.FindGuardrails(ctx)
	if err != nil {
		return nil, nil, err
	}
	var refused []kpi.Problem
	var waiting []string
	refuse := func(kpiName, field, value, format string, args ...any) {
		refused = append(refused, kpi.Problem{Column: "items[" + kpiName + "]." + field, Value: value, Reason: fmt.Sprintf(format, args...)})
	}
	for _, it := range base.Items {
		l := levels[index[it.KPI]]
		g := guardrail(gs, it.KPI)
		var own *kpi.Guardrail // the KPI's own row: its weight range and whether it is mandatory
		for i := range gs {
			if gs[i].KPI == it.KPI {
				own = &gs[i]
			}
		}
		mandatory := own != nil && own.Mandatory
		if l.Off {
			if mandatory {
				refuse(it.KPI, "on", "false", "%s is mandatory: a head may not switch it off.", it.KPI)
			}
			continue
		}
		if !l.Weight.Equal(it.Weight) {
			switch {
			case mandatory && own.MinWeight != nil && l.Weight.LessThan(*own.MinWeight):
				refuse(it.KPI, "weight", l.Weight.String(), "%s is mandatory and may not weigh less than %s %%.", it.KPI, own.MinWeight)
			case own == nil || (own.MinWeight == nil && own.MaxWeight == nil):
				waiting = append(waiting, fmt.Sprintf("The company set no weight range for %s, so its weight %s %% (the template's %s %%) waits for the next level up.", it.KPI, l.Weight, it.Weight))
			case own.MinWeight != nil && l.Weight.LessThan(*own.MinWeight), own.MaxWeight != nil && l.Weight.GreaterThan(*own.MaxWeight):
				waiting = append(waiting, fmt.Sprintf("The weight %s %% of %s is outside its range %s; it waits for the next level up.", l.Weight, it.KPI, own.WeightRange()))
			}
		}
		dir := kpi.HigherIsBetter
		if k := defs.KPI(it.KPI); k != nil {
			dir = k.Direction
		}
		for _, lv := range []struct {
			what     string
			base, to decimal.Decimal
		}{{"threshold", it.Threshold, l.Threshold}, {"stretch", it.Stretch, l.Stretch}} {
			if lv.to.Equal(lv.base) {
				continue
			}
			b := lv.base
			status, why := judge(g, dir, &b, lv.to)
			switch status {
			case kpi.LevelRejected:
				refuse(it.KPI, lv.what, lv.to.String(), "%s %s: %s", it.KPI, lv.what, why)
			case kpi.LevelPending:
				waiting = append(waiting, fmt.Sprintf("%s %s: %s", it.KPI, lv.what, why))
			}
		}
	}
	switch {
	case len(refused) > 0:
		why := make([]string, len(refused))
		for i, p := range refused {
			why[i] = p.Reason
		}
		c.Status, c.Why = kpi.LevelRejected, strings.Join(why, " ")
	case len(waiting) > 0:
		c.Status, c.Why = kpi.LevelPending, strings.Join(waiting, " ")
	default:
		c.Why = "Inside the guardrails: " + strings.Join(changed, ", ") + "."
	}
	return c, refused, nil
}

// lockedSince refuses a scorecard change from day on when a period
// ending on or after day is locked: locked periods keep their scoring.
func (a *App) lockedSince(ctx context.Context, day kpi.Date) error {
	locks, err := a.svc.Targets.FindPeriodLocks(ctx)
	if err != nil {
		return err
	}
	for _, l := range locks {
		if l.Period.To >= day {
			return kpi.Errorf(kpi.ECONFLICT, "from: %s is locked (by %s), so a scorecard change can only apply from after %s; locked periods keep their scoring.",
				l.Period.Label(), l.LockedBy, l.Period.To)
		}
	}
	return nil
}

// scoreEffect scores the subject of c, and for a unit the people in it
// whose scorecard it is, in c's first period before and after c.
func (a *App) scoreEffect(ctx context.Context, subj kpi.Subject, p kpi.Period, c *kpi.LevelChange) ([]ScoreEffect, error) {
	ws, err := kpi.WorkspaceIDFromContext(ctx)
	if err != nil {
		return nil, err
	}
	org, err := a.org(ctx, ws)
	if err != nil {
		return nil, err
	}
	type who struct {
		s    kpi.Subject
		name string
	}
	list := []who{{subj, subj.ID}}
	if subj.Kind == kpi.SubjectUnit {
		for _, u := range org.Units {
			if u.ID == subj.ID {
				list[0].name = u.Name
			}
		}
		below := map[string]bool{subj.ID: true}
		for grew := true; grew; {
			grew = false
			for _, u := range org.Units {
				if !below[u.ID] && below[u.ParentID] {
					below[u.ID], grew = true, true
				}
			}
		}
		for _, e := range org.Employees {
			if below[unitOn(org, e, p.From)] && (e.LeftOn == nil || *e.LeftOn >= p.From) {
				list = append(list, who{kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}, e.Name})
			}
		}
	} else {
		for _, e := range org.Employees {
			if e.ID == subj.ID {
				list[0].name = e.Name
			}
		}
	}
	var out []ScoreEffect
	for i, w := range list {
		name := c.Scorecard
		if i > 0 {
			name = "" // a person's own; skipped unless it is c's template
		}
		before, err := a.review.Scorecard(ctx, w.s, p, name)
		if err != nil {
			if i == 0 {
				return nil, err
			}
			continue
		}
		if before.Template != c.Scorecard {
			continue
		}
		after, err := a.review.ScorecardIf(ctx, w.s, p, name, c)
		if err != nil {
			return nil, err
		}
		ef := ScoreEffect{Subject: w.s, Name: w.name}
		if !before.TotalNull {
			t := before.Total
			ef.Before = &t
		}
		if !after.TotalNull {
			t := after.Total
			ef.After = &t
		}
		if ef.Before != nil && ef.After != nil {
			d := ef.After.Sub(*ef.Before)
			ef.Difference = &d
		}
		out = append(out, ef)
	}
	return out, nil
}

// ScorecardLevels is the scorecard of a subject in effect in a period:
// the company's template, the items as they are scored for the subject,
// and the unit head's change they come from (nil for none).
type ScorecardLevels struct {
	Subject   kpi.Subject              `json:"subject"`
	Period    kpi.Period               `json:"period"`
	Template  *kpi.ScorecardTemplate   `json:"template"`
	Items     []kpi.ItemLevels         `json:"items"`
	Change    *kpi.LevelChange         `json:"change,omitempty"`
	History   []*kpi.LevelChange       `json:"history"`
	Guardrail map[string]kpi.Guardrail `json:"guardrails"`
}

// ScorecardLevelsOf returns the scorecard in effect for subj (an employee
// or unit id) in period, and every scorecard change of the subject (what
// applied when), for whoever may read its targets.
func (a *App) ScorecardLevelsOf(ctx context.Context, who kpi.Actor, employee, unit, period, scorecard string) (*ScorecardLevels, error) {
	subj, err := oneSubject(employee, unit)
	if err != nil {
		return nil, err
	}
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadTargets, onSubject(subj, p)); err != nil {
		return nil, err
	}
	base, _, by, err := a.review.Template(ctx, subj, scorecard, p.From)
	if err != nil {
		return nil, err
	}
	out := &ScorecardLevels{Subject: subj, Period: p, Template: base, Items: base.Levels(), Change: by, History: []*kpi.LevelChange{}, Guardrail: map[string]kpi.Guardrail{}}
	if by != nil {
		out.Items = by.Items
	}
	cs, err := a.svc.Strategy.FindLevelChanges(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.Scorecard == base.Name && c.Subject == subj {
			out.History = append(out.History, c)
		}
	}
	gs, err := a.svc.Strategy.FindGuardrails(ctx)
	if err != nil {
		return nil, err
	}
	for _, it := range base.Items {
		out.Guardrail[it.KPI] = guardrail(gs, it.KPI)
	}
	return out, nil
}
