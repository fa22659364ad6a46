package sqldb

import (
	"context"
	"fmt"
	"regexp"

	"attain/kpi"
)

// WorkspaceService manages workspaces; it is not scoped by the context.
type WorkspaceService struct{ db *DB }

// NewWorkspaceService returns the workspace service.
func NewWorkspaceService(db *DB) *WorkspaceService { return &WorkspaceService{db: db} }

var _ kpi.WorkspaceService = (*WorkspaceService)(nil)

const workspaceColumns = `id, slug, name, time_zone, locale, created_at`

func scanWorkspace(r row) (*kpi.Workspace, error) {
	var w kpi.Workspace
	if err := r.Scan(&w.ID, &w.Slug, &w.Name, &w.TimeZone, &w.Locale, &w.CreatedAt); err != nil {
		return nil, err
	}
	w.CreatedAt = w.CreatedAt.UTC()
	return &w, nil
}

func (s *WorkspaceService) FindWorkspaceByID(ctx context.Context, id int64) (*kpi.Workspace, error) {
	return s.findOne(ctx, `SELECT `+workspaceColumns+` FROM workspaces WHERE id = $1`, id, fmt.Sprint(id))
}

func (s *WorkspaceService) FindWorkspaceBySlug(ctx context.Context, slug string) (*kpi.Workspace, error) {
	return s.findOne(ctx, `SELECT `+workspaceColumns+` FROM workspaces WHERE slug = $1`, slug, fmt.Sprintf("%q", slug))
}

func (s *WorkspaceService) findOne(ctx context.Context, q string, arg any, what string) (*kpi.Workspace, error) {
	var w *kpi.Workspace
	err := s.db.read(ctx, func(tx *Tx) error {
		var err error
		w, err = scanWorkspace(tx.queryRow(ctx, q, arg))
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "Workspace %s not found.", what)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find workspace %s: %w", what, err)
	}
	return w, nil
}

func (s *WorkspaceService) FindWorkspaces(ctx context.Context) ([]*kpi.Workspace, error) {
	var ws []*kpi.Workspace
	err := s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+workspaceColumns+` FROM workspaces ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scanWorkspace(rows)
			if err != nil {
				return err
			}
			ws = append(ws, w)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find workspaces: %w", err)
	}
	return ws, nil
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// CreateWorkspace stores w and sets its ID and CreatedAt. The slug must be
// unique (ECONFLICT) and made of lower-case letters, digits and dashes.
func (s *WorkspaceService) CreateWorkspace(ctx context.Context, w *kpi.Workspace) error {
	if !slugPattern.MatchString(w.Slug) {
		return kpi.Errorf(kpi.EINVALID, "Workspace slug %q: use lower-case letters, digits and dashes.", w.Slug)
	}
	if w.Name == "" {
		return kpi.Errorf(kpi.EINVALID, "Workspace name required.")
	}
	if _, err := w.Location(); err != nil {
		return err
	}
	if w.Locale == "" {
		w.Locale = kpi.DefaultLocale
	}
	if _, err := w.Language(); err != nil {
		return err
	}
	err := s.db.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.queryRow(ctx, `INSERT INTO workspaces (slug, name, time_zone, locale, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			w.Slug, w.Name, w.TimeZone, w.Locale, tx.now).Scan(&id)
		if isUniqueViolation(err) {
			return kpi.Errorf(kpi.ECONFLICT, "Workspace %q already exists.", w.Slug)
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO counters (workspace_id) VALUES ($1)`, id); err != nil {
			return err
		}
		w.ID, w.CreatedAt = id, tx.now
		return tx.audit(ctx, id, "create", "workspace", w.Slug, nil, w)
	})
	if err != nil {
		return fmt.Errorf("create workspace %q: %w", w.Slug, err)
	}
	return nil
}
