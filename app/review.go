package app

import (
	"context"
	"fmt"
	"io"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/calc/score"
	"attain/ingest"
	"attain/kpi"
)

// Card is one subject's scorecard for one period (see package review).
type Card = review.Card

// Attention is who among a manager's people needs attention, and why.
type Attention = review.Attention

// ScorecardRequest asks for the scorecard of one employee or one unit in a
// period; Template picks a unit's template (default: the one most of its
// people have).
type ScorecardRequest struct {
	Employee, Unit string
	Period         string
	Template       string
}

func (r ScorecardRequest) read() (kpi.Subject, kpi.Period, error) {
	subj, err := oneSubject(r.Employee, r.Unit)
	if err != nil {
		return subj, kpi.Period{}, err
	}
	p, err := parsePeriod(r.Period)
	return subj, p, err
}

// Scorecard returns plan vs actual, score, pace and progress.
func (a *App) Scorecard(ctx context.Context, who kpi.Actor, r ScorecardRequest) (*Card, error) {
	subj, p, err := r.read()
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadValues, onSubject(subj, p)); err != nil {
		return nil, err
	}
	return a.review.Scorecard(ctx, subj, p, r.Template)
}

// ScorecardsXLSX is the workbook of a unit's scorecard and those of
// everyone in it, for the review meeting.
func (a *App) ScorecardsXLSX(ctx context.Context, who kpi.Actor, r ScorecardRequest) (*File, error) {
	subj, p, err := r.read()
	if err != nil {
		return nil, err
	}
	if subj.Kind != kpi.SubjectUnit {
		return nil, kpi.Errorf(kpi.EINVALID, "The workbook is of a unit: give a unit.")
	}
	if ctx, err = a.begin(ctx, who, ReadValues, onSubject(subj, p)); err != nil {
		return nil, err
	}
	cards, names, err := a.review.UnitCards(ctx, subj.ID, p, r.Template)
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("Scorecards of %s, %s", subj.ID, p.Label())
	return &File{
		Name: fmt.Sprintf("scorecards-%s-%s.xlsx", subj.ID, p.Label()), ContentType: ContentXLSX, Count: len(cards),
		write: func(w io.Writer) error { return review.WriteXLSX(w, title, cards, names) },
	}, nil
}

// Attention ranks a manager's direct reports by what their scorecards show.
func (a *App) Attention(ctx context.Context, who kpi.Actor, manager, period string) (*Attention, error) {
	if manager == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "Give the manager's employee id.")
	}
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadValues, onEmployee(manager, p)); err != nil {
		return nil, err
	}
	return a.review.Attention(ctx, manager, p)
}

// TargetQuery selects targets: by KPI, employee, unit, and periods
// overlapping Period.
type TargetQuery struct {
	KPIs, Employees, Units []string
	Period                 string
}

// filter reads the query and checks that who may see the targets it
// asks for; asking for everyone's is asking for those who may see.
func (a *App) targetFilter(ctx context.Context, who kpi.Actor, q TargetQuery) (context.Context, kpi.TargetFilter, error) {
	f := kpi.TargetFilter{KPIs: q.KPIs, Subjects: subjects(q.Employees, q.Units)}
	var p kpi.Period
	if q.Period != "" {
		var err error
		if p, err = kpi.ParsePeriod(q.Period); err != nil {
			return nil, f, err
		}
		f.From, f.To = p.From, p.To
	}
	if len(f.Subjects) == 0 {
		vis, err := a.visibility(ctx, who, ReadTargets, p)
		if err != nil {
			return nil, f, err
		}
		if !vis.all {
			if f.Subjects = vis.subjects(); len(f.Subjects) == 0 {
				return nil, f, forbidden(ReadTargets)
			}
		}
	}
	ctx, err := a.begin(ctx, who, ReadTargets, on{subjects: f.Subjects, period: p})
	if err != nil {
		return nil, f, err
	}
	return ctx, f, a.review.CheckNames(ctx, f.KPIs, subjects(q.Employees, q.Units))
}

// Targets lists targets.
func (a *App) Targets(ctx context.Context, who kpi.Actor, q TargetQuery) ([]*kpi.Target, error) {
	ctx, f, err := a.targetFilter(ctx, who, q)
	if err != nil {
		return nil, err
	}
	ts, err := a.svc.Targets.FindTargets(ctx, f)
	return nonNil(ts), err
}

// TargetHistory lists every change of the targets q selects: who, when,
// old, new, why.
func (a *App) TargetHistory(ctx context.Context, who kpi.Actor, q TargetQuery) ([]*kpi.TargetChange, error) {
	ctx, f, err := a.targetFilter(ctx, who, q)
	if err != nil {
		return nil, err
	}
	hist, err := a.svc.Targets.TargetHistory(ctx, f)
	return nonNil(hist), err
}

// SetTargets sets targets (a nil value deletes one), all or nothing, after
// checking that every KPI, employee and unit they name exists; a locked
// period refuses them all. It returns the targets stored now; a unit head's
// changes that wait for approval are not among them (see ChangeTargets).
func (a *App) SetTargets(ctx context.Context, who kpi.Actor, in []kpi.TargetInput, reason string) ([]*kpi.Target, error) {
	res, err := a.ChangeTargets(ctx, who, in, reason)
	if err != nil {
		return nil, err
	}
	return res.Targets, nil
}

// TargetsChanged is what a change of targets did: the targets stored now
// and, when a unit head (not an admin) made it, each change as the
// guardrails judged it: applied or waiting for the next level up.
type TargetsChanged struct {
	Targets []*kpi.Target      `json:"targets"`
	Levels  []*kpi.LevelChange `json:"level_changes"`
}

// Pending counts the changes that wait for approval.
func (r *TargetsChanged) Pending() int {
	n := 0
	for _, c := range r.Levels {
		if c.Status == kpi.LevelPending {
			n++
		}
	}
	return n
}

// ChangeTargets is SetTargets saying what it did. An admin's targets are
// set as asked; a unit head's go through the guardrails like SetLevel's
// (judgeLevels): inside them applied, above them waiting for the next
// level up, below the floor refused (then none is changed), and each kept
// as a level change.
func (a *App) ChangeTargets(ctx context.Context, who kpi.Actor, in []kpi.TargetInput, reason string) (*TargetsChanged, error) {
	if len(in) == 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "Give at least one target.")
	}
	for _, t := range in {
		if err := a.authorize(ctx, who, WriteTargets, onSubject(t.Subject, t.Period)); err != nil {
			return nil, err
		}
	}
	ctx, err := a.begin(ctx, who, WriteTargets, onSubject(in[0].Subject, in[0].Period))
	if err != nil {
		return nil, err
	}
	if isAdmin(who) {
		ts, err := a.setTargets(ctx, in, reason)
		if err != nil {
			return nil, err
		}
		return &TargetsChanged{Targets: ts, Levels: []*kpi.LevelChange{}}, nil
	}
	cs, err := a.judgeLevels(ctx, who, in, reason)
	if err != nil {
		return nil, err
	}
	ts, err := a.applyLevels(ctx, who, cs, reason)
	if err != nil {
		return nil, err
	}
	return &TargetsChanged{Targets: ts, Levels: cs}, nil
}

func (a *App) setTargets(ctx context.Context, in []kpi.TargetInput, reason string) ([]*kpi.Target, error) {
	if err := a.review.CheckTargets(ctx, in); err != nil {
		return nil, err
	}
	ts, err := a.svc.Targets.SetTargets(ctx, in, reason)
	return nonNil(ts), err
}

// ProposeRequest asks for targets proposed from history (see
// review.ProposeRequest for the methods); with Apply they are saved.
type ProposeRequest struct {
	KPI       string
	Period    string
	Method    string
	Employees []string // average, median, last_year: only these (default everyone)
	Unit      string
	Total     *decimal.Decimal
	N         int
	Growth    *decimal.Decimal // nil: 1
	Places    *int32           // nil: 2
	Apply     bool
	Reason    string
}

// Proposals are targets proposed from history, each saying how it was
// made, and, when applied, how many were stored.
type Proposals struct {
	Proposals []score.Proposal `json:"proposals"`
	Stored    int              `json:"stored"`
	// Levels: a unit head's applied proposals as the guardrails judged
	// them (see ChangeTargets).
	Levels []*kpi.LevelChange `json:"level_changes,omitempty"`
}

// ProposeTargets proposes targets from history; nothing is saved unless
// r.Apply.
func (a *App) ProposeTargets(ctx context.Context, who kpi.Actor, r ProposeRequest) (*Proposals, error) {
	p, err := parsePeriod(r.Period)
	if err != nil {
		return nil, err
	}
	req := review.ProposeRequest{KPI: r.KPI, Period: p, Method: r.Method, Subjects: subjects(r.Employees, nil),
		Unit: r.Unit, Total: r.Total, N: r.N, Growth: decimal.NewFromInt(1), Places: r.Places}
	if r.Growth != nil {
		req.Growth = *r.Growth
	}
	target := on{subjects: req.Subjects, period: p}
	if r.Unit != "" {
		target.subjects = append(target.subjects, kpi.Subject{Kind: kpi.SubjectUnit, ID: r.Unit})
	}
	if ctx, err = a.begin(ctx, who, ReadTargets, target); err != nil {
		return nil, err
	}
	props, err := a.review.Propose(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &Proposals{Proposals: nonNil(props)}
	if !r.Apply {
		return out, nil
	}
	var in []kpi.TargetInput
	for _, pr := range props {
		if !pr.Null {
			v := pr.Value
			in = append(in, kpi.TargetInput{KPI: pr.KPI, Subject: pr.Subject, Period: pr.Period, Value: &v})
		}
		if err := a.authorize(ctx, who, WriteTargets, onSubject(pr.Subject, pr.Period)); err != nil {
			return nil, err
		}
	}
	if isAdmin(who) {
		ts, err := a.svc.Targets.SetTargets(ctx, in, r.Reason)
		out.Stored = len(ts)
		return out, err
	}
	cs, err := a.judgeLevels(ctx, who, in, r.Reason)
	if err != nil {
		return nil, err
	}
	ts, err := a.applyLevels(ctx, who, cs, r.Reason)
	out.Stored = len(ts)
	out.Levels = cs
	return out, err
}

// Cascade compares every unit's target of a KPI with the sum of its
// members'; without all, only the units that disagree.
func (a *App) Cascade(ctx context.Context, who kpi.Actor, kpiName, period string, all bool) ([]score.Check, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadTargets, on{period: p}); err != nil {
		return nil, err
	}
	checks, err := a.review.Cascade(ctx, kpiName, p)
	if !all {
		checks = score.Disagreements(checks)
	}
	return nonNil(checks), err
}

// PeriodLocks lists the locked periods.
func (a *App) PeriodLocks(ctx context.Context, who kpi.Actor) ([]*kpi.PeriodLock, error) {
	ctx, err := a.begin(ctx, who, ReadWorkspace, on{})
	if err != nil {
		return nil, err
	}
	locks, err := a.svc.Targets.FindPeriodLocks(ctx)
	return nonNil(locks), err
}

// LockPeriod locks a period (its targets cannot change) or, with lock
// false, reopens it; either needs a reason.
func (a *App) LockPeriod(ctx context.Context, who kpi.Actor, period, reason string, lock bool) (kpi.Period, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return p, err
	}
	if ctx, err = a.begin(ctx, who, LockPeriods, on{period: p}); err != nil {
		return p, err
	}
	if lock {
		if err := a.svc.Targets.LockPeriod(ctx, p, reason); err != nil {
			return p, err
		}
		a.freezeOnLock(ctx, who, p)
		return p, nil
	}
	return p, a.svc.Targets.ReopenPeriod(ctx, p, reason)
}

// TargetFileReport is what a target file did: how many targets it holds,
// how many were stored (unchanged ones are skipped).
type TargetFileReport struct {
	InFile int `json:"in_file"`
	Stored int `json:"stored"`
}

// ImportTargets sets the targets of a CSV or XLSX file (kpi, employee or
// unit, period, value), all or nothing.
func (a *App) ImportTargets(ctx context.Context, who kpi.Actor, file string, body io.Reader, reason string) (*TargetFileReport, error) {
	var err error
	if FormatOf(file) == FormatXLSX {
		if body, err = ingest.XLSXAsCSV(body, file); err != nil {
			return nil, err
		}
	}
	in, err := ingest.ReadTargetsCSV(body, file)
	if err != nil {
		return nil, err
	}
	ts, err := a.SetTargets(ctx, who, in, reason)
	if err != nil {
		return nil, err
	}
	return &TargetFileReport{InFile: len(in), Stored: len(ts)}, nil
}
