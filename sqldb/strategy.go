package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"attain/kpi"
)

// StrategyService keeps objectives, unit functions, guardrails, level
// changes and tasks; each as a JSON document in its table, every change
// audited in the same transaction.
type StrategyService struct{ db *DB }

// NewStrategyService returns the strategy store.
func NewStrategyService(db *DB) *StrategyService { return &StrategyService{db: db} }

var _ kpi.StrategyService = (*StrategyService)(nil)

// docs reads the JSON documents a query returns (its last column) into T.
func docs[T any](ctx context.Context, tx *Tx, q string, args ...any) ([]*T, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		v := new(T)
		if err := json.Unmarshal([]byte(s), v); err != nil {
			return nil, fmt.Errorf("decode: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func docJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return string(b), nil
}

// FindObjectives returns the objectives by id.
func (s *StrategyService) FindObjectives(ctx context.Context) ([]*kpi.Objective, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Objective
	err = s.db.read(ctx, func(tx *Tx) error {
		out, err = docs[kpi.Objective](ctx, tx, `SELECT doc FROM objectives WHERE workspace_id = $1 ORDER BY id`, ws)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find objectives: %w", err)
	}
	return out, nil
}

// ReplaceObjectives makes objs the workspace's objectives: new ones are
// created, changed ones updated, missing ones deleted; unchanged ones are
// left (and not audited).
func (s *StrategyService) ReplaceObjectives(ctx context.Context, objs []*kpi.Objective, reason string) ([]kpi.Change, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var changes []kpi.Change
	err = s.db.write(ctx, func(tx *Tx) error {
		old, err := docs[kpi.Objective](ctx, tx, `SELECT doc FROM objectives WHERE workspace_id = $1 ORDER BY id`, ws)
		if err != nil {
			return err
		}
		byID := map[string]*kpi.Objective{}
		for _, o := range old {
			byID[o.ID] = o
		}
		for _, o := range objs {
			prev := byID[o.ID]
			delete(byID, o.ID)
			if prev != nil && sameObjective(prev, o) {
				continue
			}
			o.UpdatedAt = tx.now
			action := "create"
			if prev != nil {
				action = "update"
			}
			if err := tx.putObjective(ctx, ws, prev, o, reason); err != nil {
				return err
			}
			changes = append(changes, kpi.Change{Action: action, Kind: "objective", Name: o.ID})
		}
		for _, o := range old {
			if byID[o.ID] == nil {
				continue
			}
			if _, err := tx.exec(ctx, `DELETE FROM objectives WHERE workspace_id = $1 AND id = $2`, ws, o.ID); err != nil {
				return err
			}
			if err := tx.auditWhy(ctx, ws, "delete", "objective", o.ID, o, nil, reason); err != nil {
				return err
			}
			changes = append(changes, kpi.Change{Action: "delete", Kind: "objective", Name: o.ID})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("replace objectives: %w", err)
	}
	return changes, nil
}

func sameObjective(a, b *kpi.Objective) bool {
	x, y := *a, *b
	x.UpdatedAt = y.UpdatedAt
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}

func (tx *Tx) putObjective(ctx context.Context, ws int64, prev, o *kpi.Objective, reason string) error {
	doc, err := docJSON(o)
	if err != nil {
		return err
	}
	if prev == nil {
		_, err = tx.exec(ctx, `INSERT INTO objectives (workspace_id, id, doc) VALUES ($1, $2, $3)`, ws, o.ID, doc)
	} else {
		_, err = tx.exec(ctx, `UPDATE objectives SET doc = $3 WHERE workspace_id = $1 AND id = $2`, ws, o.ID, doc)
	}
	if err != nil {
		if isUniqueViolation(err) {
			return kpi.Errorf(kpi.ECONFLICT, "Objective %q exists.", o.ID)
		}
		return err
	}
	action := "create"
	if prev != nil {
		action = "update"
	}
	return tx.auditWhy(ctx, ws, action, "objective", o.ID, prev, o, reason)
}

// PutObjective creates or replaces one objective.
func (s *StrategyService) PutObjective(ctx context.Context, o *kpi.Objective) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		old, err := docs[kpi.Objective](ctx, tx, `SELECT doc FROM objectives WHERE workspace_id = $1 AND id = $2`, ws, o.ID)
		if err != nil {
			return err
		}
		var prev *kpi.Objective
		if len(old) > 0 {
			prev = old[0]
		}
		o.UpdatedAt = tx.now
		return tx.putObjective(ctx, ws, prev, o, "")
	})
}

// DeleteObjective deletes one objective; ENOTFOUND if there is none.
func (s *StrategyService) DeleteObjective(ctx context.Context, id string) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		old, err := docs[kpi.Objective](ctx, tx, `SELECT doc FROM objectives WHERE workspace_id = $1 AND id = $2`, ws, id)
		if err != nil {
			return err
		}
		if len(old) == 0 {
			return kpi.Errorf(kpi.ENOTFOUND, "Objective %q not found.", id)
		}
		if _, err := tx.exec(ctx, `DELETE FROM objectives WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return tx.audit(ctx, ws, "delete", "objective", id, old[0], nil)
	})
}

// FindUnitFunctions lists the units' functions by unit.
func (s *StrategyService) FindUnitFunctions(ctx context.Context) ([]kpi.UnitFunction, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []kpi.UnitFunction
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT unit_id, unit_function FROM unit_functions WHERE workspace_id = $1 ORDER BY unit_id`, ws)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f kpi.UnitFunction
			if err := rows.Scan(&f.UnitID, &f.Function); err != nil {
				return err
			}
			out = append(out, f)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find unit functions: %w", err)
	}
	return out, nil
}

// SetUnitFunction sets (or, with Function "", clears) a unit's function.
func (s *StrategyService) SetUnitFunction(ctx context.Context, f kpi.UnitFunction) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		var old string
		err := tx.queryRow(ctx, `SELECT unit_function FROM unit_functions WHERE workspace_id = $1 AND unit_id = $2`, ws, f.UnitID).Scan(&old)
		if err != nil && !isNoRows(err) {
			return err
		}
		if old == f.Function {
			return nil
		}
		if _, err := tx.exec(ctx, `DELETE FROM unit_functions WHERE workspace_id = $1 AND unit_id = $2`, ws, f.UnitID); err != nil {
			return err
		}
		if f.Function != "" {
			if _, err := tx.exec(ctx, `INSERT INTO unit_functions (workspace_id, unit_id, unit_function) VALUES ($1, $2, $3)`, ws, f.UnitID, f.Function); err != nil {
				return err
			}
		}
		var o, n any
		if old != "" {
			o = old
		}
		if f.Function != "" {
			n = f.Function
		}
		return tx.audit(ctx, ws, "update", "unit_function", f.UnitID, quoted(o), quoted(n))
	})
}

// quoted makes a string audit value valid JSON.
func quoted(v any) any {
	if s, ok := v.(string); ok {
		b, _ := json.Marshal(s)
		return json.RawMessage(b)
	}
	return v
}

// FindGuardrails lists the guardrails by KPI, the default ("") first.
func (s *StrategyService) FindGuardrails(ctx context.Context) ([]kpi.Guardrail, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Guardrail
	err = s.db.read(ctx, func(tx *Tx) error {
		out, err = docs[kpi.Guardrail](ctx, tx, `SELECT doc FROM guardrails WHERE workspace_id = $1 ORDER BY kpi`, ws)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find guardrails: %w", err)
	}
	gs := make([]kpi.Guardrail, len(out))
	for i, g := range out {
		gs[i] = *g
	}
	return gs, nil
}

// SetGuardrails replaces the guardrails.
func (s *StrategyService) SetGuardrails(ctx context.Context, gs []kpi.Guardrail) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		old, err := docs[kpi.Guardrail](ctx, tx, `SELECT doc FROM guardrails WHERE workspace_id = $1 ORDER BY kpi`, ws)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM guardrails WHERE workspace_id = $1`, ws); err != nil {
			return err
		}
		for _, g := range gs {
			doc, err := docJSON(g)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO guardrails (workspace_id, kpi, doc) VALUES ($1, $2, $3)`, ws, g.KPI, doc); err != nil {
				if isUniqueViolation(err) {
					return kpi.Errorf(kpi.EINVALID, "Two guardrails for KPI %q.", g.KPI)
				}
				return err
			}
		}
		return tx.audit(ctx, ws, "update", "guardrails", "", old, gs)
	})
}

// FindLevelChanges lists level changes, newest first; status "" is all.
func (s *StrategyService) FindLevelChanges(ctx context.Context, status string) ([]*kpi.LevelChange, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.LevelChange
	err = s.db.read(ctx, func(tx *Tx) error {
		q, args := `SELECT doc FROM level_changes WHERE workspace_id = $1`, []any{ws}
		if status != "" {
			q, args = q+` AND status = $2`, append(args, status)
		}
		out, err = docs[kpi.LevelChange](ctx, tx, q+` ORDER BY id DESC`, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find level changes: %w", err)
	}
	return out, nil
}

// FindLevelChange returns one level change.
func (s *StrategyService) FindLevelChange(ctx context.Context, id int64) (*kpi.LevelChange, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.LevelChange
	err = s.db.read(ctx, func(tx *Tx) error {
		out, err = docs[kpi.LevelChange](ctx, tx, `SELECT doc FROM level_changes WHERE workspace_id = $1 AND id = $2`, ws, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find level change: %w", err)
	}
	if len(out) == 0 {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Level change %d not found.", id)
	}
	return out[0], nil
}

// nextID is one more than the highest id of table in ws.
func (tx *Tx) nextID(ctx context.Context, table string, ws int64) (int64, error) {
	var id int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+table+` WHERE workspace_id = $1`, ws).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// CreateLevelChange stores c with a new id, By and At.
func (s *StrategyService) CreateLevelChange(ctx context.Context, c *kpi.LevelChange) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if c.ID, err = tx.nextID(ctx, "level_changes", ws); err != nil {
			return err
		}
		c.By, c.At = kpi.ActorFromContext(ctx), tx.now
		doc, err := docJSON(c)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO level_changes (workspace_id, id, status, doc) VALUES ($1, $2, $3, $4)`, ws, c.ID, c.Status, doc); err != nil {
			return err
		}
		if err := tx.scorecardChanged(ctx, ws, c); err != nil {
			return err
		}
		return tx.auditWhy(ctx, ws, "create", "level_change", fmt.Sprint(c.ID), nil, c, c.Reason)
	})
}

// scorecardChanged moves the definitions' version when c is a scorecard
// change now in effect: what a subject is scored on changed, so whatever
// was kept by that version is read again.
func (tx *Tx) scorecardChanged(ctx context.Context, ws int64, c *kpi.LevelChange) error {
	if c.Scorecard == "" || (c.Status != kpi.LevelApplied && c.Status != kpi.LevelApproved) {
		return nil
	}
	_, err := tx.exec(ctx, `UPDATE counters SET definitions_version = definitions_version + 1 WHERE workspace_id = $1`, ws)
	return err
}

// DecideLevelChange approves or rejects a pending change.
func (s *StrategyService) DecideLevelChange(ctx context.Context, id int64, status string) (*kpi.LevelChange, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var c *kpi.LevelChange
	err = s.db.write(ctx, func(tx *Tx) error {
		out, err := docs[kpi.LevelChange](ctx, tx, `SELECT doc FROM level_changes WHERE workspace_id = $1 AND id = $2`, ws, id)
		if err != nil {
			return err
		}
		if len(out) == 0 {
			return kpi.Errorf(kpi.ENOTFOUND, "Level change %d not found.", id)
		}
		c = out[0]
		if c.Status != kpi.LevelPending {
			return kpi.Errorf(kpi.ECONFLICT, "Level change %d is %s, not pending.", id, c.Status)
		}
		old := *c
		now := tx.now
		c.Status, c.DecidedBy, c.DecidedAt = status, kpi.ActorFromContext(ctx), &now
		doc, err := docJSON(c)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE level_changes SET status = $3, doc = $4 WHERE workspace_id = $1 AND id = $2`, ws, id, status, doc); err != nil {
			return err
		}
		if err := tx.scorecardChanged(ctx, ws, c); err != nil {
			return err
		}
		return tx.audit(ctx, ws, status, "level_change", fmt.Sprint(id), old, c)
	})
	return c, err
}

// FindTasks lists tasks by due day, then id.
func (s *StrategyService) FindTasks(ctx context.Context, f kpi.TaskFilter) ([]*kpi.Task, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	q, args := `SELECT doc FROM tasks WHERE workspace_id = $1`, []any{ws}
	if f.ObjectiveID != "" {
		args = append(args, f.ObjectiveID)
		q += fmt.Sprintf(" AND objective_id = $%d", len(args))
	}
	if len(f.Employees) > 0 {
		var ps []string
		for _, e := range f.Employees {
			args = append(args, e)
			ps = append(ps, fmt.Sprintf("$%d", len(args)))
		}
		q += " AND employee_id IN (" + strings.Join(ps, ", ") + ")"
	}
	var out []*kpi.Task
	err = s.db.read(ctx, func(tx *Tx) error {
		out, err = docs[kpi.Task](ctx, tx, q+" ORDER BY id", args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find tasks: %w", err)
	}
	slices.SortStableFunc(out, func(a, b *kpi.Task) int { return int(a.Due - b.Due) })
	return out, nil
}

// FindTask returns one task.
func (s *StrategyService) FindTask(ctx context.Context, id int64) (*kpi.Task, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Task
	err = s.db.read(ctx, func(tx *Tx) error {
		out, err = docs[kpi.Task](ctx, tx, `SELECT doc FROM tasks WHERE workspace_id = $1 AND id = $2`, ws, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find task: %w", err)
	}
	if len(out) == 0 {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Task %d not found.", id)
	}
	return out[0], nil
}

// CreateTask stores t with a new id, its creator and time.
func (s *StrategyService) CreateTask(ctx context.Context, t *kpi.Task) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if t.ID, err = tx.nextID(ctx, "tasks", ws); err != nil {
			return err
		}
		t.CreatedBy, t.UpdatedAt = kpi.ActorFromContext(ctx), tx.now
		doc, err := docJSON(t)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO tasks (workspace_id, id, employee_id, objective_id, doc) VALUES ($1, $2, $3, $4, $5)`,
			ws, t.ID, t.EmployeeID, t.ObjectiveID, doc); err != nil {
			return err
		}
		return tx.audit(ctx, ws, "create", "task", fmt.Sprint(t.ID), nil, t)
	})
}

// UpdateTask changes the fields upd sets.
func (s *StrategyService) UpdateTask(ctx context.Context, id int64, upd kpi.TaskUpdate) (*kpi.Task, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var t *kpi.Task
	err = s.db.write(ctx, func(tx *Tx) error {
		out, err := docs[kpi.Task](ctx, tx, `SELECT doc FROM tasks WHERE workspace_id = $1 AND id = $2`, ws, id)
		if err != nil {
			return err
		}
		if len(out) == 0 {
			return kpi.Errorf(kpi.ENOTFOUND, "Task %d not found.", id)
		}
		t = out[0]
		old := *t
		if upd.Title != nil {
			t.Title = *upd.Title
		}
		if upd.Due != nil {
			t.Due = *upd.Due
		}
		if upd.Status != nil {
			t.Status = *upd.Status
		}
		if upd.Progress != nil {
			p := *upd.Progress
			t.Progress = &p
		}
		if upd.DoneOn != nil {
			t.DoneOn = *upd.DoneOn
		}
		t.UpdatedAt = tx.now
		doc, err := docJSON(t)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE tasks SET doc = $3 WHERE workspace_id = $1 AND id = $2`, ws, id, doc); err != nil {
			return err
		}
		return tx.audit(ctx, ws, "update", "task", fmt.Sprint(id), old, t)
	})
	return t, err
}
