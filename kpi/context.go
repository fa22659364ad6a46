package kpi

import "context"

type contextKey int

const workspaceContextKey contextKey = iota

// NewContextWithWorkspace returns ctx scoped to one workspace. Every service
// reads the workspace from the context and fails closed without one; the web
// middleware and the CLI are the only places that put it there.
func NewContextWithWorkspace(ctx context.Context, workspaceID int64) context.Context {
	return context.WithValue(ctx, workspaceContextKey, workspaceID)
}

// WorkspaceIDFromContext returns the workspace the context is scoped to.
func WorkspaceIDFromContext(ctx context.Context) (int64, error) {
	id, ok := ctx.Value(workspaceContextKey).(int64)
	if !ok || id <= 0 {
		return 0, Errorf(EUNAUTHORIZED, "No workspace selected.")
	}
	return id, nil
}
