package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"attain/app/review"
	"attain/calc/rank"
	"attain/calc/score"
	"attain/kpi"
)

// Recognition: leaderboards and awards (docs/recognition.md). The ranking
// and the award rules are pure functions of package rank; here each
// period's standings are read off everyone's scorecard, access is applied
// (what peers see) and the awards of locked periods are frozen.

// Limits of recognition queries.
const (
	// BoardLookback is how many periods a leaderboard reads for streaks
	// (the one shown included).
	BoardLookback = 6
	// maxLookback bounds what an award rule may read.
	maxLookback = 25
)

// standings is everyone's entries of one period, with when they were read.
type standings struct {
	people, units rank.Period
	names         map[string]string // unit id → name
}

// recognitionCache keeps each workspace's standings of a period for as long
// as its records, definitions, org and day stay the same.
type recognitionCache struct {
	mu   sync.Mutex
	byWS map[int64]map[kpi.Period]cachedStandings
}

type cachedStandings struct {
	versions kpi.Versions
	today    kpi.Date
	s        *standings
}

const maxCachedPeriods = 64

// standingsOf returns the standings of p (ctx is scoped to the workspace).
func (a *App) standingsOf(ctx context.Context, ws int64, p kpi.Period) (*standings, error) {
	v, err := a.svc.Records.Versions(ctx)
	if err != nil {
		return nil, err
	}
	today, err := a.today(ctx)
	if err != nil {
		return nil, err
	}
	a.recog.mu.Lock()
	c, ok := a.recog.byWS[ws][p]
	a.recog.mu.Unlock()
	if ok && c.versions == v && c.today == today {
		return c.s, nil
	}
	s, err := a.readStandings(ctx, ws, p, today)
	if err != nil {
		return nil, err
	}
	a.recog.mu.Lock()
	if a.recog.byWS == nil {
		a.recog.byWS = map[int64]map[kpi.Period]cachedStandings{}
	}
	m := a.recog.byWS[ws]
	if m == nil || len(m) >= maxCachedPeriods {
		m = map[kpi.Period]cachedStandings{}
		a.recog.byWS[ws] = m
	}
	m[p] = cachedStandings{v, today, s}
	a.recog.mu.Unlock()
	return s, nil
}

// readStandings scores everyone for p: each person who was there at all
// in p (eligible or not, see rank.Eligible) and each unit with a card.
func (a *App) readStandings(ctx context.Context, ws int64, p kpi.Period, today kpi.Date) (*standings, error) {
	s := &standings{people: rank.Period{Period: p}, units: rank.Period{Period: p}, names: map[string]string{}}
	if p.From > today {
		return s, nil // not started: no standings yet
	}
	org, err := a.org(ctx, ws)
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	minDays := 0
	if defs.Awards != nil {
		minDays = defs.Awards.MinWorkingDays
	}
	cal := review.Calendar(defs.Calendar)
	total := cal.WorkingDays(p.From, p.To)
	for _, u := range org.Units {
		s.names[u.ID] = u.Name
	}
	for _, u := range org.Units {
		subj := kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}
		c, err := a.review.Scorecard(ctx, subj, p, "")
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		e := entryOf(c)
		e.Name, e.Team, e.Eligible = u.Name, u.ParentID, true
		s.units.Entries = append(s.units.Entries, e)
	}
	for _, emp := range org.Employees {
		active := 0
		for _, span := range score.Active(p, emp.HiredOn, emp.LeftOn, emp.Leave) {
			active += cal.WorkingDays(span.From, span.To)
		}
		if active == 0 {
			continue // not there in p at all
		}
		subj := kpi.Subject{Kind: kpi.SubjectEmployee, ID: emp.ID}
		c, err := a.review.Scorecard(ctx, subj, p, "")
		if kpi.ErrorCode(err) == kpi.ENOTFOUND {
			continue // no scorecard for the position
		} else if err != nil {
			return nil, err
		}
		e := entryOf(c)
		e.Name, e.Team, e.Position = emp.Name, emp.UnitID, emp.Position
		e.Eligible = rank.Eligible(active, total, minDays)
		if !e.Eligible {
			e.Why = fmt.Sprintf("there %d of the period's %d working days", active, total)
		}
		s.people.Entries = append(s.people.Entries, e)
	}
	return s, nil
}

// entryOf reads a card's standing: each KPI by its achievement (% of
// target), the weighted score as kpi.MetricScore.
func entryOf(c *Card) *rank.Entry {
	e := &rank.Entry{Subject: c.Subject, Metrics: map[string]rank.Metric{}}
	for _, it := range c.Items {
		m := rank.Metric{Value: it.Achievement, Null: it.AchievementNull || it.ActualNull,
			AtThreshold: it.Status == score.StatusOnTrack || it.Status == score.StatusAboveTarget,
			AtTarget:    it.Status == score.StatusAboveTarget}
		e.Metrics[it.KPI] = m
		e.Items++
		if m.AtTarget {
			e.Met++
		}
	}
	total := rank.Metric{Value: c.Total, Null: c.TotalNull}
	total.AtThreshold = !c.TotalNull && c.Total.GreaterThanOrEqual(decimal.NewFromInt(score.ThresholdScore))
	total.AtTarget = !c.TotalNull && c.Total.GreaterThanOrEqual(decimal.NewFromInt(score.TargetScore))
	e.Metrics[kpi.MetricScore] = total
	return e
}

// history returns the standings of p and of the n−1 periods before it.
func (a *App) standingsHistory(ctx context.Context, ws int64, p kpi.Period, n int) ([]*standings, error) {
	n = min(max(n, 1), maxLookback)
	if p.Grain == kpi.Range {
		n = 1 // a custom range has no periods before it to speak of
	}
	out := make([]*standings, 0, n)
	for q := p; len(out) < n; q = score.Previous(q) {
		s, err := a.standingsOf(ctx, ws, q)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// LeaderboardQuery picks a leaderboard: Metric is kpi.MetricScore (the
// default), a KPI of the scorecards or a multi-metric leaderboard of the
// awards section; Unit limits it to the people in a unit and below (or,
// By "teams", ranks the units directly below it; default the company).
type LeaderboardQuery struct {
	Metric, Period, Unit, By string
}

// Leaderboard is a ranked board of people or teams for a period.
type Leaderboard struct {
	Metric      string     `json:"metric"`
	Title       string     `json:"title"`
	Period      kpi.Period `json:"period"`
	Unit        string     `json:"unit,omitempty"`
	By          string     `json:"by"`
	Provisional bool       `json:"provisional"` // the period is not locked
	// Peers is what the reader sees of people they may not otherwise
	// see (kpi.PeersNone, PeersRank, PeersPercent).
	Peers    string            `json:"peers"`
	Rows     []LeaderRow       `json:"rows"`
	Metrics  []MetricChoice    `json:"metrics"` // what the picker offers
	Units    []MetricChoice    `json:"units"`
	Computed time.Time         `json:"computed"`
	Names    map[string]string `json:"-"`
}

// LeaderRow is one line of a leaderboard as the reader may see it: a
// row whose numbers are hidden (peers "rank") has Hidden and a zero Value.
type LeaderRow struct {
	rank.Row
	Self   bool `json:"self,omitempty"`
	Hidden bool `json:"hidden,omitempty"`
	// Full: the reader may see this person's or unit's own numbers (and
	// follow the link to their scorecard).
	Full bool `json:"full,omitempty"`
}

// MetricChoice is one option of a picker.
type MetricChoice struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// Boards sorted for people and teams.
const (
	ByPeople = "people"
	ByTeams  = "teams"
)

// Leaderboard returns a leaderboard for a period. Everyone may read one;
// what they see of each row is decided here by the workspace's peers
// option: their own rows and their team's in full, others' rank and % of
// target (percent), rank only (rank) or not at all (none). Pay is never on
// a leaderboard.
func (a *App) Leaderboard(ctx context.Context, who kpi.Actor, q LeaderboardQuery) (*Leaderboard, error) {
	p, err := parsePeriod(q.Period)
	if err != nil {
		return nil, err
	}
	switch q.By {
	case "":
		q.By = ByPeople
	case ByPeople, ByTeams:
	default:
		return nil, kpi.Errorf(kpi.EINVALID, "by: want people or teams, not %q.", q.By)
	}
	if ctx, err = a.begin(ctx, who, ReadLeaderboards, on{period: p}); err != nil {
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
	aw := defs.Awards
	if aw == nil {
		aw = &kpi.Awards{}
	}
	lb := &Leaderboard{Metric: q.Metric, Period: p, Unit: q.Unit, By: q.By, Peers: aw.Peers, Computed: a.now(), Names: map[string]string{}}
	if lb.Peers == "" {
		lb.Peers = kpi.PeersPercent
	}
	if lb.Metric == "" {
		lb.Metric = kpi.MetricScore
	}
	lb.Metrics = metricChoices(defs)
	var board *kpi.Leaderboard
	for _, b := range aw.Leaderboards {
		if b.Name == lb.Metric {
			board = b
		}
	}
	if !slices.ContainsFunc(lb.Metrics, func(m MetricChoice) bool { return m.Name == lb.Metric }) {
		return nil, kpi.Errorf(kpi.EINVALID, "metric: %q is not a KPI of a scorecard, a leaderboard or %q.", lb.Metric, kpi.MetricScore)
	}
	if board != nil && q.By == ByTeams {
		return nil, kpi.Errorf(kpi.EINVALID, "Leaderboard %q ranks people: pick by=people.", board.Name)
	}
	for _, m := range lb.Metrics {
		if m.Name == lb.Metric {
			lb.Title = m.Title
		}
	}
	parent := map[string]string{}
	for _, u := range org.Units {
		parent[u.ID] = u.ParentID
		lb.Names[u.ID] = u.Name
		lb.Units = append(lb.Units, MetricChoice{Name: u.ID, Title: u.Name})
	}
	if q.Unit != "" {
		if _, ok := parent[q.Unit]; !ok {
			return nil, kpi.Errorf(kpi.ENOTFOUND, "unit: org unit %q not found.", q.Unit)
		}
	}
	hist, err := a.standingsHistory(ctx, who.WorkspaceID, p, BoardLookback)
	if err != nil {
		return nil, err
	}
	if lb.Provisional, err = a.provisional(ctx, p); err != nil {
		return nil, err
	}
	// The field: who competes on this board.
	under := func(u string) bool {
		for ; u != ""; u = parent[u] {
			if u == q.Unit {
				return true
			}
		}
		return q.Unit == ""
	}
	top := ""
	if q.By == ByTeams {
		top = q.Unit
		if top == "" {
			for _, u := range org.Units {
				if u.ParentID == "" {
					top = u.ID
					break
				}
			}
		}
	}
	h := make(rank.History, len(hist))
	for i, s := range hist {
		src := s.people
		if q.By == ByTeams {
			src = s.units
		}
		h[i] = rank.Period{Period: src.Period}
		for _, e := range src.Entries {
			if (q.By == ByTeams && e.Team == top) || (q.By == ByPeople && under(e.Team)) {
				h[i].Entries = append(h[i].Entries, e)
			}
		}
	}
	if board != nil {
		h = rank.BlendHistory(h, board)
	}
	bar := decimal.NewFromInt(100)
	vis, err := a.visibility(ctx, who, ReadValues, p)
	if err != nil {
		return nil, err
	}
	for _, r := range rank.Board(h, lb.Metric, bar) {
		row := LeaderRow{Row: r, Full: vis.has(r.Subject), Self: r.Subject.Kind == kpi.SubjectEmployee && r.Subject.ID == who.EmployeeID && who.EmployeeID != ""}
		if !row.Full {
			switch lb.Peers {
			case kpi.PeersNone:
				continue
			case kpi.PeersRank:
				row.Hidden, row.Value, row.Null, row.Streak = true, decimal.Zero, true, 0
				row.AtThreshold, row.AtTarget = false, false
			}
			row.Why = "" // why someone is not eligible is theirs
		}
		lb.Rows = append(lb.Rows, row)
	}
	if lb.Rows == nil {
		lb.Rows = []LeaderRow{}
	}
	return lb, nil
}

// metricChoices are the score, every KPI of a scorecard, and the
// multi-metric leaderboards.
func metricChoices(defs *kpi.Definitions) []MetricChoice {
	out := []MetricChoice{{Name: kpi.MetricScore, Title: "Weighted score"}}
	seen := map[string]bool{}
	for _, t := range defs.Scorecards {
		for _, it := range t.Items {
			if seen[it.KPI] {
				continue
			}
			seen[it.KPI] = true
			title := it.KPI
			if k := defs.KPI(it.KPI); k != nil && k.Title != "" {
				title = k.Title
			}
			out = append(out, MetricChoice{Name: it.KPI, Title: title + " (% of target)"})
		}
	}
	if defs.Awards != nil {
		for _, b := range defs.Awards.Leaderboards {
			title := b.Title
			if title == "" {
				title = b.Name
			}
			out = append(out, MetricChoice{Name: b.Name, Title: title})
		}
	}
	return out
}

// provisional reports whether p is not (wholly) inside a locked period.
func (a *App) provisional(ctx context.Context, p kpi.Period) (bool, error) {
	locks, err := a.svc.Targets.FindPeriodLocks(ctx)
	if err != nil {
		return false, err
	}
	for _, l := range locks {
		if l.Period.From <= p.From && p.To <= l.Period.To {
			return false, nil
		}
	}
	return true, nil
}

// AwardList is the awards of a period: provisional while it is open
// (computed now, they may change), frozen once it is locked.
type AwardList struct {
	Period      kpi.Period       `json:"period"`
	Provisional bool             `json:"provisional"`
	FrozenAt    *time.Time       `json:"frozen_at,omitempty"`
	Awards      []*kpi.Award     `json:"awards"`
	Rules       []*kpi.AwardRule `json:"rules"`
}

// Awards returns the awards of a period. Everyone may read them, as the
// workspace's peers option allows (like a leaderboard): a locked period's
// awards are frozen the first time they are read (or when the demo
// locks it) and never change after.
func (a *App) Awards(ctx context.Context, who kpi.Actor, period string) (*AwardList, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadLeaderboards, on{period: p}); err != nil {
		return nil, err
	}
	list, err := a.awards(ctx, who.WorkspaceID, p)
	if err != nil {
		return nil, err
	}
	return a.visibleAwards(ctx, who, list)
}

// visibleAwards leaves out, or strips the numbers of, the awards of people
// the reader may not see, as the peers option says.
func (a *App) visibleAwards(ctx context.Context, who kpi.Actor, list *AwardList) (*AwardList, error) {
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	peers := kpi.PeersPercent
	if defs.Awards != nil && defs.Awards.Peers != "" {
		peers = defs.Awards.Peers
	}
	vis, err := a.visibility(ctx, who, ReadValues, list.Period)
	if err != nil {
		return nil, err
	}
	out := *list
	out.Awards = []*kpi.Award{}
	for _, aw := range list.Awards {
		if !vis.has(aw.Subject) {
			switch peers {
			case kpi.PeersNone:
				continue
			case kpi.PeersRank:
				c := *aw
				c.Value, c.Reason = decimal.Zero, c.Title
				aw = &c
			}
		}
		out.Awards = append(out.Awards, aw)
	}
	return &out, nil
}

// awards computes, or reads the frozen, awards of p; a locked period's are
// frozen now if they were not yet.
func (a *App) awards(ctx context.Context, ws int64, p kpi.Period) (*AwardList, error) {
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	list := &AwardList{Period: p, Rules: []*kpi.AwardRule{}}
	if defs.Awards != nil && defs.Awards.Rules != nil {
		list.Rules = defs.Awards.Rules
	}
	if list.Provisional, err = a.provisional(ctx, p); err != nil {
		return nil, err
	}
	if !list.Provisional {
		stored, frozen, err := a.svc.Awards.FindAwards(ctx, p)
		if err != nil {
			return nil, err
		}
		if frozen {
			if err := a.awardNames(ctx, ws, stored); err != nil {
				return nil, err
			}
			list.Awards = nonNil(stored)
			if len(stored) > 0 {
				list.FrozenAt = stored[0].FrozenAt
			}
			return list, nil
		}
	}
	if list.Awards, err = a.computeAwards(ctx, ws, p, defs); err != nil {
		return nil, err
	}
	if list.Provisional {
		return list, nil
	}
	switch err := a.svc.Awards.FreezeAwards(ctx, p, list.Awards); {
	case kpi.ErrorCode(err) == kpi.ECONFLICT: // frozen meanwhile: read those
		stored, _, err := a.svc.Awards.FindAwards(ctx, p)
		if err != nil {
			return nil, err
		}
		list.Awards = nonNil(stored)
		return list, a.awardNames(ctx, ws, stored)
	case err != nil:
		return nil, err
	}
	if len(list.Awards) > 0 {
		list.FrozenAt = list.Awards[0].FrozenAt
	}
	return list, nil
}

// awardNames fills in the names of frozen awards from the org as it is
// now, which has a pseudonym for someone whose personal data was erased.
func (a *App) awardNames(ctx context.Context, ws int64, awards []*kpi.Award) error {
	org, err := a.org(ctx, ws)
	if err != nil {
		return err
	}
	names := map[kpi.Subject]string{}
	for _, u := range org.Units {
		names[kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}] = u.Name
	}
	for _, e := range org.Employees {
		names[kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}] = e.Name
	}
	for _, aw := range awards {
		if n, ok := names[aw.Subject]; ok {
			aw.Name = n
		} else {
			aw.Name = aw.Subject.ID
		}
	}
	return nil
}

// computeAwards applies every award rule to p.
func (a *App) computeAwards(ctx context.Context, ws int64, p kpi.Period, defs *kpi.Definitions) ([]*kpi.Award, error) {
	out := []*kpi.Award{}
	if defs.Awards == nil || len(defs.Awards.Rules) == 0 {
		return out, nil
	}
	n := 1
	for _, r := range defs.Awards.Rules {
		n = max(n, rank.WithDefaults(*r).Lookback())
	}
	hist, err := a.standingsHistory(ctx, ws, p, n)
	if err != nil {
		return nil, err
	}
	people, units := make(rank.History, len(hist)), make(rank.History, len(hist))
	for i, s := range hist {
		people[i], units[i] = s.people, s.units
	}
	provisional, err := a.provisional(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, r := range defs.Awards.Rules {
		for _, aw := range rank.Evaluate(*r, people, units) {
			aw.Provisional = provisional
			out = append(out, aw)
		}
	}
	return out, nil
}

// PersonAwards are a person's awards in a period and the one before.
type PersonAwards struct {
	Awards []*kpi.Award `json:"awards"`
}

// AwardsOf returns an employee's awards in p and in the period before
// it, for their scorecard page: who may read the person's values may.
func (a *App) AwardsOf(ctx context.Context, who kpi.Actor, employee, period string) (*PersonAwards, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadValues, onEmployee(employee, p)); err != nil {
		return nil, err
	}
	out := &PersonAwards{Awards: []*kpi.Award{}}
	periods := []kpi.Period{p}
	if p.Grain != kpi.Range {
		periods = append(periods, score.Previous(p))
	}
	for _, q := range periods {
		list, err := a.awards(ctx, who.WorkspaceID, q)
		if err != nil {
			return nil, err
		}
		for _, aw := range list.Awards {
			if aw.Subject.Kind == kpi.SubjectEmployee && aw.Subject.ID == employee {
				out.Awards = append(out.Awards, aw)
			}
		}
	}
	return out, nil
}

// AwardRules returns the awards section of the definitions (empty when
// there is none).
func (a *App) AwardRules(ctx context.Context, who kpi.Actor) (*kpi.Awards, error) {
	ctx, err := a.begin(ctx, who, ReadDefinitions, on{})
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	if defs.Awards == nil {
		return &kpi.Awards{Rules: []*kpi.AwardRule{}, Leaderboards: []*kpi.Leaderboard{}}, nil
	}
	return defs.Awards, nil
}

// SetAwardRules replaces the awards section of the definitions (nil
// removes it), validated with the rest and audited like any apply. The
// awards of periods frozen already do not change.
func (a *App) SetAwardRules(ctx context.Context, who kpi.Actor, aw *kpi.Awards, reason string) (*ApplyResult, error) {
	sctx, err := a.begin(ctx, who, WriteDefinitions, on{})
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(sctx)
	if err != nil {
		return nil, err
	}
	next := *defs
	next.Revisions, next.ScorecardRevisions = nil, nil
	next.Awards = aw
	if strings.TrimSpace(reason) == "" {
		reason = "award rules"
	}
	return a.Apply(ctx, who, ApplyRequest{Source: "awards", Definitions: &next, Reason: reason})
}

// freezeOnLock freezes the awards of a period just locked, so that they
// are those of the rules and numbers of the moment it closed. A failure
// is logged: the lock stands, and the awards freeze when first read.
func (a *App) freezeOnLock(ctx context.Context, who kpi.Actor, p kpi.Period) {
	list, err := a.awards(ctx, who.WorkspaceID, p)
	if err != nil {
		a.Logger.Error("freeze awards on lock", "period", p.Label(), "err", err)
		return
	}
	a.notifyAwards(ctx, who.WorkspaceID, list) // notify_events.go
}

// FreezeAwards freezes the awards of p now if p is locked and they are not
// frozen yet; it returns the awards. For the demo and the CLI.
func (a *App) FreezeAwards(ctx context.Context, who kpi.Actor, period string) (*AwardList, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, LockPeriods, on{period: p}); err != nil {
		return nil, err
	}
	return a.awards(ctx, who.WorkspaceID, p)
}
