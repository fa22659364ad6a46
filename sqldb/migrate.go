package sqldb

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one embedded schema change.
type Migration struct {
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// migrationFiles returns the dialect's migrations by name (001_init), each
// with its file: NAME.sql, or NAME-sqlite.sql / NAME-postgres.sql where the
// SQL differs.
func (db *DB) migrationFiles() ([]string, map[string]string, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, nil, fmt.Errorf("read migrations: %w", err)
	}
	files := map[string]string{}
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".sql")
		name := base
		for _, d := range []Dialect{SQLite, Postgres} {
			if n, ok := strings.CutSuffix(base, "-"+string(d)); ok {
				if d != db.dialect {
					name = ""
				} else {
					name = n
				}
			}
		}
		if name == "" {
			continue
		}
		if prev, dup := files[name]; dup {
			return nil, nil, fmt.Errorf("migration %s: both %s and %s", name, prev, e.Name())
		}
		files[name] = "migrations/" + e.Name()
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, files, nil
}

const createMigrations = `CREATE TABLE IF NOT EXISTS migrations (
	name       TEXT PRIMARY KEY,
	applied_at TIMESTAMP NOT NULL
)`

// migrate applies the pending migrations, each in one transaction.
func (db *DB) migrate(ctx context.Context) error {
	names, files, err := db.migrationFiles()
	if err != nil {
		return err
	}
	if db.allApplied(ctx, names) {
		return nil // the common start: one read, no lock, no write
	}
	if db.dialect == Postgres {
		// Serialise processes that start at once against one database.
		c, err := db.pg.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("migrate: connect: %w", err)
		}
		defer c.Release()
		const lockID = 7401_2024
		if _, err := c.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockID); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer c.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, lockID)
	}
	if err := db.write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, strings.Replace(createMigrations, "TIMESTAMP", db.timestampType(), 1))
		return err
	}); err != nil {
		return fmt.Errorf("migrate: create migrations table: %w", err)
	}
	for _, name := range names {
		err := db.write(ctx, func(tx *Tx) error {
			var n int
			if err := tx.queryRow(ctx, `SELECT count(*) FROM migrations WHERE name = $1`, name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			body, err := migrationFS.ReadFile(files[name])
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, string(body)); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO migrations (name, applied_at) VALUES ($1, $2)`, name, tx.now); err != nil {
				return err
			}
			db.logger.Info("migration applied", "name", name, "dialect", db.dialect)
			return nil
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

// allApplied reports whether every migration of names is recorded as
// applied; false also when that cannot be read (no migrations table yet).
func (db *DB) allApplied(ctx context.Context, names []string) bool {
	applied := map[string]bool{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT name FROM migrations`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return err
			}
			applied[name] = true
		}
		return rows.Err()
	})
	if err != nil {
		return false
	}
	for _, n := range names {
		if !applied[n] {
			return false
		}
	}
	return true
}

func (db *DB) timestampType() string {
	if db.dialect == Postgres {
		return "TIMESTAMPTZ"
	}
	return "TIMESTAMP"
}

// Migrations lists the dialect's migrations in order, applied or not
// (for attain migrate list and pending).
func (db *DB) Migrations(ctx context.Context) ([]Migration, error) {
	names, _, err := db.migrationFiles()
	if err != nil {
		return nil, err
	}
	applied := map[string]time.Time{}
	err = db.run(ctx, true, func(tx *Tx) error {
		if _, err := tx.exec(ctx, strings.Replace(createMigrations, "TIMESTAMP", db.timestampType(), 1)); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT name, applied_at FROM migrations`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var at time.Time
			if err := rows.Scan(&name, &at); err != nil {
				return err
			}
			applied[name] = at.UTC()
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	ms := make([]Migration, len(names))
	for i, n := range names {
		at, ok := applied[n]
		ms[i] = Migration{Name: n, Applied: ok, AppliedAt: at}
	}
	return ms, nil
}
