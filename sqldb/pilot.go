package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"attain/kpi"
)

// PilotService keeps pilots and their rollouts (kpi.PilotService).
type PilotService struct{ db *DB }

// NewPilotService returns the pilots of db.
func NewPilotService(db *DB) *PilotService { return &PilotService{db: db} }

var _ kpi.PilotService = (*PilotService)(nil)

// CreatePilot stores p as running, created by the context's actor now.
func (s *PilotService) CreatePilot(ctx context.Context, p *kpi.Pilot) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(max(id), 0) + 1 FROM pilots WHERE workspace_id = $1`, ws).Scan(&p.ID); err != nil {
			return fmt.Errorf("create pilot: %w", err)
		}
		p.Status, p.CreatedBy, p.CreatedAt = kpi.PilotRunning, kpi.ActorFromContext(ctx), tx.now.UTC()
		p.Rollouts = []*kpi.Rollout{}
		if err := tx.putPilot(ctx, ws, p, true); err != nil {
			return err
		}
		return tx.audit(ctx, ws, "create", "pilot", strconv.FormatInt(p.ID, 10), nil, p)
	})
}

func (tx *Tx) putPilot(ctx context.Context, ws int64, p *kpi.Pilot, create bool) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("pilot %d: %w", p.ID, err)
	}
	q := `UPDATE pilots SET name = $3, status = $4, doc = $5 WHERE workspace_id = $1 AND id = $2`
	if create {
		q = `INSERT INTO pilots (workspace_id, id, name, status, doc) VALUES ($1, $2, $3, $4, $5)`
	}
	if _, err := tx.exec(ctx, q, ws, p.ID, p.Name, p.Status, string(doc)); err != nil {
		return fmt.Errorf("store pilot %d: %w", p.ID, err)
	}
	return nil
}

func (tx *Tx) findPilot(ctx context.Context, ws, id int64) (*kpi.Pilot, error) {
	var doc string
	err := tx.queryRow(ctx, `SELECT doc FROM pilots WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&doc)
	if isNoRows(err) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Pilot %d not found.", id)
	} else if err != nil {
		return nil, fmt.Errorf("find pilot %d: %w", id, err)
	}
	var p kpi.Pilot
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("pilot %d: %w", id, err)
	}
	if p.Rollouts == nil {
		p.Rollouts = []*kpi.Rollout{}
	}
	return &p, nil
}

// FindPilotByID returns one pilot.
func (s *PilotService) FindPilotByID(ctx context.Context, id int64) (*kpi.Pilot, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var p *kpi.Pilot
	err = s.db.read(ctx, func(tx *Tx) error {
		p, err = tx.findPilot(ctx, ws, id)
		return err
	})
	return p, err
}

// FindPilots lists the pilots, newest first.
func (s *PilotService) FindPilots(ctx context.Context) ([]*kpi.Pilot, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Pilot
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT doc FROM pilots WHERE workspace_id = $1 ORDER BY id DESC`, ws)
		if err != nil {
			return fmt.Errorf("find pilots: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var doc string
			if err := rows.Scan(&doc); err != nil {
				return fmt.Errorf("find pilots: %w", err)
			}
			var p kpi.Pilot
			if err := json.Unmarshal([]byte(doc), &p); err != nil {
				return fmt.Errorf("find pilots: %w", err)
			}
			if p.Rollouts == nil {
				p.Rollouts = []*kpi.Rollout{}
			}
			out = append(out, &p)
		}
		return rows.Err()
	})
	return out, err
}

// EndPilot ends a running pilot on day end.
func (s *PilotService) EndPilot(ctx context.Context, id int64, end kpi.Date, reason string) (*kpi.Pilot, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var p *kpi.Pilot
	err = s.db.write(ctx, func(tx *Tx) error {
		old, err := tx.findPilot(ctx, ws, id)
		if err != nil {
			return err
		}
		if old.Status != kpi.PilotRunning {
			return kpi.Errorf(kpi.ECONFLICT, "Pilot %d is %s already; only a running pilot can be ended.", id, old.Status)
		}
		if end < old.Start || end > old.End {
			return kpi.Errorf(kpi.EINVALID, "end: %s is outside the pilot's days %s..%s.", end, old.Start, old.End)
		}
		cp := *old
		p = &cp
		now := tx.now.UTC()
		p.Status, p.End, p.EndedBy, p.EndedAt = kpi.PilotEnded, end, kpi.ActorFromContext(ctx), &now
		if err := tx.putPilot(ctx, ws, p, false); err != nil {
			return err
		}
		return tx.auditWhy(ctx, ws, "end", "pilot", strconv.FormatInt(id, 10), old, p, reason)
	})
	return p, err
}

// AddRollout records r for pilot id and marks it rolled out.
func (s *PilotService) AddRollout(ctx context.Context, id int64, r *kpi.Rollout) (*kpi.Pilot, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var p *kpi.Pilot
	err = s.db.write(ctx, func(tx *Tx) error {
		old, err := tx.findPilot(ctx, ws, id)
		if err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(max(id), 0) + 1 FROM pilot_rollouts WHERE workspace_id = $1 AND pilot_id = $2`, ws, id).Scan(&r.ID); err != nil {
			return fmt.Errorf("rollout of pilot %d: %w", id, err)
		}
		r.By, r.At = kpi.ActorFromContext(ctx), tx.now.UTC()
		doc, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO pilot_rollouts (workspace_id, pilot_id, id, doc) VALUES ($1, $2, $3, $4)`, ws, id, r.ID, string(doc)); err != nil {
			return fmt.Errorf("rollout of pilot %d: %w", id, err)
		}
		cp := *old
		p = &cp
		p.Rollouts = append(append([]*kpi.Rollout{}, old.Rollouts...), r)
		p.Status = kpi.PilotRolledOut
		if err := tx.putPilot(ctx, ws, p, false); err != nil {
			return err
		}
		return tx.auditWhy(ctx, ws, "rollout", "pilot", strconv.FormatInt(id, 10), nil, r, r.Reason)
	})
	return p, err
}
