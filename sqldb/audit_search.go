package sqldb

import (
	"context"
	"fmt"
	"strings"

	"attain/kpi"
)

// SearchAuditEntries returns the entries f selects, newest first: by kind
// of entity, by who acted (a part of the name), by time, a page at a time.
func (s *AuditService) SearchAuditEntries(ctx context.Context, f kpi.AuditFilter) ([]*kpi.AuditEntry, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT id, at, actor, action, entity, entity_id, old, new, reason, addr FROM audit_entries WHERE workspace_id = $1`
	args := []any{ws}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.Entity != "" {
		add("entity = $%d", f.Entity)
	}
	if f.EntityID != "" {
		add("entity_id = $%d", f.EntityID)
	}
	if f.Actor != "" {
		add("LOWER(actor) LIKE $%d ESCAPE '\\'", "%"+likeEscape(strings.ToLower(f.Actor))+"%")
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To.UTC())
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		args = append(args, f.Limit, f.Offset)
		q += fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	}
	var entries []*kpi.AuditEntry
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e kpi.AuditEntry
			if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Old, &e.New, &e.Reason, &e.Addr); err != nil {
				return err
			}
			e.At = e.At.UTC()
			entries = append(entries, &e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("search audit entries: %w", err)
	}
	return entries, nil
}

// likeEscape escapes the wildcards of a LIKE pattern.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
