// Package sqldb implements the kpi services on SQLite (modernc.org/sqlite,
// pure Go) and PostgreSQL (pgx). The DSN picks the dialect; both share the
// same SQL where they can, with $N placeholders.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"attain/kpi"
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a connection to the store. Every exported service method runs in one
// transaction.
type DB struct {
	// Now is the clock; transactions read it once when they begin.
	Now func() time.Time

	dialect Dialect
	logger  *slog.Logger

	// SQLite: one writer connection and a pool of readers; for :memory:
	// both are the same single connection.
	wdb, rdb *sql.DB
	path     string // the database file; "" for :memory:

	// PostgreSQL.
	pg *pgxpool.Pool

	jobMu    sync.Mutex             // guards jobLocks
	jobLocks map[string]*sync.Mutex // SQLite: jobs running in this process
}

// Open connects to dsn and applies pending migrations. postgres:// and
// postgresql:// select PostgreSQL; anything else is a SQLite file path,
// "sqlite:PATH" or ":memory:".
func Open(ctx context.Context, dsn string, logger *slog.Logger) (*DB, error) {
	db, err := Connect(ctx, dsn, logger)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Connect connects to dsn like Open but applies no migration: for
// `attain migrate pending`, which only looks.
func Connect(ctx context.Context, dsn string, logger *slog.Logger) (*DB, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db := &DB{Now: time.Now, logger: logger}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.dialect = Postgres
		err = db.openPostgres(ctx, dsn)
	} else {
		db.dialect = SQLite
		err = db.openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	}
	if err != nil {
		return nil, err
	}
	return db, nil
}

func (db *DB) openSQLite(ctx context.Context, path string) error {
	if path == "" {
		return fmt.Errorf("open sqlite: empty path")
	}
	params := "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	if path == ":memory:" {
		w, err := sql.Open("sqlite", "file::memory:?"+params)
		if err != nil {
			return fmt.Errorf("open sqlite: %w", err)
		}
		// Every connection to :memory: is a database of its own: keep one.
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
		db.wdb, db.rdb = w, w
	} else {
		created, err := createPrivate(path)
		if err != nil {
			return fmt.Errorf("open sqlite %s: %w", path, err)
		}
		name := "file:" + (&url.URL{Path: path}).EscapedPath()
		if created {
			if err := formatSQLite(ctx, name); err != nil {
				return fmt.Errorf("open sqlite %s: %w", path, err)
			}
		}
		// The writer's page cache is small (8 MiB): an import appends, and
		// the pages it fills spill to the WAL as they go. With 128 MiB a
		// 1M-record import took more CPU (faulting the cache in, and
		// handing it back to the OS at close) and twice the peak memory.
		w, err := sql.Open("sqlite", name+"?"+params+"&_pragma=journal_mode(WAL)&_pragma=cache_size(-8192)")
		if err != nil {
			return fmt.Errorf("open sqlite %s: %w", path, err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxIdleTime(0)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", name+"?"+strings.Replace(params, "_txlock=immediate", "_txlock=deferred", 1))
		if err != nil {
			w.Close()
			return fmt.Errorf("open sqlite %s: %w", path, err)
		}
		r.SetMaxOpenConns(8)
		db.wdb, db.rdb, db.path = w, r, path
	}
	if err := db.wdb.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return nil
}

// createPrivate creates the database file, if it is not there, readable
// and writable by its owner only (0600): SQLite gives the WAL and the
// shared-memory file it makes beside it the same permissions. An existing
// file keeps its own. It reports whether the file is new (empty).
func createPrivate(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		fi, err := os.Stat(path)
		return err == nil && fi.Size() == 0, err
	} else if err != nil {
		return false, err
	}
	return true, f.Close()
}

// sqlitePageSize is the page size of a new SQLite store. Records are
// written in bulk and read in scans: against SQLite's default 4 KiB, a
// 1M-record import took about 0.8 of the CPU time (fewer page splits, fewer
// pages to cache and free). A store made before keeps its page size.
const sqlitePageSize = 16384

// formatSQLite gives the empty database file at name its page size and
// WAL mode: the page size must be set before WAL, which the connection
// parameters set first.
func formatSQLite(ctx context.Context, name string) error {
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range []string{fmt.Sprintf("PRAGMA page_size = %d", sqlitePageSize), "PRAGMA journal_mode = WAL"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// pgMaxConns caps the PostgreSQL pool unless the DSN sets pool_max_conns.
const pgMaxConns = 16

func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("parse postgres dsn: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = pgMaxConns
	}
	// The pool connects lazily: ping once so a bad DSN fails here.
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return fmt.Errorf("connect to postgres: %w", err)
	}
	db.pg = pool
	return nil
}

// Dialect reports which database db talks to.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes every connection.
func (db *DB) Close() error {
	var err error
	if db.wdb != nil {
		err = db.wdb.Close()
	}
	if db.rdb != nil && db.rdb != db.wdb {
		err = errors.Join(err, db.rdb.Close())
	}
	if db.pg != nil {
		db.pg.Close() // waits for connections in use to come back
	}
	return err
}

// Tx is one transaction on either dialect. Unexported helpers take a *Tx.
type Tx struct {
	db  *DB
	now time.Time
	st  *sql.Tx
	pg  pgx.Tx // from the pool: Commit and Rollback release its connection
}

// rows is what both drivers' result sets can do.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

type row interface{ Scan(dest ...any) error }

func (db *DB) begin(ctx context.Context, write bool) (*Tx, error) {
	tx := &Tx{db: db, now: db.Now().UTC().Truncate(time.Microsecond)}
	if db.dialect == Postgres {
		opts := pgx.TxOptions{}
		if !write {
			opts.AccessMode = pgx.ReadOnly
		}
		t, err := db.pg.BeginTx(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
		tx.pg = t
		return tx, nil
	}
	d := db.rdb
	if write {
		d = db.wdb
	}
	t, err := d.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	tx.st = t
	return tx, nil
}

func (tx *Tx) commit(ctx context.Context) error {
	if tx.pg != nil {
		return tx.pg.Commit(ctx)
	}
	return tx.st.Commit()
}

func (tx *Tx) rollback() {
	if tx.pg != nil {
		// A rollback that cannot reach the server closes the connection;
		// the pool then drops it instead of reusing it.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tx.pg.Rollback(ctx)
		return
	}
	_ = tx.st.Rollback()
}

// read runs fn in a read transaction.
func (db *DB) read(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, false, fn)
}

// write runs fn in a write transaction, committed if fn returns nil.
func (db *DB) write(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, true, fn)
}

func (db *DB) run(ctx context.Context, write bool, fn func(*Tx) error) error {
	tx, err := db.begin(ctx, write)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.rollback()
		return err
	}
	if err := tx.commit(ctx); err != nil {
		if tx.st != nil {
			tx.rollback()
		}
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (int64, error) {
	if tx.pg != nil {
		tag, err := tx.pg.Exec(ctx, query, args...)
		if err != nil {
			return 0, err
		}
		return tag.RowsAffected(), nil
	}
	res, err := tx.st.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (rows, error) {
	if tx.pg != nil {
		return tx.pg.Query(ctx, query, args...)
	}
	r, err := tx.st.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{r}, nil
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) row {
	if tx.pg != nil {
		return tx.pg.QueryRow(ctx, query, args...)
	}
	return tx.st.QueryRowContext(ctx, query, args...)
}

// isNoRows reports whether err says a single-row query found nothing.
func isNoRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows)
}

// isUniqueViolation reports whether err is a unique or primary key violation.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// workspaceID returns the context's workspace, failing closed.
func workspaceID(ctx context.Context) (int64, error) {
	return kpi.WorkspaceIDFromContext(ctx)
}

// lockCounters locks the workspace's counters row for the rest of tx, so
// writers to one workspace take their sequence numbers in commit order. On
// SQLite the write transaction already holds the database's write lock.
func (tx *Tx) lockCounters(ctx context.Context, ws int64) (counters, error) {
	q := `SELECT records_seq, definitions_version, org_version, audit_seq, token_seq FROM counters WHERE workspace_id = $1`
	if tx.pg != nil {
		q += ` FOR UPDATE`
	}
	var c counters
	err := tx.queryRow(ctx, q, ws).Scan(&c.records, &c.definitions, &c.org, &c.audit, &c.token)
	if isNoRows(err) {
		return c, kpi.Errorf(kpi.ENOTFOUND, "Workspace %d not found.", ws)
	} else if err != nil {
		return c, fmt.Errorf("lock counters: %w", err)
	}
	return c, nil
}

type counters struct {
	records, definitions, org, audit, token int64
}
