package app

import (
	"context"
	"time"

	"attain/kpi"
)

// DefaultWorkspace is the workspace the CLI works in unless told otherwise;
// it is made on first use.
const DefaultWorkspace = "default"

// LocalActor is who the command line acts as: someone who can open the
// database, named name (the login), in the workspace slug. The default
// workspace is made on first use; another must exist.
func (a *App) LocalActor(ctx context.Context, slug, name string) (kpi.Actor, *kpi.Workspace, error) {
	ws, err := a.svc.Workspaces.FindWorkspaceBySlug(ctx, slug)
	switch {
	case kpi.ErrorCode(err) == kpi.ENOTFOUND && slug == DefaultWorkspace:
		ws = &kpi.Workspace{Slug: DefaultWorkspace, Name: "Default", TimeZone: "UTC"}
		err = a.svc.Workspaces.CreateWorkspace(ctx, ws)
	case kpi.ErrorCode(err) == kpi.ENOTFOUND:
		return kpi.Actor{}, nil, kpi.Errorf(kpi.ENOTFOUND, "Workspace %q not found; create it with: attain workspace create %s", slug, slug)
	}
	if err != nil {
		return kpi.Actor{}, nil, err
	}
	return kpi.Actor{WorkspaceID: ws.ID, Name: "cli:" + name, Role: kpi.RoleAdmin, System: true}, ws, nil
}

// Workspace returns the actor's workspace.
func (a *App) Workspace(ctx context.Context, who kpi.Actor) (*kpi.Workspace, error) {
	ctx, err := a.begin(ctx, who, ReadWorkspace, on{})
	if err != nil {
		return nil, err
	}
	return a.svc.Workspaces.FindWorkspaceByID(ctx, who.WorkspaceID)
}

// CreateWorkspace creates a workspace: for whoever holds the database.
func (a *App) CreateWorkspace(ctx context.Context, ws *kpi.Workspace) error {
	if ws.Name == "" {
		ws.Name = ws.Slug
	}
	if _, err := ws.Location(); err != nil {
		return err
	}
	return a.svc.Workspaces.CreateWorkspace(ctx, ws)
}

// Workspaces lists every workspace: for whoever holds the database.
func (a *App) Workspaces(ctx context.Context) ([]*kpi.Workspace, error) {
	return a.svc.Workspaces.FindWorkspaces(ctx)
}

// MaxAuditPage is the most audit entries one call lists.
const MaxAuditPage = 10000

// Audit lists the audit trail, newest first, of one kind of entity (and
// one entity), at most limit entries (0: 100).
func (a *App) Audit(ctx context.Context, who kpi.Actor, entity, entityID string, limit int) ([]*kpi.AuditEntry, error) {
	switch {
	case limit < 0 || limit > MaxAuditPage:
		return nil, kpi.Errorf(kpi.EINVALID, "Limit %d: want 1 to %d.", limit, MaxAuditPage)
	case limit == 0:
		limit = 100
	}
	ctx, err := a.begin(ctx, who, ReadAudit, on{})
	if err != nil {
		return nil, err
	}
	entries, err := a.svc.Audit.FindAuditEntries(ctx, entity, entityID, limit)
	return nonNil(entries), err
}

// Health checks that the database answers within two seconds.
func (a *App) Health(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := a.svc.Workspaces.FindWorkspaces(ctx)
	return err
}

// Refresh brings the engine's state of the actor's workspace up to date,
// so the first question after a start is answered at once.
func (a *App) Refresh(ctx context.Context, who kpi.Actor) error {
	ctx, err := a.begin(ctx, who, ReadWorkspace, on{})
	if err != nil {
		return err
	}
	return a.svc.Values.Refresh(ctx)
}
