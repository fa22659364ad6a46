package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"attain/kpi"
)

// FollowImport returns a follower of one import into dataset of the
// context's workspace (see kpi.ImportFollower), so that the import leaves
// the workspace's saved state ready: the next process maps it instead of
// scanning every record. Hand it to the store's import, then Close it.
//
// It starts from the workspace's saved state when that is valid and close
// to the store (mapped, the few changes since applied), or from an empty
// state when no dataset holds a record. Otherwise following would cost a
// scan of every record before the import, which the first question after
// it costs anyway: FollowImport returns nil and the import goes on as it
// would without. Without StateDir it returns nil too.
//
// The follower upserts the records the store tells it in a goroutine of
// its own, a batch behind the store's writes. Close saves the state only
// if it is exactly the store's: the import began at the sequence the state
// covers, under definitions of the version it was built for, and
// committed; the state is saved with the sequence the import left.
// Otherwise the state is dropped and the saved one, if any, stays as it
// was (valid for the sequence it names). The engine's cached state of the
// workspace, if it has one, is neither used nor changed.
func (e *Engine) FollowImport(ctx context.Context, dataset string, size int64) (kpi.ImportFollower, error) {
	if e.StateDir == "" {
		return nil, nil
	}
	start := time.Now()
	id, err := kpi.WorkspaceIDFromContext(ctx)
	if err != nil {
		return nil, err
	}
	v, err := e.store.Versions(ctx)
	if err != nil {
		return nil, fmt.Errorf("read versions: %w", err)
	}
	in, err := e.stateInputs(ctx)
	if err != nil {
		return nil, err
	}
	f := &importFollow{e: e, ws: id, dataset: dataset, path: e.statePath(id), meta: in.meta, defs: v.Definitions,
		size: max(size, 0)}
	var saved int64
	var changes int
	f.s, saved, changes, f.from, err = e.mapSaved(ctx, id, in, v)
	switch {
	case err != nil:
		return nil, err
	case f.s != nil:
		f.unchanged = saved == f.from && changes == 0
	default:
		empty, err := e.empty(ctx, in.defs)
		if err != nil || !empty {
			return nil, err
		}
		if f.s, err = Build(in.defs, *in.org, in.loc); err != nil {
			return nil, fmt.Errorf("build state: %w", err)
		}
		f.from = v.Records
	}
	if !f.s.HasDataset(dataset) {
		return nil, nil
	}
	e.logger.Info("engine: following the import", "dataset", dataset, "records", f.s.records(), "seq", f.from, "took", time.Since(start))
	return f, nil
}

// errStop ends a scan early.
var errStop = errors.New("stop")

// empty reports whether no dataset of defs holds a record.
func (e *Engine) empty(ctx context.Context, defs *kpi.Definitions) (bool, error) {
	for _, ds := range defs.Datasets {
		err := e.store.ScanRecords(ctx, ds.Name, func(kpi.Record) error { return errStop })
		switch {
		case errors.Is(err, errStop):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("scan %s: %w", ds.Name, err)
		}
	}
	return true, nil
}

// followBatches is how many batches of written records may wait for the
// follower's goroutine before the store's writes wait for it.
const followBatches = 2

// importFollow is the kpi.ImportFollower FollowImport returns. Begin,
// Written, Committed and Close are called by one goroutine in turn; the
// records are upserted by another (feed).
type importFollow struct {
	e       *Engine
	ws      int64
	dataset string
	path    string
	meta    StateMeta

	s         *State
	from      int64 // the record sequence s covers before the import
	defs      int64 // the definitions version s was built for
	unchanged bool  // s is the saved state as it is on disk
	size      int64 // the bytes of the file imported, 0 if not known

	begun     bool
	on        bool // Begin found the store where s is
	batches   chan written
	done      chan struct{}
	writing   chan tempState // the state being written since Committing
	committed bool
	last      int64
}

// tempState is the state written to a temporary file, for the sequence
// last, or why it could not be.
type tempState struct {
	last int64
	tmp  string
	err  error
}

var _ kpi.ImportFollower = (*importFollow)(nil)

// Begin follows the import only if the store is where the state is: no
// record was written, and the definitions did not change, since it was
// read.
func (f *importFollow) Begin(before kpi.Versions) {
	if f.begun {
		f.on = false // begun twice: not one import
		return
	}
	f.begun = true
	f.on = before.Records == f.from && before.Definitions == f.defs
	if !f.on {
		f.e.logger.Info("engine: the store moved before the import; not following", "state", f.from, "store", before.Records)
		return
	}
	f.batches, f.done = make(chan written, followBatches), make(chan struct{})
	go f.feed()
}

// written are records the store wrote; fresh: of keys new to the dataset.
type written struct {
	recs  []kpi.Record
	fresh bool
}

// feed upserts the written records into the state, in order.
func (f *importFollow) feed() {
	defer close(f.done)
	first := true
	for w := range f.batches {
		if first && w.fresh {
			f.reserve(w.recs)
		}
		first = false
		skipped := func(r kpi.Record, err error) {
			// As a scan does: the record is left out, here as there.
			f.e.logger.Warn("engine: record skipped", "dataset", f.dataset, "key", r.Key, "err", err)
		}
		if w.fresh {
			f.s.insertAll(f.dataset, w.recs, skipped)
			continue
		}
		for _, r := range w.recs {
			if err := f.s.Upsert(f.dataset, r); err != nil {
				skipped(r, err)
			}
		}
	}
}

// reserve makes room in an empty table for the records of the import,
// about the file's size over the bytes per record of recs, its first
// records, each written as a CSV line (estimateLine): growing the columns
// a batch at a time copies them over and over, rehashes the key index at
// each doubling, and leaves garbage as large as the columns. A table that
// holds records is left to grow: its import may update more than it
// adds. An estimate off either way costs memory or growth, never a value.
func (f *importFollow) reserve(recs []kpi.Record) {
	t := f.s.tables[f.dataset]
	if f.size <= 0 || len(recs) == 0 || t.keys.n > 0 {
		return
	}
	var line, keys int64
	for _, r := range recs {
		line += int64(estimateLine(t.ds.Columns, r.Values))
		keys += int64(len(r.Key))
	}
	n := f.size * int64(len(recs)) / max(line, 1)
	n = min(n, (math.MaxInt32-int64(t.slots()))*4/5) // slots are int32, and reserve adds a quarter
	t.reserve(int(n), int(min(n*keys/int64(len(recs)), maxKeyBytes)))
	f.e.logger.Info("engine: room made for the import", "dataset", f.dataset, "bytes", f.size, "records", n)
}

// estimateLine is about how many bytes a CSV line of vals takes: the
// characters of each value as a file writes it, and a separator each.
func estimateLine(cols []kpi.Column, vals []kpi.Value) int {
	n := len(vals)
	var digits [24]byte
	for i, v := range vals {
		switch {
		case v.Null:
		case cols[i].Type == kpi.String:
			n += len(v.S)
		case cols[i].Type == kpi.DateType:
			n += len("2006-01-02")
		case cols[i].Type == kpi.Timestamp:
			n += len("2006-01-02T15:04:05Z")
		case cols[i].Type == kpi.Boolean:
			n += len("true")
		case cols[i].Type == kpi.Decimal || cols[i].Type == kpi.Money:
			n += len(strconv.AppendInt(digits[:0], v.N, 10)) + 1 // the point
		default:
			n += len(strconv.AppendInt(digits[:0], v.N, 10))
		}
	}
	return n
}

// Written hands recs to the follower's goroutine. The keys of fresh ones
// are not looked for in the state: the store found them new to the
// dataset, and the state is the store's.
func (f *importFollow) Written(recs []kpi.Record, fresh bool) {
	if f.on && len(recs) > 0 {
		f.batches <- written{recs, fresh}
	}
}

// Committing writes the state, with the sequence the import will leave,
// to a temporary file while the store commits (and, on SQLite, copies its
// log into the database); Close renames it into place once the import
// committed with that sequence.
func (f *importFollow) Committing(last int64) {
	if !f.on || f.writing != nil {
		return
	}
	f.drain()
	if save, err := f.saves(last); !save || err != nil {
		return // Close tells the error
	}
	meta := f.meta
	meta.Records = last
	f.writing = make(chan tempState, 1)
	go func() {
		tmp, err := writeStateTemp(f.path, f.s, meta)
		f.writing <- tempState{last, tmp, err}
	}()
}

// Committed notes the sequence the committed import left.
func (f *importFollow) Committed(last int64) {
	f.committed, f.last = true, last
}

// Close waits for the records to be upserted and, if the state is the
// store's at the sequence the import left, saves it with that sequence:
// it renames what Committing wrote. Otherwise it drops the state. Nothing
// is saved when the import wrote no record into a state mapped as saved.
func (f *importFollow) Close() error {
	f.drain()
	var written tempState
	if f.writing != nil {
		written = <-f.writing
		f.writing = nil
		defer func() {
			if written.tmp != "" {
				os.Remove(written.tmp)
			}
		}()
	}
	if !f.on || !f.committed {
		return nil
	}
	if save, err := f.saves(f.last); !save || err != nil {
		return err
	}
	switch {
	case written.tmp == "" && written.err == nil || written.last != f.last:
		return fmt.Errorf("follow import: committed at %d, not told so by Committing", f.last)
	case written.err != nil:
		return fmt.Errorf("follow import: %w", written.err)
	}
	start := time.Now()
	err := publishState(written.tmp, f.path)
	written.tmp = ""
	if err != nil {
		return fmt.Errorf("follow import: %w", err)
	}
	f.e.logger.Info("engine: state saved after the import", "workspace", f.ws, "seq", f.last, "records", f.s.records(), "took", time.Since(start))
	return nil
}

// drain waits until the follower's goroutine has upserted every record
// Written told.
func (f *importFollow) drain() {
	if f.batches != nil {
		close(f.batches)
		<-f.done
		f.batches = nil
	}
}

// saves reports whether the state must be saved for an import that left
// the sequence last: not if it is on disk as it is.
func (f *importFollow) saves(last int64) (bool, error) {
	switch {
	case last < f.from:
		return false, fmt.Errorf("follow import: the store's record sequence went back from %d to %d", f.from, last)
	case f.unchanged && last == f.from:
		return false, nil
	}
	return true, nil
}
