package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"attain/kpi"
)

func (s *Server) getValues(w http.ResponseWriter, r *http.Request) error {
	q, err := ParseValueQuery(r.URL.Query())
	if err != nil {
		return err
	}
	defs, err := s.Definitions.FindDefinitions(r.Context())
	if err != nil {
		return err
	}
	vals, err := s.Values.Values(r.Context(), q)
	if err != nil {
		return err
	}
	writeJSONArray(w, vals, func(v *kpi.KPIValue) { v.Display = kpi.DisplayValue(defs.KPI(v.KPI), *v) })
	return nil
}

// ParseValueQuery reads kpi, employee, unit, grain, from, to and period.
func ParseValueQuery(v url.Values) (kpi.ValueQuery, error) {
	q := kpi.ValueQuery{KPIs: splitList(v.Get("kpi")), Subjects: subjects(v)}
	if p := v.Get("period"); p != "" {
		if v.Get("from") != "" || v.Get("to") != "" || v.Get("grain") != "" {
			return q, kpi.Errorf(kpi.EINVALID, "Give either period, or grain with from and to, not both.")
		}
		period, err := kpi.ParsePeriod(p)
		if err != nil {
			return q, err
		}
		q.Grain, q.From, q.To = period.Grain, period.From, period.To
		return q, nil
	}
	q.Grain = kpi.Month
	if g := v.Get("grain"); g != "" {
		var err error
		if q.Grain, err = kpi.ParseGrain(g); err != nil {
			return q, err
		}
	}
	if v.Get("from") == "" || v.Get("to") == "" {
		return q, kpi.Errorf(kpi.EINVALID, "Give from and to (YYYY-MM-DD), or a period such as 2017-06.")
	}
	var err error
	if q.From, err = kpi.ParseDate(v.Get("from")); err != nil {
		return q, kpi.Errorf(kpi.EINVALID, "from: %s", err)
	}
	if q.To, err = kpi.ParseDate(v.Get("to")); err != nil {
		return q, kpi.Errorf(kpi.EINVALID, "to: %s", err)
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

func subjects(v url.Values) []kpi.Subject {
	var out []kpi.Subject
	for _, id := range splitList(v.Get("employee")) {
		out = append(out, kpi.Subject{Kind: kpi.SubjectEmployee, ID: id})
	}
	for _, id := range splitList(v.Get("unit")) {
		out = append(out, kpi.Subject{Kind: kpi.SubjectUnit, ID: id})
	}
	return out
}

func (s *Server) explain(w http.ResponseWriter, r *http.Request) error {
	q, err := ParseExplainQuery(r.URL.Query())
	if err != nil {
		return err
	}
	ex, err := s.Values.Explain(r.Context(), q)
	if err != nil {
		return err
	}
	defs, err := s.Definitions.FindDefinitions(r.Context())
	if err != nil {
		return err
	}
	if err := AttachRecordFields(r.Context(), s.Records, defs, ex); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ex)
	return nil
}

// ParseExplainQuery reads kpi, employee or unit, period and limit.
func ParseExplainQuery(v url.Values) (kpi.ExplainQuery, error) {
	subj := subjects(v)
	if v.Get("kpi") == "" || len(subj) != 1 || v.Get("period") == "" {
		return kpi.ExplainQuery{}, kpi.Errorf(kpi.EINVALID, "Give a KPI, one employee or unit, and a period.")
	}
	period, err := kpi.ParsePeriod(v.Get("period"))
	if err != nil {
		return kpi.ExplainQuery{}, err
	}
	limit, err := intParam(v.Get("limit"), 1000, -1)
	if err != nil {
		return kpi.ExplainQuery{}, err
	}
	return kpi.ExplainQuery{KPI: v.Get("kpi"), Subject: subj[0], Period: period, Limit: limit}, nil
}

// AttachRecordFields fills the cells of every record an explanation lists,
// so a person sees the deal itself, not only its key.
func AttachRecordFields(ctx context.Context, records kpi.RecordService, defs *kpi.Definitions, ex *kpi.Explanation) error {
	for _, p := range ex.Parts {
		if err := AttachRecordFields(ctx, records, defs, p); err != nil {
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
	recs, err := records.FindRecords(ctx, ds.Name, kpi.RecordFilter{Keys: keys})
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
		fields := make(map[string]string, len(ds.Columns))
		for j, c := range ds.Columns {
			if j < len(rec.Values) {
				fields[c.Name] = kpi.FormatValue(c, rec.Values[j])
			}
		}
		ex.Records[i].Fields = fields
	}
	return nil
}

// splitList reads "a,b, c" as [a b c]; "" as nil.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// intParam reads a non-negative integer, def when empty; max < 0 means no limit.
func intParam(s string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || (max >= 0 && n > max) {
		if max >= 0 {
			return 0, kpi.Errorf(kpi.EINVALID, "%q is not a number from 0 to %d.", s, max)
		}
		return 0, kpi.Errorf(kpi.EINVALID, "%q is not a non-negative number.", s)
	}
	return n, nil
}
