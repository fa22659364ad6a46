package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"attain/kpi"
)

// MeetingService keeps review-meeting comments and proposals
// (kpi.MeetingService).
type MeetingService struct{ db *DB }

// NewMeetingService returns the meeting comments and proposals of db.
func NewMeetingService(db *DB) *MeetingService { return &MeetingService{db: db} }

var _ kpi.MeetingService = (*MeetingService)(nil)

// CreateComment stores c, by the context's actor now; a reply takes its
// thread's subject, KPI and period.
func (s *MeetingService) CreateComment(ctx context.Context, c *kpi.Comment) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		if c.Parent != 0 {
			parent, err := tx.findComment(ctx, ws, c.Parent)
			if err != nil {
				return err
			}
			if parent.Parent != 0 {
				c.Parent = parent.Parent // one level of replies: the thread's first comment
			}
			c.Subject, c.KPI, c.Period = parent.Subject, parent.KPI, parent.Period
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(max(id), 0) + 1 FROM meeting_comments WHERE workspace_id = $1`, ws).Scan(&c.ID); err != nil {
			return fmt.Errorf("create comment: %w", err)
		}
		c.By, c.At, c.ResolvedBy, c.ResolvedAt = kpi.ActorFromContext(ctx), tx.now.UTC(), "", nil
		doc, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO meeting_comments (workspace_id, id, parent, subject_kind, subject_id, kpi, period_from, period_to, doc)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			ws, c.ID, c.Parent, c.Subject.Kind, c.Subject.ID, c.KPI, int64(c.Period.From), int64(c.Period.To), string(doc)); err != nil {
			return fmt.Errorf("create comment: %w", err)
		}
		return tx.audit(ctx, ws, "create", "comment", strconv.FormatInt(c.ID, 10), nil, c)
	})
}

func (tx *Tx) findComment(ctx context.Context, ws, id int64) (*kpi.Comment, error) {
	var doc string
	err := tx.queryRow(ctx, `SELECT doc FROM meeting_comments WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&doc)
	if isNoRows(err) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Comment %d not found.", id)
	} else if err != nil {
		return nil, fmt.Errorf("find comment %d: %w", id, err)
	}
	var c kpi.Comment
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return nil, fmt.Errorf("comment %d: %w", id, err)
	}
	return &c, nil
}

// FindCommentByID returns one comment.
func (s *MeetingService) FindCommentByID(ctx context.Context, id int64) (*kpi.Comment, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var c *kpi.Comment
	err = s.db.read(ctx, func(tx *Tx) error {
		c, err = tx.findComment(ctx, ws, id)
		return err
	})
	return c, err
}

// FindComments lists the comments f selects, oldest first, at most
// kpi.MaxMeetingItems.
func (s *MeetingService) FindComments(ctx context.Context, f kpi.CommentFilter) ([]*kpi.Comment, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT doc FROM meeting_comments WHERE workspace_id = $1`
	args := []any{ws}
	if f.From != 0 {
		args = append(args, int64(f.From))
		q += fmt.Sprintf(` AND period_to >= $%d`, len(args))
	}
	if f.To != 0 {
		args = append(args, int64(f.To))
		q += fmt.Sprintf(` AND period_from <= $%d`, len(args))
	}
	if f.KPI != "" {
		args = append(args, f.KPI)
		q += fmt.Sprintf(` AND kpi = $%d`, len(args))
	}
	q += ` ORDER BY id`
	var out []*kpi.Comment
	err = s.db.read(ctx, func(tx *Tx) error {
		return scanDocs(ctx, tx, q, args, func(doc []byte) error {
			var c kpi.Comment
			if err := json.Unmarshal(doc, &c); err != nil {
				return err
			}
			if len(f.Subjects) == 0 || slices.Contains(f.Subjects, c.Subject) {
				out = append(out, &c)
			}
			return nil
		})
	})
	if len(out) > kpi.MaxMeetingItems {
		out = out[len(out)-kpi.MaxMeetingItems:]
	}
	return out, err
}

// scanDocs runs q and hands each row's doc to fn.
func scanDocs(ctx context.Context, tx *Tx, q string, args []any, fn func([]byte) error) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		if err := fn([]byte(doc)); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ResolveComment marks the thread of comment id resolved (on its first
// comment).
func (s *MeetingService) ResolveComment(ctx context.Context, id int64) (*kpi.Comment, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var c *kpi.Comment
	err = s.db.write(ctx, func(tx *Tx) error {
		if c, err = tx.findComment(ctx, ws, id); err != nil {
			return err
		}
		if c.Parent != 0 {
			if c, err = tx.findComment(ctx, ws, c.Parent); err != nil {
				return err
			}
		}
		if c.ResolvedAt != nil {
			return kpi.Errorf(kpi.ECONFLICT, "The thread of comment %d was resolved by %s already.", c.ID, c.ResolvedBy)
		}
		now := tx.now.UTC()
		c.ResolvedBy, c.ResolvedAt = kpi.ActorFromContext(ctx), &now
		doc, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE meeting_comments SET doc = $3 WHERE workspace_id = $1 AND id = $2`, ws, c.ID, string(doc)); err != nil {
			return fmt.Errorf("resolve comment %d: %w", c.ID, err)
		}
		return tx.audit(ctx, ws, "resolve", "comment", strconv.FormatInt(c.ID, 10), nil, c)
	})
	return c, err
}

// CreateProposal stores p as open, by the context's actor now.
func (s *MeetingService) CreateProposal(ctx context.Context, p *kpi.Proposal) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.lockCounters(ctx, ws); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(max(id), 0) + 1 FROM meeting_proposals WHERE workspace_id = $1`, ws).Scan(&p.ID); err != nil {
			return fmt.Errorf("create proposal: %w", err)
		}
		p.Status, p.By, p.At = kpi.ProposalOpen, kpi.ActorFromContext(ctx), tx.now.UTC()
		p.DecidedBy, p.DecidedAt, p.Reason = "", nil, ""
		if err := tx.putProposal(ctx, ws, p, true); err != nil {
			return err
		}
		return tx.auditWhy(ctx, ws, "create", "proposal", strconv.FormatInt(p.ID, 10), nil, p, p.Why)
	})
}

func (tx *Tx) putProposal(ctx context.Context, ws int64, p *kpi.Proposal, create bool) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	q := `UPDATE meeting_proposals SET status = $3, period_from = $4, period_to = $5, doc = $6 WHERE workspace_id = $1 AND id = $2`
	if create {
		q = `INSERT INTO meeting_proposals (workspace_id, id, status, period_from, period_to, doc) VALUES ($1, $2, $3, $4, $5, $6)`
	}
	if _, err := tx.exec(ctx, q, ws, p.ID, p.Status, int64(p.Period.From), int64(p.Period.To), string(doc)); err != nil {
		return fmt.Errorf("store proposal %d: %w", p.ID, err)
	}
	return nil
}

func (tx *Tx) findProposal(ctx context.Context, ws, id int64) (*kpi.Proposal, error) {
	var doc string
	err := tx.queryRow(ctx, `SELECT doc FROM meeting_proposals WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&doc)
	if isNoRows(err) {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Proposal %d not found.", id)
	} else if err != nil {
		return nil, fmt.Errorf("find proposal %d: %w", id, err)
	}
	var p kpi.Proposal
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("proposal %d: %w", id, err)
	}
	return &p, nil
}

// FindProposalByID returns one proposal.
func (s *MeetingService) FindProposalByID(ctx context.Context, id int64) (*kpi.Proposal, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var p *kpi.Proposal
	err = s.db.read(ctx, func(tx *Tx) error {
		p, err = tx.findProposal(ctx, ws, id)
		return err
	})
	return p, err
}

// FindProposals lists the proposals of periods overlapping [from, to] with
// one of statuses, newest first, at most kpi.MaxMeetingItems.
func (s *MeetingService) FindProposals(ctx context.Context, from, to kpi.Date, statuses []string) ([]*kpi.Proposal, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT doc FROM meeting_proposals WHERE workspace_id = $1`
	args := []any{ws}
	if from != 0 {
		args = append(args, int64(from))
		q += fmt.Sprintf(` AND period_to >= $%d`, len(args))
	}
	if to != 0 {
		args = append(args, int64(to))
		q += fmt.Sprintf(` AND period_from <= $%d`, len(args))
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, kpi.MaxMeetingItems)
	var out []*kpi.Proposal
	err = s.db.read(ctx, func(tx *Tx) error {
		return scanDocs(ctx, tx, q, args, func(doc []byte) error {
			var p kpi.Proposal
			if err := json.Unmarshal(doc, &p); err != nil {
				return err
			}
			if len(statuses) == 0 || slices.Contains(statuses, p.Status) {
				out = append(out, &p)
			}
			return nil
		})
	})
	return out, err
}

// DecideProposal accepts or rejects an open proposal.
func (s *MeetingService) DecideProposal(ctx context.Context, id int64, status, reason string) (*kpi.Proposal, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	if status != kpi.ProposalAccepted && status != kpi.ProposalRejected {
		return nil, kpi.Errorf(kpi.EINVALID, "status: want accepted or rejected, not %q.", status)
	}
	var p *kpi.Proposal
	err = s.db.write(ctx, func(tx *Tx) error {
		old, err := tx.findProposal(ctx, ws, id)
		if err != nil {
			return err
		}
		if old.Status != kpi.ProposalOpen {
			return kpi.Errorf(kpi.ECONFLICT, "Proposal %d is %s already.", id, old.Status)
		}
		cp := *old
		p = &cp
		now := tx.now.UTC()
		p.Status, p.DecidedBy, p.DecidedAt, p.Reason = status, kpi.ActorFromContext(ctx), &now, reason
		if err := tx.putProposal(ctx, ws, p, false); err != nil {
			return err
		}
		return tx.auditWhy(ctx, ws, status, "proposal", strconv.FormatInt(id, 10), old, p, reason)
	})
	return p, err
}
