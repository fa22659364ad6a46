package kpi

// ScorecardFor returns template t as it is scored for a subject on day,
// and the scorecard change that made it so (nil for none): the latest
// change in effect on day (applied or approved, Period.From on or before
// day) of the most specific subject of chain (the subject itself first,
// then the units above it, up to the top), else t without its optional
// items. A change that no longer lists exactly the template's KPIs (the
// company changed the template since) is passed over. t is not modified.
func ScorecardFor(t *ScorecardTemplate, chain []Subject, changes []*LevelChange, day Date) (*ScorecardTemplate, *LevelChange) {
	if t == nil {
		return nil, nil
	}
	for _, s := range chain {
		var best *LevelChange
		for _, c := range changes {
			if c.Scorecard != t.Name || c.Subject != s || c.Period.From > day || (c.Status != LevelApplied && c.Status != LevelApproved) || !t.Fits(c.Items) {
				continue
			}
			if best == nil || c.Period.From > best.Period.From || (c.Period.From == best.Period.From && c.ID > best.ID) {
				best = c
			}
		}
		if best != nil {
			return t.WithLevels(best.Items), best
		}
	}
	return t.WithLevels(nil), nil
}

// Fits reports whether items name exactly the KPIs of t's items, each once.
func (t *ScorecardTemplate) Fits(items []ItemLevels) bool {
	if len(items) != len(t.Items) {
		return false
	}
	seen := make(map[string]bool, len(items))
	for _, l := range items {
		seen[l.KPI] = true
	}
	for _, it := range t.Items {
		if !seen[it.KPI] {
			return false
		}
	}
	return len(seen) == len(items)
}

// Levels returns t's items as levels: the optional ones off.
func (t *ScorecardTemplate) Levels() []ItemLevels {
	out := make([]ItemLevels, len(t.Items))
	for i, it := range t.Items {
		out[i] = ItemLevels{KPI: it.KPI, Off: it.Optional, Weight: it.Weight, Threshold: it.Threshold, Stretch: it.Stretch}
	}
	return out
}

// WithLevels returns a copy of t with the items set as levels says (by
// KPI): those off left out, the others with their weight, threshold and
// stretch, none of them optional any more. With no levels, it is t
// without its optional items.
func (t *ScorecardTemplate) WithLevels(levels []ItemLevels) *ScorecardTemplate {
	if levels == nil {
		levels = t.Levels()
	}
	by := make(map[string]ItemLevels, len(levels))
	for _, l := range levels {
		by[l.KPI] = l
	}
	cp := *t
	cp.Items = make([]ScorecardItem, 0, len(t.Items))
	for _, it := range t.Items {
		l, ok := by[it.KPI]
		if !ok {
			l = ItemLevels{KPI: it.KPI, Off: it.Optional, Weight: it.Weight, Threshold: it.Threshold, Stretch: it.Stretch}
		}
		if l.Off {
			continue
		}
		it.Optional = false
		it.Weight, it.Threshold, it.Stretch = l.Weight, l.Threshold, l.Stretch
		cp.Items = append(cp.Items, it)
	}
	return &cp
}
