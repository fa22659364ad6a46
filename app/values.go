package app

import (
	"context"

	"attain/kpi"
)

// ValuesRequest asks for KPI values. Its fields are the words a person
// types, as the CLI's flags and the API's query parameters carry them: no
// KPIs means all, no employees and units means everyone and every unit;
// either one Period (2017-06, 2017-Q2, ...) or Grain with From and To.
type ValuesRequest struct {
	KPIs, Employees, Units  []string
	Grain, From, To, Period string
}

// Query reads the request into the engine's query.
func (r ValuesRequest) Query() (kpi.ValueQuery, error) {
	q := kpi.ValueQuery{KPIs: r.KPIs, Subjects: subjects(r.Employees, r.Units)}
	if r.Period != "" {
		if r.From != "" || r.To != "" || r.Grain != "" {
			return q, kpi.Errorf(kpi.EINVALID, "Give either a period, or a grain with from and to, not both.")
		}
		p, err := kpi.ParsePeriod(r.Period)
		if err != nil {
			return q, err
		}
		q.Grain, q.From, q.To = p.Grain, p.From, p.To
		return q, nil
	}
	q.Grain = kpi.Month
	if r.Grain != "" {
		var err error
		if q.Grain, err = kpi.ParseGrain(r.Grain); err != nil {
			return q, err
		}
	}
	if r.From == "" || r.To == "" {
		return q, kpi.Errorf(kpi.EINVALID, "Give from and to (YYYY-MM-DD), or a period such as 2017-06.")
	}
	var err error
	if q.From, err = parseDate("from", r.From); err != nil {
		return q, err
	}
	if q.To, err = parseDate("to", r.To); err != nil {
		return q, err
	}
	if q.To < q.From {
		return q, kpi.Errorf(kpi.EINVALID, "to (%s) is before from (%s).", q.To, q.From)
	}
	for _, d := range []kpi.Date{q.From, q.To} {
		if err := kpi.CheckDate(d); err != nil {
			return q, err
		}
	}
	return q, nil
}

// Values returns KPI values per subject and period.
func (a *App) Values(ctx context.Context, who kpi.Actor, r ValuesRequest) ([]kpi.KPIValue, error) {
	q, err := r.Query()
	if err != nil {
		return nil, err
	}
	p := kpi.Period{Grain: q.Grain, From: q.From, To: q.To}
	if len(q.Subjects) == 0 {
		// Everyone and every unit: those the actor may see.
		vis, err := a.visibility(ctx, who, ReadValues, p)
		if err != nil {
			return nil, err
		}
		if !vis.all {
			if q.Subjects = vis.subjects(); len(q.Subjects) == 0 {
				return []kpi.KPIValue{}, nil
			}
		}
	}
	if ctx, err = a.begin(ctx, who, ReadValues, on{subjects: q.Subjects, period: p}); err != nil {
		return nil, err
	}
	vals, err := a.svc.Values.Values(ctx, q)
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	for i := range vals {
		vals[i].Display = kpi.DisplayValue(defs.KPI(vals[i].KPI), vals[i])
	}
	return nonNil(vals), nil
}

// ExplainRequest asks why one KPI has its value for one employee or unit
// in one period; Limit caps the records listed (0: all).
type ExplainRequest struct {
	KPI            string
	Employee, Unit string
	Period         string
	Limit          int
}

// Explain returns the records (or formula parts) a value is made of, each
// record with its fields, so a person sees the deal itself.
func (a *App) Explain(ctx context.Context, who kpi.Actor, r ExplainRequest) (*kpi.Explanation, error) {
	if r.KPI == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "Give a KPI, one employee or unit, and a period.")
	}
	subj, err := oneSubject(r.Employee, r.Unit)
	if err != nil {
		return nil, err
	}
	p, err := parsePeriod(r.Period)
	if err != nil {
		return nil, err
	}
	if ctx, err = a.begin(ctx, who, ReadValues, onSubject(subj, p)); err != nil {
		return nil, err
	}
	ex, err := a.svc.Values.Explain(ctx, kpi.ExplainQuery{KPI: r.KPI, Subject: subj, Period: p, Limit: r.Limit})
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	return ex, a.attachRecordFields(ctx, defs, ex)
}

// attachRecordFields fills the cells of every record an explanation lists.
func (a *App) attachRecordFields(ctx context.Context, defs *kpi.Definitions, ex *kpi.Explanation) error {
	for _, p := range ex.Parts {
		if err := a.attachRecordFields(ctx, defs, p); err != nil {
			return err
		}
	}
	ds := defs.Dataset(ex.Dataset)
	if ds == nil || len(ex.Records) == 0 {
		return nil
	}
	keys := make([]string, len(ex.Records))
	for i, r := range ex.Records {
		keys[i] = r.Key
	}
	recs, err := a.svc.Records.FindRecords(ctx, ds.Name, kpi.RecordFilter{Keys: keys})
	if err != nil {
		return err
	}
	byKey := make(map[string]kpi.Record, len(recs))
	for _, r := range recs {
		byKey[r.Key] = r
	}
	for i := range ex.Records {
		rec, ok := byKey[ex.Records[i].Key]
		if !ok {
			continue // deleted since the engine last looked
		}
		ex.Records[i].Fields = fields(ds, rec)
	}
	return nil
}

// fields are a record's cells as text, by column name.
func fields(ds *kpi.Dataset, rec kpi.Record) map[string]string {
	out := make(map[string]string, len(ds.Columns))
	for j, c := range ds.Columns {
		if j < len(rec.Values) {
			out[c.Name] = kpi.FormatValue(c, rec.Values[j])
		}
	}
	return out
}

// Versions returns the workspace's change counters: what a page polls to
// know that its numbers moved.
func (a *App) Versions(ctx context.Context, who kpi.Actor) (kpi.Versions, error) {
	ctx, err := a.begin(ctx, who, ReadWorkspace, on{})
	if err != nil {
		return kpi.Versions{}, err
	}
	return a.svc.Records.Versions(ctx)
}

// subjects are the employees, then the units, as value subjects.
func subjects(employees, units []string) []kpi.Subject {
	var out []kpi.Subject
	for _, id := range employees {
		out = append(out, kpi.Subject{Kind: kpi.SubjectEmployee, ID: id})
	}
	for _, id := range units {
		out = append(out, kpi.Subject{Kind: kpi.SubjectUnit, ID: id})
	}
	return out
}

// oneSubject is the employee or the unit; exactly one must be given.
func oneSubject(employee, unit string) (kpi.Subject, error) {
	switch {
	case employee != "" && unit != "":
		return kpi.Subject{}, kpi.Errorf(kpi.EINVALID, "Give an employee or a unit, not both.")
	case employee != "":
		return kpi.Subject{Kind: kpi.SubjectEmployee, ID: employee}, nil
	case unit != "":
		return kpi.Subject{Kind: kpi.SubjectUnit, ID: unit}, nil
	}
	return kpi.Subject{}, kpi.Errorf(kpi.EINVALID, "Give an employee or a unit.")
}

// parsePeriod reads a required period.
func parsePeriod(s string) (kpi.Period, error) {
	if s == "" {
		return kpi.Period{}, kpi.Errorf(kpi.EINVALID, "Give a period, e.g. 2026-06, 2026-Q3, 2026-W14, 2026 or 2026-06-01..2026-06-21.")
	}
	return kpi.ParsePeriod(s)
}

// parseDate reads an optional date named what; "" is the zero date.
func parseDate(what, s string) (kpi.Date, error) {
	if s == "" {
		return 0, nil
	}
	d, err := kpi.ParseDate(s)
	if err != nil {
		return 0, kpi.Errorf(kpi.EINVALID, "%s: %s", what, kpi.ErrorMessage(err))
	}
	return d, nil
}

// optDate reads an optional date as a pointer: nil when s is "".
func optDate(what, s string) (*kpi.Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := parseDate(what, s)
	return &d, err
}
