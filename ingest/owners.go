package ingest

import (
	"context"

	"attain/kpi"
)

// KnownEmployees returns Options.KnownOwner for the context's workspace: a
// record may only be owned by an employee of its org.
func KnownEmployees(ctx context.Context, org kpi.OrgService) (func(string) bool, error) {
	emps, err := org.FindEmployees(ctx, kpi.EmployeeFilter{})
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(emps))
	for _, e := range emps {
		known[e.ID] = true
	}
	return func(id string) bool { return known[id] }, nil
}
