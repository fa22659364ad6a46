package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app/preview"
	"attain/app/review"
	"attain/attainyaml"
	"attain/kpi"
)

// Comment is a remark in a review meeting (see kpi.Comment).
type Comment = kpi.Comment

// CommentInput is a new comment on a KPI of an employee or a unit in a
// period, or (Parent set) a reply in a thread, which takes the thread's
// subject, KPI and period.
type CommentInput struct {
	Parent   int64  `json:"parent"`
	Employee string `json:"employee"`
	Unit     string `json:"unit"`
	KPI      string `json:"kpi"`
	Period   string `json:"period"`
	Text     string `json:"text"`
}

// AddComment stores a comment, by who.
func (a *App) AddComment(ctx context.Context, who kpi.Actor, in CommentInput) (*Comment, error) {
	text := strings.TrimSpace(in.Text)
	switch {
	case text == "":
		return nil, kpi.Errorf(kpi.EINVALID, "text: a comment needs a text.")
	case len(text) > kpi.MaxCommentLen:
		return nil, kpi.Errorf(kpi.EINVALID, "text: %d characters, at most %d.", len(text), kpi.MaxCommentLen)
	}
	c := &kpi.Comment{Parent: in.Parent, Text: text, KPI: in.KPI}
	if in.Parent != 0 {
		parent, err := a.svc.Meetings.FindCommentByID(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID), in.Parent)
		if err != nil {
			if kpi.ErrorCode(err) == kpi.ENOTFOUND {
				return nil, kpi.Errorf(kpi.ENOTFOUND, "parent: comment %d not found.", in.Parent)
			}
			return nil, err
		}
		c.Subject, c.KPI, c.Period = parent.Subject, parent.KPI, parent.Period
	} else {
		var err error
		if c.Subject, err = oneSubject(in.Employee, in.Unit); err != nil {
			return nil, err
		}
		if c.Period, err = parsePeriod(in.Period); err != nil {
			return nil, err
		}
	}
	ctx, err := a.begin(ctx, who, WriteComments, onSubject(c.Subject, c.Period))
	if err != nil {
		return nil, err
	}
	if c.KPI != "" {
		if err := a.review.CheckNames(ctx, []string{c.KPI}, []kpi.Subject{c.Subject}); err != nil {
			return nil, err
		}
	} else if err := a.review.CheckNames(ctx, nil, []kpi.Subject{c.Subject}); err != nil {
		return nil, err
	}
	if err := a.svc.Meetings.CreateComment(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// MeetingQuery selects what a meeting reads: the comments and proposals of
// an employee, or of a unit and everyone in it, in periods overlapping
// Period.
type MeetingQuery struct {
	Employee, Unit, Period, KPI string
}

// meetingScope reads q: the subjects it covers (a unit: the unit, the
// units below and their people, as of the period) and the period.
func (a *App) meetingScope(ctx context.Context, who kpi.Actor, q MeetingQuery) (context.Context, []kpi.Subject, kpi.Period, error) {
	subj, err := oneSubject(q.Employee, q.Unit)
	if err != nil {
		return nil, nil, kpi.Period{}, err
	}
	p, err := parsePeriod(q.Period)
	if err != nil {
		return nil, nil, p, err
	}
	if ctx, err = a.begin(ctx, who, ReadMeetings, onSubject(subj, p)); err != nil {
		return nil, nil, p, err
	}
	subjects := []kpi.Subject{subj}
	if subj.Kind == kpi.SubjectUnit {
		units, err := a.svc.Org.FindOrgUnits(ctx)
		if err != nil {
			return nil, nil, p, err
		}
		in := map[string]bool{subj.ID: true}
		for changed := true; changed; {
			changed = false
			for _, u := range units {
				if !in[u.ID] && in[u.ParentID] {
					in[u.ID], changed = true, true
					subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID})
				}
			}
		}
		people, err := a.unitPeople(ctx, subj.ID, p.To)
		if err != nil {
			return nil, nil, p, err
		}
		for _, e := range people {
			subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID})
		}
	}
	return ctx, subjects, p, nil
}

// Comments lists the comments of q, threads in order: each first comment
// followed by its replies.
func (a *App) Comments(ctx context.Context, who kpi.Actor, q MeetingQuery) ([]*Comment, error) {
	ctx, subjects, p, err := a.meetingScope(ctx, who, q)
	if err != nil {
		return nil, err
	}
	cs, err := a.svc.Meetings.FindComments(ctx, kpi.CommentFilter{Subjects: subjects, KPI: q.KPI, From: p.From, To: p.To})
	if err != nil {
		return nil, err
	}
	return threads(cs), nil
}

// threads orders comments: each thread's first comment, then its replies.
func threads(cs []*kpi.Comment) []*kpi.Comment {
	out := []*kpi.Comment{}
	for _, c := range cs {
		if c.Parent != 0 {
			continue
		}
		out = append(out, c)
		for _, r := range cs {
			if r.Parent == c.ID {
				out = append(out, r)
			}
		}
	}
	return out
}

// ResolveComment marks a comment's thread resolved.
func (a *App) ResolveComment(ctx context.Context, who kpi.Actor, id int64) (*Comment, error) {
	c, err := a.svc.Meetings.FindCommentByID(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID), id)
	if err != nil {
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			if err := a.authorize(ctx, who, WriteComments, on{}); err != nil {
				return nil, err
			}
		}
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, WriteComments, onSubject(c.Subject, c.Period)); err != nil {
		return nil, err
	}
	return a.svc.Meetings.ResolveComment(ctx, id)
}

// ProposalInput proposes a change: Kind "target" (Value of KPI for the
// employee or unit in Period) or "definition" (Definition, the KPI's whole
// new definition as JSON, in effect from Effective; Period is the months
// its preview covers).
type ProposalInput struct {
	Kind       string           `json:"kind"`
	KPI        string           `json:"kpi"`
	Employee   string           `json:"employee"`
	Unit       string           `json:"unit"`
	Period     string           `json:"period"`
	Value      *decimal.Decimal `json:"value"`
	Definition json.RawMessage  `json:"definition"`
	Effective  string           `json:"effective"`
	Why        string           `json:"why"`
}

// ProposalView is a proposal with its previewed effect: for a target, the
// scorecard's item and total before and after; for a definition, the
// values it moves (package preview, as a dry run of apply shows them).
type ProposalView struct {
	*kpi.Proposal
	Target     *TargetPreview `json:"target_preview,omitempty"`
	Definition []preview.Row  `json:"definition_preview,omitempty"`
}

// TargetPreview is a target proposal's effect on the subject's scorecard
// of the period.
type TargetPreview struct {
	Subject kpi.Subject `json:"subject"`
	Period  kpi.Period  `json:"period"`
	Before  CardFigures `json:"before"`
	After   CardFigures `json:"after"`
}

// CardFigures are a scorecard's numbers for one KPI and its total.
type CardFigures struct {
	Target          decimal.Decimal `json:"target"`
	Actual          decimal.Decimal `json:"actual"`
	Achievement     decimal.Decimal `json:"achievement"`
	AchievementNull bool            `json:"achievement_null,omitempty"`
	Score           decimal.Decimal `json:"score"`
	Total           decimal.Decimal `json:"total"`
	TotalNull       bool            `json:"total_null,omitempty"`
}

func figures(c *Card, kpiName string) CardFigures {
	f := CardFigures{Total: c.Total, TotalNull: c.TotalNull}
	for _, it := range c.Items {
		if it.KPI == kpiName {
			f.Target, f.Actual, f.Achievement, f.AchievementNull, f.Score = it.Target, it.Actual, it.Achievement, it.AchievementNull, it.Score
		}
	}
	return f
}

// Propose records a proposal with who and why, and returns it with its
// preview; nothing changes until it is accepted.
func (a *App) Propose(ctx context.Context, who kpi.Actor, in ProposalInput) (*ProposalView, error) {
	why := strings.TrimSpace(in.Why)
	if why == "" || len(why) > kpi.MaxReasonLen {
		return nil, kpi.Errorf(kpi.EINVALID, "why: say why, in at most %d characters.", kpi.MaxReasonLen)
	}
	p := &kpi.Proposal{Kind: in.Kind, KPI: in.KPI, Why: why}
	var err error
	if p.Period, err = parsePeriod(in.Period); err != nil {
		return nil, err
	}
	switch in.Kind {
	case kpi.ProposeTarget:
		if p.Subject, err = oneSubject(in.Employee, in.Unit); err != nil {
			return nil, err
		}
		if in.Value == nil {
			return nil, kpi.Errorf(kpi.EINVALID, "value: give the proposed target.")
		}
		p.Value = in.Value
		if ctx, err = a.begin(ctx, who, WriteProposals, onSubject(p.Subject, p.Period)); err != nil {
			return nil, err
		}
		if err := a.review.CheckTargets(ctx, []kpi.TargetInput{{KPI: p.KPI, Subject: p.Subject, Period: p.Period, Value: p.Value}}); err != nil {
			return nil, err
		}
	case kpi.ProposeDefinition:
		if p.Effective, err = optDate("effective", in.Effective); err != nil {
			return nil, err
		}
		if len(in.Definition) == 0 || len(in.Definition) > 64<<10 {
			return nil, kpi.Errorf(kpi.EINVALID, "definition: give the KPI's new definition as JSON (at most 64 KiB).")
		}
		p.KPIDef = in.Definition
		if ctx, err = a.begin(ctx, who, WriteProposals, on{period: p.Period}); err != nil {
			return nil, err
		}
		if _, _, err := a.proposedDefs(ctx, p); err != nil {
			return nil, err
		}
	default:
		return nil, kpi.Errorf(kpi.EINVALID, "kind: want target or definition, not %q.", in.Kind)
	}
	if err := a.svc.Meetings.CreateProposal(ctx, p); err != nil {
		return nil, err
	}
	return a.viewProposal(ctx, p)
}

// proposedDefs returns the definitions with a definition proposal's KPI
// replaced, validated whole.
func (a *App) proposedDefs(ctx context.Context, p *kpi.Proposal) (*kpi.Definitions, *kpi.Definitions, error) {
	var k kpi.KPI
	if err := json.Unmarshal(p.KPIDef, &k); err != nil {
		return nil, nil, kpi.Errorf(kpi.EINVALID, "definition: not a KPI definition: %s", err)
	}
	if k.Name == "" {
		k.Name = p.KPI
	}
	if k.Name != p.KPI {
		return nil, nil, kpi.Errorf(kpi.EINVALID, "definition: names KPI %q, the proposal is about %q.", k.Name, p.KPI)
	}
	stored, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, nil, err
	}
	next := cloneDefs(stored)
	next.KPIs = slices.Clone(stored.KPIs)
	i := slices.IndexFunc(next.KPIs, func(x *kpi.KPI) bool { return x.Name == p.KPI })
	if i < 0 {
		return nil, nil, kpi.Errorf(kpi.ENOTFOUND, "kpi: no KPI %q to change.", p.KPI)
	}
	next.KPIs[i] = &k
	if err := attainyaml.Validate(next, "proposal", nil); err != nil {
		return nil, nil, err
	}
	return stored, next, nil
}

// viewProposal adds the preview to p: computed now, from the same code
// that applying it runs.
func (a *App) viewProposal(ctx context.Context, p *kpi.Proposal) (*ProposalView, error) {
	v := &ProposalView{Proposal: p}
	if p.Status != kpi.ProposalOpen {
		return v, nil
	}
	switch p.Kind {
	case kpi.ProposeTarget:
		before, err := a.review.Scorecard(ctx, p.Subject, p.Period, "")
		if err != nil {
			return v, nil // no scorecard to preview on: the proposal stands
		}
		rs := &review.Service{Workspaces: a.review.Workspaces, Org: a.review.Org, Definitions: a.review.Definitions, Values: a.review.Values,
			Targets: proposedTarget{a.review.Targets, p}, Now: a.review.Now, Levels: a.review.Levels}
		after, err := rs.Scorecard(ctx, p.Subject, p.Period, "")
		if err != nil {
			return nil, err
		}
		v.Target = &TargetPreview{Subject: p.Subject, Period: p.Period, Before: figures(before, p.KPI), After: figures(after, p.KPI)}
	case kpi.ProposeDefinition:
		_, next, err := a.proposedDefs(ctx, p)
		if err != nil {
			return nil, err
		}
		changes, err := a.svc.Definitions.ApplyDefinitions(ctx, next, kpi.ApplyOptions{DryRun: true, EffectiveFrom: p.Effective})
		if err != nil {
			return nil, err
		}
		from, to := p.Period.From, p.Period.To
		rows, err := a.preview.Rows(ctx, next, changes, preview.Options{From: &from, To: &to, Effective: p.Effective})
		if err != nil {
			return nil, err
		}
		v.Definition = nonNil(preview.Changed(rows))
	}
	return v, nil
}

// proposedTarget is the targets with a proposal's target in place.
type proposedTarget struct {
	kpi.TargetService
	p *kpi.Proposal
}

func (t proposedTarget) FindTargets(ctx context.Context, f kpi.TargetFilter) ([]*kpi.Target, error) {
	ts, err := t.TargetService.FindTargets(ctx, f)
	if err != nil {
		return nil, err
	}
	p := t.p
	if (len(f.KPIs) > 0 && !slices.Contains(f.KPIs, p.KPI)) || (len(f.Subjects) > 0 && !slices.Contains(f.Subjects, p.Subject)) ||
		(f.Grain != "" && f.Grain != p.Period.Grain) || (f.From != 0 && p.Period.To < f.From) || (f.To != 0 && p.Period.From > f.To) {
		return ts, nil
	}
	out := make([]*kpi.Target, 0, len(ts)+1)
	for _, x := range ts {
		if !(x.KPI == p.KPI && x.Subject == p.Subject && x.Period == p.Period) {
			out = append(out, x)
		}
	}
	return append(out, &kpi.Target{KPI: p.KPI, Subject: p.Subject, Period: p.Period, Value: *p.Value}), nil
}

// Proposal returns one proposal with its preview.
func (a *App) Proposal(ctx context.Context, who kpi.Actor, id int64) (*ProposalView, error) {
	p, err := a.svc.Meetings.FindProposalByID(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID), id)
	if err != nil {
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			if err := a.authorize(ctx, who, ReadMeetings, on{}); err != nil {
				return nil, err
			}
		}
		return nil, err
	}
	target := on{period: p.Period}
	if p.Subject.ID != "" {
		target = onSubject(p.Subject, p.Period)
	}
	if ctx, err = a.begin(ctx, who, ReadMeetings, target); err != nil {
		return nil, err
	}
	return a.viewProposal(ctx, p)
}

// Proposals lists the proposals of q's subjects (definition proposals
// too: they touch everyone) in periods overlapping q's, newest first.
func (a *App) Proposals(ctx context.Context, who kpi.Actor, q MeetingQuery, statuses []string) ([]*kpi.Proposal, error) {
	ctx, subjects, p, err := a.meetingScope(ctx, who, q)
	if err != nil {
		return nil, err
	}
	ps, err := a.svc.Meetings.FindProposals(ctx, p.From, p.To, statuses)
	if err != nil {
		return nil, err
	}
	out := []*kpi.Proposal{}
	for _, x := range ps {
		if x.Kind == kpi.ProposeDefinition || slices.Contains(subjects, x.Subject) {
			out = append(out, x)
		}
	}
	return out, nil
}

// DecideProposal accepts a proposal (applies it: sets the target, or
// applies the definitions with the KPI changed, from its effective day;
// audited with the proposal's why) or rejects it with a reason.
func (a *App) DecideProposal(ctx context.Context, who kpi.Actor, id int64, accept bool, reason string) (*ProposalView, error) {
	ctx, err := a.begin(ctx, who, DecideProposals, on{})
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > kpi.MaxReasonLen {
		return nil, kpi.Errorf(kpi.EINVALID, "reason: at most %d characters.", kpi.MaxReasonLen)
	}
	p, err := a.svc.Meetings.FindProposalByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != kpi.ProposalOpen {
		return nil, kpi.Errorf(kpi.ECONFLICT, "Proposal %d is %s already.", id, p.Status)
	}
	status := kpi.ProposalRejected
	if !accept {
		if reason == "" {
			return nil, kpi.Errorf(kpi.EINVALID, "reason: say why the proposal is rejected.")
		}
	} else {
		status = kpi.ProposalAccepted
		why := fmt.Sprintf("proposal %d: %s", p.ID, p.Why)
		switch p.Kind {
		case kpi.ProposeTarget:
			if _, err := a.setTargets(ctx, []kpi.TargetInput{{KPI: p.KPI, Subject: p.Subject, Period: p.Period, Value: p.Value}}, why); err != nil {
				return nil, err
			}
		case kpi.ProposeDefinition:
			_, next, err := a.proposedDefs(ctx, p)
			if err != nil {
				return nil, err
			}
			if _, err := a.applyDefs(ctx, next, p.Effective, why); err != nil {
				return nil, err
			}
		}
	}
	if p, err = a.svc.Meetings.DecideProposal(ctx, id, status, reason); err != nil {
		return nil, err
	}
	return &ProposalView{Proposal: p}, nil
}
