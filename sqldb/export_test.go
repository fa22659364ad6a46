package sqldb

import "context"

// TokenColumnsForTest returns every stored token's name and secret_hash, to
// check what is kept.
func TokenColumnsForTest(ctx context.Context, db *DB) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT name, secret_hash FROM api_tokens`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var hash []byte
			if err := rows.Scan(&name, &hash); err != nil {
				return err
			}
			out[name] = hash
		}
		return rows.Err()
	})
	return out, err
}

// ExecForTest runs one statement as the application would, to show what
// the database itself refuses.
func ExecForTest(ctx context.Context, db *DB, q string, args ...any) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, q, args...)
		return err
	})
}

// PasswordHashesForTest returns every stored password hash by e-mail.
func PasswordHashesForTest(ctx context.Context, db *DB) (map[string]string, error) {
	out := map[string]string{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT email, password_hash FROM users`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var email, hash string
			if err := rows.Scan(&email, &hash); err != nil {
				return err
			}
			out[email] = hash
		}
		return rows.Err()
	})
	return out, err
}

// NewRecordServiceSizedForTest returns a record service that writes
// imports in chunks of sqliteChunk records on SQLite and pgChunk on
// PostgreSQL, and copies a fresh PostgreSQL import in segments of
// pgSegment: small sizes reach their boundaries with few records.
func NewRecordServiceSizedForTest(db *DB, sqliteChunk, pgChunk, pgSegment int) *RecordService {
	return &RecordService{db: db, sizes: importSizes{sqliteChunk: sqliteChunk, pgChunk: pgChunk, pgSegment: pgSegment}}
}
