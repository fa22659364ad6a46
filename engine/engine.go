package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"attain/kpi"
)

// Store is what the Engine reads: the context workspace's definitions, org,
// time zone, records and record changes.
type Store interface {
	Versions(ctx context.Context) (kpi.Versions, error)
	FindDefinitions(ctx context.Context) (*kpi.Definitions, error)
	FindOrgUnits(ctx context.Context) ([]*kpi.OrgUnit, error)
	FindEmployees(ctx context.Context, f kpi.EmployeeFilter) ([]*kpi.Employee, error)
	FindMemberships(ctx context.Context) ([]kpi.Membership, error)
	Location(ctx context.Context) (*time.Location, error) // the workspace's time zone
	ScanRecords(ctx context.Context, dataset string, fn func(kpi.Record) error) error
	RecordChanges(ctx context.Context, since int64, fn func(kpi.RecordChange) error) (int64, error)
}

// Engine is the cached kpi.ValueService: one State per workspace, brought
// up to date before each query. When the definitions changed it rebuilds the
// state from a full scan; when the org changed it remaps owners to units;
// when records were written it applies the changes since the sequence number
// it has seen. Queries run concurrently; one refresh at a time per
// workspace. A failed refresh keeps the old state and returns the error.
//
// The time zone is read when the state is (re)built: a change of the
// workspace's zone shows after the next change of definitions.
type Engine struct {
	// MaxCells caps the values one query may compute (see State.Values);
	// 0 means DefaultMaxCells. Set it before the first query.
	MaxCells int64
	// StateDir, when set before the first query, is where Save writes each
	// workspace's state and where a workspace's first query looks for it:
	// a saved state is mapped, not rebuilt, and only the records changed
	// since it was saved are read from the store. The Store must be a
	// StateIdentifier.
	StateDir string
	// Remap, with StateDir, has a workspace whose state was saved answer
	// from the saved file (mapped) rather than from the copy in memory
	// the save was made of: the memory of a state built from a scan goes
	// back to the system, and what stays resident is the pages queries
	// read. For a long-running process.
	Remap bool

	store  Store
	logger *slog.Logger

	mu         sync.Mutex
	workspaces map[int64]*workspace
}

var _ kpi.ValueService = (*Engine)(nil)

type workspace struct {
	id      int64
	refresh sync.Mutex   // one refresher at a time
	mu      sync.RWMutex // guards state, seen, meta, saved and replayed
	state   *State
	seen    kpi.Versions // what state reflects

	meta     StateMeta // identity and fingerprint of state, for saving it
	saved    int64     // the record sequence of the state on disk, -1 if it has none
	replayed int       // changes applied since that state
	save     sync.Mutex
}

// StateIdentifier is a Store whose workspaces' states can be saved: it
// names the context's workspace in a way that differs for another store
// and for a workspace made again under the same id.
type StateIdentifier interface {
	StateIdentity(ctx context.Context) (string, error)
}

// New returns an Engine over store; logger may be nil.
func New(store Store, logger *slog.Logger) *Engine {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{store: store, logger: logger, workspaces: make(map[int64]*workspace)}
}

// Values computes KPI values for the context's workspace; see State.Values.
func (e *Engine) Values(ctx context.Context, q kpi.ValueQuery) ([]kpi.KPIValue, error) {
	ws, err := e.current(ctx)
	if err != nil {
		return nil, err
	}
	defer ws.mu.RUnlock()
	max := e.MaxCells
	if max <= 0 {
		max = DefaultMaxCells
	}
	return ws.state.valuesMax(q, max)
}

// Explain takes a value of the context's workspace apart; see State.Explain.
func (e *Engine) Explain(ctx context.Context, q kpi.ExplainQuery) (*kpi.Explanation, error) {
	ws, err := e.current(ctx)
	if err != nil {
		return nil, err
	}
	defer ws.mu.RUnlock()
	return ws.state.Explain(q)
}

// Health reports the health of the context workspace's KPIs.
func (e *Engine) Health(ctx context.Context) ([]KPIHealth, error) {
	ws, err := e.current(ctx)
	if err != nil {
		return nil, err
	}
	defer ws.mu.RUnlock()
	return ws.state.Health(), nil
}

// Refresh brings the context workspace's state up to date, loading it if it
// is not loaded yet.
func (e *Engine) Refresh(ctx context.Context) error {
	id, err := kpi.WorkspaceIDFromContext(ctx)
	if err != nil {
		return err
	}
	return e.refresh(ctx, e.workspace(id))
}

// current refreshes the context's workspace and returns it read-locked.
func (e *Engine) current(ctx context.Context) (*workspace, error) {
	id, err := kpi.WorkspaceIDFromContext(ctx)
	if err != nil {
		return nil, err
	}
	ws := e.workspace(id)
	if err := e.refresh(ctx, ws); err != nil {
		return nil, err
	}
	ws.mu.RLock()
	return ws, nil
}

func (e *Engine) workspace(id int64) *workspace {
	e.mu.Lock()
	defer e.mu.Unlock()
	ws := e.workspaces[id]
	if ws == nil {
		ws = &workspace{id: id, saved: -1}
		e.workspaces[id] = ws
	}
	return ws
}

func (e *Engine) refresh(ctx context.Context, ws *workspace) error {
	ws.refresh.Lock()
	defer ws.refresh.Unlock()
	v, err := e.store.Versions(ctx)
	if err != nil {
		return fmt.Errorf("read versions: %w", err)
	}
	ws.mu.RLock()
	state, seen := ws.state, ws.seen
	ws.mu.RUnlock()

	if state == nil && e.StateDir != "" {
		ok, err := e.loadSaved(ctx, ws, v)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
	if state == nil || v.Definitions != seen.Definitions {
		start := time.Now()
		state, defs, last, err := e.load(ctx, v)
		if err != nil {
			return err
		}
		var meta StateMeta
		if e.StateDir != "" {
			if meta, err = e.stateMeta(ctx, defs, state.loc); err != nil {
				return err
			}
		}
		ws.mu.Lock()
		ws.state, ws.seen = state, kpi.Versions{Definitions: v.Definitions, Org: v.Org, Records: last}
		ws.meta, ws.saved, ws.replayed = meta, -1, 0
		ws.mu.Unlock()
		e.logger.Info("engine: workspace loaded", "records", last, "definitions", v.Definitions, "took", time.Since(start))
		return nil
	}
	// Read everything first, then change the state under the write lock:
	// readers wait only for the apply, never for the store.
	var org *kpi.Org
	if v.Org != seen.Org {
		if org, err = e.loadOrg(ctx); err != nil {
			return err
		}
	}
	var changes []kpi.RecordChange
	last := seen.Records
	if v.Records != seen.Records {
		if last, changes, err = e.changes(ctx, seen.Records); err != nil {
			return err
		}
	}
	if org == nil && last == seen.Records {
		return nil
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if org != nil {
		ws.state.SetOrg(*org)
		ws.seen.Org = v.Org
	}
	e.apply(ws.state, changes)
	ws.seen.Records = last
	ws.replayed += len(changes)
	return nil
}

// load builds a workspace's state: definitions, org and zone, a scan of
// every dataset, then the changes written since v while it scanned
// (applying a change twice is harmless: upserts and deletes by key). It
// returns the state and the record sequence number it reflects.
func (e *Engine) load(ctx context.Context, v kpi.Versions) (*State, *kpi.Definitions, int64, error) {
	defs, err := e.store.FindDefinitions(ctx)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("read definitions: %w", err)
	}
	s, err := e.build(ctx, defs)
	if err != nil {
		return nil, nil, 0, err
	}
	for _, h := range s.Health() {
		if h.Err != nil {
			e.logger.Warn("engine: KPI broken", "kpi", h.KPI, "err", h.Err)
		}
	}
	s, last, err := e.fill(ctx, s, defs, v)
	return s, defs, last, err
}

// build returns an empty State for defs with the workspace's org and zone.
func (e *Engine) build(ctx context.Context, defs *kpi.Definitions) (*State, error) {
	org, err := e.loadOrg(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := e.store.Location(ctx)
	if err != nil {
		return nil, fmt.Errorf("read time zone: %w", err)
	}
	s, err := Build(defs, *org, loc)
	if err != nil {
		return nil, fmt.Errorf("build state: %w", err)
	}
	return s, nil
}

// fill scans every dataset of defs into s, then applies the changes written
// since v while it scanned; it returns s and the record sequence number it
// reflects.
func (e *Engine) fill(ctx context.Context, s *State, defs *kpi.Definitions, v kpi.Versions) (*State, int64, error) {
	for _, ds := range defs.Datasets {
		if err := e.scan(ctx, s, ds); err != nil {
			return nil, 0, fmt.Errorf("scan %s: %w", ds.Name, err)
		}
	}
	last, changes, err := e.changes(ctx, v.Records)
	if err != nil {
		return nil, 0, err
	}
	e.apply(s, changes)
	return s, last, nil
}

// scanBatch is how many records the scan of a dataset hands over at a time.
const scanBatch = 4096

// scan upserts every stored record of ds into s: the store reads and
// decodes them in this goroutine while another evaluates them, a batch
// behind, so a load takes both cores.
func (e *Engine) scan(ctx context.Context, s *State, ds *kpi.Dataset) error {
	batches, free := make(chan []kpi.Record, 2), make(chan []kpi.Record, 3)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range batches {
			for _, r := range b {
				if err := s.Upsert(ds.Name, r); err != nil {
					e.logger.Warn("engine: record skipped", "dataset", ds.Name, "key", r.Key, "err", err)
				}
			}
			free <- b[:0]
		}
	}()
	for range cap(free) {
		free <- make([]kpi.Record, 0, scanBatch)
	}
	ncols := len(ds.Columns)
	batch := <-free
	var vals []kpi.Value // the batch's values, one slab
	err := e.store.ScanRecords(ctx, ds.Name, func(r kpi.Record) error {
		if len(batch) == 0 {
			vals = make([]kpi.Value, 0, scanBatch*ncols)
		}
		n := len(vals)
		vals = append(vals, r.Values...) // the store reuses r.Values
		r.Values = vals[n:len(vals):len(vals)]
		batch = append(batch, r)
		if len(batch) == scanBatch {
			batches <- batch
			batch = <-free
		}
		return nil
	})
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	<-done
	return err
}

// Preview computes q for the context's workspace as if its definitions were
// defs: a State built for this query alone from defs, the workspace's org,
// memberships and time zone, and a fresh scan of its records. The cached
// state is neither used nor changed. A KPI of defs that does not compile is
// an error (EINVALID) naming it.
//
// It costs a full load of the workspace (BenchmarkPreview in bench/), so it
// suits a preview before a change, not a query path.
func (e *Engine) Preview(ctx context.Context, defs *kpi.Definitions, q kpi.ValueQuery) ([]kpi.KPIValue, error) {
	if defs == nil {
		return nil, kpi.Errorf(kpi.EINVALID, "No definitions to preview.")
	}
	v, err := e.store.Versions(ctx)
	if err != nil {
		return nil, fmt.Errorf("read versions: %w", err)
	}
	s, err := e.build(ctx, defs)
	if err != nil {
		return nil, err
	}
	for _, h := range s.Health() {
		if h.Err != nil {
			return nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("KPI %q cannot be computed: %v.", h.KPI, h.Err)}
		}
	}
	if s, _, err = e.fill(ctx, s, defs, v); err != nil {
		return nil, err
	}
	return s.Values(q)
}

// changes reads the record changes after since.
func (e *Engine) changes(ctx context.Context, since int64) (int64, []kpi.RecordChange, error) {
	var changes []kpi.RecordChange
	last, err := e.store.RecordChanges(ctx, since, func(c kpi.RecordChange) error {
		changes = append(changes, c)
		return nil
	})
	if err != nil {
		return 0, nil, fmt.Errorf("read record changes: %w", err)
	}
	return max(last, since), changes, nil
}

func (e *Engine) loadOrg(ctx context.Context) (*kpi.Org, error) {
	units, err := e.store.FindOrgUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("read org units: %w", err)
	}
	emps, err := e.store.FindEmployees(ctx, kpi.EmployeeFilter{})
	if err != nil {
		return nil, fmt.Errorf("read employees: %w", err)
	}
	ms, err := e.store.FindMemberships(ctx)
	if err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	return &kpi.Org{Units: units, Employees: emps, Memberships: ms}, nil
}

// apply applies record changes in order; a change the state cannot take (a
// dataset no longer defined, a record of the wrong width) is logged and
// skipped.
func (e *Engine) apply(s *State, changes []kpi.RecordChange) {
	for _, c := range changes {
		var err error
		if c.Deleted {
			err = s.Delete(c.Dataset, c.Record.Key)
		} else {
			err = s.Upsert(c.Dataset, c.Record)
		}
		var kerr *kpi.Error
		if errors.As(err, &kerr) && kerr.Code == kpi.ENOTFOUND {
			continue // a dataset the definitions do not have (any more)
		}
		if err != nil {
			e.logger.Warn("engine: record change skipped", "seq", c.Seq, "dataset", c.Dataset, "key", c.Record.Key, "err", err)
		}
	}
}
