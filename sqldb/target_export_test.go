package sqldb

import "context"

// TargetValuesForTest returns the stored text of every target's value in
// the workspace, by KPI and subject id, to check what is kept.
func TargetValuesForTest(ctx context.Context, db *DB, ws int64) (map[string]string, error) {
	out := map[string]string{}
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT kpi, subject_id, value FROM targets WHERE workspace_id = $1`, ws)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, id, v string
			if err := rows.Scan(&k, &id, &v); err != nil {
				return err
			}
			out[k+"/"+id] = v
		}
		return rows.Err()
	})
	return out, err
}
