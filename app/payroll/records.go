package payroll

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"attain/calc/bonus"
	"attain/calc/formula"
	"attain/kpi"
)

// trueUpWindow is the window to date of a true-up plan for p: from the
// first day of p's year (or quarter) to p's last day; nil without a
// true-up.
func trueUpWindow(plan *bonus.Plan, p kpi.Period) *kpi.Period {
	if plan == nil || plan.TrueUp == nil {
		return nil
	}
	g := kpi.Year
	if plan.TrueUp.ToDate == bonus.ToDateQuarter {
		g = kpi.Quarter
	}
	w := kpi.PeriodOf(g, p.From)
	if w.From == p.From && w.To == p.To {
		return &w
	}
	return &kpi.Period{Grain: kpi.Range, From: w.From, To: p.To}
}

// targetOf is a KPI's target over what its actual is measured over: the
// period's own target, or, over a true-up window, the sum of the targets
// of every period of p's grain in the window (none when one lacks it).
func targetOf(targets []*kpi.Target, name string, p, of kpi.Period) (decimal.Decimal, bool) {
	find := func(q kpi.Period) (decimal.Decimal, bool) {
		for _, t := range targets {
			if t.KPI == name && t.Period.From == q.From && t.Period.To == q.To {
				return t.Value, true
			}
		}
		return decimal.Zero, false
	}
	if of.From == p.From && of.To == p.To {
		return find(p)
	}
	if p.Grain == kpi.Range {
		return decimal.Zero, false
	}
	sum := decimal.Zero
	for _, q := range kpi.Periods(p.Grain, of.From, of.To) {
		v, ok := find(q)
		if !ok || !v.IsPositive() {
			return decimal.Zero, false
		}
		sum = sum.Add(v)
	}
	return sum, true
}

// records adds to the inputs what the plans read of the records: the
// credited records (with the fields their rules read) of the KPIs paid on
// per record or on a running total, in the section's days; the KPI's value
// before the period for a running total over the year; and the open deals
// of a projection.
func (s *Service) records(ctx context.Context, e *env, emp *kpi.Employee, p, of kpi.Period, seg segment, nd need, in *kpi.BonusInputs) error {
	plans := nd.plans
	subj := kpi.Subject{Kind: kpi.SubjectEmployee, ID: emp.ID}
	var recordKPIs, yearKPIs []string
	fields := map[string][]string{} // KPI → the record fields its rules read
	for _, plan := range plans {
		for _, name := range plan.RecordKPIs() {
			if !slices.Contains(recordKPIs, name) {
				recordKPIs = append(recordKPIs, name)
			}
		}
		for _, name := range plan.RunningYear() {
			if !slices.Contains(yearKPIs, name) {
				yearKPIs = append(yearKPIs, name)
			}
		}
	}
	for _, name := range recordKPIs {
		a := in.KPI(name)
		ds, err := e.datasetOf(name)
		if err != nil {
			return err
		}
		for _, plan := range plans {
			for _, src := range plan.Conditions(name) {
				x, err := formula.CompileFilter(ds, src)
				if err != nil {
					return kpi.Errorf(kpi.EINVALID, "Plan %s: when %q on the records of %s: %v.", plan.Name, src, name, err)
				}
				for _, c := range x.Columns() {
					if !slices.Contains(fields[name], c) {
						fields[name] = append(fields[name], c)
					}
				}
			}
		}
		ex, err := s.Values.Explain(ctx, kpi.ExplainQuery{KPI: name, Subject: subj, Period: of})
		if err != nil {
			return fmt.Errorf("records behind %s: %w", name, err)
		}
		var recs []kpi.ExplainedRecord
		records(ex, &recs)
		a.Credited = []kpi.Credited{}
		keys := make([]string, 0, len(recs))
		for _, r := range recs {
			// In a section of a period (a plan change), the records of its
			// days; over a true-up window, all of the window's.
			if of.From == p.From && (r.Date < seg.from || r.Date > seg.to) {
				continue
			}
			a.Credited = append(a.Credited, kpi.Credited{Key: r.Key, Date: r.Date, Value: recordValue(r)})
			keys = append(keys, r.Key)
		}
		if len(fields[name]) == 0 {
			continue
		}
		cells, err := s.cells(ctx, ds, emp.ID, keys, fields[name])
		if err != nil {
			return err
		}
		for i := range a.Credited {
			a.Credited[i].Fields = cells[a.Credited[i].Key]
		}
		for _, c := range fields[name] {
			a.Columns = append(a.Columns, ds.Columns[ds.ColumnIndex(c)])
		}
	}
	if len(yearKPIs) > 0 {
		year := kpi.PeriodOf(kpi.Year, p.From)
		for _, name := range yearKPIs {
			v := decimal.Zero
			if p.From > year.From {
				vals, err := s.Values.Values(ctx, kpi.ValueQuery{KPIs: []string{name}, Subjects: []kpi.Subject{subj}, Grain: kpi.Range, From: year.From, To: p.From - 1})
				if err != nil {
					return err
				}
				for _, x := range vals {
					if x.KPI == name && !x.Null {
						v = x.Value
					}
				}
			}
			in.KPI(name).Before = &v
		}
	}
	for _, plan := range plans {
		if pj := plan.Projection; nd.project && pj != nil && pj.Open != "" && pj.Value != "" && in.Open == nil {
			open, err := s.openDeals(ctx, e, emp, plan, fields[pj.KPI])
			if err != nil {
				return err
			}
			in.Open = open
		}
	}
	return nil
}

// datasetOf is the dataset of a measure KPI.
func (e *env) datasetOf(name string) (*kpi.Dataset, error) {
	k := e.defs.KPI(name)
	if k == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "KPI %q not found.", name)
	}
	ds := e.defs.Dataset(k.Dataset)
	if k.IsFormula() || ds == nil {
		return nil, kpi.Errorf(kpi.EINVALID, "KPI %s is a formula: rules on records need a measure over a dataset.", name)
	}
	return ds, nil
}

// cells reads the named fields of records by key, as text. Many keys are
// read as the records of their owner (one query, not a list of keys);
// owner "" reads by key.
func (s *Service) cells(ctx context.Context, ds *kpi.Dataset, owner string, keys, names []string) (map[string]map[string]string, error) {
	if s.Records == nil {
		return nil, kpi.Errorf(kpi.EINTERNAL, "The statement service has no record store to read the fields of %s.", ds.Name)
	}
	out := make(map[string]map[string]string, len(keys))
	filter := kpi.RecordFilter{Keys: keys}
	if owner != "" && len(keys) > 20 {
		filter = kpi.RecordFilter{Owners: []string{owner}}
	}
	recs, err := s.Records.FindRecords(ctx, ds.Name, filter)
	if err != nil {
		return nil, fmt.Errorf("fields of the records of %s: %w", ds.Name, err)
	}
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	for _, r := range recs {
		if want[r.Key] {
			out[r.Key] = fieldsOf(ds, r, names)
		}
	}
	return out, nil
}

func fieldsOf(ds *kpi.Dataset, r kpi.Record, names []string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		if j := ds.ColumnIndex(n); j >= 0 && j < len(r.Values) {
			m[n] = kpi.FormatValue(ds.Columns[j], r.Values[j])
		}
	}
	return m
}

// openDeals lists the employee's open deals for a projection: the records
// of the KPI's dataset they own that meet the projection's open filter,
// each with its value, stage and the fields the plan's rules read.
func (s *Service) openDeals(ctx context.Context, e *env, emp *kpi.Employee, plan *bonus.Plan, names []string) ([]kpi.OpenDeal, error) {
	pj := plan.Projection
	ds, err := e.datasetOf(pj.KPI)
	if err != nil {
		return nil, err
	}
	open, err := formula.CompileFilter(ds, pj.Open)
	if err != nil {
		return nil, kpi.Errorf(kpi.EINVALID, "Plan %s: projection.open %q: %v.", plan.Name, pj.Open, err)
	}
	value, err := formula.CompileValue(ds, pj.Value)
	if err != nil {
		return nil, kpi.Errorf(kpi.EINVALID, "Plan %s: projection.value %q: %v.", plan.Name, pj.Value, err)
	}
	if s.Records == nil {
		return nil, kpi.Errorf(kpi.EINTERNAL, "The statement service has no record store to find open deals.")
	}
	recs, err := s.Records.FindRecords(ctx, ds.Name, kpi.RecordFilter{Owners: []string{emp.ID}})
	if err != nil {
		return nil, fmt.Errorf("open deals of %s: %w", emp.ID, err)
	}
	stage := ds.ColumnIndex(pj.Stage)
	out := []kpi.OpenDeal{}
	for _, r := range recs {
		ok, err := open.Bool(r.Values)
		if err != nil || !ok {
			continue
		}
		n, null, err := value.Number(r.Values)
		if err != nil || null || n < 0 {
			continue
		}
		d := kpi.OpenDeal{Key: r.Key, Value: decimal.New(n, -int32(value.Scale())), Fields: fieldsOf(ds, r, names)}
		if stage >= 0 && stage < len(r.Values) {
			d.Stage = kpi.FormatValue(ds.Columns[stage], r.Values[stage])
		}
		out = append(out, d)
	}
	return out, nil
}

// contractMonths reads a reversed record's contract length in months from
// the plan's contract field (nil when it cannot: no field, the record
// gone, not a whole number).
func (s *Service) contractMonths(ctx context.Context, e *env, plan *bonus.Plan, kpiName, key string) *int {
	if plan == nil || plan.Clawback == nil || plan.Clawback.ContractField == "" || s.Records == nil {
		return nil
	}
	ds, err := e.datasetOf(kpiName)
	if err != nil {
		return nil
	}
	cells, err := s.cells(ctx, ds, "", []string{key}, []string{plan.Clawback.ContractField})
	if err != nil {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(cells[key][plan.Clawback.ContractField]))
	if err != nil || n <= 0 {
		return nil
	}
	return &n
}
