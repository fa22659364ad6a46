package sqldb

import "context"

// TableKey is a primary key or unique index of a table and its first
// column.
type TableKey struct {
	Table, Index, First string
	Primary             bool
}

// LiveKeysForTest reads every table, primary key and unique index of the schema db
// is connected to.
func LiveKeysForTest(ctx context.Context, db *DB) (tables []string, keys []TableKey, err error) {
	err = db.read(ctx, func(tx *Tx) error {
		strs := func(q string, args ...any) ([]string, error) {
			rows, err := tx.query(ctx, q, args...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					return nil, err
				}
				out = append(out, s)
			}
			return out, rows.Err()
		}
		if tx.pg != nil {
			if tables, err = strs(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`); err != nil {
				return err
			}
			rows, err := tx.query(ctx, `SELECT c.relname, i.relname, ix.indisprimary, a.attname
				FROM pg_index ix
				JOIN pg_class c ON c.oid = ix.indrelid
				JOIN pg_class i ON i.oid = ix.indexrelid
				JOIN pg_namespace n ON n.oid = c.relnamespace
				JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ix.indkey[0]
				WHERE n.nspname = current_schema() AND (ix.indisunique OR ix.indisprimary)
				ORDER BY 1, 2`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var k TableKey
				if err := rows.Scan(&k.Table, &k.Index, &k.Primary, &k.First); err != nil {
					return err
				}
				keys = append(keys, k)
			}
			return rows.Err()
		}
		if tables, err = strs(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1`); err != nil {
			return err
		}
		for _, t := range tables {
			pk, err := strs(`SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk`, t)
			if err != nil {
				return err
			}
			if len(pk) > 0 {
				keys = append(keys, TableKey{Table: t, Index: "primary key", First: pk[0], Primary: true})
			}
			idxs, err := strs(`SELECT name FROM pragma_index_list($1) WHERE "unique" = 1 AND origin <> 'pk' ORDER BY 1`, t)
			if err != nil {
				return err
			}
			for _, idx := range idxs {
				cols, err := strs(`SELECT coalesce(name, '') FROM pragma_index_info($1) ORDER BY seqno`, idx)
				if err != nil {
					return err
				}
				if len(cols) > 0 {
					keys = append(keys, TableKey{Table: t, Index: idx, First: cols[0]})
				}
			}
		}
		return nil
	})
	return tables, keys, err
}
