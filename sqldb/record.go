package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"

	"attain/kpi"
)

// RecordService stores the records of the context's workspace.
type RecordService struct{ db *DB }

// NewRecordService returns the record service.
func NewRecordService(db *DB) *RecordService { return &RecordService{db: db} }

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
func (s *RecordService) UpsertRecordBatches(ctx context.Context, dataset string, next func() ([]kpi.Record, error)) (kpi.ImportResult, error) {
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
		ds, err := tx.findDataset(ctx, ws, dataset)
		if err != nil {
			return err
		}
		var w chunkWriter
		if tx.pg != nil {
			w, err = newPGChunkWriter(ctx, tx, ws, dataset)
		} else {
			w, err = newSQLiteChunkWriter(ctx, tx, ws, dataset)
		}
		if err != nil {
			return err
		}
		defer w.close()
		up := &upserter{w: w, cols: ds.Columns, seq: c.records, chunk: w.size(), keys: map[string]struct{}{}}
		for {
			recs, err := next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return err
			}
			if err := up.add(ctx, dataset, recs, &res); err != nil {
				return err
			}
		}
		if err := up.flush(ctx, &res); err != nil {
			return err
		}
		if err := tx.setRecordsSeq(ctx, ws, c.records); err != nil {
			return err
		}
		return tx.audit(ctx, ws, "import", "records", dataset, nil, res)
	})
	if err != nil {
		return kpi.ImportResult{}, fmt.Errorf("upsert records into %q: %w", dataset, err)
	}
	return res, nil
}

// setRecordsSeq moves the workspace's record sequence to the highest number
// this transaction used (numbers taken by unchanged records stay free).
func (tx *Tx) setRecordsSeq(ctx context.Context, ws, before int64) error {
	_, err := tx.exec(ctx, `UPDATE counters SET records_seq = (
		SELECT max(s) FROM (
			SELECT $2 AS s
			UNION ALL SELECT max(seq) FROM records WHERE workspace_id = $1 AND seq > $2
			UNION ALL SELECT max(seq) FROM record_tombstones WHERE workspace_id = $1 AND seq > $2
		) m) WHERE workspace_id = $1`, ws, before)
	if err != nil {
		return fmt.Errorf("set record sequence: %w", err)
	}
	return nil
}

// pendingRecord is one encoded record waiting in a chunk.
type pendingRecord struct {
	key, owner, vals string
	seq              int64
}

// chunkWriter upserts chunks of encoded records and counts them.
type chunkWriter interface {
	size() int
	write(ctx context.Context, recs []pendingRecord) (created, updated int, err error)
	close()
}

type upserter struct {
	w       chunkWriter
	cols    []kpi.Column
	seq     int64
	chunk   int
	pending []pendingRecord
	keys    map[string]struct{} // keys in pending: a chunk holds each once
	buf     []byte
}

func (u *upserter) add(ctx context.Context, dataset string, recs []kpi.Record, res *kpi.ImportResult) error {
	for i := range recs {
		r := &recs[i]
		if r.Key == "" {
			return kpi.Errorf(kpi.EINVALID, "Dataset %q: a record has no key.", dataset)
		}
		if len(r.Values) != len(u.cols) {
			return kpi.Errorf(kpi.EINVALID, "Dataset %q: record %q has %d values, want %d.", dataset, r.Key, len(r.Values), len(u.cols))
		}
		if _, dup := u.keys[r.Key]; dup {
			if err := u.flush(ctx, res); err != nil {
				return err
			}
		}
		u.buf = appendVals(u.buf[:0], u.cols, r.Values)
		u.seq++
		u.pending = append(u.pending, pendingRecord{key: r.Key, owner: r.Owner, vals: string(u.buf), seq: u.seq})
		u.keys[r.Key] = struct{}{}
		if len(u.pending) >= u.chunk {
			if err := u.flush(ctx, res); err != nil {
				return err
			}
		}
	}
	return nil
}

func (u *upserter) flush(ctx context.Context, res *kpi.ImportResult) error {
	if len(u.pending) == 0 {
		return nil
	}
	created, updated, err := u.w.write(ctx, u.pending)
	if err != nil {
		return err
	}
	res.Created += created
	res.Updated += updated
	res.Unchanged += len(u.pending) - created - updated
	u.pending = u.pending[:0]
	clear(u.keys)
	return nil
}

// SQLite: a chunk is first inserted with ON CONFLICT DO NOTHING (changes()
// counts the created); if some keys existed, the same rows are upserted
// again with DO UPDATE ... WHERE changed (changes() counts the updated; the
// rows just created are equal, so they do not count twice).

const sqliteChunk = 500

type sqliteChunkWriter struct {
	tx       *Tx
	ws       int64
	dataset  string
	ins, upd *sql.Stmt // prepared for a full chunk
	args     []any
}

func sqliteInsertSQL(n int, update bool) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO records (workspace_id, dataset, key, owner, seq, vals) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		// Anonymous parameters: SQLite looks numbered ones up in a list,
		// which costs O(parameters) per bind.
		b.WriteString("(?,?,?,?,?,?)")
	}
	if update {
		b.WriteString(` ON CONFLICT (workspace_id, dataset, key) DO UPDATE SET owner = excluded.owner, seq = excluded.seq, vals = excluded.vals
			WHERE records.owner <> excluded.owner OR records.vals <> excluded.vals`)
	} else {
		b.WriteString(` ON CONFLICT DO NOTHING`)
	}
	return b.String()
}

func newSQLiteChunkWriter(ctx context.Context, tx *Tx, ws int64, dataset string) (*sqliteChunkWriter, error) {
	return &sqliteChunkWriter{tx: tx, ws: ws, dataset: dataset}, nil
}

func (w *sqliteChunkWriter) size() int { return sqliteChunk }

func (w *sqliteChunkWriter) exec(ctx context.Context, update bool, recs []pendingRecord) (int, error) {
	w.args = w.args[:0]
	for i := range recs {
		r := &recs[i]
		w.args = append(w.args, w.ws, w.dataset, r.key, r.owner, r.seq, r.vals)
	}
	var st *sql.Stmt
	if len(recs) == sqliteChunk {
		p := &w.ins
		if update {
			p = &w.upd
		}
		if *p == nil {
			var err error
			if *p, err = w.tx.st.PrepareContext(ctx, sqliteInsertSQL(sqliteChunk, update)); err != nil {
				return 0, err
			}
		}
		st = *p
	} else {
		var err error
		if st, err = w.tx.st.PrepareContext(ctx, sqliteInsertSQL(len(recs), update)); err != nil {
			return 0, err
		}
		defer st.Close()
	}
	res, err := st.ExecContext(ctx, w.args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (w *sqliteChunkWriter) write(ctx context.Context, recs []pendingRecord) (int, int, error) {
	created, err := w.exec(ctx, false, recs)
	if err != nil {
		return 0, 0, fmt.Errorf("insert records: %w", err)
	}
	if created == len(recs) {
		return created, 0, nil
	}
	updated, err := w.exec(ctx, true, recs)
	if err != nil {
		return 0, 0, fmt.Errorf("update records: %w", err)
	}
	return created, updated, nil
}

func (w *sqliteChunkWriter) close() {
	for _, st := range []*sql.Stmt{w.ins, w.upd} {
		if st != nil {
			st.Close()
		}
	}
}

// PostgreSQL: a chunk is copied into a temporary staging table, then moved
// with one INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE changed;
// RETURNING (xmax = 0) tells created rows from updated ones.

const pgChunk = 100_000

type pgChunkWriter struct {
	tx      *Tx
	ws      int64
	dataset string
}

func newPGChunkWriter(ctx context.Context, tx *Tx, ws int64, dataset string) (*pgChunkWriter, error) {
	if _, err := tx.exec(ctx, `CREATE TEMPORARY TABLE IF NOT EXISTS records_stage (key text NOT NULL, owner text NOT NULL, seq bigint NOT NULL, vals text NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create staging table: %w", err)
	}
	if _, err := tx.exec(ctx, `TRUNCATE records_stage`); err != nil {
		return nil, fmt.Errorf("truncate staging table: %w", err)
	}
	return &pgChunkWriter{tx: tx, ws: ws, dataset: dataset}, nil
}

func (w *pgChunkWriter) size() int { return pgChunk }

func (w *pgChunkWriter) write(ctx context.Context, recs []pendingRecord) (int, int, error) {
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

func (w *pgChunkWriter) close() {}

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
		return tx.scanRecords(ctx, len(ds.Columns), q, args, func(r kpi.Record) error {
			recs = append(recs, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("find records of %q: %w", dataset, err)
	}
	return recs, nil
}

func (tx *Tx) scanRecords(ctx context.Context, ncols int, q string, args []any, fn func(kpi.Record) error) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r kpi.Record
		var vals string
		if err := rows.Scan(&r.Key, &r.Owner, &vals); err != nil {
			return err
		}
		if r.Values, err = decodeVals(vals, ncols, make([]kpi.Value, 0, ncols)); err != nil {
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
// (it has one connection, held by the scan).
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
			[]any{ws, dataset}, fn)
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
