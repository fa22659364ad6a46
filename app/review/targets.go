package review

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

// Proposal methods.
const (
	MethodAverage  = "average"   // average of the last N periods × growth
	MethodMedian   = "median"    // median of the last N periods × growth
	MethodLastYear = "last_year" // the same period last year × growth
	MethodSplit    = "split"     // a unit's total split by its members' share of the last N periods
	MethodEven     = "even"      // a unit's total split evenly
	MethodSum      = "sum"       // bottom-up: each unit's target is the sum of its members'
)

// ProposeRequest asks for target proposals for one KPI and period.
type ProposeRequest struct {
	KPI    string
	Period kpi.Period
	Method string
	// Subjects get proposals from their own history (average, median,
	// last_year); empty means every employee.
	Subjects []kpi.Subject
	// Unit's total is split among its child units and its own employees
	// (split, even); Total defaults to the unit's target for the period.
	// For sum, Unit is the top of the units summed ("" for all).
	Unit  string
	Total *decimal.Decimal
	// N periods of history (default 3); Growth factor (default 1); Places
	// the proposals are rounded to (nil: 2; 0 gives whole deals).
	N      int
	Growth decimal.Decimal
	Places *int32
}

// Propose previews targets; nothing is saved.
func (s *Service) Propose(ctx context.Context, req ProposeRequest) ([]score.Proposal, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	k := e.defs.KPI(req.KPI)
	if k == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "KPI %q not found.", req.KPI)
	}
	if req.N == 0 {
		req.N = 3
	}
	if req.Growth.IsZero() {
		req.Growth = decimal.NewFromInt(1)
	}
	places := int32(score.DefaultPlaces)
	if req.Places != nil {
		places = *req.Places
	}
	if places < 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "Places %d: want 0 or more decimal places.", places)
	}
	switch req.Method {
	case MethodAverage, MethodMedian, MethodLastYear:
		subjects := req.Subjects
		if len(subjects) == 0 {
			for _, emp := range e.org.Employees {
				subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectEmployee, ID: emp.ID})
			}
		}
		series, err := s.series(ctx, req, subjects)
		if err != nil {
			return nil, err
		}
		out := make([]score.Proposal, 0, len(series))
		for _, sr := range series {
			var p score.Proposal
			if req.Method == MethodLastYear {
				p, err = score.ProposeLastYear(sr, req.Period, req.Growth, places)
			} else {
				p, err = score.ProposeRecent(sr, req.Period, req.N, score.Method(req.Method), req.Growth, places)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	case MethodSplit, MethodEven:
		if req.Unit == "" {
			return nil, kpi.Errorf(kpi.EINVALID, "Name the unit whose target is split.")
		}
		if !score.Additive(k) {
			return nil, kpi.Errorf(kpi.EINVALID, "%s is not a count or a sum: a unit's %s is not the sum of its members', so it cannot be split.", k.Name, k.Title)
		}
		total, err := s.unitTotal(ctx, req)
		if err != nil {
			return nil, err
		}
		members := e.children(req.Unit)
		if len(members) == 0 {
			return nil, kpi.Errorf(kpi.EINVALID, "Unit %q has no child units or employees to split among.", req.Unit)
		}
		if req.Method == MethodEven {
			return score.ProposeEven(k.Name, total, req.Period, members, places)
		}
		series, err := s.series(ctx, req, members)
		if err != nil {
			return nil, err
		}
		return score.ProposeSplit(total, req.Period, series, req.N, places)
	case MethodSum:
		if !score.Additive(k) {
			return nil, kpi.Errorf(kpi.EINVALID, "%s is not a count or a sum: a unit's %s is not the sum of its members'.", k.Name, k.Title)
		}
		return s.sumUp(ctx, e, req)
	}
	return nil, kpi.Errorf(kpi.EINVALID, "Unknown method %q: want average, median, last_year, split, even or sum.", req.Method)
}

// sumUp proposes, bottom-up, each unit's target as the sum of its child
// units' and employees' targets: employees' as they are set, a child
// unit's as proposed here (so a department adds up its teams' sums). A
// unit none of whose members has a target gets no proposal.
func (s *Service) sumUp(ctx context.Context, e *env, req ProposeRequest) ([]score.Proposal, error) {
	ts, err := s.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: []string{req.KPI}, Grain: req.Period.Grain, From: req.Period.From, To: req.Period.To})
	if err != nil {
		return nil, err
	}
	set := map[kpi.Subject]decimal.Decimal{}
	for _, t := range ts {
		if samePeriod(t.Period, req.Period) && t.Subject.Kind == kpi.SubjectEmployee {
			set[t.Subject] = t.Value
		}
	}
	var out []score.Proposal
	var sum func(n *score.Node) (decimal.Decimal, bool)
	sum = func(n *score.Node) (decimal.Decimal, bool) {
		if n.Subject.Kind == kpi.SubjectEmployee {
			v, ok := set[n.Subject]
			return v, ok
		}
		var total decimal.Decimal
		with, without := 0, 0
		for _, c := range n.Children {
			if v, ok := sum(c); ok {
				total = total.Add(v)
				with++
			} else {
				without++
			}
		}
		p := score.Proposal{KPI: req.KPI, Subject: n.Subject, Period: req.Period, Value: total, Method: MethodSum}
		switch {
		case with == 0:
			p.Null = true
			p.Explanation = "no member has a target"
		case without == 0 && with == 1:
			p.Explanation = fmt.Sprintf("the target of its only member = %s", total)
		case without == 0:
			p.Explanation = fmt.Sprintf("sum of its %d members' targets = %s", with, total)
		default:
			p.Explanation = fmt.Sprintf("sum of the %d of its %d members with a target = %s (%d have none)", with, with+without, total, without)
		}
		out = append(out, p)
		return total, with > 0
	}
	roots := score.Tree(&e.org)
	if req.Unit != "" {
		top := kpi.Subject{Kind: kpi.SubjectUnit, ID: req.Unit}
		var found *score.Node
		for _, r := range roots {
			if found = find(r, top); found != nil {
				break
			}
		}
		if found == nil {
			return nil, kpi.Errorf(kpi.ENOTFOUND, "Org unit %q not found.", req.Unit)
		}
		roots = []*score.Node{found}
	}
	for _, r := range roots {
		sum(r)
	}
	return out, nil
}

// unitTotal is the total a split shares: the one asked for, else the
// unit's own target.
func (s *Service) unitTotal(ctx context.Context, req ProposeRequest) (decimal.Decimal, error) {
	if req.Total != nil {
		return *req.Total, nil
	}
	unit := kpi.Subject{Kind: kpi.SubjectUnit, ID: req.Unit}
	ts, err := s.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: []string{req.KPI}, Subjects: []kpi.Subject{unit}, Grain: req.Period.Grain, From: req.Period.From, To: req.Period.To})
	if err != nil {
		return decimal.Decimal{}, err
	}
	for _, t := range ts {
		if samePeriod(t.Period, req.Period) {
			return t.Value, nil
		}
	}
	return decimal.Decimal{}, kpi.Errorf(kpi.EINVALID, "Unit %q has no %s target for %s: give the total to split.", req.Unit, req.KPI, req.Period.Label())
}

// series reads the history the proposals are made from: the N periods
// before the target period and the same period last year.
func (s *Service) series(ctx context.Context, req ProposeRequest, subjects []kpi.Subject) ([]score.Series, error) {
	from := req.Period
	for range req.N {
		from = score.Previous(from)
	}
	ly, _ := score.LastYear(req.Period)
	start := min(from.From, ly.From)
	vals, err := s.Values.Values(ctx, kpi.ValueQuery{KPIs: []string{req.KPI}, Subjects: subjects, Grain: req.Period.Grain, From: start, To: req.Period.From - 1})
	if err != nil {
		return nil, err
	}
	out := make([]score.Series, len(subjects))
	index := make(map[kpi.Subject]int, len(subjects))
	for i, subj := range subjects {
		out[i] = score.Series{KPI: req.KPI, Subject: subj}
		index[subj] = i
	}
	for _, v := range vals {
		if i, ok := index[v.Subject]; ok && v.Period.To < req.Period.From {
			out[i].Values = append(out[i].Values, v)
		}
	}
	for i := range out {
		out[i].Values = recorded(out[i])
	}
	return out, nil
}

// recorded leaves out of a series the periods that are not history: a
// count or a sum over no records is 0, not null, so without this a person
// hired last week, or a unit with no records yet, would be proposed a
// target of 0 from the months before anything was recorded. A subject's
// history starts at its first period computed from at least one record;
// after that, a period without records counts (0 deals won is a value).
func recorded(sr score.Series) []kpi.KPIValue {
	slices.SortFunc(sr.Values, func(a, b kpi.KPIValue) int { return cmp.Compare(a.Period.From, b.Period.From) })
	for i, v := range sr.Values {
		if v.Records > 0 {
			return sr.Values[i:]
		}
	}
	return nil
}

// children are a unit's child units and its own employees.
func (e *env) children(unitID string) []kpi.Subject {
	for _, root := range score.Tree(&e.org) {
		if n := find(root, kpi.Subject{Kind: kpi.SubjectUnit, ID: unitID}); n != nil {
			out := make([]kpi.Subject, len(n.Children))
			for i, c := range n.Children {
				out[i] = c.Subject
			}
			return out
		}
	}
	return nil
}

func find(n *score.Node, subj kpi.Subject) *score.Node {
	if n.Subject == subj {
		return n
	}
	for _, c := range n.Children {
		if f := find(c, subj); f != nil {
			return f
		}
	}
	return nil
}

// Cascade compares, for one KPI and period, every unit's target with the
// sum of its child units' and employees' targets. An employee is meant to
// carry a target of the KPI when they are employed in the period and the
// scorecard of their position in effect on its first day scores the KPI
// against their own target (basis plan); the others (a manager, the people
// of a department that does not sell) carry none by design.
func (s *Service) Cascade(ctx context.Context, name string, p kpi.Period) ([]score.Check, error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	k := e.defs.KPI(name)
	if k == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "KPI %q not found.", name)
	}
	if !score.Additive(k) {
		return nil, kpi.Errorf(kpi.EINVALID, "%s is not a count or a sum: targets of a unit and its members do not add up.", name)
	}
	ts, err := s.Targets.FindTargets(ctx, kpi.TargetFilter{KPIs: []string{name}, Grain: p.Grain, From: p.From, To: p.To})
	if err != nil {
		return nil, err
	}
	bySubject := map[kpi.Subject]decimal.Decimal{}
	for _, t := range ts {
		if samePeriod(t.Period, p) {
			bySubject[t.Subject] = t.Value
		}
	}
	carries := func(subj kpi.Subject) bool {
		emp := e.employee(subj.ID)
		if emp == nil || len(score.Active(p, emp.HiredOn, emp.LeftOn, nil)) == 0 {
			return false
		}
		t := e.defs.ScorecardOn(emp.Position, p.From)
		return t != nil && slices.ContainsFunc(t.Items, func(it kpi.ScorecardItem) bool { return it.KPI == name && it.Basis == kpi.LevelsPlan })
	}
	return score.Cascade(score.Tree(&e.org), bySubject, carries), nil
}

// CheckNames reports, all at once, KPIs, employees and units a filter names
// that the workspace does not have (ENOTFOUND): a list of targets of a
// misspelt KPI is an error, not an empty list.
func (s *Service) CheckNames(ctx context.Context, kpis []string, subjects []kpi.Subject) error {
	if len(kpis) == 0 && len(subjects) == 0 {
		return nil
	}
	e, err := s.env(ctx)
	if err != nil {
		return err
	}
	var unknown []string
	for _, name := range kpis {
		if e.defs.KPI(name) == nil {
			unknown = append(unknown, fmt.Sprintf("KPI %q", name))
		}
	}
	for _, subj := range subjects {
		switch {
		case subj.Kind == kpi.SubjectEmployee && e.employee(subj.ID) == nil:
			unknown = append(unknown, fmt.Sprintf("employee %q", subj.ID))
		case subj.Kind == kpi.SubjectUnit && !slices.ContainsFunc(e.org.Units, func(u *kpi.OrgUnit) bool { return u.ID == subj.ID }):
			unknown = append(unknown, fmt.Sprintf("org unit %q", subj.ID))
		}
	}
	if len(unknown) > 0 {
		return kpi.Errorf(kpi.ENOTFOUND, "No %s in the workspace.", strings.Join(unknown, ", no "))
	}
	return nil
}

// CheckTargets reports, all at once, targets naming a KPI, an employee or a
// unit the workspace does not have.
func (s *Service) CheckTargets(ctx context.Context, in []kpi.TargetInput) error {
	e, err := s.env(ctx)
	if err != nil {
		return err
	}
	units := map[string]bool{}
	for _, u := range e.org.Units {
		units[u.ID] = true
	}
	var probs []kpi.Problem
	for i, t := range in {
		where := fmt.Sprintf("target %d (%s, %s, %s)", i+1, t.KPI, t.Subject, t.Period.Label())
		if e.defs.KPI(t.KPI) == nil {
			probs = append(probs, kpi.Problem{Column: where, Reason: fmt.Sprintf("no KPI %q", t.KPI)})
		}
		switch t.Subject.Kind {
		case kpi.SubjectEmployee:
			if e.employee(t.Subject.ID) == nil {
				probs = append(probs, kpi.Problem{Column: where, Reason: fmt.Sprintf("no employee %q", t.Subject.ID)})
			}
		case kpi.SubjectUnit:
			if !units[t.Subject.ID] {
				probs = append(probs, kpi.Problem{Column: where, Reason: fmt.Sprintf("no org unit %q", t.Subject.ID)})
			}
		default:
			probs = append(probs, kpi.Problem{Column: where, Reason: "name an employee or a unit"})
		}
	}
	if len(probs) > 0 {
		return &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("%d target(s) name what is not there; nothing was saved.", len(probs)), Details: probs}
	}
	return nil
}
