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
