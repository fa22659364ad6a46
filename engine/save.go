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
	defs, err := e.store.FindDefinitions(ctx)
	if err != nil {
		return false, fmt.Errorf("read definitions: %w", err)
	}
	org, err := e.loadOrg(ctx)
	if err != nil {
		return false, err
	}
	loc, err := e.store.Location(ctx)
	if err != nil {
		return false, fmt.Errorf("read time zone: %w", err)
	}
	meta, err := e.stateMeta(ctx, defs, loc)
	if err != nil {
		return false, err
	}
	path := e.statePath(ws.id)
	s, saved, err := loadState(path, meta.Identity, defs, *org, loc)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		e.logger.Info("engine: saved state not used", "path", path, "err", err)
		return false, nil
	case saved.Records > v.Records:
		e.logger.Warn("engine: saved state is ahead of the store; rebuilding", "path", path, "state", saved.Records, "store", v.Records)
		return false, nil
	}
	records := 0
	for _, t := range s.tables {
		records += t.keys.n
	}
	if v.Records-saved.Records > int64(max(saveAfter, records/replayShare)) {
		e.logger.Info("engine: saved state is far behind the store; rebuilding", "state", saved.Records, "store", v.Records)
		return false, nil
	}
	last, changes, err := e.changes(ctx, saved.Records)
	if err != nil {
		return false, err
	}
	e.apply(s, changes)
	ws.mu.Lock()
	ws.state, ws.seen = s, kpi.Versions{Definitions: v.Definitions, Org: v.Org, Records: last}
	ws.meta, ws.saved, ws.replayed = meta, saved.Records, len(changes)
	ws.mu.Unlock()
	e.logger.Info("engine: saved state loaded", "records", records, "seq", saved.Records, "changes", len(changes), "took", time.Since(start))
	return true, nil
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
