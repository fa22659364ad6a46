package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime/debug"
	"time"

	"attain/kpi"
)

// saveAfter is how many record changes a workspace's state takes beyond
// its saved one before SaveChanged writes it again: fewer are cheaper to
// read again from the store than the state is to write.
const saveAfter = 10_000

// replayShare: a saved state behind the store by more changes than this
// share of its records is not caught up change by change; a scan of
// every record is quicker.
const replayShare = 4

func (e *Engine) statePath(id int64) string {
	return filepath.Join(e.StateDir, fmt.Sprintf("workspace-%d.state", id))
}

// stateMeta is the identity and fingerprint a state of defs is saved with.
func (e *Engine) stateMeta(ctx context.Context, defs *kpi.Definitions, loc *time.Location) (StateMeta, error) {
	si, ok := e.store.(StateIdentifier)
	if !ok {
		return StateMeta{}, kpi.Errorf(kpi.EINTERNAL, "The engine's store cannot name its workspaces, so states cannot be saved.")
	}
	id, err := si.StateIdentity(ctx)
	if err != nil {
		return StateMeta{}, fmt.Errorf("read workspace identity: %w", err)
	}
	fp, err := fingerprint(defs, loc)
	if err != nil {
		return StateMeta{}, err
	}
	return StateMeta{Identity: id, Definitions: fp}, nil
}

// loadSaved loads the workspace's saved state, if it has one that is
// valid for the store's definitions, and brings it up to v with the
// changes since; it reports false (and nothing is changed) when there is
// none, or when a scan of the store is the quicker way to the state.
func (e *Engine) loadSaved(ctx context.Context, ws *workspace, v kpi.Versions) (bool, error) {
	start := time.Now()
	in, err := e.stateInputs(ctx)
	if err != nil {
		return false, err
	}
	s, saved, changes, last, err := e.mapSaved(ctx, ws.id, in, v)
	if s == nil || err != nil {
		return false, err
	}
	ws.mu.Lock()
	ws.state, ws.seen = s, kpi.Versions{Definitions: v.Definitions, Org: v.Org, Records: last}
	ws.meta, ws.saved, ws.replayed = in.meta, saved, changes
	ws.mu.Unlock()
	e.logger.Info("engine: saved state loaded", "records", s.records(), "seq", saved, "changes", changes, "took", time.Since(start))
	return true, nil
}

// stateInputs is what a workspace's state is built or loaded from: its
// definitions, org and time zone, and the meta its state is saved with.
type stateInputs struct {
	defs *kpi.Definitions
	org  *kpi.Org
	loc  *time.Location
	meta StateMeta
}

func (e *Engine) stateInputs(ctx context.Context) (stateInputs, error) {
	var in stateInputs
	var err error
	if in.defs, err = e.store.FindDefinitions(ctx); err != nil {
		return in, fmt.Errorf("read definitions: %w", err)
	}
	if in.org, err = e.loadOrg(ctx); err != nil {
		return in, err
	}
	if in.loc, err = e.store.Location(ctx); err != nil {
		return in, fmt.Errorf("read time zone: %w", err)
	}
	if in.meta, err = e.stateMeta(ctx, in.defs, in.loc); err != nil {
		return in, err
	}
	return in, nil
}

// mapSaved maps workspace id's saved state, if it has one valid for in,
// and brings it up to v with the changes since. It returns the state (nil
// when there is none, or when a scan of the store is the quicker way to
// it), the sequence it was saved at, how many changes it took since and
// the sequence it now reflects.
func (e *Engine) mapSaved(ctx context.Context, id int64, in stateInputs, v kpi.Versions) (s *State, saved int64, changes int, last int64, err error) {
	path := e.statePath(id)
	s, meta, err := loadState(path, in.meta.Identity, in.defs, *in.org, in.loc)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, 0, 0, 0, nil
	case err != nil:
		e.logger.Info("engine: saved state not used", "path", path, "err", err)
		return nil, 0, 0, 0, nil
	case meta.Records > v.Records:
		e.logger.Warn("engine: saved state is ahead of the store; rebuilding", "path", path, "state", meta.Records, "store", v.Records)
		return nil, 0, 0, 0, nil
	}
	if v.Records-meta.Records > int64(max(saveAfter, s.records()/replayShare)) {
		e.logger.Info("engine: saved state is far behind the store; rebuilding", "state", meta.Records, "store", v.Records)
		return nil, 0, 0, 0, nil
	}
	last, cs, err := e.changes(ctx, meta.Records)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	e.apply(s, cs)
	return s, meta.Records, len(cs), last, nil
}

// records returns how many records the state holds.
func (s *State) records() int {
	n := 0
	for _, t := range s.tables {
		n += t.keys.n
	}
	return n
}

// Save writes the state of every loaded workspace that differs from its
// saved state (see StateDir); SaveChanged only those that took a full load
// or many changes since, which are worth the write. A workspace is read
// while it is saved: queries go on, refreshes wait.
func (e *Engine) Save() error { return e.save(true) }

// SaveChanged is Save for the states worth saving: built from a scan, or
// more than a few thousand changes past their saved state.
func (e *Engine) SaveChanged() error { return e.save(false) }

func (e *Engine) save(all bool) error {
	if e.StateDir == "" {
		return nil
	}
	e.mu.Lock()
	wss := make([]*workspace, 0, len(e.workspaces))
	for _, ws := range e.workspaces {
		wss = append(wss, ws)
	}
	e.mu.Unlock()
	var errs []error
	for _, ws := range wss {
		if err := e.saveWorkspace(ws, all); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (e *Engine) saveWorkspace(ws *workspace, all bool) error {
	ws.save.Lock()
	defer ws.save.Unlock()
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	if ws.state == nil || ws.meta.Identity == "" {
		return nil
	}
	switch {
	case ws.saved == ws.seen.Records && ws.replayed == 0:
		return nil // on disk as it is
	case !all && ws.saved >= 0 && ws.replayed < saveAfter:
		return nil // cheaper to replay next time
	}
	start := time.Now()
	meta := ws.meta
	meta.Records = ws.seen.Records
	if err := saveState(e.statePath(ws.id), ws.state, meta); err != nil {
		return err
	}
	// The fields are written under the read lock: save serialises savers,
	// and refresh, the only other writer, waits for the read lock.
	ws.saved, ws.replayed = meta.Records, 0
	e.logger.Info("engine: state saved", "workspace", ws.id, "seq", meta.Records, "took", time.Since(start))
	if !e.Remap {
		return nil
	}
	s := ws.state
	mapped, _, err := loadState(e.statePath(ws.id), meta.Identity, s.defs, s.orgSrc, s.loc)
	if err != nil {
		return fmt.Errorf("map the saved state: %w", err)
	}
	ws.mu.RUnlock()
	ws.mu.Lock()
	swapped := ws.state == s && ws.seen.Records == meta.Records
	if swapped {
		ws.state = mapped
	}
	ws.mu.Unlock()
	ws.mu.RLock()
	if swapped {
		e.logger.Info("engine: state mapped from its file", "workspace", ws.id)
		debug.FreeOSMemory()
	}
	return nil
}
