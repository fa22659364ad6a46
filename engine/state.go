// Package engine computes KPI values: an in-memory column store per
// workspace, kept current record by record, that folds the records of a
// dataset into measures per employee, org unit and period, evaluates formula
// KPIs over them and explains every value down to its records.
//
// State is the pure core (no database): Build it from definitions, the org
// and the workspace's time zone, feed it records with Upsert and Delete, ask
// it for Values and Explanations. Engine is the cached kpi.ValueService on
// top: it keeps one State per workspace and brings it up to date from a
// Store's change sequence before each query.
package engine

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"time"

	"attain/calc/formula"
	"attain/kpi"
)

// noDay marks a record without a date in a time column: it is in no period
// for KPIs dated by that column.
const noDay = kpi.Date(math.MinInt32)

// firstDay and lastDay bound the days a definition can be in effect.
const (
	firstDay = noDay + 1
	lastDay  = kpi.Date(math.MaxInt32)
)

// Per-slot flags of a measure.
const (
	passed   uint8 = 1 << iota // the record passed the filter
	hasValue                   // its value (or distinct key) is not null
)

// State holds one workspace's records in columns, with every measure KPI's
// filter result and value evaluated once per record at Upsert. It is not
// safe for concurrent use when written: Values and Explain may run
// concurrently with each other, Upsert, Delete and SetOrg need exclusive
// access (Engine takes care of that).
type State struct {
	defs   *kpi.Definitions // as built
	orgSrc kpi.Org          // as last set
	loc    *time.Location
	kpis   []*kpiState // definition order
	byName map[string]*kpiState
	tables map[string]*table

	owners  []string // owner ids seen in records or the org; index = owner id
	ownerID map[string]int32
	org     orgIndex

	shared map[measureKey]*measure // while building: measures KPIs can share
}

// measureKey identifies what a measure evaluates: KPIs without revisions
// that have the same one share it, whatever their aggregation.
type measureKey struct {
	t          *table
	timeCol    int
	filter     string
	kind, expr string // kind: "value", "key" or "" for count
}

// kpiState is one KPI as compiled: a measure or a formula, or broken.
//
// A KPI with revisions has versions: one kpiState per definition, oldest
// first, the current one last, each in effect until its until. When every
// definition is a measure with the same aggregation, the KPI is a measure
// whose parts are its versions, each folding the records dated (in its own
// time column) within its days. Otherwise it is byPeriod: each period is
// computed whole with the definition in effect on its first day.
type kpiState struct {
	def   *kpi.KPI
	err   error    // why it is broken; nil if it works
	m     *measure // measure KPIs (with versions: the current definition's)
	f     *formula.Formula
	refs  []*kpiState // formula KPIs: the KPIs it names, in Refs order (byPeriod: of every version)
	parts []part      // measure KPIs: the measures folded and their days

	until    kpi.Date    // a version: the last day it is in effect (lastDay for the current one)
	versions []*kpiState // KPIs with revisions
	byPeriod bool
}

// part is a measure that folds the records dated from..to.
type part struct {
	v        *kpiState // the definition, with its measure
	from, to kpi.Date
}

// revision returns the day an earlier definition is in effect until, nil
// for the current one.
func (ks *kpiState) revision() *kpi.Date {
	if ks.until == lastDay {
		return nil
	}
	d := ks.until
	return &d
}

// versionOn returns the definition in effect on day d.
func (ks *kpiState) versionOn(d kpi.Date) *kpiState {
	for _, v := range ks.versions {
		if d <= v.until {
			return v
		}
	}
	return ks.versions[len(ks.versions)-1]
}

// measures returns every measure the KPI evaluates records with.
func (ks *kpiState) measures() []*measure {
	var ms []*measure
	for _, v := range ks.versions {
		if v.m != nil {
			ms = append(ms, v.m)
		}
	}
	if ks.versions == nil && ks.m != nil {
		ms = append(ms, ks.m)
	}
	return ms
}

// measure is a KPI over a dataset with its per-slot evaluation.
type measure struct {
	t       *table
	timeCol int // index into t.days
	filter  *formula.RecordExpr
	value   *formula.RecordExpr // sum, avg, min, max, median, p90
	key     *formula.RecordExpr // count_distinct
	scale   int
	mul     int64 // values are multiplied by it to reach scale (1: as computed)

	flags []uint8     // per slot: passed | hasValue
	vals  valueColumn // per slot: value × 10^scale, or the distinct key's id; empty for count
	keyID map[string]int64

	evalErrors int   // records whose filter or value failed to evaluate
	lastErr    error // the last such failure
}

// table is one dataset's records. A slot holds one record; deleted slots
// are reused.
type table struct {
	ds       *kpi.Dataset
	timeCols []int            // column index of each time column
	timeType []kpi.ColumnType // its type: date or timestamp
	dated    []bool           // per time column: some measure is dated by it
	measures []*measure

	keys  keyIndex     // per slot: its key, and the slot of each key
	owner []int32      // per slot: owner id, -1 for a free slot
	days  [][]kpi.Date // per time column (those dated only), per slot
	free  []int32

	ownerSlots [][]int32 // per owner id: its slots
	pos        []int32   // per slot: its index in ownerSlots[owner]

	byDay *dayIndex // a loaded state's records sorted by day; nil if not

	linkLater bool // alloc leaves the keys to keys.link (see State.insertAll)
}

// dayIndex tells where the records of each day are in a table whose
// records were sorted by a time column when its state was saved. Slots
// written since are not where their day says: they are marked dirty (or
// are past sorted) and scanned on their own.
type dayIndex struct {
	col    int      // the time column
	min    kpi.Date // day of start[0]
	start  []int32  // per day from min, its first slot; last, the first slot without a day
	sorted int32    // slots below were sorted

	dirty     []uint64 // bit per sorted slot written since
	dirtyList []int32
}

// touch marks a slot written.
func (x *dayIndex) touch(slot int32) {
	if slot >= x.sorted {
		return
	}
	if x.dirty == nil {
		x.dirty = make([]uint64, (x.sorted+63)/64)
	}
	if w, b := slot/64, uint64(1)<<(slot%64); x.dirty[w]&b == 0 {
		x.dirty[w] |= b
		x.dirtyList = append(x.dirtyList, slot)
	}
}

func (x *dayIndex) isDirty(slot int32) bool {
	return x.dirty != nil && x.dirty[slot/64]&(1<<(slot%64)) != 0
}

// span returns the sorted slots [a, b) of days lo..hi.
func (x *dayIndex) span(lo, hi kpi.Date) (a, b int32) {
	last := int64(len(x.start) - 1) // the records without a day
	at := func(d int64) int32 { return x.start[min(max(d, 0), last)] }
	return at(int64(lo) - int64(x.min)), at(int64(hi) - int64(x.min) + 1)
}

// KPIHealth tells whether a KPI works: Err is why it could not be compiled
// (it then has no values); EvalErrors counts records whose filter or value
// failed to evaluate (they are left out of the KPI), LastEvalError is the
// last such failure.
type KPIHealth struct {
	KPI           string
	Err           error
	EvalErrors    int
	LastEvalError error
}

// Build compiles every KPI of defs and returns an empty State for them, with
// the org and the time zone periods are cut in. A KPI that does not compile
// (or a formula naming one that does not, or a cycle of formulas) is
// recorded as broken and never stops the others: Values leaves it out of
// "all KPIs" and fails only when it is asked for by name; Health reports it.
//
// A KPI with revisions (defs.Revisions; those of KPIs not in defs.KPIs are
// ignored) is computed with the definition in effect on each record's date:
// when every definition is a measure with the same aggregation, a record
// dated (in the time column of a definition) up to the Until of a revision,
// and after the one before, is folded by that revision, and after the last
// revision by the current definition. A revision dated by another time
// column than the next definition is bounded by its own column's day, so a
// record can fall in both ranges or in neither. Otherwise (a formula, or a
// change of aggregation) each period is computed whole with the definition
// in effect on its first day. A broken revision breaks the KPI.
func Build(defs *kpi.Definitions, org kpi.Org, loc *time.Location) (*State, error) {
	if defs == nil {
		return nil, kpi.Errorf(kpi.EINVALID, "No definitions.")
	}
	if loc == nil {
		loc = time.UTC
	}
	s := &State{
		defs:    defs,
		loc:     loc,
		byName:  make(map[string]*kpiState, len(defs.KPIs)),
		tables:  make(map[string]*table, len(defs.Datasets)),
		ownerID: make(map[string]int32),
	}
	for _, ds := range defs.Datasets {
		t, err := newTable(ds)
		if err != nil {
			return nil, err
		}
		if _, dup := s.tables[ds.Name]; dup {
			return nil, kpi.Errorf(kpi.EINVALID, "Dataset %q is defined twice.", ds.Name)
		}
		s.tables[ds.Name] = t
	}
	revs := make(map[string][]*kpi.KPIRevision)
	for _, r := range defs.Revisions {
		if r != nil && r.KPI != nil {
			revs[r.KPI.Name] = append(revs[r.KPI.Name], r)
		}
	}
	for _, k := range defs.KPIs {
		if _, dup := s.byName[k.Name]; dup {
			return nil, kpi.Errorf(kpi.EINVALID, "KPI %q is defined twice.", k.Name)
		}
		ks := &kpiState{def: k, until: lastDay}
		if rs := revs[k.Name]; len(rs) > 0 {
			slices.SortStableFunc(rs, func(a, b *kpi.KPIRevision) int { return cmp.Compare(a.Until, b.Until) })
			for _, r := range rs {
				ks.versions = append(ks.versions, &kpiState{def: r.KPI, until: r.Until})
			}
			ks.versions = append(ks.versions, &kpiState{def: k, until: lastDay})
		}
		s.kpis = append(s.kpis, ks)
		s.byName[k.Name] = ks
	}
	isKPI := func(name string) bool { _, ok := s.byName[name]; return ok }
	for _, ks := range s.kpis {
		if ks.versions == nil {
			s.compile(ks, isKPI, true)
			if ks.m != nil {
				ks.parts = []part{{ks, firstDay, lastDay}}
			}
			continue
		}
		s.compileVersions(ks, isKPI)
	}
	// Formulas: resolve parts, break cycles and formulas over broken KPIs.
	const (
		unvisited = iota
		visiting
		done
	)
	mark := make(map[*kpiState]int, len(s.kpis))
	var visit func(ks *kpiState)
	visit = func(ks *kpiState) {
		fvs := ks.formulas()
		if mark[ks] == done || len(fvs) == 0 {
			mark[ks] = done
			return
		}
		mark[ks] = visiting
		for _, fv := range fvs {
			for _, name := range fv.f.Refs() {
				ref := s.byName[name]
				if ref == nil {
					ks.err = fmt.Errorf("formula names unknown KPI %q", name)
					continue
				}
				if fv != ks && !slices.Contains(fv.refs, ref) {
					fv.refs = append(fv.refs, ref) // a version's own parts
				}
				if slices.Contains(ks.refs, ref) {
					continue
				}
				ks.refs = append(ks.refs, ref)
				switch mark[ref] {
				case visiting:
					ks.err = fmt.Errorf("formula refers back to itself through %s", name)
					continue
				case unvisited:
					visit(ref)
				}
				if ref.err != nil && ks.err == nil {
					ks.err = fmt.Errorf("depends on broken KPI %s", name)
				}
			}
		}
		mark[ks] = done
	}
	for _, ks := range s.kpis {
		visit(ks)
	}
	// A cycle member visited first may have missed the error of a later one.
	for changed := true; changed; {
		changed = false
		for _, ks := range s.kpis {
			if ks.err != nil {
				continue
			}
			for _, ref := range ks.refs {
				if ref.err != nil {
					ks.err = fmt.Errorf("depends on broken KPI %s", ref.def.Name)
					changed = true
					break
				}
			}
		}
	}
	s.shared = nil
	s.SetOrg(org)
	return s, nil
}

// compile compiles one definition: a formula or a measure, sharing an
// earlier KPI's measure if it may (see compileMeasure).
func (s *State) compile(ks *kpiState, isKPI func(string) bool, share bool) {
	if ks.def.IsFormula() {
		ks.f, ks.err = formula.CompileFormula(ks.def.Formula, isKPI)
		if ks.err != nil {
			ks.err = fmt.Errorf("formula: %w", ks.err)
		}
		return
	}
	ks.m, ks.err = s.compileMeasure(ks.def, share)
}

// compileVersions compiles every definition of a KPI with revisions. If one
// is broken, so is the KPI: the periods it covers could not be computed.
// When all are measures with the KPI's aggregation, records are folded by
// the definition in effect on their date, at the largest scale of the
// definitions' values (count_distinct: over keys shared by all); otherwise
// each period is computed with the definition in effect on its first day.
func (s *State) compileVersions(ks *kpiState, isKPI func(string) bool) {
	mixed := true
	for _, v := range ks.versions {
		s.compile(v, isKPI, false)
		if v.err != nil && ks.err == nil {
			if r := v.revision(); r != nil {
				ks.err = fmt.Errorf("definition in effect until %s: %w", r, v.err)
			} else {
				ks.err = v.err
			}
		}
		mixed = mixed && v.m != nil && v.def.Aggregation == ks.def.Aggregation
	}
	if ks.err != nil {
		return
	}
	if !mixed {
		ks.byPeriod = true
		for _, v := range ks.versions {
			if v.m != nil {
				v.parts = []part{{v, firstDay, lastDay}}
			}
		}
		return
	}
	cur := ks.versions[len(ks.versions)-1]
	ks.m = cur.m
	scale := 0
	for _, v := range ks.versions {
		scale = max(scale, v.m.scale)
	}
	from := firstDay
	for _, v := range ks.versions {
		for ; v.m.scale < scale; v.m.scale++ {
			v.m.mul *= 10
		}
		if v.m.keyID != nil {
			v.m.keyID = cur.m.keyID
		}
		v.parts = []part{{v, from, v.until}}
		ks.parts = append(ks.parts, v.parts[0])
		from = v.until + 1
	}
}

// formulas returns the formulas ks is computed with: its own, or those of
// its versions.
func (ks *kpiState) formulas() []*kpiState {
	if ks.f != nil {
		return []*kpiState{ks}
	}
	var fvs []*kpiState
	if ks.byPeriod {
		for _, v := range ks.versions {
			if v.f != nil {
				fvs = append(fvs, v)
			}
		}
	}
	return fvs
}

func newTable(ds *kpi.Dataset) (*table, error) {
	t := &table{ds: ds, keys: newKeyIndex()}
	for _, name := range ds.TimeColumns {
		i := ds.ColumnIndex(name)
		if i < 0 {
			return nil, kpi.Errorf(kpi.EINVALID, "Dataset %q: time column %q is not a column.", ds.Name, name)
		}
		typ := ds.Columns[i].Type
		if typ != kpi.DateType && typ != kpi.Timestamp {
			return nil, kpi.Errorf(kpi.EINVALID, "Dataset %q: time column %q is a %s, not a date or timestamp.", ds.Name, name, typ)
		}
		t.timeCols = append(t.timeCols, i)
		t.timeType = append(t.timeType, typ)
	}
	t.days = make([][]kpi.Date, len(t.timeCols))
	t.dated = make([]bool, len(t.timeCols))
	return t, nil
}

// compileMeasure compiles a measure KPI's definition. With share, it
// returns the measure of an earlier KPI that evaluates the same (a KPI with
// revisions cannot share: its measures are rescaled to a common scale).
func (s *State) compileMeasure(k *kpi.KPI, share bool) (*measure, error) {
	t := s.tables[k.Dataset]
	if t == nil {
		return nil, fmt.Errorf("unknown dataset %q", k.Dataset)
	}
	m := &measure{t: t, mul: 1}
	switch {
	case k.TimeColumn == "" && len(t.timeCols) > 0:
		m.timeCol = 0
	case k.TimeColumn == "":
		return nil, fmt.Errorf("dataset %s has no time column", k.Dataset)
	default:
		m.timeCol = slices.Index(t.ds.TimeColumns, k.TimeColumn)
		if m.timeCol < 0 {
			return nil, fmt.Errorf("%q is not a time column of dataset %s", k.TimeColumn, k.Dataset)
		}
	}
	var err error
	if k.Filter != "" {
		if m.filter, err = formula.CompileFilter(t.ds, k.Filter); err != nil {
			return nil, fmt.Errorf("filter: %w", err)
		}
	}
	agg, ok := kpi.AggregationOf(k.Aggregation)
	if !ok {
		return nil, fmt.Errorf("unknown aggregation %q", k.Aggregation)
	}
	switch agg.Expr {
	case kpi.NoExpr:
	case kpi.NumberExpr:
		if k.Expr == "" {
			return nil, fmt.Errorf("%s needs an expression", k.Aggregation)
		}
		if m.value, err = formula.CompileValue(t.ds, k.Expr); err != nil {
			return nil, fmt.Errorf("expression: %w", err)
		}
		m.scale = m.value.Scale()
	case kpi.AnyExpr:
		if k.Expr == "" {
			return nil, fmt.Errorf("%s needs an expression", k.Aggregation)
		}
		if m.key, err = formula.CompileKey(t.ds, k.Expr); err != nil {
			return nil, fmt.Errorf("expression: %w", err)
		}
		m.keyID = make(map[string]int64)
	}
	if share {
		key := measureKey{t: t, timeCol: m.timeCol, filter: k.Filter}
		switch {
		case m.value != nil:
			key.kind, key.expr = "value", k.Expr
		case m.key != nil:
			key.kind, key.expr = "key", k.Expr
		}
		if sm := s.shared[key]; sm != nil {
			return sm, nil
		}
		if s.shared == nil {
			s.shared = make(map[measureKey]*measure)
		}
		s.shared[key] = m
	}
	t.dated[m.timeCol] = true
	t.measures = append(t.measures, m)
	return m, nil
}

// Health returns every KPI's health, in definition order.
func (s *State) Health() []KPIHealth {
	hs := make([]KPIHealth, 0, len(s.kpis))
	for _, ks := range s.kpis {
		h := KPIHealth{KPI: ks.def.Name, Err: ks.err}
		for _, m := range ks.measures() {
			h.EvalErrors += m.evalErrors
			if m.lastErr != nil {
				h.LastEvalError = m.lastErr
			}
		}
		hs = append(hs, h)
	}
	return hs
}

// Len returns how many records a dataset holds.
func (s *State) Len(dataset string) int {
	t := s.tables[dataset]
	if t == nil {
		return 0
	}
	return t.keys.n
}

// HasDataset reports whether the definitions define the dataset.
func (s *State) HasDataset(name string) bool { return s.tables[name] != nil }

// intern returns the id of an owner, adding it if it is new.
func (s *State) intern(owner string) int32 {
	if id, ok := s.ownerID[owner]; ok {
		return id
	}
	id := int32(len(s.owners))
	s.owners = append(s.owners, owner)
	s.ownerID[owner] = id
	return id
}

// Upsert inserts or replaces the record with rec.Key in a dataset and
// evaluates every measure of the dataset on it. A filter or value that fails
// on the record leaves it out of that KPI (counted in Health).
func (s *State) Upsert(dataset string, rec kpi.Record) error {
	return s.put(dataset, rec, true)
}

// insertAll is Upsert for records whose keys the dataset does not hold:
// it does not look for the keys (a third of an Upsert's time into a table
// of a million keys), and it places them in the key index together once
// the records are written (see keyIndex.addLater), before it returns. A key
// the dataset holds would then be there twice. failed is called with each
// record left out and why.
func (s *State) insertAll(dataset string, recs []kpi.Record, failed func(kpi.Record, error)) {
	t := s.tables[dataset]
	if t != nil {
		t.linkLater = true
		defer func() { t.linkLater = false; t.keys.link() }()
	}
	for _, r := range recs {
		if err := s.put(dataset, r, false); err != nil {
			failed(r, err)
		}
	}
}

// put writes rec into the slot of its key, looked for when lookup is set,
// else a new one.
func (s *State) put(dataset string, rec kpi.Record, lookup bool) error {
	t := s.tables[dataset]
	if t == nil {
		return kpi.Errorf(kpi.ENOTFOUND, "Unknown dataset %q.", dataset)
	}
	if len(rec.Values) != len(t.ds.Columns) {
		return kpi.Errorf(kpi.EINVALID, "Dataset %q: record %q has %d values, want %d.", dataset, rec.Key, len(rec.Values), len(t.ds.Columns))
	}
	var slot int32
	ok := false
	if lookup {
		slot, ok = t.keys.find(rec.Key)
	}
	if !ok {
		if slot, ok = t.alloc(rec.Key); !ok {
			return kpi.Errorf(kpi.EINVALID, "Dataset %q: record %q does not fit: the keys take more than 4 GiB.", dataset, rec.Key)
		}
	}
	s.set(t, slot, rec)
	return nil
}

// set writes rec into slot of t and evaluates every measure on it.
func (s *State) set(t *table, slot int32, rec kpi.Record) {
	if t.byDay != nil {
		t.byDay.touch(slot)
	}
	if o := s.intern(rec.Owner); t.owner[slot] != o {
		t.removeOwner(slot)
		t.addOwner(slot, o)
	}
	for i, c := range t.timeCols {
		if t.dated[i] {
			t.days[i][slot] = s.day(t.timeType[i], rec.Values[c])
		}
	}
	for _, m := range t.measures {
		m.eval(slot, rec.Values)
	}
}

// Delete removes the record with key from a dataset; a key that is not
// there is no error.
func (s *State) Delete(dataset, key string) error {
	t := s.tables[dataset]
	if t == nil {
		return kpi.Errorf(kpi.ENOTFOUND, "Unknown dataset %q.", dataset)
	}
	slot, ok := t.keys.find(key)
	if !ok {
		return nil
	}
	if t.byDay != nil {
		t.byDay.touch(slot)
	}
	t.removeOwner(slot)
	t.owner[slot] = -1
	t.keys.remove(slot)
	for i := range t.days {
		if t.dated[i] {
			t.days[i][slot] = noDay
		}
	}
	for _, m := range t.measures {
		m.flags[slot] = 0
		if m.valued() {
			m.vals.set(slot, 0)
		}
	}
	t.free = append(t.free, slot)
	return nil
}

func (s *State) day(typ kpi.ColumnType, v kpi.Value) kpi.Date {
	switch {
	case v.Null:
		return noDay
	case typ == kpi.Timestamp:
		return kpi.DateOf(time.Unix(v.N, 0), s.loc)
	}
	return kpi.Date(v.N)
}

// slots returns how many slots the table has, free ones included.
func (t *table) slots() int { return len(t.owner) }

// alloc returns a slot for a new key, with no owner: a freed one or a new
// one. It reports false if the key does not fit.
func (t *table) alloc(key string) (int32, bool) {
	n := len(t.free)
	if n == 0 {
		t.keys.spans = append(t.keys.spans, keySpan{})
	}
	slot := int32(len(t.owner))
	if n > 0 {
		slot = t.free[n-1]
	}
	add := t.keys.add
	if t.linkLater {
		add = t.keys.addLater
	}
	if !add(slot, key) {
		if n == 0 {
			t.keys.spans = t.keys.spans[:slot]
		}
		return 0, false
	}
	if n > 0 {
		t.free = t.free[:n-1]
		return slot, true
	}
	t.owner = append(t.owner, -1)
	t.pos = append(t.pos, -1)
	for i := range t.days {
		if t.dated[i] {
			t.days[i] = append(t.days[i], noDay)
		}
	}
	for _, m := range t.measures {
		m.flags = append(m.flags, 0)
		if m.valued() {
			m.vals.add()
		}
	}
	return slot, true
}

// reserve makes room for about n more slots and keyBytes more bytes of
// keys, so that adding them neither copies the columns over as they grow
// nor rehashes the key index. It changes no slot: a reserve too small
// only leaves the rest to grow as before, one too large only memory
// unused. The columns get a quarter more room than asked: a column that
// outgrows its room is copied to the heap whole, while room never written
// takes no memory. The key index, written all over, is sized for n.
//
// The room is one block of memory outside the Go heap where the system
// allows (released with t): the columns of a large table would otherwise
// be most of the heap the garbage collector paces itself by, and let the
// heap grow to twice their size with garbage. Columns that outgrow it are
// copied to the heap as before.
func (t *table) reserve(n, keyBytes int) {
	if n <= 0 {
		return
	}
	var sizes region
	t.regrow(&sizes, n, keyBytes)
	mem, release := outsideHeap(sizes.off)
	t.regrow(&region{mem: mem}, n, keyBytes)
	runtime.AddCleanup(t, func(release func()) { release() }, release)
}

// regrow moves the columns into r with room for n more slots and a
// quarter (see reserve); with r.mem nil it only counts the bytes they
// take.
func (t *table) regrow(r *region, n, keyBytes int) {
	room := n + n/4
	t.keys.regrow(r, t.slots()+room, keyBytes+keyBytes/4, t.keys.n+n)
	t.owner = grown(r, t.owner, room)
	t.pos = grown(r, t.pos, room)
	for i := range t.days {
		if t.dated[i] {
			t.days[i] = grown(r, t.days[i], room)
		}
	}
	for _, m := range t.measures {
		m.flags = grown(r, m.flags, room)
		if m.vals.wide != nil {
			m.vals.wide = grown(r, m.vals.wide, room)
		} else if m.valued() {
			m.vals.narrow = grown(r, m.vals.narrow, room)
		}
	}
}

func (t *table) addOwner(slot, o int32) {
	for int(o) >= len(t.ownerSlots) {
		t.ownerSlots = append(t.ownerSlots, nil)
	}
	t.owner[slot] = o
	t.pos[slot] = int32(len(t.ownerSlots[o]))
	t.ownerSlots[o] = append(t.ownerSlots[o], slot)
}

func (t *table) removeOwner(slot int32) {
	o := t.owner[slot]
	if o < 0 {
		return
	}
	list := t.ownerSlots[o]
	i, last := t.pos[slot], list[len(list)-1]
	list[i], t.pos[last] = last, i
	t.ownerSlots[o] = list[:len(list)-1]
	t.pos[slot] = -1
}

// eval evaluates the measure's filter and value on one record.
func (m *measure) eval(slot int32, vals []kpi.Value) {
	m.flags[slot] = 0
	if m.valued() {
		m.vals.set(slot, 0)
	}
	if m.filter != nil {
		ok, err := m.filter.Bool(vals)
		if err != nil {
			m.fail(err)
			return
		}
		if !ok {
			return
		}
	}
	var flags uint8 = passed
	switch {
	case m.value != nil:
		n, null, err := m.value.Number(vals)
		if err != nil {
			m.fail(err)
			return
		}
		if null {
			break
		}
		if m.mul != 1 {
			if n > math.MaxInt64/m.mul || n < math.MinInt64/m.mul {
				m.fail(fmt.Errorf("a value is too large to compute exactly at scale %d (beyond ±9.2e18)", m.scale))
				return
			}
			n *= m.mul
		}
		flags |= hasValue
		m.vals.set(slot, n)
	case m.key != nil:
		k, null, err := m.key.Key(vals)
		if err != nil {
			m.fail(err)
			return
		}
		if !null {
			id, ok := m.keyID[k]
			if !ok {
				id = int64(len(m.keyID))
				m.keyID[strings.Clone(k)] = id // not the record's buffer
			}
			flags |= hasValue
			m.vals.set(slot, id)
		}
	default:
		flags |= hasValue // count: every record that passes counts
	}
	m.flags[slot] = flags
}

// valued reports whether the measure keeps a value per record (all but
// count).
func (m *measure) valued() bool { return m.value != nil || m.key != nil }

// valueColumn is a measure's value per slot: 32 bits wide while every value
// fits, 64 bits from the first that does not (amounts in cents and days
// mostly fit: half the memory).
type valueColumn struct {
	narrow []int32
	wide   []int64 // non-nil once widened; narrow is then nil
}

func (c *valueColumn) get(slot int32) int64 {
	if c.wide != nil {
		return c.wide[slot]
	}
	return int64(c.narrow[slot])
}

func (c *valueColumn) set(slot int32, v int64) {
	if c.wide != nil {
		c.wide[slot] = v
		return
	}
	if v != int64(int32(v)) {
		c.widen()
		c.wide[slot] = v
		return
	}
	c.narrow[slot] = int32(v)
}

func (c *valueColumn) len() int {
	if c.wide != nil {
		return len(c.wide)
	}
	return len(c.narrow)
}

// add appends a slot of value 0.
func (c *valueColumn) add() {
	if c.wide != nil {
		c.wide = append(c.wide, 0)
		return
	}
	c.narrow = append(c.narrow, 0)
}

func (c *valueColumn) widen() {
	c.wide = make([]int64, len(c.narrow), cap(c.narrow))
	for i, v := range c.narrow {
		c.wide[i] = int64(v)
	}
	c.narrow = nil
}

func (m *measure) fail(err error) {
	m.evalErrors++
	m.lastErr = err
}

// orgIndex maps the org onto owner ids.
type orgIndex struct {
	emps     []*kpi.Employee // by id
	empIdx   map[string]int
	empOwner []int32        // owner id of each employee
	units    []*kpi.OrgUnit // by id
	unitIdx  map[string]int
	members  [][]int32 // per unit: owner ids of the employees without memberships in it and its descendants

	// Employees with memberships: a stint per membership and one for the
	// current unit; their records count for the units of the stint their
	// date falls in.
	stints       []stint
	stintsOf     map[int32][2]int32 // owner id → its stints, [first, end) in stints
	stintMembers [][]int32          // per unit: the stints in it and its descendants
}

// stint is a time an employee spent in one unit, up to and including until.
type stint struct {
	owner int32
	unit  int // -1: a unit not in the org
	until kpi.Date
}

// up calls fn for unit u and each unit above it.
func (x *orgIndex) up(u int, fn func(u int)) {
	for steps := 0; u >= 0 && steps <= len(x.units); steps++ {
		fn(u)
		p, ok := x.unitIdx[x.units[u].ParentID]
		if !ok {
			return
		}
		u = p
	}
}

// SetOrg replaces the org: which owners are employees and which units they
// count for. It re-evaluates nothing: a record counts for the unit its
// owner belonged to on the record's date (in the time column of the KPI
// computed), by the owner's memberships, and for the owner's current unit
// after their last membership or when they have none. Employees whose unit
// is unknown belong to no unit; memberships of unknown employees are
// ignored; a parent cycle is cut where it closes.
func (s *State) SetOrg(org kpi.Org) {
	s.orgSrc = org
	x := orgIndex{
		emps:    slices.Clone(org.Employees),
		units:   slices.Clone(org.Units),
		empIdx:  make(map[string]int, len(org.Employees)),
		unitIdx: make(map[string]int, len(org.Units)),
	}
	slices.SortFunc(x.emps, func(a, b *kpi.Employee) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(x.units, func(a, b *kpi.OrgUnit) int { return cmp.Compare(a.ID, b.ID) })
	x.emps = slices.CompactFunc(x.emps, func(a, b *kpi.Employee) bool { return a.ID == b.ID })
	x.units = slices.CompactFunc(x.units, func(a, b *kpi.OrgUnit) bool { return a.ID == b.ID })
	for i, u := range x.units {
		x.unitIdx[u.ID] = i
	}
	unitOf := func(id string) int {
		if u, ok := x.unitIdx[id]; ok {
			return u
		}
		return -1
	}
	var memberships map[string][]kpi.Membership
	if len(org.Memberships) > 0 {
		memberships = make(map[string][]kpi.Membership)
		for _, m := range org.Memberships {
			memberships[m.EmployeeID] = append(memberships[m.EmployeeID], m)
		}
		x.stintsOf = make(map[int32][2]int32)
		x.stintMembers = make([][]int32, len(x.units))
	}
	x.members = make([][]int32, len(x.units))
	x.empOwner = make([]int32, len(x.emps))
	for i, e := range x.emps {
		x.empIdx[e.ID] = i
		o := s.intern(e.ID)
		x.empOwner[i] = o
		ms := memberships[e.ID]
		if len(ms) == 0 {
			x.up(unitOf(e.UnitID), func(u int) { x.members[u] = append(x.members[u], o) })
			continue
		}
		slices.SortStableFunc(ms, func(a, b kpi.Membership) int { return cmp.Compare(a.Until, b.Until) })
		first := int32(len(x.stints))
		for j, m := range ms {
			if j > 0 && m.Until == ms[j-1].Until {
				continue // a day already covered
			}
			x.stints = append(x.stints, stint{owner: o, unit: unitOf(m.UnitID), until: m.Until})
		}
		x.stints = append(x.stints, stint{owner: o, unit: unitOf(e.UnitID), until: lastDay})
		x.stintsOf[o] = [2]int32{first, int32(len(x.stints))}
		for id := first; id < int32(len(x.stints)); id++ {
			x.up(x.stints[id].unit, func(u int) { x.stintMembers[u] = append(x.stintMembers[u], id) })
		}
	}
	s.org = x
}
