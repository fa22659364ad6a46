package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"attain/kpi"
)

// RecordService stores the records of the context's workspace.
type RecordService struct {
	db    *DB
	sizes importSizes
}

// importSizes are how many rows an import writes at a time. Tests lower
// them to reach the chunk and segment boundaries with few records.
type importSizes struct {
	sqliteChunk int // rows per SQLite statement
	pgChunk     int // rows per PostgreSQL staging round
	pgSegment   int // rows per COPY of a fresh PostgreSQL import, each under a savepoint
}

// NewRecordService returns the record service.
func NewRecordService(db *DB) *RecordService {
	return &RecordService{db: db, sizes: importSizes{sqliteChunk: sqliteChunk, pgChunk: pgChunk, pgSegment: pgSegment}}
}

var _ kpi.RecordService = (*RecordService)(nil)

// UpsertRecords writes recs by key in one transaction.
func (s *RecordService) UpsertRecords(ctx context.Context, dataset string, recs []kpi.Record) (kpi.ImportResult, error) {
	done := false
	return s.UpsertRecordBatches(ctx, dataset, func() ([]kpi.Record, error) {
		if done {
			return nil, io.EOF
		}
		done = true
		return recs, nil
	})
}

// UpsertRecordBatches writes the batches next returns until io.EOF, in one
// transaction. Each created or changed record takes the workspace's next
// record sequence number; a record whose owner and values did not change
// keeps its number and counts as unchanged. A key given twice in one call
// is written twice, the later one winning.
//
// next runs in a goroutine of its own, one batch ahead of the writes, so
// that reading and validating a file takes no time from writing it; it is
// done with next when it returns.
func (s *RecordService) UpsertRecordBatches(ctx context.Context, dataset string, next func() ([]kpi.Record, error)) (kpi.ImportResult, error) {
	return s.upsert(ctx, dataset, next, nil, nil)
}

// ImportRecords writes the records r reads, like UpsertRecordBatches, but
// a record whose key an earlier one of the import had is not written:
// r.Repeated is told of it, and an error it returns ends the import. The
// store finds such keys itself, so a file of any size takes the same
// memory. After the last record is written, r.Next is called once more:
// anything but io.EOF ends the import, nothing written.
func (s *RecordService) ImportRecords(ctx context.Context, dataset string, r kpi.RecordReader) (kpi.ImportResult, error) {
	return s.upsert(ctx, dataset, r.Next, r.Repeated, nil)
}

var _ kpi.ImportSequencer = (*RecordService)(nil)

// ImportRecordsFollowed is ImportRecords telling f what it writes (see
// kpi.ImportFollower): the records it stores, copied as they are read, and
// the record sequence the import left once it committed. f does not
// change what is written.
func (s *RecordService) ImportRecordsFollowed(ctx context.Context, dataset string, r kpi.RecordReader, f kpi.ImportFollower) (kpi.ImportResult, error) {
	return s.upsert(ctx, dataset, r.Next, r.Repeated, f)
}

func (s *RecordService) upsert(ctx context.Context, dataset string, next func() ([]kpi.Record, error), repeated func(kpi.Record, int, int) error, follow kpi.ImportFollower) (kpi.ImportResult, error) {
	var res kpi.ImportResult
	ws, err := workspaceID(ctx)
	if err != nil {
		return res, err
	}
	get, stop := prefetch(next)
	defer stop()
	var last int64
	err = s.db.write(ctx, func(tx *Tx) error {
		c, err := tx.lockCounters(ctx, ws)
		if err != nil {
			return err
		}
		if repeated != nil && tx.pg == nil && s.db.path != "" { // an import, into a file
			defer startWriteback(s.db.path + "-wal")()
		}
		if follow != nil {
			follow.Begin(kpi.Versions{Records: c.records, Definitions: c.definitions, Org: c.org})
		}
		ds, err := tx.findDataset(ctx, ws, dataset)
		if err != nil {
			return err
		}
		var w chunkWriter
		if tx.pg != nil {
			w, err = newPGChunkWriter(ctx, tx, ws, dataset, s.sizes)
		} else {
			w, err = newSQLiteChunkWriter(ctx, tx, ws, dataset, s.sizes)
		}
		if err != nil {
			return err
		}
		defer w.close()
		up := &upserter{w: w, cols: ds.Columns, start: c.records, seq: c.records, chunk: w.size(), keys: map[string]int64{}, repeated: repeated, follow: follow}
		if fw, ok := w.(freshWriter); ok {
			empty, err := fw.empty(ctx)
			if err != nil {
				return err
			}
			if empty {
				up.fw = fw
			}
		}
		for {
			recs, err := get()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				if repeated != nil {
					// Nothing will be written, but the reader may list
					// the repeated keys among the records read so far.
					if up.finish(ctx, &res) == nil {
						stop()
						if _, again := next(); again != nil && !errors.Is(again, io.EOF) {
							err = again
						}
					}
				}
				return err
			}
			if err := up.add(ctx, dataset, recs, &res); err != nil {
				return err
			}
		}
		if err := up.finish(ctx, &res); err != nil {
			return err
		}
		if repeated != nil {
			// The reader may have learned of problems from Repeated.
			stop()
			if _, err := next(); !errors.Is(err, io.EOF) {
				if err == nil {
					err = fmt.Errorf("records after the end")
				}
				return err
			}
		}
		if last, err = tx.setRecordsSeq(ctx, ws, c.records); err != nil {
			return err
		}
		if err := tx.audit(ctx, ws, "import", "records", dataset, nil, res); err != nil {
			return err
		}
		if follow != nil {
			follow.Committing(last)
		}
		return nil
	})
	if err != nil {
		return kpi.ImportResult{}, fmt.Errorf("upsert records into %q: %w", dataset, err)
	}
	if follow != nil {
		follow.Committed(last)
	}
	return res, nil
}

// prefetch calls next in a goroutine, one batch ahead of the caller of the
// get it returns, until next returns an error (io.EOF included). stop
// makes it stop and waits until it has.
func prefetch(next func() ([]kpi.Record, error)) (get func() ([]kpi.Record, error), stop func()) {
	type batch struct {
		recs []kpi.Record
		err  error
	}
	out := make(chan batch, 1)
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for {
			recs, err := next()
			select {
			case out <- batch{recs, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	var last error
	get = func() ([]kpi.Record, error) {
		if last != nil {
			return nil, last
		}
		b := <-out
		last = b.err
		return b.recs, b.err
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(done)
			<-exited
		})
	}
	return get, stop
}

// setRecordsSeq moves the workspace's record sequence to the highest number
// this transaction used (numbers taken by unchanged records stay free) and
// returns it.
func (tx *Tx) setRecordsSeq(ctx context.Context, ws, before int64) (int64, error) {
	var last int64
	err := tx.queryRow(ctx, `UPDATE counters SET records_seq = (
		SELECT max(s) FROM (
			SELECT $2 AS s
			UNION ALL SELECT max(seq) FROM records WHERE workspace_id = $1 AND seq > $2
			UNION ALL SELECT max(seq) FROM record_tombstones WHERE workspace_id = $1 AND seq > $2
		) m) WHERE workspace_id = $1 RETURNING records_seq`, ws, before).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("set record sequence: %w", err)
	}
	return last, nil
}

// pendingRecord is one encoded record waiting in a chunk.
type pendingRecord struct {
	key, owner, vals string
	seq              int64
}

// chunkWriter upserts chunks of encoded records and counts them.
type chunkWriter interface {
	size() int
	// write upserts recs. With earlier set, a record whose key an earlier
	// chunk of the same import had is not written: earlier is called with
	// it and the sequence number of the key's first record in the import,
	// and an error from it ends the write. Such keys are stored with a
	// number in (after, recs[0].seq), or, when that record equalled the
	// stored one, still with their number from before the import, up to
	// after: the writer notes the keys of stored records it meets, on
	// disk, not in memory, to find those.
	write(ctx context.Context, recs []pendingRecord, after int64, earlier func(r *pendingRecord, seq int64) error) (created, updated int, err error)
	close()
}

// freshWriter is a chunkWriter with a faster way to write records that
// cannot meet an existing row.
type freshWriter interface {
	chunkWriter
	// empty reports whether the dataset holds no records. The caller holds
	// the workspace's counters lock, which every writer of records takes,
	// so none can be added before the transaction ends.
	empty(ctx context.Context) (bool, error)
	// insert writes a new record, buffered: errors may show at a later
	// insert or at endInsert. It returns errRepeatedKey once the writer
	// found that a key came twice, and takes no more records.
	insert(ctx context.Context, r pendingRecord) error
	// pending is how many of the records given to insert are not stored
	// for good yet (a key that comes twice may still undo them).
	pending() int
	// endInsert waits until every inserted record is written, or, when a
	// key came twice, until the writer has undone the records it could not
	// write as new: those it returns, in order, for the caller to write
	// again with write. The writer may be used for write after it.
	endInsert() (undone []pendingRecord, err error)
}

// errRepeatedKey says that a fresh writer met a key twice.
var errRepeatedKey = errors.New("a key came twice")

type upserter struct {
	w       chunkWriter
	cols    []kpi.Column
	start   int64 // the record sequence before the import
	seq     int64
	chunk   int
	pending []pendingRecord
	keys    map[string]int64 // keys in pending, with their seq: a chunk holds each once
	again   []pendingRecord  // with repeated: records of keys in pending, told at the flush
	buf     []byte

	// repeated, when set, is told of a record whose key an earlier one of
	// the import had (numbered from 1), which is then not written;
	// otherwise the later record wins.
	repeated func(rec kpi.Record, first, again int) error

	// fw is set while the call is fresh: the dataset was empty when it
	// began and the writer has found no key twice, so each record goes to
	// fw.insert. Once it finds one, the records it could not write as new
	// and the rest of the call take the upsert path.
	fw freshWriter

	// follow, when set, is told the records written (see
	// kpi.ImportFollower): held are pending's records, in the same order,
	// and fresh the records given to fw.insert that it has not stored for
	// good yet; out the written ones not told yet, outFresh whether they
	// are all of new keys. They are the reader's records as it returned
	// them, not copies: a reader does not reuse its batches
	// (kpi.RecordReader).
	follow   kpi.ImportFollower
	held     []kpi.Record
	fresh    []kpi.Record
	out      []kpi.Record
	outFresh bool
}

// keep adds a written record to out; fresh: its key is new (the fresh
// path, or a chunk whose records were all created). Records of new keys
// and others are told apart.
func (u *upserter) keep(r kpi.Record, fresh bool) {
	if len(u.out) > 0 && u.outFresh != fresh {
		u.tellWritten()
	}
	u.out = append(u.out, r)
	u.outFresh = fresh
}

// keepFresh keeps for the follower the first n records given to fw.insert
// and not kept yet: those it has stored for good.
func (u *upserter) keepFresh(n int) {
	for _, r := range u.fresh[:n] {
		u.keep(r, true)
	}
	clear(u.fresh[:n])
	u.fresh = u.fresh[n:]
}

// tellWritten hands the records written since the last call to the
// follower.
func (u *upserter) tellWritten() {
	if u.follow != nil && len(u.out) > 0 {
		u.follow.Written(u.out, u.outFresh)
		u.out = nil
	}
}

func (u *upserter) add(ctx context.Context, dataset string, recs []kpi.Record, res *kpi.ImportResult) error {
	defer u.tellWritten()
	for i := range recs {
		r := &recs[i]
		if r.Key == "" {
			return kpi.Errorf(kpi.EINVALID, "Dataset %q: a record has no key.", dataset)
		}
		if len(r.Values) != len(u.cols) {
			return kpi.Errorf(kpi.EINVALID, "Dataset %q: record %q has %d values, want %d.", dataset, r.Key, len(r.Values), len(u.cols))
		}
		u.seq++
		u.buf = appendVals(u.buf[:0], u.cols, r.Values)
		p := pendingRecord{key: r.Key, owner: r.Owner, vals: string(u.buf), seq: u.seq}
		if u.fw != nil {
			if u.follow != nil {
				// Kept until the writer has stored it for good: a key
				// that comes twice undoes the records of its segment.
				u.fresh = append(u.fresh, *r)
			}
			err := u.fw.insert(ctx, p)
			if err == nil {
				if u.follow != nil {
					u.keepFresh(len(u.fresh) - u.fw.pending())
				}
				res.Created++
				continue
			}
			if !errors.Is(err, errRepeatedKey) {
				return err
			}
			// p is among the records the writer gives back.
			if err := u.endFresh(ctx, res); err != nil {
				return err
			}
			continue
		}
		var h kpi.Record
		if u.follow != nil {
			h = *r
		}
		if err := u.put(ctx, p, h, res); err != nil {
			return err
		}
	}
	return nil
}

// put adds p to the pending chunk, writing the chunk when it is full or
// already holds p's key; h is p's record for the follower.
func (u *upserter) put(ctx context.Context, p pendingRecord, h kpi.Record, res *kpi.ImportResult) error {
	if _, dup := u.keys[p.key]; dup {
		if u.repeated != nil {
			u.again = append(u.again, p)
			return nil
		}
		if err := u.flush(ctx, res); err != nil {
			return err
		}
	}
	u.keys[p.key] = p.seq
	u.pending = append(u.pending, p)
	if u.follow != nil {
		u.held = append(u.held, h)
	}
	if len(u.pending) >= u.chunk {
		return u.flush(ctx, res)
	}
	return nil
}

func (u *upserter) flush(ctx context.Context, res *kpi.ImportResult) error {
	if len(u.pending) == 0 {
		return nil
	}
	if u.repeated != nil {
		// Records of keys stored earlier in the import, and the repeats
		// within the chunk, whose first is the stored one if the chunk's
		// was itself a repeat.
		dropped := map[string]int64{}
		earlier := func(r *pendingRecord, seq int64) error {
			dropped[r.key] = seq
			return u.tell(r, seq)
		}
		defer func() { u.again = u.again[:0] }()
		created, updated, err := u.w.write(ctx, u.pending, u.start, earlier)
		if err != nil {
			return err
		}
		for i := range u.again {
			r := &u.again[i]
			first, ok := dropped[r.key]
			if !ok {
				first = u.keys[r.key]
			}
			if err := u.tell(r, first); err != nil {
				return err
			}
		}
		res.Created += created
		res.Updated += updated
		res.Unchanged += len(u.pending) - len(dropped) - created - updated
		u.written(dropped, created == len(u.pending))
		return nil
	}
	created, updated, err := u.w.write(ctx, u.pending, u.start, nil)
	if err != nil {
		return err
	}
	res.Created += created
	res.Updated += updated
	res.Unchanged += len(u.pending) - created - updated
	u.written(nil, created == len(u.pending))
	return nil
}

// written ends a flushed chunk: its records but those of dropped keys
// (stored earlier in the import) are kept for the follower; created: all
// of them were created, so their keys are new.
func (u *upserter) written(dropped map[string]int64, created bool) {
	if u.follow != nil {
		for i := range u.pending {
			if _, ok := dropped[u.pending[i].key]; !ok {
				u.keep(u.held[i], created)
			}
		}
		clear(u.held)
		u.held = u.held[:0]
	}
	u.pending = u.pending[:0]
	clear(u.keys)
}

// tell tells repeated of a record whose key the record of seq first had.
func (u *upserter) tell(r *pendingRecord, first int64) error {
	rec := kpi.Record{Key: r.key, Owner: r.owner}
	var err error
	if rec.Values, err = decodeVals(r.vals, len(u.cols), nil); err != nil {
		return err
	}
	return u.repeated(rec, int(first-u.start), int(r.seq-u.start))
}

// endFresh leaves the fresh path once its records are written, and puts
// the records the writer undid, counted as created when inserted, on the
// upsert path.
func (u *upserter) endFresh(ctx context.Context, res *kpi.ImportResult) error {
	undone, err := u.fw.endInsert()
	u.fw = nil
	if err != nil {
		return err
	}
	res.Created -= len(undone)
	var held []kpi.Record // the undone records, for the follower
	if u.follow != nil {
		u.keepFresh(len(u.fresh) - len(undone))
		held, u.fresh = u.fresh, nil
	}
	for i, p := range undone {
		var h kpi.Record
		if held != nil {
			h = held[i]
		}
		if err := u.put(ctx, p, h, res); err != nil {
			return err
		}
	}
	return nil
}

// finish writes what is pending.
func (u *upserter) finish(ctx context.Context, res *kpi.ImportResult) error {
	defer u.tellWritten()
	if u.fw != nil {
		if err := u.endFresh(ctx, res); err != nil {
			return err
		}
	}
	return u.flush(ctx, res)
}

// SQLite: a chunk is first inserted with INSERT OR IGNORE (changes() counts
// the created); if some keys existed, the same rows are upserted again with
// ON CONFLICT DO UPDATE ... WHERE changed (changes() counts the updated; the
// rows just created are equal, so they do not count twice). OR IGNORE, not
// ON CONFLICT DO NOTHING: a statement that cannot abort needs no statement
// journal, which copied every page a chunk touched (5% of an import's CPU).
// No value bound is ever NULL, so the NOT NULL constraints it also ignores
// cannot fail.
//
// With earlier set, a record equal to the stored one keeps its number,
// from before the import, so a later chunk cannot find its key among the
// numbers of the import: the keys of every chunk that met a stored record
// go to the temporary table records_met, with their numbers in the import.
// Noting them finds the repeats too: a key noted before is ignored, and
// only then are the noted keys looked up. A temporary table lives in a file
// of the connection's own, so a file of any size takes the same memory. A
// chunk whose records were all created, as in an import of new records,
// notes nothing.

const (
	sqliteChunk    = 500
	sqliteMetCache = 16 << 20 // bytes of page cache for records_met
)

type sqliteChunkWriter struct {
	tx        *Tx
	ws        int64
	dataset   string
	chunk     int
	ins, upd  *sql.Stmt // prepared for a full chunk
	met       *sql.Stmt // notes the keys of a full chunk, once records_met exists
	metMade   bool      // records_met exists and holds only this import's keys
	tempCache int64     // the temporary database's cache size before
	args      []any
}

func sqliteInsertSQL(ws int64, dataset string, n int, update bool) string {
	var b strings.Builder
	if update {
		b.WriteString(`INSERT INTO records (workspace_id, dataset, key, owner, seq, vals) VALUES `)
	} else {
		b.WriteString(`INSERT OR IGNORE INTO records (workspace_id, dataset, key, owner, seq, vals) VALUES `)
	}
	// The workspace and dataset, the same in every row, are literals: a
	// bind costs more than the statement's text, which is prepared once.
	row := fmt.Sprintf("(%d,'%s',?,?,?,?)", ws, strings.ReplaceAll(dataset, "'", "''"))
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		// Anonymous parameters: SQLite looks numbered ones up in a list,
		// which costs O(parameters) per bind.
		b.WriteString(row)
	}
	if update {
		b.WriteString(` ON CONFLICT (workspace_id, dataset, key) DO UPDATE SET owner = excluded.owner, seq = excluded.seq, vals = excluded.vals
			WHERE records.owner <> excluded.owner OR records.vals <> excluded.vals`)
	}
	return b.String()
}

// sqliteMetSQL notes n keys with their sequence numbers in the import. OR
// IGNORE keeps the number a key was first noted with, and spares the
// statement journal, as above.
func sqliteMetSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT OR IGNORE INTO temp.records_met (key, seq) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?)")
	}
	return b.String()
}

func newSQLiteChunkWriter(ctx context.Context, tx *Tx, ws int64, dataset string, sizes importSizes) (*sqliteChunkWriter, error) {
	return &sqliteChunkWriter{tx: tx, ws: ws, dataset: dataset, chunk: sizes.sqliteChunk}, nil
}

func (w *sqliteChunkWriter) size() int { return w.chunk }

// stmt returns the statement text(n) for n records: the one kept in *full
// when n is a full chunk, else a new one that done closes.
func (w *sqliteChunkWriter) stmt(ctx context.Context, full **sql.Stmt, n int, text func(int) string) (st *sql.Stmt, done func(), err error) {
	if n == w.chunk && *full != nil {
		return *full, func() {}, nil
	}
	if st, err = w.tx.st.PrepareContext(ctx, text(n)); err != nil {
		return nil, nil, err
	}
	if n == w.chunk {
		*full = st
		return st, func() {}, nil
	}
	return st, func() { st.Close() }, nil
}

func (w *sqliteChunkWriter) exec(ctx context.Context, update bool, recs []pendingRecord) (int, error) {
	w.args = w.args[:0]
	for i := range recs {
		r := &recs[i]
		w.args = append(w.args, r.key, r.owner, r.seq, r.vals)
	}
	full := &w.ins
	if update {
		full = &w.upd
	}
	st, done, err := w.stmt(ctx, full, len(recs), func(n int) string { return sqliteInsertSQL(w.ws, w.dataset, n, update) })
	if err != nil {
		return 0, err
	}
	defer done()
	res, err := st.ExecContext(ctx, w.args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (w *sqliteChunkWriter) write(ctx context.Context, recs []pendingRecord, after int64, earlier func(*pendingRecord, int64) error) (int, int, error) {
	created, err := w.exec(ctx, false, recs)
	if err != nil {
		return 0, 0, fmt.Errorf("insert records: %w", err)
	}
	if created == len(recs) {
		return created, 0, nil
	}
	if earlier != nil {
		if recs, err = w.dropEarlier(ctx, recs, after, earlier); err != nil {
			return 0, 0, err
		}
		if len(recs) > 0 {
			if recs, err = w.dropMet(ctx, recs, earlier); err != nil {
				return 0, 0, err
			}
		}
		if len(recs) == 0 {
			return created, 0, nil
		}
	}
	updated, err := w.exec(ctx, true, recs)
	if err != nil {
		return 0, 0, fmt.Errorf("update records: %w", err)
	}
	return created, updated, nil
}

// dropMet notes the keys of recs in records_met and returns recs without
// those noted before, each passed to earlier with the number it was noted
// with.
func (w *sqliteChunkWriter) dropMet(ctx context.Context, recs []pendingRecord, earlier func(*pendingRecord, int64) error) ([]pendingRecord, error) {
	if !w.metMade {
		// A table left by an earlier import on this connection is emptied.
		// The page caches of all a process's databases share one budget,
		// counted in pages, and one LRU list (SQLite built with
		// SQLITE_ENABLE_MEMORY_MANAGEMENT). With the default 2 MiB of 4 KiB
		// pages, the table's pages, spilled and read back, pushed the
		// records' pages out, and a re-import of 1M unchanged records took
		// more than twice as long; with 64 MiB of 4 KiB pages, the records'
		// 16 KiB pages filled the budget instead: 252 MiB at 10M. So the
		// temporary database takes the records' page size (it applies if
		// the connection has none yet) and sqliteMetCache.
		if err := w.tx.queryRow(ctx, `PRAGMA temp.cache_size`).Scan(&w.tempCache); err != nil {
			return nil, fmt.Errorf("make records_met: %w", err)
		}
		for _, q := range []string{
			fmt.Sprintf(`PRAGMA temp.page_size = %d`, sqlitePageSize),
			`CREATE TEMP TABLE IF NOT EXISTS records_met (key TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID`,
			`DELETE FROM temp.records_met`,
			fmt.Sprintf(`PRAGMA temp.cache_size = -%d`, sqliteMetCache>>10),
		} {
			if _, err := w.tx.exec(ctx, q); err != nil {
				return nil, fmt.Errorf("make records_met: %w", err)
			}
		}
		w.metMade = true
	}
	st, done, err := w.stmt(ctx, &w.met, len(recs), sqliteMetSQL)
	if err != nil {
		return nil, fmt.Errorf("note keys: %w", err)
	}
	defer done()
	w.args = w.args[:0]
	for i := range recs {
		w.args = append(w.args, recs[i].key, recs[i].seq)
	}
	res, err := st.ExecContext(ctx, w.args...)
	if err != nil {
		return nil, fmt.Errorf("note keys: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || int(n) == len(recs) {
		return recs, err
	}
	q, args := keysIn(`SELECT key, seq FROM temp.records_met WHERE seq < ? AND key IN `, []any{recs[0].seq}, recs)
	found, err := scanKeySeqs(w.tx.query(ctx, q, args...))
	if err != nil {
		return nil, err
	}
	return dropFound(recs, found, earlier)
}

// dropEarlier returns recs without those whose key is stored with a
// sequence number in (after, recs[0].seq), each passed to earlier.
func (w *sqliteChunkWriter) dropEarlier(ctx context.Context, recs []pendingRecord, after int64, earlier func(*pendingRecord, int64) error) ([]pendingRecord, error) {
	q, args := keysIn(`SELECT key, seq FROM records WHERE workspace_id = ? AND dataset = ? AND seq > ? AND seq < ? AND key IN `,
		[]any{w.ws, w.dataset, after, recs[0].seq}, recs)
	found, err := scanKeySeqs(w.tx.query(ctx, q, args...))
	if err != nil || len(found) == 0 {
		return recs, err
	}
	return dropFound(recs, found, earlier)
}

// keysIn returns query followed by a list of a parameter per record of
// recs, and args followed by their keys.
func keysIn(query string, args []any, recs []pendingRecord) (string, []any) {
	var b strings.Builder
	b.WriteString(query)
	b.WriteByte('(')
	for i := range recs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('?')
		args = append(args, recs[i].key)
	}
	b.WriteByte(')')
	return b.String(), args
}

// scanKeySeqs reads rows of key and seq.
func scanKeySeqs(rs rows, err error) (map[string]int64, error) {
	if err != nil {
		return nil, fmt.Errorf("find keys written earlier: %w", err)
	}
	defer rs.Close()
	found := map[string]int64{}
	for rs.Next() {
		var key string
		var seq int64
		if err := rs.Scan(&key, &seq); err != nil {
			return nil, err
		}
		found[key] = seq
	}
	return found, rs.Err()
}

// dropFound returns recs without the records of found keys, each passed to
// earlier with its stored sequence number.
func dropFound(recs []pendingRecord, found map[string]int64, earlier func(*pendingRecord, int64) error) ([]pendingRecord, error) {
	kept := make([]pendingRecord, 0, len(recs))
	for i := range recs {
		if seq, ok := found[recs[i].key]; ok {
			if err := earlier(&recs[i], seq); err != nil {
				return nil, err
			}
			continue
		}
		kept = append(kept, recs[i])
	}
	return kept, nil
}

// close closes the statements, drops records_met, whose file is then
// given back (the import's transaction is still open), and gives the
// temporary database its cache size back, which frees the cache's pages.
func (w *sqliteChunkWriter) close() {
	for _, st := range []*sql.Stmt{w.ins, w.upd, w.met} {
		if st != nil {
			st.Close()
		}
	}
	if w.metMade {
		ctx := context.Background()
		w.tx.exec(ctx, `DROP TABLE IF EXISTS temp.records_met`)
		w.tx.exec(ctx, fmt.Sprintf(`PRAGMA temp.cache_size = %d`, w.tempCache))
	}
}

// PostgreSQL: a chunk is copied into a temporary staging table, then moved
// with one INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE changed;
// RETURNING (xmax = 0) tells created rows from updated ones. With earlier
// set, the keys of staged records that were stored before the import go to
// the temporary table records_met with their numbers in the import, as on
// SQLite (in temp_buffers, spilled to disk: memory does not grow with the
// file).
//
// A fresh import skips all that: its records stream into the records table
// through COPY, in segments of pgSegment rows, each under a savepoint.
// Nothing in memory knows the keys: the primary key finds a key that comes
// twice, the segment that held it is rolled back to its savepoint, and its
// records and the rest of the import take the staging path.
//
// Each segment is a subtransaction; past 64 of them (6.4M rows) the
// backend's cache of their ids overflows, and another session that meets
// a row of the import (not yet committed, so invisible to it) looks its
// subtransaction up in pg_subtrans. Only scans of the dataset being
// imported (or of the whole table) meet those rows; they took 1.1 to 3
// times as long, and reads of other workspaces did not change
// (docs/performance.md).

const (
	pgChunk   = 100_000
	pgSegment = 100_000
)

type pgChunkWriter struct {
	tx      *Tx
	ws      int64
	dataset string
	chunk   int
	segment int
	staged  bool    // the staging table exists and is empty
	metMade bool    // records_met exists in this transaction
	copy    *pgCopy // the COPY of a fresh import, while it runs
}

func newPGChunkWriter(ctx context.Context, tx *Tx, ws int64, dataset string, sizes importSizes) (*pgChunkWriter, error) {
	return &pgChunkWriter{tx: tx, ws: ws, dataset: dataset, chunk: sizes.pgChunk, segment: sizes.pgSegment}, nil
}

func (w *pgChunkWriter) size() int { return w.chunk }

func (w *pgChunkWriter) write(ctx context.Context, recs []pendingRecord, after int64, earlier func(*pendingRecord, int64) error) (int, int, error) {
	if !w.staged {
		if _, err := w.tx.exec(ctx, `CREATE TEMPORARY TABLE IF NOT EXISTS records_stage (key text NOT NULL, owner text NOT NULL, seq bigint NOT NULL, vals text NOT NULL)`); err != nil {
			return 0, 0, fmt.Errorf("create staging table: %w", err)
		}
		if _, err := w.tx.exec(ctx, `TRUNCATE records_stage`); err != nil {
			return 0, 0, fmt.Errorf("truncate staging table: %w", err)
		}
		w.staged = true
	}
	row := make([]any, 4)
	_, err := w.tx.pg.CopyFrom(ctx, pgx.Identifier{"records_stage"}, []string{"key", "owner", "seq", "vals"},
		pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) {
			r := &recs[i]
			row[0], row[1], row[2], row[3] = r.key, r.owner, r.seq, r.vals
			return row, nil
		}))
	if err != nil {
		return 0, 0, fmt.Errorf("copy records: %w", err)
	}
	if earlier != nil {
		if err = w.dropEarlier(ctx, recs, after, earlier); err != nil {
			return 0, 0, err
		}
	}
	// ON CONFLICT probes the primary key per row; an UPDATE ... FROM and an
	// anti-join insert were tried and are planned as hash joins over the
	// whole dataset on stale statistics, which made large imports quadratic.
	var created, changed int
	err = w.tx.queryRow(ctx, `WITH up AS (
		INSERT INTO records (workspace_id, dataset, key, owner, seq, vals)
		SELECT $1, $2, key, owner, seq, vals FROM records_stage
		ON CONFLICT (workspace_id, dataset, key) DO UPDATE SET owner = excluded.owner, seq = excluded.seq, vals = excluded.vals
		WHERE records.owner <> excluded.owner OR records.vals <> excluded.vals
		RETURNING (xmax = 0) AS created
	) SELECT count(*) FILTER (WHERE created), count(*) FROM up`, w.ws, w.dataset).Scan(&created, &changed)
	if err != nil {
		return 0, 0, fmt.Errorf("upsert records: %w", err)
	}
	if _, err := w.tx.exec(ctx, `TRUNCATE records_stage`); err != nil {
		return 0, 0, fmt.Errorf("truncate staging table: %w", err)
	}
	return created, changed - created, nil
}

// dropEarlier removes from the staging table, and passes to earlier, the
// records whose key an earlier chunk of the import had: stored with a
// sequence number in (after, recs[0].seq), or noted in records_met. It
// notes the keys stored before the import in records_met, in the same
// statement, which sees the table as it was before: a key noted before is
// ignored, and only then are the staged keys looked up there.
func (w *pgChunkWriter) dropEarlier(ctx context.Context, recs []pendingRecord, after int64, earlier func(*pendingRecord, int64) error) error {
	if !w.metMade {
		if _, err := w.tx.exec(ctx, `CREATE TEMPORARY TABLE records_met (key text PRIMARY KEY, seq bigint NOT NULL) ON COMMIT DROP`); err != nil {
			return fmt.Errorf("make records_met: %w", err)
		}
		w.metMade = true
	}
	// A subquery per staged key: probes of the primary keys, whatever the
	// statistics say (a temporary table has none).
	var met int
	var keys []string
	var seqs []int64
	err := w.tx.queryRow(ctx, `WITH s AS MATERIALIZED (
		SELECT s.key, s.seq, (SELECT r.seq FROM records r WHERE r.workspace_id = $1 AND r.dataset = $2 AND r.key = s.key) AS old
		FROM records_stage s
	), noted AS (
		INSERT INTO records_met (key, seq) SELECT key, seq FROM s WHERE old <= $3
		ON CONFLICT (key) DO NOTHING RETURNING 1
	) SELECT (SELECT count(*) FROM s WHERE old <= $3) - (SELECT count(*) FROM noted),
		array_agg(key), array_agg(old) FROM s WHERE old > $3 AND old < $4`, w.ws, w.dataset, after, recs[0].seq).Scan(&met, &keys, &seqs)
	if err != nil {
		return fmt.Errorf("find keys written earlier: %w", err)
	}
	found := make(map[string]int64, len(keys))
	for i, k := range keys {
		found[k] = seqs[i]
	}
	if met > 0 {
		noted, err := scanKeySeqs(w.tx.query(ctx, `SELECT key, seq FROM (
			SELECT s.key, (SELECT m.seq FROM records_met m WHERE m.key = s.key) AS seq
			FROM records_stage s) g WHERE seq < $1`, recs[0].seq))
		if err != nil {
			return err
		}
		for k, seq := range noted {
			found[k] = seq
		}
	}
	if len(found) == 0 {
		return nil
	}
	if _, err := dropFound(recs, found, earlier); err != nil {
		return err
	}
	keys = keys[:0]
	for k := range found {
		keys = append(keys, k)
	}
	if _, err := w.tx.exec(ctx, `DELETE FROM records_stage WHERE key = ANY($1)`, keys); err != nil {
		return fmt.Errorf("drop keys written earlier: %w", err)
	}
	return nil
}

func (w *pgChunkWriter) empty(ctx context.Context) (bool, error) {
	var exists bool
	err := w.tx.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM records WHERE workspace_id = $1 AND dataset = $2)`, w.ws, w.dataset).Scan(&exists)
	if err != nil {
		return false, fmt.Errorf("look for records: %w", err)
	}
	return !exists, nil
}

func (w *pgChunkWriter) insert(ctx context.Context, r pendingRecord) error {
	if w.copy == nil {
		w.copy = startPGCopy(ctx, w.tx, w.ws, w.dataset, w.segment)
	}
	return w.copy.add(r)
}

func (w *pgChunkWriter) pending() int {
	if w.copy == nil {
		return 0
	}
	return w.copy.added - int(w.copy.stored.Load())
}

func (w *pgChunkWriter) endInsert() ([]pendingRecord, error) {
	if w.copy == nil {
		return nil, nil
	}
	undone, err := w.copy.end()
	w.copy = nil
	return undone, err
}

// close ends a COPY still running (when the import failed; the
// transaction is rolled back after).
func (w *pgChunkWriter) close() { w.endInsert() }

// pgCopy streams new records into the records table through COPY, in a
// goroutine of its own, so the server stores one batch while the caller
// validates and encodes the next. It holds the connection until end
// returns; the caller must not use the transaction meanwhile.
//
// The goroutine copies segments of rows, each under a savepoint. A key that
// comes twice violates the primary key: the goroutine rolls its segment back
// and stops, and end gives back the records from the segment's first on.
// Until a segment is stored, the caller keeps its records for that.
type pgCopy struct {
	batch   []pendingRecord // not yet handed to the goroutine
	size    int             // records in a full batch
	batches chan []pendingRecord
	done    chan struct{}
	err     error        // set before done is closed; errRepeatedKey when a key came twice
	added   int          // records given to add
	stored  atomic.Int64 // records stored for good, in segments released

	// The batches handed over, from the first holding a record not yet
	// stored for good; the first one's first record is number from.
	held [][]pendingRecord
	from int64
}

const pgCopyBatch = 10_000

func startPGCopy(ctx context.Context, tx *Tx, ws int64, dataset string, segment int) *pgCopy {
	c := &pgCopy{size: min(pgCopyBatch, segment), batches: make(chan []pendingRecord, 2), done: make(chan struct{})}
	src := &copySource{ctx: ctx, batches: c.batches, i: -1, row: []any{ws, dataset, nil, nil, nil, nil}}
	go func() {
		defer close(c.done)
		c.err = c.run(ctx, tx, src, segment)
	}()
	return c
}

// run copies the rows src gives in segments of segment rows until src has
// no more.
func (c *pgCopy) run(ctx context.Context, tx *Tx, src *copySource, segment int) error {
	for src.more() {
		if _, err := tx.exec(ctx, `SAVEPOINT fresh_segment`); err != nil {
			return fmt.Errorf("copy records: savepoint: %w", err)
		}
		src.left = segment
		n, err := tx.pg.CopyFrom(ctx, pgx.Identifier{"records"}, []string{"workspace_id", "dataset", "key", "owner", "seq", "vals"}, src)
		if err != nil && ctx.Err() != nil {
			return ctx.Err() // the server's error only repeats it
		}
		if isUniqueViolation(err) {
			if _, err := tx.exec(ctx, `ROLLBACK TO SAVEPOINT fresh_segment`); err != nil {
				return fmt.Errorf("copy records: roll back a segment: %w", err)
			}
			return errRepeatedKey
		}
		if err != nil {
			return fmt.Errorf("copy records: %w", err)
		}
		if _, err := tx.exec(ctx, `RELEASE SAVEPOINT fresh_segment`); err != nil {
			return fmt.Errorf("copy records: release savepoint: %w", err)
		}
		c.stored.Add(n)
	}
	return src.err
}

// add queues one row, handing the batch to the goroutine when it is full.
func (c *pgCopy) add(r pendingRecord) error {
	c.added++
	c.batch = append(c.batch, r)
	if len(c.batch) < c.size {
		return nil
	}
	return c.send()
}

// send hands the batch to the goroutine, and forgets the batches it has
// stored for good.
func (c *pgCopy) send() error {
	select {
	case c.batches <- c.batch:
		c.held = append(c.held, c.batch)
		c.batch = make([]pendingRecord, 0, c.size)
	case <-c.done:
		if c.err == nil {
			return fmt.Errorf("copy records: ended early")
		}
		return c.err
	}
	stored := c.stored.Load()
	for len(c.held) > 0 && c.from+int64(len(c.held[0])) <= stored {
		c.from += int64(len(c.held[0]))
		c.held[0] = nil
		c.held = c.held[1:]
	}
	return nil
}

// end sends the rest and waits for the goroutine to store it. When a key
// came twice, it returns the records not stored, in order.
func (c *pgCopy) end() ([]pendingRecord, error) {
	var err error
	if len(c.batch) > 0 {
		err = c.send()
	}
	close(c.batches)
	<-c.done
	if errors.Is(c.err, errRepeatedKey) {
		return c.undone(), nil
	}
	if err != nil {
		return nil, err
	}
	return nil, c.err
}

// undone returns the records handed over but not stored, and those never
// handed over, once the goroutine has ended.
func (c *pgCopy) undone() []pendingRecord {
	skip := c.stored.Load() - c.from
	var out []pendingRecord
	for _, b := range c.held {
		if skip >= int64(len(b)) {
			skip -= int64(len(b))
			continue
		}
		out = append(out, b[skip:]...)
		skip = 0
	}
	return append(out, c.batch...)
}

// copySource is the pgx.CopyFromSource of one segment of a pgCopy: the rows
// of the batches sent to it, up to left of them. It gives up when ctx is
// done, and the COPY fails instead of ending.
type copySource struct {
	ctx     context.Context
	batches chan []pendingRecord
	cur     []pendingRecord
	i       int   // the current row in cur
	left    int   // rows the segment may still take
	row     []any // workspace_id and dataset stay; the rest is set per row
	err     error
}

// more reports whether a row follows the current one, waiting for the next
// batch if need be.
func (s *copySource) more() bool {
	for s.i+1 >= len(s.cur) {
		select {
		case b, ok := <-s.batches:
			if !ok {
				return false
			}
			s.cur, s.i = b, -1
		case <-s.ctx.Done():
			s.err = s.ctx.Err()
			return false
		}
	}
	return true
}

func (s *copySource) Next() bool {
	if s.left == 0 || !s.more() {
		return false
	}
	s.i++
	s.left--
	r := &s.cur[s.i]
	s.row[2], s.row[3], s.row[4], s.row[5] = r.key, r.owner, r.seq, r.vals
	return true
}

func (s *copySource) Values() ([]any, error) { return s.row, nil }

func (s *copySource) Err() error { return s.err }

// DeleteRecords removes records by key in one transaction, leaving a
// tombstone with the next sequence number for each; keys not there count as
// unchanged.
func (s *RecordService) DeleteRecords(ctx context.Context, dataset string, keys []string) (kpi.ImportResult, error) {
	var res kpi.ImportResult
	ws, err := workspaceID(ctx)
	if err != nil {
		return res, err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		c, err := tx.lockCounters(ctx, ws)
		if err != nil {
			return err
		}
		if _, err := tx.findDataset(ctx, ws, dataset); err != nil {
			return err
		}
		seq := c.records
		for _, key := range keys {
			n, err := tx.exec(ctx, `DELETE FROM records WHERE workspace_id = $1 AND dataset = $2 AND key = $3`, ws, dataset, key)
			if err != nil {
				return fmt.Errorf("delete record %q: %w", key, err)
			}
			if n == 0 {
				res.Unchanged++
				continue
			}
			seq++
			if _, err := tx.exec(ctx, `INSERT INTO record_tombstones (workspace_id, seq, dataset, key) VALUES ($1, $2, $3, $4)`, ws, seq, dataset, key); err != nil {
				return fmt.Errorf("delete record %q: tombstone: %w", key, err)
			}
			res.Deleted++
		}
		if seq != c.records {
			if _, err := tx.exec(ctx, `UPDATE counters SET records_seq = $2 WHERE workspace_id = $1`, ws, seq); err != nil {
				return fmt.Errorf("set record sequence: %w", err)
			}
		}
		return tx.audit(ctx, ws, "delete", "records", dataset, nil, res)
	})
	if err != nil {
		return kpi.ImportResult{}, fmt.Errorf("delete records from %q: %w", dataset, err)
	}
	return res, nil
}

// FindRecords returns the records of dataset that filter selects, by key.
func (s *RecordService) FindRecords(ctx context.Context, dataset string, filter kpi.RecordFilter) ([]kpi.Record, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT key, owner, vals FROM records WHERE workspace_id = $1 AND dataset = $2`
	args := []any{ws, dataset}
	in := func(col string, vs []string) {
		ps := make([]string, len(vs))
		for i, v := range vs {
			args = append(args, v)
			ps[i] = fmt.Sprintf("$%d", len(args))
		}
		q += " AND " + col + " IN (" + strings.Join(ps, ",") + ")"
	}
	if filter.Keys != nil {
		if len(filter.Keys) == 0 {
			return []kpi.Record{}, nil
		}
		in("key", filter.Keys)
	}
	if filter.Owners != nil {
		if len(filter.Owners) == 0 {
			return []kpi.Record{}, nil
		}
		in("owner", filter.Owners)
	}
	q += " ORDER BY key"
	if filter.Limit > 0 {
		args = append(args, filter.Limit)
		q += fmt.Sprintf(" LIMIT $%d", len(args))
	} else if filter.Offset > 0 {
		q += " LIMIT -1"
		if tx := s.db.dialect; tx == Postgres {
			q = strings.TrimSuffix(q, " LIMIT -1") + " LIMIT ALL"
		}
	}
	if filter.Offset > 0 {
		args = append(args, filter.Offset)
		q += fmt.Sprintf(" OFFSET $%d", len(args))
	}
	recs := []kpi.Record{}
	err = s.db.read(ctx, func(tx *Tx) error {
		ds, err := tx.findDataset(ctx, ws, dataset)
		if err != nil {
			return err
		}
		return tx.scanRecords(ctx, len(ds.Columns), q, args, false, func(r kpi.Record) error {
			recs = append(recs, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("find records of %q: %w", dataset, err)
	}
	return recs, nil
}

// scanRecords calls fn for every record q selects (key, owner, vals) of a
// dataset of ncols columns. With reuse, the records share one Values slice,
// overwritten by the next record: for an fn that does not keep it.
func (tx *Tx) scanRecords(ctx context.Context, ncols int, q string, args []any, reuse bool, fn func(kpi.Record) error) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var buf []kpi.Value
	for rows.Next() {
		var r kpi.Record
		var vals string
		if err := rows.Scan(&r.Key, &r.Owner, &vals); err != nil {
			return err
		}
		if !reuse || buf == nil {
			buf = make([]kpi.Value, 0, ncols)
		}
		if r.Values, err = decodeVals(vals, ncols, buf); err != nil {
			return fmt.Errorf("record %q: %w", r.Key, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountRecords returns how many records dataset holds.
func (s *RecordService) CountRecords(ctx context.Context, dataset string) (int, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.read(ctx, func(tx *Tx) error {
		if _, err := tx.findDataset(ctx, ws, dataset); err != nil {
			return err
		}
		return tx.queryRow(ctx, `SELECT count(*) FROM records WHERE workspace_id = $1 AND dataset = $2`, ws, dataset).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count records of %q: %w", dataset, err)
	}
	return n, nil
}

// ScanRecords calls fn for every record of dataset, streaming them from one
// read transaction. fn must not write to the same SQLite :memory: database
// (it has one connection, held by the scan). The records share one Values
// slice, overwritten by the next record (see kpi.RecordService).
func (s *RecordService) ScanRecords(ctx context.Context, dataset string, fn func(kpi.Record) error) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.read(ctx, func(tx *Tx) error {
		ds, err := tx.findDataset(ctx, ws, dataset)
		if err != nil {
			return err
		}
		return tx.scanRecords(ctx, len(ds.Columns), `SELECT key, owner, vals FROM records WHERE workspace_id = $1 AND dataset = $2`,
			[]any{ws, dataset}, true, fn)
	})
	if err != nil {
		return fmt.Errorf("scan records of %q: %w", dataset, err)
	}
	return nil
}

// RecordChanges calls fn for every upsert and delete with a sequence number
// above since, in sequence order, and returns the highest number passed.
func (s *RecordService) RecordChanges(ctx context.Context, since int64, fn func(kpi.RecordChange) error) (int64, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return since, err
	}
	last := since
	err = s.db.read(ctx, func(tx *Tx) error {
		stored, err := tx.loadDefs(ctx, ws)
		if err != nil {
			return err
		}
		defs, err := decodeDefs(stored)
		if err != nil {
			return err
		}
		ncols := map[string]int{}
		for _, ds := range defs.Datasets {
			ncols[ds.Name] = len(ds.Columns)
		}
		rows, err := tx.query(ctx, `SELECT seq, dataset, key, owner, vals, 0 AS deleted FROM records WHERE workspace_id = $1 AND seq > $2
			UNION ALL
			SELECT seq, dataset, key, '', '', 1 FROM record_tombstones WHERE workspace_id = $1 AND seq > $2
			ORDER BY 1`, ws, since)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c kpi.RecordChange
			var vals string
			var deleted int
			if err := rows.Scan(&c.Seq, &c.Dataset, &c.Record.Key, &c.Record.Owner, &vals, &deleted); err != nil {
				return err
			}
			c.Deleted = deleted == 1
			if !c.Deleted {
				n := ncols[c.Dataset]
				if c.Record.Values, err = decodeVals(vals, n, make([]kpi.Value, 0, n)); err != nil {
					return fmt.Errorf("record %q: %w", c.Record.Key, err)
				}
			}
			if err := fn(c); err != nil {
				return err
			}
			last = c.Seq
		}
		return rows.Err()
	})
	if err != nil {
		return last, fmt.Errorf("record changes since %d: %w", since, err)
	}
	return last, nil
}

// Versions returns the workspace's record sequence and definitions and org
// versions in one query.
func (s *RecordService) Versions(ctx context.Context) (kpi.Versions, error) {
	var v kpi.Versions
	ws, err := workspaceID(ctx)
	if err != nil {
		return v, err
	}
	err = s.db.read(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `SELECT records_seq, definitions_version, org_version FROM counters WHERE workspace_id = $1`, ws).
			Scan(&v.Records, &v.Definitions, &v.Org)
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "Workspace %d not found.", ws)
		}
		return err
	})
	if err != nil {
		return kpi.Versions{}, fmt.Errorf("versions: %w", err)
	}
	return v, nil
}
