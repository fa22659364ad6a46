// Package preview shows what applying definitions would do to the numbers:
// for every KPI a change creates, changes or removes, and every formula KPI
// that depends on one, its value before and after, for the company (the
// root units) and its departments (their children), per month.
//
// Definitions, Affected, Subjects, Months and Pair are plain functions;
// Service only gathers their inputs and asks an Engine for the values.
package preview

import (
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"attain/calc/formula"
	"attain/kpi"
)

// DefaultMonths is how many months, up to the current one, a preview covers
// when no range is given.
const DefaultMonths = 3

// Row is one KPI's value for one subject and period, before and after the
// change. Before and After are nil when there is no value: a null value, or
// a KPI that does not exist on that side (created or removed). Delta is
// After − Before, nil unless both are set.
type Row struct {
	KPI     string           `json:"kpi"`
	Subject kpi.Subject      `json:"subject"`
	Period  kpi.Period       `json:"period"`
	Before  *decimal.Decimal `json:"before"`
	After   *decimal.Decimal `json:"after"`
	Delta   *decimal.Decimal `json:"delta"`
	Changed bool             `json:"changed"`
}

// Pair pairs before and after values by KPI, subject and period: in the
// order of after, then the values only before has (removed KPIs) in its
// order.
func Pair(before, after []kpi.KPIValue) []Row {
	type key struct {
		kpi     string
		subject kpi.Subject
		period  kpi.Period
	}
	val := func(v kpi.KPIValue) *decimal.Decimal {
		if v.Null {
			return nil
		}
		d := v.Value
		return &d
	}
	rows := make([]Row, 0, max(len(before), len(after)))
	index := make(map[key]int, len(after))
	for _, v := range after {
		k := key{v.KPI, v.Subject, v.Period}
		if _, dup := index[k]; dup {
			continue
		}
		index[k] = len(rows)
		rows = append(rows, Row{KPI: v.KPI, Subject: v.Subject, Period: v.Period, After: val(v)})
	}
	for _, v := range before {
		k := key{v.KPI, v.Subject, v.Period}
		i, ok := index[k]
		if !ok {
			i = len(rows)
			index[k] = i
			rows = append(rows, Row{KPI: v.KPI, Subject: v.Subject, Period: v.Period})
		}
		rows[i].Before = val(v)
	}
	for i := range rows {
		r := &rows[i]
		switch {
		case r.Before != nil && r.After != nil:
			d := r.After.Sub(*r.Before)
			r.Delta = &d
			r.Changed = !d.IsZero()
		default:
			r.Changed = (r.Before == nil) != (r.After == nil)
		}
	}
	return rows
}

// Changed returns the rows whose value changes.
func Changed(rows []Row) []Row {
	var out []Row
	for _, r := range rows {
		if r.Changed {
			out = append(out, r)
		}
	}
	return out
}

// Definitions returns the definitions next as the store would hold them
// after applying them over stored with changes (what a dry run of
// kpi.DefinitionService.ApplyDefinitions returns): next with stored's
// revisions and, with effective set, each updated or deleted KPI's stored
// definition as a revision in effect until the day before effective
// (unless its last revision already ends there: the stored definition was
// then never in effect).
func Definitions(stored, next *kpi.Definitions, changes []kpi.Change, effective *kpi.Date) *kpi.Definitions {
	out := *next
	out.Revisions = slices.Clone(stored.Revisions)
	if effective == nil {
		return &out
	}
	until := effective.AddDays(-1)
	last := map[string]kpi.Date{}
	for _, r := range stored.Revisions {
		if l, ok := last[r.KPI.Name]; !ok || r.Until > l {
			last[r.KPI.Name] = r.Until
		}
	}
	for _, c := range changes {
		if c.Kind != "kpi" || c.Action == "create" {
			continue
		}
		old := stored.KPI(c.Name)
		if old == nil {
			continue
		}
		if l, ok := last[c.Name]; ok && l == until {
			continue
		}
		out.Revisions = append(out.Revisions, &kpi.KPIRevision{KPI: old, Until: until})
	}
	return &out
}

// Affected returns the KPIs whose values a change may move: those changes
// creates, updates or deletes, and the formula KPIs of stored or next that
// depend on one of them, directly or through other formulas. KPIs of next
// come first in its order, then removed ones in stored's order.
func Affected(stored, next *kpi.Definitions, changes []kpi.Change) []string {
	hit := map[string]bool{}
	for _, c := range changes {
		if c.Kind == "kpi" {
			hit[c.Name] = true
		}
	}
	if len(hit) == 0 {
		return nil
	}
	// refs: formula KPI → the KPIs it names, in either set.
	refs := map[string][]string{}
	for _, defs := range []*kpi.Definitions{stored, next} {
		isKPI := func(name string) bool { return defs.KPI(name) != nil }
		for _, k := range defs.KPIs {
			if !k.IsFormula() {
				continue
			}
			f, err := formula.CompileFormula(k.Formula, isKPI)
			if err != nil {
				continue // broken: validation reports it
			}
			refs[k.Name] = append(refs[k.Name], f.Refs()...)
		}
	}
	for grew := true; grew; {
		grew = false
		for name, rs := range refs {
			if hit[name] {
				continue
			}
			if slices.ContainsFunc(rs, func(r string) bool { return hit[r] }) {
				hit[name], grew = true, true
			}
		}
	}
	var names []string
	for _, defs := range []*kpi.Definitions{next, stored} {
		for _, k := range defs.KPIs {
			if hit[k.Name] && !slices.Contains(names, k.Name) {
				names = append(names, k.Name)
			}
		}
	}
	return names
}

// Subjects returns the company and its departments: every root unit, each
// followed by its children, in the order of units.
func Subjects(units []*kpi.OrgUnit) []kpi.Subject {
	var out []kpi.Subject
	for _, root := range units {
		if root.ParentID != "" {
			continue
		}
		out = append(out, kpi.Subject{Kind: kpi.SubjectUnit, ID: root.ID})
		for _, u := range units {
			if u.ParentID == root.ID {
				out = append(out, kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID})
			}
		}
	}
	return out
}

// Months returns the monthly query range of a preview: from..to when given
// (either may be nil), by default the DefaultMonths months up to today.
func Months(today kpi.Date, from, to *kpi.Date) (kpi.Date, kpi.Date, error) {
	end := today
	if to != nil {
		end = *to
	}
	start := kpi.PeriodOf(kpi.Month, end).From
	for range DefaultMonths - 1 {
		start = kpi.PeriodOf(kpi.Month, start.AddDays(-1)).From
	}
	if from != nil {
		start = *from
	}
	if end < start {
		return 0, 0, kpi.Errorf(kpi.EINVALID, "The preview ends (%s) before it starts (%s).", end, start)
	}
	return start, end, nil
}

// Engine is what a preview asks for values: Values as they are now,
// Preview as they would be under other definitions (engine.Engine).
type Engine interface {
	Values(ctx context.Context, q kpi.ValueQuery) ([]kpi.KPIValue, error)
	Preview(ctx context.Context, defs *kpi.Definitions, q kpi.ValueQuery) ([]kpi.KPIValue, error)
}

// Service previews a change of the context workspace's definitions. Every
// field must be set but Now, which defaults to time.Now.
type Service struct {
	Workspaces  kpi.WorkspaceService
	Org         kpi.OrgService
	Definitions kpi.DefinitionService
	Values      Engine
	Now         func() time.Time
}

// Options say which months a preview covers and from when the change is
// effective. From and To are days (the months that touch them are shown
// whole); nil: the DefaultMonths months up to today in the workspace's
// time zone.
type Options struct {
	From, To  *kpi.Date
	Effective *kpi.Date
}

// Rows returns the before/after rows of every affected KPI, subject and
// month (changed or not; see Changed) if next were applied: changes is what
// a dry run of ApplyDefinitions(next) returned.
func (s *Service) Rows(ctx context.Context, next *kpi.Definitions, changes []kpi.Change, opt Options) ([]Row, error) {
	stored, err := s.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	names := Affected(stored, next, changes)
	if len(names) == 0 {
		return nil, nil
	}
	units, err := s.Org.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	subjects := Subjects(units)
	if len(subjects) == 0 {
		return nil, nil
	}
	today, err := s.today(ctx)
	if err != nil {
		return nil, err
	}
	from, to, err := Months(today, opt.From, opt.To)
	if err != nil {
		return nil, err
	}
	q := kpi.ValueQuery{Subjects: subjects, Grain: kpi.Month, From: from, To: to}

	before, err := s.before(ctx, q, existing(stored, names))
	if err != nil {
		return nil, err
	}
	var after []kpi.KPIValue
	if q.KPIs = existing(next, names); len(q.KPIs) > 0 {
		if after, err = s.Values.Preview(ctx, Definitions(stored, next, changes, opt.Effective), q); err != nil {
			return nil, err
		}
	}
	return Pair(before, after), nil
}

// before reads the current values of names. A KPI that cannot be computed
// now (the change may be its fix) has no values before.
func (s *Service) before(ctx context.Context, q kpi.ValueQuery, names []string) ([]kpi.KPIValue, error) {
	if len(names) == 0 {
		return nil, nil
	}
	q.KPIs = names
	vals, err := s.Values.Values(ctx, q)
	if kpi.ErrorCode(err) != kpi.EINVALID {
		return vals, err
	}
	vals = nil
	for _, name := range names {
		q.KPIs = []string{name}
		vs, err := s.Values.Values(ctx, q)
		if kpi.ErrorCode(err) == kpi.EINVALID {
			continue
		} else if err != nil {
			return nil, err
		}
		vals = append(vals, vs...)
	}
	return vals, nil
}

func (s *Service) today(ctx context.Context) (kpi.Date, error) {
	loc, err := kpi.WorkspaceLocation(ctx, s.Workspaces)
	if err != nil {
		return 0, err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return kpi.DateOf(now(), loc), nil
}

// existing returns the names defs defines.
func existing(defs *kpi.Definitions, names []string) []string {
	var out []string
	for _, n := range names {
		if defs.KPI(n) != nil {
			out = append(out, n)
		}
	}
	return out
}
