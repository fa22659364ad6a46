package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"attain/kpi"
)

// AwardService keeps the awards of locked periods: frozen once, with the
// numbers that earned them, never changed after.
type AwardService struct{ db *DB }

// NewAwardService returns the award service.
func NewAwardService(db *DB) *AwardService { return &AwardService{db: db} }

var _ kpi.AwardService = (*AwardService)(nil)

// FindAwards returns the frozen awards of p in the order they were stored,
// and whether p's awards were frozen at all (a period may earn none).
func (s *AwardService) FindAwards(ctx context.Context, p kpi.Period) ([]*kpi.Award, bool, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, false, err
	}
	var out []*kpi.Award
	frozen := false
	err = s.db.read(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT count(*) FROM award_periods WHERE workspace_id = $1 AND grain = $2 AND period_from = $3 AND period_to = $4`,
			ws, string(p.Grain), int64(p.From), int64(p.To)).Scan(&n); err != nil {
			return fmt.Errorf("find awards of %s: %w", p.Label(), err)
		}
		if frozen = n > 0; !frozen {
			return nil
		}
		rows, err := tx.query(ctx, `SELECT doc FROM awards WHERE workspace_id = $1 AND grain = $2 AND period_from = $3 AND period_to = $4 ORDER BY position`,
			ws, string(p.Grain), int64(p.From), int64(p.To))
		if err != nil {
			return fmt.Errorf("find awards of %s: %w", p.Label(), err)
		}
		defer rows.Close()
		for rows.Next() {
			var doc string
			if err := rows.Scan(&doc); err != nil {
				return fmt.Errorf("find awards of %s: %w", p.Label(), err)
			}
			var a kpi.Award
			if err := json.Unmarshal([]byte(doc), &a); err != nil {
				return fmt.Errorf("decode award of %s: %w", p.Label(), err)
			}
			out = append(out, &a)
		}
		return rows.Err()
	})
	return out, frozen, err
}

// FreezeAwards stores the awards of p, each marked frozen now and no
// longer provisional, with an audit entry. Names are not stored (the
// reader fills them in from the org). Awards frozen already are
// kept: ECONFLICT.
func (s *AwardService) FreezeAwards(ctx context.Context, p kpi.Period, awards []*kpi.Award) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT count(*) FROM award_periods WHERE workspace_id = $1 AND grain = $2 AND period_from = $3 AND period_to = $4`,
			ws, string(p.Grain), int64(p.From), int64(p.To)).Scan(&n); err != nil {
			return fmt.Errorf("freeze awards of %s: %w", p.Label(), err)
		}
		if n > 0 {
			return kpi.Errorf(kpi.ECONFLICT, "The awards of %s are frozen already; they never change.", p.Label())
		}
		if _, err := tx.exec(ctx, `INSERT INTO award_periods (workspace_id, grain, period_from, period_to, frozen_at) VALUES ($1, $2, $3, $4, $5)`,
			ws, string(p.Grain), int64(p.From), int64(p.To), tx.now); err != nil {
			return fmt.Errorf("freeze awards of %s: %w", p.Label(), err)
		}
		now := tx.now
		for i, a := range awards {
			c := *a
			c.Provisional, c.FrozenAt = false, &now
			stored := c
			stored.Name = "" // names are read from the org: a pseudonymised person stays so
			doc, err := json.Marshal(&stored)
			if err != nil {
				return fmt.Errorf("encode award: %w", err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO awards (workspace_id, grain, period_from, period_to, position, rule, subject_kind, subject_id, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				ws, string(p.Grain), int64(p.From), int64(p.To), i, c.Rule, c.Subject.Kind, c.Subject.ID, string(doc)); err != nil {
				return fmt.Errorf("freeze award %s of %s: %w", c.Rule, p.Label(), err)
			}
			*a = c
		}
		return tx.audit(ctx, ws, "freeze", "awards", p.Label(), nil, map[string]int{"awards": len(awards)})
	})
}
