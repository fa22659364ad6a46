// Package review prepares what a manager reviews: a scorecard of plan
// against actual for an employee or a unit and a period, pace inside an open
// period, progress and regression over the periods before, who needs
// attention, target proposals and cascade checks. It reads the kpi services
// and leaves every calculation to the pure functions of package score, so
// the API, the CLI and exports show the same numbers.
package review

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"attain/calc/score"
	"attain/kpi"
)

// Service reads what a review needs. Every field must be set but Now,
// which defaults to time.Now.
type Service struct {
	Workspaces  kpi.WorkspaceService
	Org         kpi.OrgService
	Definitions kpi.DefinitionService
	Values      kpi.ValueService
	Targets     kpi.TargetService
	Now         func() time.Time
	// Versions, if set, lets the definitions and the org tree a review
	// reads first be kept between calls for as long as they do not change
	// (a statement reads many scorecards).
	Versions func(ctx context.Context) (kpi.Versions, error)
	// Levels, if set, lists the level changes of unit heads: a subject is
	// scored on its template as the scorecard changes in effect say
	// (kpi.ScorecardFor). A scorecard change moves the definitions'
	// version, so a kept env stays current.
	Levels func(ctx context.Context, status string) ([]*kpi.LevelChange, error)

	envs envCache
}

// envCache keeps each workspace's env, with the versions and day it is of.
type envCache struct {
	mu   sync.Mutex
	byWS map[int64]cachedEnv
}

type cachedEnv struct {
	defs, org int64
	e         *env
}

// HistoryPeriods is how many periods, up to the reviewed one, progress is
// read over.
const HistoryPeriods = 6

// Card is one subject's scorecard for one period, with pace, progress and,
// where a target was cut for a partial period, how.
//
// A period that has not ended (Open) is scored so far: each additive KPI
// against its levels cut to what was expected by AsOf (score.ToDate), by
// the workspace's pace method (PaceMethod, kpi.Calendar.Pace); its pace
// gives the one expected-to-date figure and forecast; its progress
// compares it with the earlier periods at the same point.
type Card struct {
	*score.Scorecard
	AsOf kpi.Date `json:"as_of"` // today, in the workspace's zone
	Open bool     `json:"open"`  // the period has not ended
	// State is closed, open or not_started (a period after AsOf, scored
	// as open with nothing expected yet); Elapsed of WorkingDays of the
	// period have passed by AsOf (calendar days when it has no working
	// day), and Standing says it in words.
	State       string `json:"state"`
	Elapsed     int    `json:"elapsed"`
	WorkingDays int    `json:"working_days"`
	Standing    string `json:"standing"`
	// PaceMethod is the workspace's: linear or shape.
	PaceMethod string `json:"pace_method"`
	// SetBy says, when a unit head's scorecard change is in effect for
	// the card, whose and what it changed.
	SetBy      string           `json:"set_by,omitempty"`
	Prorations []ItemProration  `json:"prorations,omitempty"`
	Pace       []ItemPace       `json:"pace,omitempty"`
	Progress   []score.Progress `json:"progress,omitempty"`

	defs *kpi.Definitions       // the KPIs' units, for exports
	tmpl *kpi.ScorecardTemplate // the template as scored, for a what-if
}

// States of a Card's period.
const (
	StateClosed     = "closed"
	StateOpen       = "open"
	StateNotStarted = "not_started"
)

// ItemProration says how a KPI's target was cut to the days a person was
// there.
type ItemProration struct {
	KPI  string          `json:"kpi"`
	Full decimal.Decimal `json:"full"`
	score.Proration
}

// PacePeriods is how many periods before an open one the shape of its
// pace is read from.
const PacePeriods = 3

// ItemPace is the pace of one KPI inside an open period, by the
// workspace's method: linear by working days, or by the shape of the
// PacePeriods periods before (linear when they have no records, which its
// rule says); for a KPI that does not add up, its value so far against
// the target. Its Expected is the item's target to date, and attention
// reads the same pace.
type ItemPace struct {
	KPI string `json:"kpi"`
	score.Pace
	Display PaceDisplay `json:"display"`
}

// PaceDisplay is a pace's numbers in the KPI's unit, for reading.
type PaceDisplay struct {
	Actual   string `json:"actual"`
	Expected string `json:"expected"`
	Forecast string `json:"forecast"`
	Gap      string `json:"gap"`
}

// env is what every review of one workspace reads first.
type env struct {
	defs   *kpi.Definitions
	levels []*kpi.LevelChange // the scorecard changes applied or approved
	org    kpi.Org
	today  kpi.Date
	cal    score.Calendar
	pace   string // the workspace's pace method: kpi.PaceLinear or kpi.PaceShape
	// byID, parent and membersOf index the org once: the employees by
	// id, each unit's parent, each unit's members (see indexOrg).
	byID      map[string]*kpi.Employee
	parent    map[string]string
	membersOf map[string][]*kpi.Employee
}

// indexOrg fills e's indexes of its org, which every card reads many
// times (a unit's page scores some hundred cards).
func (e *env) indexOrg() {
	e.byID = make(map[string]*kpi.Employee, len(e.org.Employees))
	for _, emp := range e.org.Employees {
		if _, ok := e.byID[emp.ID]; !ok {
			e.byID[emp.ID] = emp // the first, as a scan finds it
		}
	}
	e.parent = make(map[string]string, len(e.org.Units))
	for _, u := range e.org.Units {
		e.parent[u.ID] = u.ParentID
	}
	// Each employee is a member of their unit and of every unit above it,
	// once: a cycle in the org (a unit above itself) ends the walk.
	e.membersOf = map[string][]*kpi.Employee{}
	for _, emp := range e.org.Employees {
		seen := map[string]bool{}
		for u := emp.UnitID; u != "" && !seen[u]; u = e.parent[u] {
			seen[u] = true
			e.membersOf[u] = append(e.membersOf[u], emp)
		}
	}
}

func (s *Service) env(ctx context.Context) (*env, error) {
	loc, err := kpi.WorkspaceLocation(ctx, s.Workspaces)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	today := kpi.DateOf(now(), loc)
	if s.Versions == nil {
		return s.readEnv(ctx, today)
	}
	ws, err := kpi.WorkspaceIDFromContext(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.Versions(ctx)
	if err != nil {
		return nil, err
	}
	s.envs.mu.Lock()
	c, ok := s.envs.byWS[ws]
	s.envs.mu.Unlock()
	if ok && c.defs == v.Definitions && c.org == v.Org && c.e.today == today {
		return c.e, nil
	}
	e, err := s.readEnv(ctx, today)
	if err != nil {
		return nil, err
	}
	s.envs.mu.Lock()
	if s.envs.byWS == nil {
		s.envs.byWS = map[int64]cachedEnv{}
	}
	s.envs.byWS[ws] = cachedEnv{defs: v.Definitions, org: v.Org, e: e}
	s.envs.mu.Unlock()
	return e, nil
}

// readEnv reads what a review of the context's workspace needs first; the
// env is shared by the calls that follow, so nothing may change it.
func (s *Service) readEnv(ctx context.Context, today kpi.Date) (*env, error) {
	defs, err := s.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	units, err := s.Org.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	emps, err := s.Org.FindEmployees(ctx, kpi.EmployeeFilter{})
	if err != nil {
		return nil, err
	}
	ms, err := s.Org.FindMemberships(ctx)
	if err != nil {
		return nil, err
	}
	var levels []*kpi.LevelChange
	if s.Levels != nil {
		cs, err := s.Levels(ctx, "")
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c.Scorecard != "" && (c.Status == kpi.LevelApplied || c.Status == kpi.LevelApproved) {
				levels = append(levels, c)
			}
		}
	}
	pace := kpi.PaceLinear
	if defs.Calendar != nil && defs.Calendar.Pace != "" {
		pace = defs.Calendar.Pace
	}
	e := &env{
		defs:   defs,
		levels: levels,
		org:    kpi.Org{Units: units, Employees: emps, Memberships: ms},
		today:  today,
		cal:    Calendar(defs.Calendar),
		pace:   pace,
	}
	e.indexOrg()
	return e, nil
}

// Calendar turns the workspace's calendar into score's.
func Calendar(c *kpi.Calendar) score.Calendar {
	if c == nil {
		return score.Calendar{}
	}
	cal := score.Calendar{Weekend: c.Weekend, Holidays: make(map[kpi.Date]string, len(c.Holidays))}
	for _, h := range c.Holidays {
		cal.Holidays[h.Date] = h.Name
	}
	return cal
}

func (e *env) employee(id string) *kpi.Employee { return e.byID[id] }

// template picks the scorecard of a subject for the period starting on
// day, in the version in effect on that day (kpi.Definitions.ScorecardsOn)
// and as the unit heads' scorecard changes in effect on that day set it for
// the subject or a unit above it (kpi.ScorecardFor).
func (e *env) template(subj kpi.Subject, name string, day kpi.Date) (*kpi.ScorecardTemplate, error) {
	t, _, err := e.templateBy(subj, name, day)
	return t, err
}

// templateBy is template, and the scorecard change it comes from (nil for
// none).
func (e *env) templateBy(subj kpi.Subject, name string, day kpi.Date) (*kpi.ScorecardTemplate, *kpi.LevelChange, error) {
	t, err := e.baseTemplate(subj, name, day)
	if err != nil {
		return nil, nil, err
	}
	t, by := kpi.ScorecardFor(t, e.chain(subj, day), e.levels, day)
	return t, by, nil
}

// Template returns the scorecard template of subj for the period starting
// on day (name "" picks one, as Scorecard does) before and after the unit
// heads' scorecard changes, and the change in effect (nil for none).
func (s *Service) Template(ctx context.Context, subj kpi.Subject, name string, day kpi.Date) (base, effective *kpi.ScorecardTemplate, by *kpi.LevelChange, err error) {
	e, err := s.env(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if base, err = e.baseTemplate(subj, name, day); err != nil {
		return nil, nil, nil, err
	}
	effective, by, err = e.templateBy(subj, name, day)
	return base, effective, by, err
}

// chain is subj and the units above it on day (a person's unit then),
// up to the top: whose scorecard changes may hold for it, most specific
// first.
func (e *env) chain(subj kpi.Subject, day kpi.Date) []kpi.Subject {
	out := []kpi.Subject{subj}
	unit := subj.ID
	if subj.Kind == kpi.SubjectEmployee {
		unit = ""
		if emp := e.employee(subj.ID); emp != nil {
			unit = e.org.UnitOn(emp, day)
			out = append(out, kpi.Subject{Kind: kpi.SubjectUnit, ID: unit})
		}
	}
	parent := e.parent
	for u, n := parent[unit], 0; u != "" && n < len(parent); u, n = parent[u], n+1 {
		out = append(out, kpi.Subject{Kind: kpi.SubjectUnit, ID: u})
	}
	return out
}

// baseTemplate is the company's template of subj on day: the one named,
// else an employee's position's, else for a unit the template of the
// position most of the unit's people hold.
func (e *env) baseTemplate(subj kpi.Subject, name string, day kpi.Date) (*kpi.ScorecardTemplate, error) {
	if name != "" {
		if t := e.defs.ScorecardNamed(name, day); t != nil {
			return t, nil
		}
		return nil, kpi.Errorf(kpi.ENOTFOUND, "No scorecard template %q in effect on %s.", name, day)
	}
	if subj.Kind == kpi.SubjectEmployee {
		emp := e.employee(subj.ID)
		if emp == nil {
			return nil, kpi.Errorf(kpi.ENOTFOUND, "Employee %q not found.", subj.ID)
		}
		if t := e.defs.ScorecardOn(emp.Position, day); t != nil {
			return t, nil
		}
		return nil, kpi.Errorf(kpi.ENOTFOUND, "No scorecard template for the position %q of %s on %s; add one under scorecards: in attain.yaml.", emp.Position, emp.Name, day)
	}
	counts := map[string]int{}
	for _, emp := range e.members(subj.ID) {
		if e.defs.ScorecardOn(emp.Position, day) != nil {
			counts[emp.Position]++
		}
	}
	best := ""
	for pos, n := range counts {
		if n > counts[best] || (n == counts[best] && pos < best) {
			best = pos
		}
	}
	if best == "" {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "No scorecard template fits unit %q on %s: name one.", subj.ID, day)
	}
	return e.defs.ScorecardOn(best, day), nil
}

// members returns the employees of a unit and of the units below it, in
// the org's order; the caller must not change the slice.
func (e *env) members(unitID string) []*kpi.Employee { return e.membersOf[unitID] }

// history returns the periods progress reads: HistoryPeriods up to and
// including p, and the same period last year. A custom range has none.
func history(p kpi.Period) []kpi.Period {
	if p.Grain == kpi.Range {
		return []kpi.Period{p}
	}
	ps := []kpi.Period{p}
	for len(ps) < HistoryPeriods {
		ps = append(ps, score.Previous(ps[len(ps)-1]))
	}
	ly, _ := score.LastYear(p)
	ps = append(ps, ly)
	slices.SortFunc(ps, func(a, b kpi.Period) int { return cmp.Compare(a.From, b.From) })
	return slices.CompactFunc(ps, func(a, b kpi.Period) bool { return a == b })
}

func samePeriod(a, b kpi.Period) bool { return a.From == b.From && a.To == b.To }
