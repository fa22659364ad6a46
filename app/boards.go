package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"attain/calc/bonus"
	"attain/calc/score"
	"attain/kpi"
)

// HeatPeriods is how many periods, up to the chosen one, a heat map shows.
const HeatPeriods = 12

// MaxHeatRows bounds the rows of a heat map: a unit with more people asks
// for a smaller unit, or for its teams.
const MaxHeatRows = 500

// What a heat map's rows are.
const (
	HeatPeople = "people" // everyone in the unit and the units below it
	HeatTeams  = "teams"  // the units right below it
)

// ScoreKPI names the weighted score where a KPI is asked for.
const ScoreKPI = "score"

// HeatMapRequest asks for a heat map: the rows of Unit (people or teams),
// the HeatPeriods periods ending at Period, each cell the % of target of
// KPI, or of the weighted score when KPI is "" or "score".
type HeatMapRequest struct {
	Unit   string
	KPI    string
	Period string
	Rows   string
}

// HeatMap is people or teams × periods, each cell a % of target.
type HeatMap struct {
	Unit    *kpi.OrgUnit `json:"unit"`
	KPI     string       `json:"kpi"` // "score": the weighted score
	Rows    string       `json:"rows"`
	Periods []kpi.Period `json:"periods"`
	Lines   []HeatLine   `json:"lines"`
	// KPIs are those on any row's card, for the picker.
	KPIs     []*kpi.KPI   `json:"-"`
	KPIDef   *kpi.KPI     `json:"-"` // the chosen KPI; nil for the score
	Computed time.Time    `json:"computed"`
	Versions kpi.Versions `json:"versions"`
}

// HeatLine is one row of a heat map: a person or a unit.
type HeatLine struct {
	Subject  kpi.Subject `json:"subject"`
	Name     string      `json:"name"`
	Position string      `json:"position,omitempty"`
	Cells    []HeatCell  `json:"cells"`
}

// HeatCell is one period of a row: the item's % of target (actual /
// target × 100, target / actual × 100 when lower is better, as the
// scorecard has it) or the weighted score (100: every target met). Null
// when there is none: no scorecard, the KPI not on it, no target, no
// value.
type HeatCell struct {
	Period kpi.Period      `json:"period"`
	Value  decimal.Decimal `json:"value"`
	Null   bool            `json:"null,omitempty"`
	Status score.Status    `json:"status,omitempty"`
}

// HeatMap returns the heat map of a unit: its people's (or child units')
// % of target in each of the HeatPeriods periods up to the one asked for.
// A reader sees the rows the policy lets them read the values of.
func (a *App) HeatMap(ctx context.Context, who kpi.Actor, r HeatMapRequest) (*HeatMap, error) {
	if r.Unit == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "Give the unit.")
	}
	switch r.Rows {
	case "":
		r.Rows = HeatPeople
	case HeatPeople, HeatTeams:
	default:
		return nil, kpi.Errorf(kpi.EINVALID, "rows %q: want people or teams.", r.Rows)
	}
	if r.KPI == "" {
		r.KPI = ScoreKPI
	}
	p, err := parsePeriod(r.Period)
	if err != nil {
		return nil, err
	}
	unit := kpi.Subject{Kind: kpi.SubjectUnit, ID: r.Unit}
	if ctx, err = a.begin(ctx, who, ReadValues, onSubject(unit, p)); err != nil {
		return nil, err
	}
	v := &HeatMap{KPI: r.KPI, Rows: r.Rows, Computed: a.now(), Lines: []HeatLine{}}
	if v.Versions, err = a.svc.Records.Versions(ctx); err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	if r.KPI != ScoreKPI {
		if v.KPIDef = defs.KPI(r.KPI); v.KPIDef == nil {
			return nil, kpi.Errorf(kpi.EINVALID, "kpi %q: no such KPI; give a KPI's name or score.", r.KPI)
		}
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if v.Unit = unitByID(org, r.Unit); v.Unit == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Org unit %q not found.", r.Unit)
	}
	v.Periods = periodsUpTo(p, HeatPeriods)
	vis, err := a.visibility(ctx, who, ReadValues, p)
	if err != nil {
		return nil, err
	}
	var lines []HeatLine
	if r.Rows == HeatTeams {
		for _, u := range org.Units {
			if s := (kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID}); u.ParentID == r.Unit && vis.has(s) {
				lines = append(lines, HeatLine{Subject: s, Name: u.Name})
			}
		}
	} else {
		for _, e := range unitMembers(org, r.Unit) {
			if s := (kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}); vis.has(s) {
				lines = append(lines, HeatLine{Subject: s, Name: e.Name, Position: e.Position})
			}
		}
	}
	if len(lines) > MaxHeatRows {
		return nil, kpi.Errorf(kpi.EINVALID, "Unit %s has %d %s, more than a heat map shows (%d): pick a unit below it, or its teams.", r.Unit, len(lines), r.Rows, MaxHeatRows)
	}
	subjects := make([]kpi.Subject, len(lines))
	for i, l := range lines {
		subjects[i] = l.Subject
	}
	cards, err := a.review.Grid(ctx, subjects, v.Periods, false)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, l := range lines {
		has := false
		for i, c := range cards[l.Subject] {
			cell := HeatCell{Period: v.Periods[i], Null: true}
			if c != nil {
				has = true
				for _, it := range c.Items {
					if !seen[it.KPI] {
						seen[it.KPI] = true
					}
				}
				cell = heatCell(c, r.KPI, v.Periods[i])
			}
			l.Cells = append(l.Cells, cell)
		}
		if has {
			v.Lines = append(v.Lines, l)
		}
	}
	for _, k := range defs.KPIs {
		if seen[k.Name] {
			v.KPIs = append(v.KPIs, k)
		}
	}
	return v, nil
}

// heatCell reads one card's cell: the KPI's item or the total.
func heatCell(c *Card, name string, p kpi.Period) HeatCell {
	cell := HeatCell{Period: p, Null: true}
	if name == ScoreKPI {
		if !c.TotalNull {
			cell.Value, cell.Null = c.Total, false
		}
		return cell
	}
	for _, it := range c.Items {
		if it.KPI == name {
			cell.Status = it.Status
			if !it.AchievementNull && it.Status != score.StatusNoTarget {
				cell.Value, cell.Null = it.Achievement, false
			}
		}
	}
	return cell
}

// periodsUpTo returns the n periods of p's grain ending with p, oldest
// first; a custom range is one period.
func periodsUpTo(p kpi.Period, n int) []kpi.Period {
	if p.Grain == kpi.Range {
		return []kpi.Period{p}
	}
	out := make([]kpi.Period, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = p
		p = score.Previous(p)
	}
	return out
}

func unitByID(org *kpi.Org, id string) *kpi.OrgUnit {
	for _, u := range org.Units {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// unitMembers are the employees of a unit and of the units below it, by
// name.
func unitMembers(org *kpi.Org, unit string) []*kpi.Employee {
	parent := make(map[string]string, len(org.Units))
	for _, u := range org.Units {
		parent[u.ID] = u.ParentID
	}
	in := func(u string) bool {
		for depth := 0; u != "" && depth <= len(org.Units); u, depth = parent[u], depth+1 {
			if u == unit {
				return true
			}
		}
		return false
	}
	var out []*kpi.Employee
	for _, e := range org.Employees {
		if in(e.UnitID) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *kpi.Employee) int { return strings.Compare(a.Name+a.ID, b.Name+b.ID) })
	return out
}

// Attainment bands of a plan health report, in % of target.
var Bands = []Band{
	{Name: "under 50 %", To: dec(50)},
	{Name: "50–79 %", From: dec(50), To: dec(80)},
	{Name: "80–99 %", From: dec(80), To: dec(100)},
	{Name: "100–120 %", From: dec(100), To: dec(120), Inclusive: true},
	{Name: "over 120 %", From: dec(120)},
}

// Band is a range of attainment [From, To) (To included when Inclusive);
// nil bounds are open. Count is how many people fall in it.
type Band struct {
	Name      string           `json:"name"`
	From      *decimal.Decimal `json:"from,omitempty"`
	To        *decimal.Decimal `json:"to,omitempty"`
	Inclusive bool             `json:"inclusive,omitempty"`
	Count     int              `json:"count"`
}

func dec(n int64) *decimal.Decimal { d := decimal.NewFromInt(n); return &d }

// holds reports whether attainment a is in the band.
func (b Band) holds(a decimal.Decimal) bool {
	if b.From != nil && a.LessThan(*b.From) {
		return false
	}
	if b.To != nil && (a.GreaterThan(*b.To) || a.Equal(*b.To) && !b.Inclusive) {
		return false
	}
	return true
}

// CurveSteps are the attainments, in %, a plan's payout curve is
// evaluated at: 0 to 200 in steps of 2.5.
var CurveSteps = func() []decimal.Decimal {
	var out []decimal.Decimal
	step := decimal.RequireFromString("2.5")
	for a := decimal.Zero; a.LessThanOrEqual(decimal.NewFromInt(200)); a = a.Add(step) {
		out = append(out, a)
	}
	return out
}()

// PlanHealthRequest asks how a plan does for a unit in a period: the
// attainment of KPI (or of the weighted score when KPI is "" or "score").
type PlanHealthRequest struct {
	Unit   string
	KPI    string
	Period string
}

// PlanHealth is how the bonus plans do for a unit's people in a period:
// how attainment is spread over the bands, the share at or above target,
// each plan's payout curve with the people on it, and what the bonus costs
// against the target bonuses.
type PlanHealth struct {
	Unit   *kpi.OrgUnit `json:"unit"`
	KPI    string       `json:"kpi"`
	Period kpi.Period   `json:"period"`
	Bands  []Band       `json:"bands"`
	// Measured counts the people with an attainment; AtTarget those at or
	// above 100 %; AtTargetShare is AtTarget / Measured in %, 1 place.
	Measured      int             `json:"measured"`
	AtTarget      int             `json:"at_target"`
	AtTargetShare decimal.Decimal `json:"at_target_share"`
	People        []HealthPerson  `json:"people"`
	Curves        []PlanCurve     `json:"curves"`
	Teams         []BonusCost     `json:"teams"`
	Total         []BonusCost     `json:"total"` // one per currency
	KPIs          []*kpi.KPI      `json:"-"`
	KPIDef        *kpi.KPI        `json:"-"`
	Computed      time.Time       `json:"computed"`
	Versions      kpi.Versions    `json:"versions"`
}

// HealthPerson is one person of a plan health report. Attainment is their
// weighted score (or the KPI's % of target) for the period as their
// statement pays on it; Payout their statement's payout; TargetBonus the
// target bonuses of their plan's bonus components, and Bonus what those
// components pay after gates. On the payout curve they sit at
// (CurveAttainment: what their coefficient read, BonusPercent: Bonus /
// TargetBonus × 100).
type HealthPerson struct {
	Employee        string          `json:"employee"`
	Name            string          `json:"name"`
	Unit            string          `json:"unit"`
	UnitName        string          `json:"unit_name"`
	Plan            string          `json:"plan,omitempty"`
	Attainment      decimal.Decimal `json:"attainment"`
	AttainmentNull  bool            `json:"attainment_null,omitempty"`
	Band            string          `json:"band,omitempty"`
	Currency        string          `json:"currency,omitempty"`
	Payout          decimal.Decimal `json:"payout"`
	TargetBonus     decimal.Decimal `json:"target_bonus"`
	Bonus           decimal.Decimal `json:"bonus"`
	CurveAttainment decimal.Decimal `json:"curve_attainment"`
	BonusPercent    decimal.Decimal `json:"bonus_percent"`
	OnCurve         bool            `json:"on_curve"` // has a coefficient and a target bonus
	Status          string          `json:"status,omitempty"`
	Error           string          `json:"error,omitempty"`
}

// PlanCurve is a plan's payout curve (bonus.PayoutCurve) at CurveSteps.
type PlanCurve struct {
	Plan   string             `json:"plan"`
	Of     string             `json:"of"` // what the coefficient reads: score or a KPI
	Points []bonus.CurvePoint `json:"points"`
}

// BonusCost is what a team's (or the total's) statements pay against its
// target bonuses, in one currency; Share is Payout / Target × 100, 1
// place (null without target bonuses).
type BonusCost struct {
	Unit      string          `json:"unit,omitempty"`
	Name      string          `json:"name"`
	Currency  string          `json:"currency"`
	People    int             `json:"people"`
	Payout    decimal.Decimal `json:"payout"`
	Target    decimal.Decimal `json:"target"`
	Share     decimal.Decimal `json:"share"`
	ShareNull bool            `json:"share_null,omitempty"`
}

// MaxHealthPeople bounds the people of a plan health report.
const MaxHealthPeople = 2000

// PlanHealth returns how the bonus plans do for a unit's people in a
// period; for those who may read payouts.
func (a *App) PlanHealth(ctx context.Context, who kpi.Actor, r PlanHealthRequest) (*PlanHealth, error) {
	if r.Unit == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "Give the unit.")
	}
	if r.KPI == "" {
		r.KPI = ScoreKPI
	}
	p, err := parsePeriod(r.Period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadPayouts, on{period: p}); err != nil {
		return nil, err
	}
	v := &PlanHealth{KPI: r.KPI, Period: p, Computed: a.now(), People: []HealthPerson{}, Curves: []PlanCurve{}, Teams: []BonusCost{}, Total: []BonusCost{}}
	if v.Versions, err = a.svc.Records.Versions(ctx); err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	if r.KPI != ScoreKPI {
		if v.KPIDef = defs.KPI(r.KPI); v.KPIDef == nil {
			return nil, kpi.Errorf(kpi.EINVALID, "kpi %q: no such KPI; give a KPI's name or score.", r.KPI)
		}
	}
	org, err := a.org(ctx, who.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if v.Unit = unitByID(org, r.Unit); v.Unit == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Org unit %q not found.", r.Unit)
	}
	members := unitMembers(org, r.Unit)
	if len(members) > MaxHealthPeople {
		return nil, kpi.Errorf(kpi.EINVALID, "Unit %s has %d people, more than plan health reads (%d): pick a unit below it.", r.Unit, len(members), MaxHealthPeople)
	}
	subjects := make([]kpi.Subject, len(members))
	for i, e := range members {
		subjects[i] = kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}
	}
	cards, err := a.review.Grid(ctx, subjects, []kpi.Period{p}, true)
	if err != nil {
		return nil, err
	}
	plans := map[string]*bonus.Plan{}
	for _, bp := range defs.BonusPlans {
		var pl bonus.Plan
		if err := json.Unmarshal(bp.Plan, &pl); err != nil {
			return nil, kpi.Errorf(kpi.EINTERNAL, "bonus plan %s: %v", bp.Name, err)
		}
		pl.Name = bp.Name
		plans[bp.Name] = &pl
	}
	v.Bands = slices.Clone(Bands)
	units := map[string]*kpi.OrgUnit{}
	for _, u := range org.Units {
		units[u.ID] = u
	}
	costs := map[[2]string]*BonusCost{}
	var costKeys [][2]string
	totals := map[string]*BonusCost{}
	var currencies []string
	usedPlans := map[string]bool{}
	// Each statement is a computation of its own (a draft reads the
	// locked ones before it): a few at once.
	// Locked (and paid) statements never change: read them at once.
	stored, err := a.svc.Statements.FindStatements(ctx, kpi.StatementFilter{From: p.From, To: p.To, Statuses: []string{kpi.StatusLocked, kpi.StatusPaid}})
	if err != nil {
		return nil, err
	}
	locked := map[string]*kpi.Statement{}
	for _, st := range stored {
		if st.Period.From == p.From && st.Period.To == p.To {
			locked[st.Employee.ID] = st
		}
	}
	statements := make([]*kpi.Statement, len(members))
	failed := make([]error, len(members))
	var drafts []string // of the people with a plan and no locked statement
	var at []int
	for i, e := range members {
		if st := locked[e.ID]; st != nil {
			statements[i] = st
			continue
		}
		if defs.PlanOn(e, p.To) == "" && defs.PlanOn(e, p.From) == "" {
			continue
		}
		drafts, at = append(drafts, e.ID), append(at, i)
	}
	if len(drafts) > 0 {
		sts, errs, err := a.payroll.StatementsOf(ctx, drafts, p)
		if err != nil {
			return nil, err
		}
		for j, i := range at {
			statements[i], failed[i] = sts[j], errs[j]
		}
	}
	for i, e := range members {
		subj := kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}
		hp := HealthPerson{Employee: e.ID, Name: e.Name, Unit: e.UnitID, UnitName: e.UnitID, AttainmentNull: true}
		if u := units[e.UnitID]; u != nil {
			hp.UnitName = u.Name
		}
		if c := cards[subj]; len(c) == 1 && c[0] != nil {
			cell := heatCell(c[0], r.KPI, p)
			hp.Attainment, hp.AttainmentNull = cell.Value, cell.Null
		}
		switch {
		case failed[i] != nil:
			hp.Status, hp.Error = "error", kpi.ErrorMessage(failed[i])
		case statements[i] != nil:
			hp.readStatement(statements[i], plans)
		}
		if hp.AttainmentNull && hp.Plan == "" {
			continue // neither measured nor paid: not part of the plan
		}
		if hp.Plan != "" && hp.Status != "error" {
			usedPlans[hp.Plan] = true
			k := [2]string{e.UnitID, hp.Currency}
			c := costs[k]
			if c == nil {
				name := e.UnitID
				if u := units[e.UnitID]; u != nil {
					name = u.Name
				}
				c = &BonusCost{Unit: e.UnitID, Name: name, Currency: hp.Currency}
				costs[k] = c
				costKeys = append(costKeys, k)
			}
			t := totals[hp.Currency]
			if t == nil {
				t = &BonusCost{Name: "total", Currency: hp.Currency}
				totals[hp.Currency] = t
				currencies = append(currencies, hp.Currency)
			}
			for _, c := range []*BonusCost{c, t} {
				c.People++
				c.Payout = c.Payout.Add(hp.Payout)
				c.Target = c.Target.Add(hp.TargetBonus)
			}
		}
		if !hp.AttainmentNull {
			v.Measured++
			if hp.Attainment.GreaterThanOrEqual(decimal.NewFromInt(100)) {
				v.AtTarget++
			}
			for i := range v.Bands {
				if v.Bands[i].holds(hp.Attainment) {
					v.Bands[i].Count++
					hp.Band = v.Bands[i].Name
					break
				}
			}
		}
		v.People = append(v.People, hp)
	}
	if v.Measured > 0 {
		v.AtTargetShare = decimal.NewFromInt(int64(v.AtTarget*100)).DivRound(decimal.NewFromInt(int64(v.Measured)), 1)
	}
	slices.SortFunc(costKeys, func(x, y [2]string) int { return strings.Compare(costs[x].Name+x[1], costs[y].Name+y[1]) })
	for _, k := range costKeys {
		v.Teams = append(v.Teams, costs[k].share())
	}
	slices.Sort(currencies)
	for _, c := range currencies {
		v.Total = append(v.Total, totals[c].share())
	}
	for _, bp := range defs.BonusPlans {
		if !usedPlans[bp.Name] {
			continue
		}
		pts, ok := bonus.PayoutCurve(plans[bp.Name], CurveSteps)
		if !ok {
			continue
		}
		pc := PlanCurve{Plan: bp.Name, Of: ScoreKPI, Points: pts}
		for _, c := range plans[bp.Name].Components {
			if c.Kind == bonus.KindBonus && c.Coefficient != nil && c.Coefficient.Of != "" {
				pc.Of = c.Coefficient.Of
			}
		}
		v.Curves = append(v.Curves, pc)
	}
	seen := map[string]bool{}
	for _, cs := range cards {
		for _, c := range cs {
			if c != nil {
				for _, it := range c.Items {
					seen[it.KPI] = true
				}
			}
		}
	}
	for _, k := range defs.KPIs {
		if seen[k.Name] {
			v.KPIs = append(v.KPIs, k)
		}
	}
	return v, nil
}

func (c *BonusCost) share() BonusCost {
	out := *c
	if c.Target.IsZero() {
		out.ShareNull = true
	} else {
		out.Share = c.Payout.Mul(decimal.NewFromInt(100)).DivRound(c.Target, 1)
	}
	return out
}

// readStatement takes from a statement the payout, and, of the plans'
// bonus components, the target bonuses, what they paid after gates and
// the attainment their coefficient read.
func (hp *HealthPerson) readStatement(st *kpi.Statement, plans map[string]*bonus.Plan) {
	hp.Plan, hp.Currency, hp.Payout, hp.Status = st.Plan, st.Currency, st.Payout, st.Status
	read := false
	for _, sec := range st.Sections {
		pl := plans[sec.Plan]
		if pl == nil || sec.Evaluation == nil {
			continue
		}
		ev := sec.Evaluation
		for _, c := range pl.Components {
			if c.Kind != bonus.KindBonus {
				continue
			}
			amount := ev.Line(c.ID + ".amount")
			if amount == nil {
				continue
			}
			for _, in := range amount.Inputs {
				if in.Name == "target" {
					hp.TargetBonus = hp.TargetBonus.Add(in.Value)
				}
			}
			if ev.Line(c.ID+".gate") == nil {
				hp.Bonus = hp.Bonus.Add(amount.Result)
			}
			if co := ev.Line(c.ID + ".coefficient"); co != nil && len(co.Inputs) > 0 {
				hp.CurveAttainment, read = co.Inputs[0].Value, true
			}
		}
	}
	if read && !hp.TargetBonus.IsZero() {
		hp.OnCurve = true
		hp.BonusPercent = hp.Bonus.Mul(decimal.NewFromInt(100)).DivRound(hp.TargetBonus, 2)
	}
}
