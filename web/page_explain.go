package web

import (
	"net/http"

	"attain/app"
	"attain/kpi"
)

// explainPage shows the records (or formula parts) behind one value.
type explainPage struct {
	Parts []explainPart
}

// explainPart is one value and where it comes from; Depth indents formula
// parts under the formula.
type explainPart struct {
	Depth     int
	KPI       string
	Value     string
	Records   int
	Rule      string
	Columns   []string
	Rows      [][]string
	Truncated bool
}

func (s *Server) pageExplain(w http.ResponseWriter, r *http.Request) error {
	v, err := s.newView(r, "Where a number comes from", "")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	period := v.period(r, "kpi", "employee", "unit")
	ex, err := s.App.Explain(r.Context(), who(r), app.ExplainRequest{KPI: q.Get("kpi"), Employee: q.Get("employee"), Unit: q.Get("unit"), Period: period, Limit: 500})
	if err != nil {
		return err
	}
	defs, err := s.App.Definitions(r.Context(), who(r))
	if err != nil {
		return err
	}
	pg := &explainPage{}
	var walk func(ex *kpi.Explanation, depth int)
	walk = func(ex *kpi.Explanation, depth int) {
		k := defs.KPI(ex.Value.KPI)
		p := explainPart{Depth: depth, KPI: ex.Value.KPI, Value: v.F.Value(k, ex.Value.Value, ex.Value.Null), Records: ex.Value.Records, Truncated: ex.Truncated}
		if ex.Formula != "" {
			p.Rule = "= " + ex.Formula
		} else {
			p.Rule = string(ex.Aggregation)
			if ex.Expr != "" {
				p.Rule += "(" + ex.Expr + ")"
			}
			p.Rule += " of " + ex.Dataset
			if ex.Filter != "" {
				p.Rule += " where " + ex.Filter
			}
			p.Rule += ", dated by " + ex.TimeColumn
		}
		if ds := defs.Dataset(ex.Dataset); ds != nil && len(ex.Records) > 0 {
			p.Columns = []string{"date", "key", "owner"}
			for _, c := range ds.Columns {
				if c.Name != ds.Key && c.Name != ds.Owner {
					p.Columns = append(p.Columns, c.Name)
				}
			}
			for _, rec := range ex.Records {
				row := []string{v.F.Date(rec.Date), rec.Key, rec.Owner}
				for _, c := range p.Columns[3:] {
					row = append(row, rec.Fields[c])
				}
				p.Rows = append(p.Rows, row)
			}
		}
		pg.Parts = append(pg.Parts, p)
		for _, part := range ex.Parts {
			walk(part, depth+1)
		}
	}
	walk(ex, 0)
	v.Title = ex.Value.KPI + " · " + ex.Value.Subject.ID + " · " + ex.Value.Period.Label()
	v.Data = pg
	return s.render(w, r, "explain", v)
}
