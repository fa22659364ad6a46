package engine

import (
	"cmp"
	"slices"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// Explain takes one value apart. For a measure it lists every record that
// counts towards it (for count: every record that passed the filter; for the
// other aggregations: those with a non-null value), sorted by date then key,
// at most q.Limit of them (Truncated says more were left out), each with the
// value it contributed (nil for count and count_distinct). For a formula it
// gives the formula and the explanations of its parts. The value is the one
// Values returns for the same KPI, subject and period.
//
// A KPI with revisions is explained with the definition it was computed
// with, and Until tells which: nil for the current definition, else the
// last day of the revision. A measure whose definitions change within the
// period has one part per definition, each with its own value and records.
func (s *State) Explain(q kpi.ExplainQuery) (*kpi.Explanation, error) {
	if q.Period.To < q.Period.From {
		return nil, kpi.Errorf(kpi.EINVALID, "Period ends (%s) before it starts (%s).", q.Period.To, q.Period.From)
	}
	if q.Limit < 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "Limit must not be negative.")
	}
	kss, err := s.resolveKPIs([]string{q.KPI})
	if err != nil {
		return nil, err
	}
	return s.explain(kss[0], q)
}

func (s *State) explain(ks *kpiState, q kpi.ExplainQuery) (*kpi.Explanation, error) {
	vs, err := s.values([]*kpiState{ks}, []kpi.Subject{q.Subject}, []kpi.Period{q.Period}, DefaultMaxCells)
	if err != nil {
		return nil, err
	}
	k := ks.def
	x := &kpi.Explanation{Value: vs[0], Until: ks.revision()}
	switch {
	case ks.byPeriod:
		vx, err := s.explain(ks.versionOn(q.Period.From), q)
		if err != nil {
			return nil, err
		}
		vx.Value = x.Value
		return vx, nil
	case ks.versions != nil:
		var used []*kpiState
		for _, v := range ks.versions {
			if pt := v.parts[0]; pt.from <= q.Period.To && q.Period.From <= pt.to {
				used = append(used, v)
			}
		}
		if len(used) == 1 {
			vx, err := s.explain(used[0], q)
			if err != nil {
				return nil, err
			}
			vx.Value = x.Value
			return vx, nil
		}
		x.Aggregation = k.Aggregation
		for _, v := range used {
			part, err := s.explain(v, q)
			if err != nil {
				return nil, err
			}
			x.Parts = append(x.Parts, part)
		}
		return x, nil
	case ks.f != nil:
		x.Formula = k.Formula
		for _, ref := range ks.refs {
			part, err := s.explain(ref, q)
			if err != nil {
				return nil, err
			}
			x.Parts = append(x.Parts, part)
		}
		return x, nil
	}
	x.Aggregation, x.Dataset, x.Filter, x.Expr = k.Aggregation, k.Dataset, k.Filter, k.Expr
	x.TimeColumn = ks.m.t.ds.TimeColumns[ks.m.timeCol]
	// The records are found the way Values folds them.
	vq, err := s.newQuery([]kpi.Subject{q.Subject}, []kpi.Period{q.Period})
	if err != nil {
		return nil, err
	}
	var recs []explainedSlot
	for _, pt := range ks.parts {
		m := pt.v.m
		sc := vq.scan(m.t, m.timeCol, pt.from, pt.to)
		for _, sp := range sc.parts {
			for i, c := range sp.cells {
				slot := sp.slot(i)
				if c < 0 || m.flags[slot]&(passed|hasValue) != passed|hasValue {
					continue
				}
				recs = append(recs, explainedSlot{key: m.t.keys.key(slot), date: m.t.days[m.timeCol][slot], slot: slot, m: m})
			}
		}
	}
	slices.SortFunc(recs, func(a, b explainedSlot) int {
		return cmp.Or(cmp.Compare(a.date, b.date), cmp.Compare(a.key, b.key))
	})
	if q.Limit > 0 && len(recs) > q.Limit {
		recs, x.Truncated = recs[:q.Limit], true
	}
	x.Records = make([]kpi.ExplainedRecord, len(recs))
	for i, r := range recs {
		er := kpi.ExplainedRecord{Key: r.key, Owner: s.owners[r.m.t.owner[r.slot]], Date: r.date}
		if r.m.value != nil {
			v := decimal.New(r.m.vals.get(r.slot), -int32(r.m.scale))
			er.Value = &v
		}
		x.Records[i] = er
	}
	return x, nil
}

// explainedSlot is a record found for an explanation.
type explainedSlot struct {
	key  string
	date kpi.Date
	slot int32
	m    *measure
}
