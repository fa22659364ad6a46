package bonus

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"attain/calc/formula"
	"attain/kpi"

	"github.com/shopspring/decimal"
)

// recordSet is one KPI's credited records, in date order (then key), with
// their fields typed as the columns of a dataset, which the conditions of
// per-record rules compile against.
type recordSet struct {
	kpi   string
	ds    *kpi.Dataset
	recs  []kpi.Credited
	vals  [][]kpi.Value       // per record, one value per column
	dates map[kpi.Date]string // written once each
}

// cond is a compiled condition on a record's fields.
type cond struct {
	src  string
	expr *formula.RecordExpr
}

func (c *cond) holds(vals []kpi.Value) bool {
	ok, err := c.expr.Bool(vals)
	return err == nil && ok
}

// recordsOf returns the credited records of the KPI a part pays on.
func (e *evaluator) recordsOf(c *Component) (*recordSet, error) {
	if rs := e.records[c.KPI]; rs != nil {
		return rs, nil
	}
	k := e.in.KPI(c.KPI)
	if k.Credited == nil && !k.Actual.IsZero() {
		return nil, invalidf("Commission %s pays on the records of KPI %s: the inputs list none (credited).", c.ID, c.KPI)
	}
	rs, err := newRecordSet(k)
	if err != nil {
		return nil, err
	}
	sum := decimal.Zero
	for _, r := range rs.recs {
		sum = sum.Add(r.Value)
	}
	if !sum.Equal(k.Actual) {
		e.st.Notes = append(e.st.Notes, fmt.Sprintf("the credited records of %s add up to %s; its actual is %s", k.KPI, f(sum), f(k.Actual)))
	}
	e.records[c.KPI] = rs
	return rs, nil
}

// newRecordSet types the fields of k's credited records: by k's columns,
// or, for a field they do not name, from its values (whole numbers,
// decimals, dates, true/false, else text).
func newRecordSet(k *kpi.KPIActual) (*recordSet, error) {
	byDate := func(a, b kpi.Credited) int {
		if a.Date != b.Date {
			return int(a.Date - b.Date)
		}
		return strings.Compare(a.Key, b.Key)
	}
	rs := &recordSet{kpi: k.KPI, recs: k.Credited, ds: &kpi.Dataset{Name: k.KPI}}
	if !slices.IsSortedFunc(rs.recs, byDate) {
		order := make([]int, len(k.Credited))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return byDate(k.Credited[a], k.Credited[b]) })
		rs.recs = make([]kpi.Credited, len(order))
		for i, j := range order {
			rs.recs[i] = k.Credited[j]
		}
	}
	rs.ds.Columns = append(rs.ds.Columns, k.Columns...)
	var names []string
	for _, r := range rs.recs {
		for name := range r.Fields {
			if rs.ds.ColumnIndex(name) < 0 && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	for _, name := range names {
		rs.ds.Columns = append(rs.ds.Columns, inferColumn(name, rs.recs))
	}
	rs.vals = make([][]kpi.Value, len(rs.recs))
	for i, r := range rs.recs {
		row := make([]kpi.Value, len(rs.ds.Columns))
		for j, col := range rs.ds.Columns {
			v, err := kpi.ParseValue(col, r.Fields[col.Name])
			if err != nil {
				return nil, invalidf("KPI %s, credited record %s: %v.", k.KPI, r.Key, err)
			}
			row[j] = v
		}
		rs.vals[i] = row
	}
	return rs, nil
}

// inferColumn types a field from its values in the records.
func inferColumn(name string, recs []kpi.Credited) kpi.Column {
	integer, dec, date, boolean := true, true, true, true
	scale := 0
	seen := false
	for _, r := range recs {
		s := strings.TrimSpace(r.Fields[name])
		if s == "" {
			continue
		}
		seen = true
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			integer = false
		}
		if d, err := decimal.NewFromString(s); err != nil || strings.ContainsAny(s, "eE") {
			dec = false
		} else if -d.Exponent() > int32(scale) {
			scale = int(-d.Exponent())
		}
		if _, err := kpi.ParseDate(s); err != nil {
			date = false
		}
		if _, err := strconv.ParseBool(s); err != nil || s == "0" || s == "1" {
			boolean = false
		}
	}
	switch {
	case !seen:
		return kpi.Column{Name: name, Type: kpi.String}
	case integer:
		return kpi.Column{Name: name, Type: kpi.Integer}
	case dec:
		return kpi.Column{Name: name, Type: kpi.Decimal, Scale: scale}
	case date:
		return kpi.Column{Name: name, Type: kpi.DateType}
	case boolean:
		return kpi.Column{Name: name, Type: kpi.Boolean}
	}
	return kpi.Column{Name: name, Type: kpi.String}
}

// compile compiles a condition on the records' fields; where names it in
// errors (with the line and column inside the condition).
func (rs *recordSet) compile(where, src string) (*cond, error) {
	x, err := formula.CompileFilter(rs.ds, src)
	if err != nil {
		return nil, invalidf("Commission %s: when %q on the records of %s: %v.", where, src, rs.kpi, err)
	}
	return &cond{src: src, expr: x}, nil
}

// shown returns the columns conditions read, which a record's line shows.
func (rs *recordSet) shown(conds []*cond) []int {
	var out []int
	for _, c := range conds {
		if c == nil {
			continue
		}
		for _, name := range c.expr.Columns() {
			if i := rs.ds.ColumnIndex(name); i >= 0 && !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
	}
	slices.Sort(out)
	return out
}

// describe names record i for its line: key, date and the shown fields.
func (rs *recordSet) describe(i int, shown []int) string {
	r := rs.recs[i]
	date, ok := rs.dates[r.Date]
	if !ok {
		if rs.dates == nil {
			rs.dates = map[kpi.Date]string{}
		}
		date = r.Date.String()
		rs.dates[r.Date] = date
	}
	var b strings.Builder
	b.Grow(64)
	b.WriteString("record ")
	b.WriteString(r.Key)
	b.WriteString(" of ")
	b.WriteString(date)
	for j, c := range shown {
		col := rs.ds.Columns[c]
		if j == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(col.Name)
		b.WriteByte(' ')
		if rs.vals[i][c].Null {
			b.WriteString("(empty)")
		} else {
			b.WriteString(r.Fields[col.Name])
		}
	}
	if len(shown) > 0 {
		b.WriteByte(')')
	}
	return b.String()
}
