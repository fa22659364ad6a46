package app

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"attain/kpi"
)

// AuditFile is the audit trail (of one kind of entity, and one entity,
// when given), oldest first, as CSV for admins and auditors: every entry,
// with when, who, from where, what and the old and new values. Cells that
// a spreadsheet would take for a formula are neutralised.
func (a *App) AuditFile(ctx context.Context, who kpi.Actor, entity, entityID string) (*File, error) {
	ctx, err := a.begin(ctx, who, ReadAudit, on{})
	if err != nil {
		return nil, err
	}
	entries, err := a.svc.Audit.FindAuditEntries(ctx, entity, entityID, 0)
	if err != nil {
		return nil, err
	}
	return &File{Name: "audit.csv", ContentType: ContentCSV, Count: len(entries), write: func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write([]string{"id", "at", "actor", "addr", "action", "entity", "entity_id", "old", "new", "reason"}); err != nil {
			return err
		}
		for i := len(entries) - 1; i >= 0; i-- {
			e := entries[i]
			row := []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Addr, e.Action, e.Entity, e.EntityID, e.Old, e.New, e.Reason}
			for j := range row {
				row[j] = safeCell(row[j])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}}, nil
}

// safeCell neutralises a CSV cell a spreadsheet would run as a formula
// (starting with = + - @, a tab or a carriage return) by a leading quote.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
