package engine

import (
	"context"
	"fmt"
	"time"

	"attain/kpi"
)

// Services is the Store made of the kpi services: what cmd/attain and the
// benchmarks hand the engine.
type Services struct {
	Workspaces  kpi.WorkspaceService
	Org         kpi.OrgService
	Definitions kpi.DefinitionService
	Records     kpi.RecordService
}

var _ Store = Services{}

func (s Services) Versions(ctx context.Context) (kpi.Versions, error) {
	return s.Records.Versions(ctx)
}

func (s Services) FindDefinitions(ctx context.Context) (*kpi.Definitions, error) {
	return s.Definitions.FindDefinitions(ctx)
}

func (s Services) FindOrgUnits(ctx context.Context) ([]*kpi.OrgUnit, error) {
	return s.Org.FindOrgUnits(ctx)
}

func (s Services) FindEmployees(ctx context.Context, f kpi.EmployeeFilter) ([]*kpi.Employee, error) {
	return s.Org.FindEmployees(ctx, f)
}

func (s Services) FindMemberships(ctx context.Context) ([]kpi.Membership, error) {
	return s.Org.FindMemberships(ctx)
}

// Location is the time zone of the context's workspace.
func (s Services) Location(ctx context.Context) (*time.Location, error) {
	return kpi.WorkspaceLocation(ctx, s.Workspaces)
}

func (s Services) ScanRecords(ctx context.Context, dataset string, fn func(kpi.Record) error) error {
	return s.Records.ScanRecords(ctx, dataset, fn)
}

func (s Services) RecordChanges(ctx context.Context, since int64, fn func(kpi.RecordChange) error) (int64, error) {
	return s.Records.RecordChanges(ctx, since, fn)
}

var _ StateIdentifier = Services{}

// StateIdentity names the context's workspace by its id and the moment it
// was made: a workspace made again, or another store's, is another.
func (s Services) StateIdentity(ctx context.Context) (string, error) {
	id, err := kpi.WorkspaceIDFromContext(ctx)
	if err != nil {
		return "", err
	}
	w, err := s.Workspaces.FindWorkspaceByID(ctx, id)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("workspace %d created %s", w.ID, w.CreatedAt.UTC().Format(time.RFC3339Nano)), nil
}
