package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// TargetService keeps the targets of the context's workspace, every change
// to them, and the locks of closed periods.
//
// Values are stored as text in their shortest form (12000.10 is stored as
// 12000.1) and compared as decimals, so setting an equal value is no change.
// A target is keyed by its KPI, subject and dates; its grain is how the
// period was named when it was last written.
//
// A first value needs no reason; changing or deleting a value that is set
// does. Inputs that change nothing are skipped: they write no history, need
// no reason and are not refused in a locked period.
type TargetService struct{ db *DB }

// NewTargetService returns the target service.
func NewTargetService(db *DB) *TargetService { return &TargetService{db: db} }

var _ kpi.TargetService = (*TargetService)(nil)

const targetColumns = `kpi, subject_kind, subject_id, grain, period_from, period_to, value, version, updated_at, updated_by, reason`

func scanTarget(r row) (*kpi.Target, error) {
	var t kpi.Target
	var grain, value string
	var from, to int64
	if err := r.Scan(&t.KPI, &t.Subject.Kind, &t.Subject.ID, &grain, &from, &to, &value, &t.Version, &t.UpdatedAt, &t.UpdatedBy, &t.Reason); err != nil {
		return nil, err
	}
	t.Period = kpi.Period{Grain: kpi.Grain(grain), From: kpi.Date(from), To: kpi.Date(to)}
	v, err := decimal.NewFromString(value)
	if err != nil {
		return nil, fmt.Errorf("target %s: stored value %q: %w", targetName(t.KPI, t.Subject, t.Period), value, err)
	}
	t.Value = v
	t.UpdatedAt = t.UpdatedAt.UTC()
	return &t, nil
}

// targetName names a target in messages and in the audit trail:
// won_value/unit:sales/2026-06.
func targetName(k string, s kpi.Subject, p kpi.Period) string {
	return k + "/" + s.String() + "/" + p.Label()
}

// valueText is how a value is stored: exact, in its shortest form.
func valueText(d decimal.Decimal) string { return d.String() }

// checkPeriod returns why p is not a period, or "".
func checkPeriod(p kpi.Period) string {
	switch {
	case p.Grain == "":
		return "the period has no grain"
	case p.To < p.From:
		return "the period ends before it starts"
	}
	if _, err := kpi.ParseGrain(string(p.Grain)); err != nil {
		return fmt.Sprintf("unknown period grain %q", p.Grain)
	}
	if p.Grain != kpi.Range && kpi.PeriodOf(p.Grain, p.From) != p {
		return fmt.Sprintf("%s..%s is not one %s", p.From, p.To, p.Grain)
	}
	return ""
}

type targetKey struct {
	kpi      string
	subject  kpi.Subject
	from, to kpi.Date
}

func keyOf(k string, s kpi.Subject, p kpi.Period) targetKey {
	return targetKey{k, s, p.From, p.To}
}

// checkInputs reports every input that is not a target, and inputs that
// name the same target twice.
func checkInputs(in []kpi.TargetInput) error {
	var probs []kpi.Problem
	seen := map[targetKey]int{}
	for i, t := range in {
		where := fmt.Sprintf("target %d (%s)", i+1, targetName(t.KPI, t.Subject, t.Period))
		bad := func(format string, args ...any) {
			probs = append(probs, kpi.Problem{Column: where, Reason: fmt.Sprintf(format, args...)})
		}
		if strings.TrimSpace(t.KPI) == "" {
			bad("no KPI")
		}
		switch {
		case t.Subject.Kind != kpi.SubjectEmployee && t.Subject.Kind != kpi.SubjectUnit:
			bad("the subject must be an employee or a unit, not %q", t.Subject.Kind)
		case strings.TrimSpace(t.Subject.ID) == "":
			bad("no %s id", t.Subject.Kind)
		}
		if why := checkPeriod(t.Period); why != "" {
			bad("%s", why)
		}
		k := keyOf(t.KPI, t.Subject, t.Period)
		if j, dup := seen[k]; dup {
			bad("the same target as target %d", j+1)
		}
		seen[k] = i
	}
	if len(probs) > 0 {
		return &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("%d target(s) are invalid; nothing was saved.", len(probs)), Details: probs}
	}
	return nil
}

func (tx *Tx) findTarget(ctx context.Context, ws int64, k targetKey) (*kpi.Target, error) {
	t, err := scanTarget(tx.queryRow(ctx, `SELECT `+targetColumns+` FROM targets
		WHERE workspace_id = $1 AND kpi = $2 AND subject_kind = $3 AND subject_id = $4 AND period_from = $5 AND period_to = $6`,
		ws, k.kpi, k.subject.Kind, k.subject.ID, int64(k.from), int64(k.to)))
	if isNoRows(err) {
		return nil, nil // absent is a state here, not an error: the caller creates it
	} else if err != nil {
		return nil, fmt.Errorf("find target: %w", err)
	}
	return t, nil
}

// lastVersion returns the version of a target's last change, 0 if it never
// had one: a target created again after a delete goes on counting.
func (tx *Tx) lastVersion(ctx context.Context, ws int64, k targetKey) (int, error) {
	var v int
	err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM target_history
		WHERE workspace_id = $1 AND kpi = $2 AND subject_kind = $3 AND subject_id = $4 AND period_from = $5 AND period_to = $6`,
		ws, k.kpi, k.subject.Kind, k.subject.ID, int64(k.from), int64(k.to)).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("last target version: %w", err)
	}
	return v, nil
}

// targetChange is one input that changes a stored target.
type targetChange struct {
	in  kpi.TargetInput
	old *kpi.Target // nil: created
}

// SetTargets writes all inputs in one transaction, or none. Inputs are
// checked first (EINVALID, every problem at once); then a change to a
// target whose period overlaps a locked period fails the whole call
// (ECONFLICT naming the target and the lock); then changing or deleting a
// value that is set needs a reason (EINVALID). Each change writes a history
// row and an audit entry. It returns the targets as they are now, in the
// order of the inputs, deleted ones left out.
func (s *TargetService) SetTargets(ctx context.Context, in []kpi.TargetInput, reason string) ([]*kpi.Target, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkInputs(in); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var out []*kpi.Target
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		now := make([]*kpi.Target, len(in))
		var changes []targetChange
		for i, t := range in {
			old, err := tx.findTarget(ctx, ws, keyOf(t.KPI, t.Subject, t.Period))
			if err != nil {
				return err
			}
			switch {
			case old == nil && t.Value == nil: // nothing to delete
			case old != nil && t.Value != nil && old.Value.Equal(*t.Value):
				now[i] = old
			default:
				changes = append(changes, targetChange{in: t, old: old})
			}
		}
		if err := tx.checkLocks(ctx, ws, changes); err != nil {
			return err
		}
		if reason == "" {
			var probs []kpi.Problem
			for _, c := range changes {
				if c.old == nil {
					continue
				}
				what := "deleting it (" + c.old.Value.String() + ")"
				if c.in.Value != nil {
					what = "changing it from " + c.old.Value.String() + " to " + c.in.Value.String()
				}
				probs = append(probs, kpi.Problem{Column: targetName(c.in.KPI, c.in.Subject, c.old.Period), Reason: what + " needs a reason"})
			}
			if len(probs) > 0 {
				return &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("Changing or deleting a target that is set needs a reason (%d target(s)); nothing was saved.", len(probs)), Details: probs}
			}
		}
		var id int64
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM target_history WHERE workspace_id = $1`, ws).Scan(&id); err != nil {
			return fmt.Errorf("next target history id: %w", err)
		}
		written := map[targetKey]*kpi.Target{}
		for _, c := range changes {
			id++
			t, err := tx.writeTarget(ctx, ws, id, c, reason)
			if err != nil {
				return err
			}
			written[keyOf(c.in.KPI, c.in.Subject, c.in.Period)] = t
		}
		for i, t := range in {
			if w, ok := written[keyOf(t.KPI, t.Subject, t.Period)]; ok {
				now[i] = w
			}
			if now[i] != nil {
				out = append(out, now[i])
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set targets: %w", err)
	}
	return out, nil
}

// checkLocks fails with ECONFLICT when a change falls in a locked period,
// naming every such change and the lock that holds it.
func (tx *Tx) checkLocks(ctx context.Context, ws int64, changes []targetChange) error {
	if len(changes) == 0 {
		return nil
	}
	locks, err := tx.findLocks(ctx, ws)
	if err != nil {
		return err
	}
	var probs []kpi.Problem
	for _, c := range changes {
		for _, l := range locks {
			if l.Period.From <= c.in.Period.To && l.Period.To >= c.in.Period.From {
				probs = append(probs, kpi.Problem{Column: targetName(c.in.KPI, c.in.Subject, c.in.Period), Reason: lockedReason(l)})
				break
			}
		}
	}
	if len(probs) == 0 {
		return nil
	}
	msg := fmt.Sprintf("Target %s cannot change: %s.", probs[0].Column, probs[0].Reason)
	if len(probs) > 1 {
		msg = fmt.Sprintf("%d targets fall in locked periods; nothing was saved. %s", len(probs), msg)
	}
	return &kpi.Error{Code: kpi.ECONFLICT, Message: msg, Details: probs}
}

func lockedReason(l *kpi.PeriodLock) string {
	return fmt.Sprintf("%s is locked since %s by %s: reopen it with a reason", l.Period.Label(), l.LockedAt.Format("2006-01-02 15:04 UTC"), l.LockedBy)
}

// writeTarget applies one change: the row, a history row with id, and an
// audit entry. It returns the target as it is now, nil when deleted.
func (tx *Tx) writeTarget(ctx context.Context, ws, id int64, c targetChange, reason string) (*kpi.Target, error) {
	in, k := c.in, keyOf(c.in.KPI, c.in.Subject, c.in.Period)
	p := in.Period
	if in.Value == nil {
		p = c.old.Period // a delete is recorded with the grain the target had
	}
	name := targetName(in.KPI, in.Subject, p)
	actor := kpi.ActorFromContext(ctx)
	var t *kpi.Target
	var version int
	var oldText, newText sql.NullString
	action := "update"
	switch {
	case in.Value == nil:
		action = "delete"
		version = c.old.Version + 1
		oldText = sql.NullString{String: valueText(c.old.Value), Valid: true}
		if _, err := tx.exec(ctx, `DELETE FROM targets
			WHERE workspace_id = $1 AND kpi = $2 AND subject_kind = $3 AND subject_id = $4 AND period_from = $5 AND period_to = $6`,
			ws, k.kpi, k.subject.Kind, k.subject.ID, int64(k.from), int64(k.to)); err != nil {
			return nil, fmt.Errorf("delete target %s: %w", name, err)
		}
	case c.old == nil:
		action = "create"
		last, err := tx.lastVersion(ctx, ws, k)
		if err != nil {
			return nil, err
		}
		version = last + 1
		t = &kpi.Target{KPI: in.KPI, Subject: in.Subject, Period: in.Period, Value: *in.Value, Version: version, UpdatedAt: tx.now, UpdatedBy: actor, Reason: reason}
		newText = sql.NullString{String: valueText(t.Value), Valid: true}
		if _, err := tx.exec(ctx, `INSERT INTO targets (workspace_id, `+targetColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			ws, t.KPI, t.Subject.Kind, t.Subject.ID, string(t.Period.Grain), int64(t.Period.From), int64(t.Period.To), newText.String, t.Version, t.UpdatedAt, t.UpdatedBy, t.Reason); err != nil {
			return nil, fmt.Errorf("insert target %s: %w", name, err)
		}
	default:
		version = c.old.Version + 1
		t = &kpi.Target{KPI: in.KPI, Subject: in.Subject, Period: in.Period, Value: *in.Value, Version: version, UpdatedAt: tx.now, UpdatedBy: actor, Reason: reason}
		oldText = sql.NullString{String: valueText(c.old.Value), Valid: true}
		newText = sql.NullString{String: valueText(t.Value), Valid: true}
		if _, err := tx.exec(ctx, `UPDATE targets SET grain = $7, value = $8, version = $9, updated_at = $10, updated_by = $11, reason = $12
			WHERE workspace_id = $1 AND kpi = $2 AND subject_kind = $3 AND subject_id = $4 AND period_from = $5 AND period_to = $6`,
			ws, k.kpi, k.subject.Kind, k.subject.ID, int64(k.from), int64(k.to),
			string(t.Period.Grain), newText.String, t.Version, t.UpdatedAt, t.UpdatedBy, t.Reason); err != nil {
			return nil, fmt.Errorf("update target %s: %w", name, err)
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO target_history (workspace_id, id, kpi, subject_kind, subject_id, period_from, period_to, grain, old_value, new_value, version, at, by_actor, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		ws, id, in.KPI, in.Subject.Kind, in.Subject.ID, int64(p.From), int64(p.To), string(p.Grain),
		oldText, newText, version, tx.now, actor, reason); err != nil {
		return nil, fmt.Errorf("target history %s: %w", name, err)
	}
	var old any
	if c.old != nil {
		old = c.old
	}
	var new any
	if t != nil {
		new = t
	}
	if err := tx.auditWhy(ctx, ws, action, "target", name, old, new, reason); err != nil {
		return nil, err
	}
	return t, nil
}

// targetWhere turns f into conditions on the columns targets and
// target_history share, after workspace_id = $1.
func targetWhere(f kpi.TargetFilter, args []any) (string, []any) {
	var q strings.Builder
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.KPIs) > 0 {
		ps := make([]string, len(f.KPIs))
		for i, k := range f.KPIs {
			ps[i] = arg(k)
		}
		q.WriteString(" AND kpi IN (" + strings.Join(ps, ", ") + ")")
	}
	if len(f.Subjects) > 0 {
		// One IN list per kind, which the index on (workspace_id,
		// subject_kind, subject_id) serves for many subjects at once.
		var kinds []string
		ids := map[string][]string{}
		for _, s := range f.Subjects {
			if _, ok := ids[s.Kind]; !ok {
				kinds = append(kinds, s.Kind)
			}
			ids[s.Kind] = append(ids[s.Kind], arg(s.ID))
		}
		ps := make([]string, len(kinds))
		for i, k := range kinds {
			ps[i] = "(subject_kind = " + arg(k) + " AND subject_id IN (" + strings.Join(ids[k], ", ") + "))"
		}
		q.WriteString(" AND (" + strings.Join(ps, " OR ") + ")")
	}
	if f.Grain != "" {
		q.WriteString(" AND grain = " + arg(string(f.Grain)))
	}
	if f.From != 0 {
		q.WriteString(" AND period_to >= " + arg(int64(f.From)))
	}
	if f.To != 0 {
		q.WriteString(" AND period_from <= " + arg(int64(f.To)))
	}
	return q.String(), args
}

// FindTargets returns the targets matching f, by KPI, subject and period.
func (s *TargetService) FindTargets(ctx context.Context, f kpi.TargetFilter) ([]*kpi.Target, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	where, args := targetWhere(f, []any{ws})
	var ts []*kpi.Target
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+targetColumns+` FROM targets WHERE workspace_id = $1`+where+
			` ORDER BY kpi, subject_kind, subject_id, period_from, period_to`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTarget(rows)
			if err != nil {
				return err
			}
			ts = append(ts, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find targets: %w", err)
	}
	return ts, nil
}

// TargetHistory lists the changes of the targets matching f, oldest first.
// A change matches by the period it was made to, with the grain it had.
func (s *TargetService) TargetHistory(ctx context.Context, f kpi.TargetFilter) ([]*kpi.TargetChange, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	where, args := targetWhere(f, []any{ws})
	var cs []*kpi.TargetChange
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT kpi, subject_kind, subject_id, grain, period_from, period_to, old_value, new_value, version, at, by_actor, reason
			FROM target_history WHERE workspace_id = $1`+where+` ORDER BY id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c kpi.TargetChange
			var grain string
			var from, to int64
			var old, new sql.NullString
			if err := rows.Scan(&c.KPI, &c.Subject.Kind, &c.Subject.ID, &grain, &from, &to, &old, &new, &c.Version, &c.At, &c.By, &c.Reason); err != nil {
				return err
			}
			c.Period = kpi.Period{Grain: kpi.Grain(grain), From: kpi.Date(from), To: kpi.Date(to)}
			if c.Old, err = nullDecimal(old); err != nil {
				return err
			}
			if c.New, err = nullDecimal(new); err != nil {
				return err
			}
			c.At = c.At.UTC()
			cs = append(cs, &c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("target history: %w", err)
	}
	return cs, nil
}

func nullDecimal(s sql.NullString) (*decimal.Decimal, error) {
	if !s.Valid {
		return nil, nil
	}
	d, err := decimal.NewFromString(s.String)
	if err != nil {
		return nil, fmt.Errorf("stored value %q: %w", s.String, err)
	}
	return &d, nil
}

const lockColumns = `grain, period_from, period_to, locked_at, locked_by, reason`

func scanLock(r row) (*kpi.PeriodLock, error) {
	var l kpi.PeriodLock
	var grain string
	var from, to int64
	if err := r.Scan(&grain, &from, &to, &l.LockedAt, &l.LockedBy, &l.Reason); err != nil {
		return nil, err
	}
	l.Period = kpi.Period{Grain: kpi.Grain(grain), From: kpi.Date(from), To: kpi.Date(to)}
	l.LockedAt = l.LockedAt.UTC()
	return &l, nil
}

func (tx *Tx) findLocks(ctx context.Context, ws int64) ([]*kpi.PeriodLock, error) {
	rows, err := tx.query(ctx, `SELECT `+lockColumns+` FROM period_locks WHERE workspace_id = $1 ORDER BY period_from, period_to`, ws)
	if err != nil {
		return nil, fmt.Errorf("find period locks: %w", err)
	}
	defer rows.Close()
	var ls []*kpi.PeriodLock
	for rows.Next() {
		l, err := scanLock(rows)
		if err != nil {
			return nil, fmt.Errorf("find period locks: %w", err)
		}
		ls = append(ls, l)
	}
	return ls, rows.Err()
}

// FindPeriodLocks returns the locked periods, by start.
func (s *TargetService) FindPeriodLocks(ctx context.Context) ([]*kpi.PeriodLock, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var ls []*kpi.PeriodLock
	err = s.db.read(ctx, func(tx *Tx) error {
		ls, err = tx.findLocks(ctx, ws)
		return err
	})
	return ls, err
}

func checkLockInput(verb string, p kpi.Period, reason string) error {
	if why := checkPeriod(p); why != "" {
		return kpi.Errorf(kpi.EINVALID, "Cannot %s the period: %s.", verb, why)
	}
	if strings.TrimSpace(reason) == "" {
		return kpi.Errorf(kpi.EINVALID, "Give a reason to %s %s.", verb, p.Label())
	}
	return nil
}

// LockPeriod closes p: targets of periods that overlap it cannot change. A
// period that is locked already is ECONFLICT; other locks may overlap it.
func (s *TargetService) LockPeriod(ctx context.Context, p kpi.Period, reason string) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	if err := checkLockInput("lock", p, reason); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		old, err := scanLock(tx.queryRow(ctx, `SELECT `+lockColumns+` FROM period_locks WHERE workspace_id = $1 AND period_from = $2 AND period_to = $3`,
			ws, int64(p.From), int64(p.To)))
		switch {
		case err == nil:
			return kpi.Errorf(kpi.ECONFLICT, "%s is already locked (since %s by %s).", old.Period.Label(), old.LockedAt.Format("2006-01-02 15:04 UTC"), old.LockedBy)
		case !isNoRows(err):
			return fmt.Errorf("lock period %s: %w", p.Label(), err)
		}
		l := &kpi.PeriodLock{Period: p, LockedAt: tx.now, LockedBy: kpi.ActorFromContext(ctx), Reason: reason}
		if _, err := tx.exec(ctx, `INSERT INTO period_locks (workspace_id, `+lockColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			ws, string(p.Grain), int64(p.From), int64(p.To), l.LockedAt, l.LockedBy, l.Reason); err != nil {
			return fmt.Errorf("lock period %s: %w", p.Label(), err)
		}
		return tx.auditWhy(ctx, ws, "lock", "period_lock", p.Label(), nil, l, reason)
	})
}

// ReopenPeriod removes the lock of exactly p (ENOTFOUND if there is none;
// the message names the locks that overlap p, if any).
func (s *TargetService) ReopenPeriod(ctx context.Context, p kpi.Period, reason string) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	if err := checkLockInput("reopen", p, reason); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		locks, err := tx.findLocks(ctx, ws)
		if err != nil {
			return err
		}
		var old *kpi.PeriodLock
		var overlapping []string
		for _, l := range locks {
			switch {
			case l.Period.From == p.From && l.Period.To == p.To:
				old = l
			case l.Period.From <= p.To && l.Period.To >= p.From:
				overlapping = append(overlapping, l.Period.Label())
			}
		}
		if old == nil {
			msg := fmt.Sprintf("%s is not locked.", p.Label())
			if len(overlapping) > 0 {
				msg = fmt.Sprintf("%s is not locked itself; locked: %s.", p.Label(), strings.Join(overlapping, ", "))
			}
			return kpi.Errorf(kpi.ENOTFOUND, "%s", msg)
		}
		if _, err := tx.exec(ctx, `DELETE FROM period_locks WHERE workspace_id = $1 AND period_from = $2 AND period_to = $3`,
			ws, int64(p.From), int64(p.To)); err != nil {
			return fmt.Errorf("reopen period %s: %w", p.Label(), err)
		}
		return tx.auditWhy(ctx, ws, "reopen", "period_lock", old.Period.Label(), old, nil, reason)
	})
}

// TargetsVersion returns the id of the workspace's last target change.
func (s *TargetService) TargetsVersion(ctx context.Context) (int64, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.read(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM target_history WHERE workspace_id = $1`, ws).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("targets version: %w", err)
	}
	return id, nil
}
