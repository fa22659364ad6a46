package payroll

import (
	"context"
	"slices"

	"attain/kpi"
)

// A draft statement is computed again by every page that shows it (the
// bonus so far on /me, plan health of an open month), and gives the same
// statement until something it reads changes. The draft cache keeps the
// drafts of each workspace under a stamp of all they read: the recheck
// stamp (records, definitions, org, targets, the day and the time zone;
// see recheckStamp) and the statements version (a draft reads the locked
// statements before it: year-to-date, carry, reversals, corrections), so
// that a kept draft is exactly the one computed now. A new stamp empties
// the workspace's cache. Without Service.Versions nothing is kept.
type draftStamp struct {
	recheckStamp
	statements int64
}

type draftKey struct {
	employee string
	period   kpi.Period
}

// maxDrafts bounds one workspace's kept drafts; a full cache is emptied.
const maxDrafts = 10000

// draftStampOf is what drafts of the context's workspace are kept under,
// from the recheck stamp rs; nil when none is kept.
func (s *Service) draftStampOf(ctx context.Context, rs *recheckStamp) (*draftStamp, error) {
	if rs == nil {
		return nil, nil
	}
	v, err := s.Statements.StatementsVersion(ctx)
	if err != nil {
		return nil, err
	}
	return &draftStamp{recheckStamp: *rs, statements: v}, nil
}

// keptDraft is draft's statement, from the cache when e's stamp still
// holds. The statement returned is the caller's to change at its top
// level (status, notes, inquiries); its sections are shared and only read.
func (s *Service) keptDraft(ctx context.Context, e *env, employeeID string, p kpi.Period) (*kpi.Statement, error) {
	if e.drafts == nil {
		st, _, err := s.draft(ctx, e, employeeID, p)
		return st, err
	}
	ws, err := kpi.WorkspaceIDFromContext(ctx)
	if err != nil {
		return nil, err
	}
	k := draftKey{employee: employeeID, period: p}
	st, ok := s.drafts.get(ws, *e.drafts, k)
	if !ok {
		if st, _, err = s.draft(ctx, e, employeeID, p); err != nil {
			return nil, err
		}
		s.drafts.put(ws, *e.drafts, k, st, maxDrafts)
	}
	c := *st
	c.Notes = slices.Clip(c.Notes)
	return &c, nil
}
