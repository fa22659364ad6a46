package engine

import (
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sync"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// DefaultMaxCells caps the size of one query's grid (KPIs, including the
// parts of formulas, × subjects × periods) unless the Engine sets its own:
// a year of days of 15 KPIs for 180 people is about as much. Each cell
// costs some 200 bytes while the query runs.
const DefaultMaxCells = 1_000_000

// parallelMin is the number of records below which a query runs its
// measures on one goroutine.
const parallelMin = 100_000

// cell is one computed value.
type cell struct {
	v       decimal.Decimal
	null    bool
	records int
}

// query is one Values computation: its subjects mapped to groups of owners
// and its periods mapped to days.
type query struct {
	s        *State
	periods  []kpi.Period
	subjects []kpi.Subject

	base, last kpi.Date // first day of the first period, last day of the last
	pmap       []int32  // day - base → period index, -1 outside every period

	groupOwner []int32   // per group: owner id
	ownerGroup []int32   // per owner id: group, -1 when no subject needs it, dated for an owner with stints
	stintGroup []int32   // per stint: group, -1 when no subject needs it
	owners     []int32   // the owners of the groups, once each
	subjGroups [][]int32 // per subject: its groups

	mu    sync.Mutex
	scans map[scanKey]*scan
}

// dated marks, in query.ownerGroup, an owner whose group depends on the
// date: an employee with memberships.
const dated = -2

type scanKey struct {
	t        *table
	timeCol  int
	from, to kpi.Date
}

// scan is the records of the query's owners in one table dated from..to,
// each mapped to its cell (group × period) by one time column, in parts.
type scan struct {
	once  sync.Once
	parts []scanPart
}

// scanPart is a run of visited slots: from, from+1, … or the slots listed.
type scanPart struct {
	from  int32
	slots []int32 // nil: from on
	cells []int32 // per visited slot: group*len(periods)+period, or -1
}

func (p *scanPart) slot(i int) int32 {
	if p.slots != nil {
		return p.slots[i]
	}
	return p.from + int32(i)
}

// Values computes q's KPIs for q's subjects over the periods of q.Grain that
// touch q.From..q.To. The grid is complete and ordered by KPI (as asked, or
// in definition order), subject (as asked, or every employee by id then
// every unit by id) and period. Empty groups are 0 for count, sum and
// count_distinct and Null for avg, min, max, median and p90. A formula is
// evaluated per subject and period from its parts' values for the same
// subject and period, and its Records is the sum of its parts' Records.
//
// Averages are rounded half to even to the expression's scale + 4 decimal
// places; a median of an even number of values is the exact mean of the two
// middle ones; p90 is the nearest rank: the smallest value v such that at
// least 90 % of the values are ≤ v.
//
// Asking for a broken KPI by name fails with EINVALID; when all KPIs are
// asked for, broken ones are left out (see Health). A query of more than
// DefaultMaxCells values fails with EINVALID, before anything is computed,
// saying how to narrow it.
func (s *State) Values(q kpi.ValueQuery) ([]kpi.KPIValue, error) {
	return s.valuesMax(q, DefaultMaxCells)
}

// valuesMax is Values with a cap of maxCells values.
func (s *State) valuesMax(q kpi.ValueQuery, maxCells int64) ([]kpi.KPIValue, error) {
	if q.Grain == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "No period grain given.")
	}
	g, err := kpi.ParseGrain(string(q.Grain))
	if err != nil {
		return nil, err
	}
	if q.To < q.From {
		return nil, kpi.Errorf(kpi.EINVALID, "Period ends (%s) before it starts (%s).", q.To, q.From)
	}
	kss, err := s.resolveKPIs(q.KPIs)
	if err != nil {
		return nil, err
	}
	subjects := q.Subjects
	if len(subjects) == 0 {
		subjects = s.allSubjects()
	}
	np := kpi.CountPeriods(g, q.From, q.To)
	if err := tooMany(int64(len(kss))*int64(len(subjects))*np, maxCells, len(kss), len(subjects), np, g); err != nil {
		return nil, err
	}
	return s.values(kss, subjects, kpi.Periods(g, q.From, q.To), maxCells)
}

// tooMany is the error of a query of n values, more than max: what it asks
// for and how to ask for less.
func tooMany(n, max int64, kpis, subjects int, periods int64, g kpi.Grain) error {
	if n <= max {
		return nil
	}
	narrow := "a shorter range"
	if g != kpi.Range && g != kpi.Year {
		narrow = "a coarser grain (week, month, quarter, year) or a shorter range"
	}
	return kpi.Errorf(kpi.EINVALID, "The query asks for %d values (%d KPIs × %d subjects × %d periods of a %s), more than the %d one query may compute: ask for %s, or fewer KPIs or subjects.",
		n, kpis, subjects, periods, g, max, narrow)
}

func (s *State) resolveKPIs(names []string) ([]*kpiState, error) {
	var kss []*kpiState
	if len(names) == 0 {
		for _, ks := range s.kpis {
			if ks.err == nil {
				kss = append(kss, ks)
			}
		}
		return kss, nil
	}
	for _, name := range names {
		ks := s.byName[name]
		if ks == nil {
			return nil, kpi.Errorf(kpi.ENOTFOUND, "Unknown KPI %q.", name)
		}
		if ks.err != nil {
			return nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("KPI %q cannot be computed: %v.", name, ks.err)}
		}
		kss = append(kss, ks)
	}
	return kss, nil
}

func (s *State) allSubjects() []kpi.Subject {
	subjects := make([]kpi.Subject, 0, len(s.org.emps)+len(s.org.units))
	for _, e := range s.org.emps {
		subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID})
	}
	for _, u := range s.org.units {
		subjects = append(subjects, kpi.Subject{Kind: kpi.SubjectUnit, ID: u.ID})
	}
	return subjects
}

// values computes the grid of kss × subjects × periods, of at most maxCells
// values with the parts of formulas.
func (s *State) values(kss []*kpiState, subjects []kpi.Subject, periods []kpi.Period, maxCells int64) ([]kpi.KPIValue, error) {
	q, err := s.newQuery(subjects, periods)
	if err != nil {
		return nil, err
	}
	// Every KPI needed: the ones asked for, the parts of formulas and the
	// definitions of KPIs computed per period.
	var all []*kpiState
	seen := make(map[*kpiState]bool)
	var need func(ks *kpiState)
	need = func(ks *kpiState) {
		if seen[ks] {
			return
		}
		seen[ks] = true
		for _, ref := range ks.refs {
			need(ref)
		}
		if ks.byPeriod {
			for _, v := range ks.versions {
				need(v)
			}
		}
		all = append(all, ks) // parts before the formulas over them
	}
	for _, ks := range kss {
		need(ks)
	}
	if err := tooMany(int64(len(all))*int64(len(subjects))*int64(len(periods)), maxCells, len(all), len(subjects), int64(len(periods)), periods[0].Grain); err != nil {
		return nil, err
	}
	cells := make(map[*kpiState][]cell, len(all))
	var measures []*kpiState
	for _, ks := range all {
		if ks.m != nil {
			measures = append(measures, ks)
		}
	}
	results := make([][]cell, len(measures))
	errs := make([]error, len(measures))
	total := 0
	for _, t := range s.tables {
		total += t.keys.n
	}
	workers := min(runtime.GOMAXPROCS(0), len(measures))
	if total < parallelMin || len(s.org.emps) < 2 || len(subjects) < 2 {
		workers = 1
	}
	var wg sync.WaitGroup
	next := make(chan int, len(measures))
	for i := range measures {
		next <- i
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = q.measure(measures[i])
			}
		}()
	}
	wg.Wait()
	for i, ks := range measures {
		if errs[i] != nil {
			return nil, errs[i]
		}
		cells[ks] = results[i]
	}
	for _, ks := range all {
		switch {
		case ks.f != nil:
			if cells[ks], err = q.formula(ks, cells); err != nil {
				return nil, err
			}
		case ks.byPeriod:
			cells[ks] = q.byPeriod(ks, cells)
		}
	}
	out := make([]kpi.KPIValue, 0, len(kss)*len(subjects)*len(periods))
	for _, ks := range kss {
		cs := cells[ks]
		for si, subj := range subjects {
			for pi, p := range periods {
				c := cs[si*len(periods)+pi]
				out = append(out, kpi.KPIValue{KPI: ks.def.Name, Subject: subj, Period: p, Value: c.v, Null: c.null, Records: c.records})
			}
		}
	}
	return out, nil
}

func (s *State) newQuery(subjects []kpi.Subject, periods []kpi.Period) (*query, error) {
	if len(periods) == 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "No period to compute.")
	}
	q := &query{s: s, periods: periods, subjects: subjects, scans: make(map[scanKey]*scan)}
	q.base = periods[0].From
	last := periods[len(periods)-1].To
	for _, p := range periods {
		q.base, last = min(q.base, p.From), max(last, p.To)
	}
	q.last = last
	if span := int64(last) - int64(q.base) + 1; span > 1<<24 {
		return nil, kpi.Errorf(kpi.EINVALID, "The periods span %d days, too many.", span)
	}
	q.pmap = make([]int32, int(last-q.base)+1)
	for i := range q.pmap {
		q.pmap[i] = -1
	}
	for pi, p := range periods {
		for d := p.From; d <= p.To; d++ {
			if q.pmap[d-q.base] < 0 {
				q.pmap[d-q.base] = int32(pi)
			}
		}
	}
	q.ownerGroup = make([]int32, len(s.owners))
	for i := range q.ownerGroup {
		q.ownerGroup[i] = -1
	}
	group := func(o int32) int32 {
		if g := q.ownerGroup[o]; g >= 0 {
			return g
		}
		g := int32(len(q.groupOwner))
		q.groupOwner = append(q.groupOwner, o)
		q.ownerGroup[o] = g
		q.owners = append(q.owners, o)
		return g
	}
	// An employee with memberships has a group per stint.
	if len(s.org.stints) > 0 {
		q.stintGroup = make([]int32, len(s.org.stints))
		for i := range q.stintGroup {
			q.stintGroup[i] = -1
		}
	}
	stintGroup := func(id int32) int32 {
		if g := q.stintGroup[id]; g >= 0 {
			return g
		}
		o := s.org.stints[id].owner
		g := int32(len(q.groupOwner))
		q.groupOwner = append(q.groupOwner, o)
		q.stintGroup[id] = g
		if q.ownerGroup[o] != dated {
			q.ownerGroup[o] = dated
			q.owners = append(q.owners, o)
		}
		return g
	}
	q.subjGroups = make([][]int32, len(subjects))
	for si, subj := range subjects {
		switch subj.Kind {
		case kpi.SubjectEmployee:
			i, ok := s.org.empIdx[subj.ID]
			if !ok {
				return nil, kpi.Errorf(kpi.ENOTFOUND, "Unknown employee %q.", subj.ID)
			}
			o := s.org.empOwner[i]
			r, ok := s.org.stintsOf[o]
			if !ok {
				q.subjGroups[si] = []int32{group(o)}
				continue
			}
			for id := r[0]; id < r[1]; id++ {
				q.subjGroups[si] = append(q.subjGroups[si], stintGroup(id))
			}
		case kpi.SubjectUnit:
			i, ok := s.org.unitIdx[subj.ID]
			if !ok {
				return nil, kpi.Errorf(kpi.ENOTFOUND, "Unknown org unit %q.", subj.ID)
			}
			gs := make([]int32, len(s.org.members[i]))
			for j, o := range s.org.members[i] {
				gs[j] = group(o)
			}
			if s.org.stintMembers != nil {
				for _, id := range s.org.stintMembers[i] {
					gs = append(gs, stintGroup(id))
				}
			}
			q.subjGroups[si] = gs
		default:
			return nil, kpi.Errorf(kpi.EINVALID, "Unknown subject kind %q: want employee or unit.", subj.Kind)
		}
	}
	return q, nil
}

// scan returns the query's records in t dated from..to, mapped to cells
// by a time column, computing it once per query.
func (q *query) scan(t *table, timeCol int, from, to kpi.Date) *scan {
	key := scanKey{t, timeCol, from, to}
	q.mu.Lock()
	sc := q.scans[key]
	if sc == nil {
		sc = &scan{}
		q.scans[key] = sc
	}
	q.mu.Unlock()
	sc.once.Do(func() {
		lo, hi := max(from, q.base), min(to, q.last)
		if lo > hi {
			return
		}
		n := 0
		for _, o := range q.owners {
			if int(o) < len(t.ownerSlots) {
				n += len(t.ownerSlots[o])
			}
		}
		var parts []scanPart
		byDay := false
		switch x := t.byDay; {
		case 4*n < t.slots(): // few records: follow the owners' slot lists
			slots := make([]int32, 0, n)
			for _, o := range q.owners {
				if int(o) < len(t.ownerSlots) {
					slots = append(slots, t.ownerSlots[o]...)
				}
			}
			parts = []scanPart{{slots: slots, cells: make([]int32, len(slots))}}
		case x != nil && x.col == timeCol: // the days' run, and the slots written since
			a, b := x.span(lo, hi)
			parts = []scanPart{
				{from: a, cells: make([]int32, b-a)},
				{from: x.sorted, cells: make([]int32, int32(t.slots())-x.sorted)},
				{slots: x.dirtyList, cells: make([]int32, len(x.dirtyList))},
			}
			byDay = true
		default:
			parts = []scanPart{{cells: make([]int32, t.slots())}}
		}
		for i := range parts {
			q.fill(&parts[i], t, timeCol, lo, hi, byDay && i == 0)
			if parts[i].compact(); len(parts[i].cells) > 0 {
				sc.parts = append(sc.parts, parts[i])
			}
		}
	})
	return sc
}

// fill maps the slots of part to cells; with skipDirty, it leaves out the
// slots written since the table's days were sorted (another part has
// them).
func (q *query) fill(part *scanPart, t *table, timeCol int, lo, hi kpi.Date, skipDirty bool) {
	pmap := q.pmap[lo-q.base : hi-q.base+1]
	days, owner := t.days[timeCol], t.owner
	np := int32(len(q.periods))
	for i := range part.cells {
		slot := part.slot(i)
		part.cells[i] = -1
		o := owner[slot]
		if o < 0 || int(o) >= len(q.ownerGroup) {
			continue
		}
		g := q.ownerGroup[o]
		day := days[slot]
		d := uint32(int32(day) - int32(lo))
		if g == -1 || day == noDay || d >= uint32(len(pmap)) {
			continue
		}
		p := pmap[d]
		if p < 0 || skipDirty && t.byDay.isDirty(slot) {
			continue
		}
		if g == dated {
			if g = q.datedGroup(o, day); g < 0 {
				continue
			}
		}
		part.cells[i] = g*np + p
	}
}

// compact keeps only the visited slots that map to a cell when they are
// few (a month of a year's records, say), so that every measure folding
// the scan passes over them alone.
func (p *scanPart) compact() {
	n := 0
	for _, c := range p.cells {
		if c >= 0 {
			n++
		}
	}
	if 4*n > len(p.cells) {
		return
	}
	slots, cells := make([]int32, 0, n), make([]int32, 0, n)
	for i, c := range p.cells {
		if c >= 0 {
			slots, cells = append(slots, p.slot(i)), append(cells, c)
		}
	}
	p.slots, p.cells = slots, cells
}

// datedGroup returns the group of the stint of owner o that holds day, -1
// if no subject of the query needs that stint.
func (q *query) datedGroup(o int32, day kpi.Date) int32 {
	r := q.s.org.stintsOf[o]
	for id := r[0]; id < r[1]; id++ {
		if day <= q.s.org.stints[id].until {
			return q.stintGroup[id]
		}
	}
	return -1
}

// measure computes one measure KPI for every subject and period, folding
// the records of each of its parts (the measure of one definition and the
// days it is in effect).
func (q *query) measure(ks *kpiState) ([]cell, error) {
	m := ks.m
	np := len(q.periods)
	ncells := len(q.groupOwner) * np
	agg := ks.def.Aggregation

	// Pass 1: per cell, the number of records (and sum, min, max).
	cnt := make([]int64, ncells)
	var acc []int64
	switch agg {
	case kpi.Sum, kpi.Avg:
		acc = make([]int64, ncells)
	case kpi.Min:
		acc = make([]int64, ncells)
		for i := range acc {
			acc[i] = math.MaxInt64
		}
	case kpi.Max:
		acc = make([]int64, ncells)
		for i := range acc {
			acc[i] = math.MinInt64
		}
	}
	overflow := false
	scans := make([]*scan, len(ks.parts))
	for pi, pt := range ks.parts {
		sc := q.scan(pt.v.m.t, pt.v.m.timeCol, pt.from, pt.to)
		scans[pi] = sc
		vc := &pt.v.m.vals
		if vc.wide != nil {
			overflow = foldCells(sc, pt.v.m.flags, vc.wide, agg, cnt, acc) || overflow
		} else {
			overflow = foldCells(sc, pt.v.m.flags, vc.narrow, agg, cnt, acc) || overflow
		}
	}
	if overflow {
		return nil, q.overflow(ks)
	}

	// Pass 2 for median, p90 and count_distinct: the values of each cell,
	// next to each other (a counting sort by cell).
	var off []int64
	var buf []int64
	if agg == kpi.Median || agg == kpi.P90 || agg == kpi.CountDistinct {
		off = make([]int64, ncells+1)
		for c, n := range cnt {
			off[c+1] = off[c] + n
		}
		buf = make([]int64, off[ncells])
		fill := make([]int64, ncells)
		copy(fill, off[:ncells])
		for pi, pt := range ks.parts {
			sc := scans[pi]
			vc := &pt.v.m.vals
			if vc.wide != nil {
				gatherCells(sc, pt.v.m.flags, vc.wide, buf, fill)
			} else {
				gatherCells(sc, pt.v.m.flags, vc.narrow, buf, fill)
			}
		}
	}

	// Fold the cells of each subject's groups.
	out := make([]cell, len(q.subjects)*np)
	var scratch []int64
	var stamp []int32
	var gen int32
	if agg == kpi.CountDistinct {
		stamp = make([]int32, len(m.keyID))
	}
	exp := -int32(m.scale)
	for si, groups := range q.subjGroups {
		for p := range np {
			var n, a int64
			switch agg {
			case kpi.Min:
				a = math.MaxInt64
			case kpi.Max:
				a = math.MinInt64
			}
			for _, g := range groups {
				c := int(g)*np + p
				n += cnt[c]
				switch agg {
				case kpi.Sum, kpi.Avg:
					r := a + acc[c]
					if (a^r)&(acc[c]^r) < 0 {
						return nil, q.overflow(ks)
					}
					a = r
				case kpi.Min:
					a = min(a, acc[c])
				case kpi.Max:
					a = max(a, acc[c])
				}
			}
			res := &out[si*np+p]
			res.records = int(n)
			switch agg {
			case kpi.Count:
				res.v = decimal.New(n, 0)
			case kpi.Sum:
				res.v = decimal.New(a, exp)
			case kpi.Avg:
				if n == 0 {
					res.null = true
				} else {
					res.v = average(a, n, m.scale)
				}
			case kpi.Min, kpi.Max:
				if n == 0 {
					res.null = true
				} else {
					res.v = decimal.New(a, exp)
				}
			case kpi.Median, kpi.P90:
				if n == 0 {
					res.null = true
					continue
				}
				var vs []int64
				if len(groups) == 1 {
					c := int(groups[0])*np + p
					vs = buf[off[c]:off[c+1]]
				} else {
					scratch = scratch[:0]
					for _, g := range groups {
						c := int(g)*np + p
						scratch = append(scratch, buf[off[c]:off[c+1]]...)
					}
					vs = scratch
				}
				if agg == kpi.Median {
					res.v = median(vs, m.scale)
				} else {
					res.v = decimal.New(nearestRank(vs, 90), exp)
				}
			case kpi.CountDistinct:
				gen++
				var d int64
				for _, g := range groups {
					c := int(g)*np + p
					for _, id := range buf[off[c]:off[c+1]] {
						if stamp[id] != gen {
							stamp[id] = gen
							d++
						}
					}
				}
				res.v = decimal.New(d, 0)
			}
		}
	}
	return out, nil
}

// foldCells counts the records of a scan that passed the measure's filter
// and have a value, per cell, and folds their values into acc by agg (sum,
// min or max; nothing for the others). It reports whether a sum
// overflowed.
func foldCells[T int32 | int64](sc *scan, flags []uint8, vals []T, agg kpi.Aggregation, cnt, acc []int64) (overflow bool) {
	for i := range sc.parts {
		overflow = foldPart(&sc.parts[i], flags, vals, agg, cnt, acc) || overflow
	}
	return overflow
}

func foldPart[T int32 | int64](sp *scanPart, flags []uint8, vals []T, agg kpi.Aggregation, cnt, acc []int64) (overflow bool) {
	const need = passed | hasValue
	for i, c := range sp.cells {
		if c < 0 {
			continue
		}
		slot := int(sp.from) + i
		if sp.slots != nil {
			slot = int(sp.slots[i])
		}
		if flags[slot]&need != need {
			continue
		}
		cnt[c]++
		switch agg {
		case kpi.Sum, kpi.Avg:
			a, v := acc[c], int64(vals[slot])
			r := a + v
			overflow = overflow || (a^r)&(v^r) < 0
			acc[c] = r
		case kpi.Min:
			acc[c] = min(acc[c], int64(vals[slot]))
		case kpi.Max:
			acc[c] = max(acc[c], int64(vals[slot]))
		}
	}
	return overflow
}

// gatherCells copies the values of a scan's counted records into buf, each
// cell's next to each other from fill[cell] on.
func gatherCells[T int32 | int64](sc *scan, flags []uint8, vals []T, buf, fill []int64) {
	const need = passed | hasValue
	for _, sp := range sc.parts {
		for i, c := range sp.cells {
			if c < 0 {
				continue
			}
			slot := int(sp.from) + i
			if sp.slots != nil {
				slot = int(sp.slots[i])
			}
			if flags[slot]&need != need {
				continue
			}
			buf[fill[c]] = int64(vals[slot])
			fill[c]++
		}
	}
}

func (q *query) overflow(ks *kpiState) error {
	return kpi.Errorf(kpi.EINVALID, "KPI %q: the sum is too large to compute exactly (beyond ±9.2e18 at scale %d).", ks.def.Name, ks.m.scale)
}

// formula evaluates a formula KPI per subject and period from its parts.
func (q *query) formula(ks *kpiState, cells map[*kpiState][]cell) ([]cell, error) {
	out := make([]cell, len(q.subjects)*len(q.periods))
	vals := make(map[string]decimal.Decimal, len(ks.refs))
	for i := range out {
		clear(vals)
		records := 0
		for _, ref := range ks.refs {
			c := cells[ref][i]
			records += c.records
			if !c.null {
				vals[ref.def.Name] = c.v
			}
		}
		v, null, err := ks.f.Eval(vals)
		if err != nil {
			si, pi := i/len(q.periods), i%len(q.periods)
			return nil, fmt.Errorf("KPI %s for %s in %s: %w", ks.def.Name, q.subjects[si], q.periods[pi], err)
		}
		out[i] = cell{v: v, null: null, records: records}
	}
	return out, nil
}

// byPeriod takes each period's cells from the definition of ks in effect
// on the period's first day.
func (q *query) byPeriod(ks *kpiState, cells map[*kpiState][]cell) []cell {
	np := len(q.periods)
	out := make([]cell, len(q.subjects)*np)
	for pi, p := range q.periods {
		src := cells[ks.versionOn(p.From)]
		for si := range q.subjects {
			out[si*np+pi] = src[si*np+pi]
		}
	}
	return out
}

// average returns sum/n rounded half to even to scale+4 decimal places.
func average(sum, n int64, scale int) decimal.Decimal {
	const k = 10_000
	exp := -int32(scale + 4)
	if sum > math.MinInt64/k && sum < math.MaxInt64/k {
		num := sum * k
		q, r := num/n, num%n
		if r < 0 {
			r = -r
		}
		if r2 := uint64(r) * 2; r2 > uint64(n) || (r2 == uint64(n) && q%2 != 0) {
			if num < 0 {
				q--
			} else {
				q++
			}
		}
		return decimal.New(q, exp)
	}
	num := new(big.Int).Mul(big.NewInt(sum), big.NewInt(k))
	den := big.NewInt(n)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if c := r2.Cmp(den); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(int64(num.Sign())))
	}
	return decimal.NewFromBigInt(q, exp)
}

var half = decimal.New(5, -1)

// median returns the middle value of vs, or the exact mean of the two middle
// values; it reorders vs.
func median(vs []int64, scale int) decimal.Decimal {
	n := len(vs)
	exp := -int32(scale)
	upper := selectK(vs, n/2)
	if n%2 == 1 {
		return decimal.New(upper, exp)
	}
	lower := vs[0]
	for _, v := range vs[1 : n/2] {
		lower = max(lower, v)
	}
	if lower == upper {
		return decimal.New(upper, exp)
	}
	return decimal.New(lower, exp).Add(decimal.New(upper, exp)).Mul(half)
}

// nearestRank returns the smallest value v of vs such that at least pct % of
// the values are ≤ v; it reorders vs.
func nearestRank(vs []int64, pct int) int64 {
	n := len(vs)
	rank := (pct*n + 99) / 100 // ceil(pct/100 × n), 1-based
	return selectK(vs, max(rank, 1)-1)
}

// selectK reorders a so that a[k] is its k-th smallest value (from 0), with
// nothing larger before it and nothing smaller after it, and returns it
// (Hoare's FIND; equal values split evenly, so duplicates stay linear).
func selectK(a []int64, k int) int64 {
	lo, hi := 0, len(a)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		pivot := a[mid]
		i, j := lo, hi
		for i <= j {
			for a[i] < pivot {
				i++
			}
			for a[j] > pivot {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return a[k]
		}
	}
	for i := lo + 1; i <= hi; i++ {
		for j := i; j > lo && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
	return a[k]
}
