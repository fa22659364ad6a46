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
	vs, err := s.values([]*kpiState{ks}, []kpi.Subject{q.Subject}, []kpi.Period{q.Period})
	if err != nil {
		return nil, err
	}
	k := ks.def
	x := &kpi.Explanation{Value: vs[0]}
	if ks.f != nil {
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
	m := ks.m
	t := m.t
	x.TimeColumn = t.ds.TimeColumns[m.timeCol]
	var owners []int32
	switch q.Subject.Kind {
	case kpi.SubjectEmployee:
		owners = []int32{s.org.empOwner[s.org.empIdx[q.Subject.ID]]}
	case kpi.SubjectUnit:
		owners = s.org.members[s.org.unitIdx[q.Subject.ID]]
	}
	var recs []explainedSlot
	for _, o := range owners {
		if int(o) >= len(t.ownerSlots) {
			continue
		}
		for _, slot := range t.ownerSlots[o] {
			d := t.days[m.timeCol][slot]
			if d == noDay || !q.Period.Contains(d) || m.flags[slot]&(passed|hasValue) != passed|hasValue {
				continue
			}
			recs = append(recs, explainedSlot{key: t.keys[slot], date: d, slot: slot})
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
		er := kpi.ExplainedRecord{Key: r.key, Owner: s.owners[t.owner[r.slot]], Date: r.date}
		if m.value != nil {
			v := decimal.New(m.vals[r.slot], -int32(m.scale))
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
}
