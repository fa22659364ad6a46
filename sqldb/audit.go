package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"attain/kpi"
)

// AuditService reads the audit trail of the context's workspace.
type AuditService struct{ db *DB }

// NewAuditService returns the audit trail reader.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

var _ kpi.AuditService = (*AuditService)(nil)

// FindAuditEntries returns the newest entries first; entity and entityID
// narrow the list when set, limit caps it when positive.
func (s *AuditService) FindAuditEntries(ctx context.Context, entity, entityID string, limit int) ([]*kpi.AuditEntry, error) {
	return s.SearchAuditEntries(ctx, kpi.AuditFilter{Entity: entity, EntityID: entityID, Limit: limit})
}

// audit writes one entry in tx: who (from ctx), now, what; old and new are
// marshalled to JSON unless nil.
func (tx *Tx) audit(ctx context.Context, ws int64, action, entity, entityID string, old, new any) error {
	return tx.auditWhy(ctx, ws, action, entity, entityID, old, new, "")
}

// auditWhy is audit with the reason given for the change.
func (tx *Tx) auditWhy(ctx context.Context, ws int64, action, entity, entityID string, old, new any, reason string) error {
	oldJSON, err := auditJSON(old)
	if err != nil {
		return err
	}
	newJSON, err := auditJSON(new)
	if err != nil {
		return err
	}
	var id int64
	if err := tx.queryRow(ctx, `UPDATE counters SET audit_seq = audit_seq + 1 WHERE workspace_id = $1 RETURNING audit_seq`, ws).Scan(&id); err != nil {
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "Workspace %d not found.", ws)
		}
		return fmt.Errorf("audit %s %s: next id: %w", entity, entityID, err)
	}
	_, err = tx.exec(ctx, `INSERT INTO audit_entries (workspace_id, id, at, actor, action, entity, entity_id, old, new, reason, addr)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		ws, id, tx.now, kpi.ActorFromContext(ctx), action, entity, entityID, oldJSON, newJSON, reason, kpi.AddrFromContext(ctx))
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", entity, entityID, err)
	}
	return nil
}

func auditJSON(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.RawMessage:
		return string(v), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: marshal: %w", err)
	}
	return string(b), nil
}
