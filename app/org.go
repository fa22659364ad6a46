package app

import (
	"context"
	"io"

	"attain/ingest"
	"attain/kpi"
)

// Units lists the org units.
func (a *App) Units(ctx context.Context, who kpi.Actor) ([]*kpi.OrgUnit, error) {
	ctx, err := a.begin(ctx, who, ReadOrg, on{})
	if err != nil {
		return nil, err
	}
	units, err := a.svc.Org.FindOrgUnits(ctx)
	return nonNil(units), err
}

// Unit returns one org unit.
func (a *App) Unit(ctx context.Context, who kpi.Actor, id string) (*kpi.OrgUnit, error) {
	ctx, err := a.begin(ctx, who, ReadOrg, on{})
	if err != nil {
		return nil, err
	}
	return a.svc.Org.FindOrgUnitByID(ctx, id)
}

// CreateUnit creates an org unit.
func (a *App) CreateUnit(ctx context.Context, who kpi.Actor, u *kpi.OrgUnit) error {
	ctx, err := a.begin(ctx, who, WriteOrg, on{})
	if err != nil {
		return err
	}
	return a.svc.Org.CreateOrgUnit(ctx, u)
}

// UpdateUnit changes the fields of an org unit that upd sets.
func (a *App) UpdateUnit(ctx context.Context, who kpi.Actor, id string, upd kpi.OrgUnitUpdate) (*kpi.OrgUnit, error) {
	ctx, err := a.begin(ctx, who, WriteOrg, on{})
	if err != nil {
		return nil, err
	}
	return a.svc.Org.UpdateOrgUnit(ctx, id, upd)
}

// DeleteUnit deletes an empty org unit.
func (a *App) DeleteUnit(ctx context.Context, who kpi.Actor, id string) error {
	ctx, err := a.begin(ctx, who, WriteOrg, on{})
	if err != nil {
		return err
	}
	return a.svc.Org.DeleteOrgUnit(ctx, id)
}

// Employees lists employees by unit, manager or position; pay and leave
// only of those whose statements who may read.
func (a *App) Employees(ctx context.Context, who kpi.Actor, f kpi.EmployeeFilter) ([]*kpi.Employee, error) {
	ctx, err := a.begin(ctx, who, ReadOrg, on{})
	if err != nil {
		return nil, err
	}
	emps, err := a.svc.Org.FindEmployees(ctx, f)
	if err != nil {
		return nil, err
	}
	return nonNil(emps), a.redactPay(ctx, who, emps)
}

// Employee returns one employee; pay and leave only if who may read their
// statements.
func (a *App) Employee(ctx context.Context, who kpi.Actor, id string) (*kpi.Employee, error) {
	ctx, err := a.begin(ctx, who, ReadOrg, on{})
	if err != nil {
		return nil, err
	}
	e, err := a.svc.Org.FindEmployeeByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return e, a.redactPay(ctx, who, []*kpi.Employee{e})
}

// redactPay clears the salary and leave of the employees whose statements
// who may not read: personal data shown only to those who need it.
func (a *App) redactPay(ctx context.Context, who kpi.Actor, emps []*kpi.Employee) error {
	vis, err := a.visibility(ctx, who, ReadStatements, kpi.Period{})
	if err != nil {
		return err
	}
	for _, e := range emps {
		if !vis.has(kpi.Subject{Kind: kpi.SubjectEmployee, ID: e.ID}) {
			e.Salary, e.Leave = nil, nil
		}
	}
	return nil
}

// CreateEmployee creates an employee.
func (a *App) CreateEmployee(ctx context.Context, who kpi.Actor, e *kpi.Employee) error {
	ctx, err := a.begin(ctx, who, WriteOrg, on{})
	if err != nil {
		return err
	}
	return a.svc.Org.CreateEmployee(ctx, e)
}

// UpdateEmployee changes the fields of an employee that upd sets.
func (a *App) UpdateEmployee(ctx context.Context, who kpi.Actor, id string, upd kpi.EmployeeUpdate) (*kpi.Employee, error) {
	ctx, err := a.begin(ctx, who, WriteOrg, on{})
	if err != nil {
		return nil, err
	}
	return a.svc.Org.UpdateEmployee(ctx, id, upd)
}

// DeleteEmployee deletes an employee.
func (a *App) DeleteEmployee(ctx context.Context, who kpi.Actor, id string) error {
	ctx, err := a.begin(ctx, who, WriteOrg, on{})
	if err != nil {
		return err
	}
	return a.svc.Org.DeleteEmployee(ctx, id)
}

// OrgMapping names the columns of an employee file and can spell units
// from path columns (see ingest.OrgMapping).
type OrgMapping = ingest.OrgMapping

// OrgFileRequest reads units or employees from a CSV file.
type OrgFileRequest struct {
	File  string
	Body  io.Reader
	Units bool // the file lists units (id, name, kind, parent_id), not employees
	// Mapping renames the employee file's columns and can spell units
	// from path columns.
	Mapping OrgMapping
}

// OrgReport is what an org import did.
type OrgReport struct {
	kpi.ImportResult
	Units     int `json:"units"`     // in the file
	Employees int `json:"employees"` // in the file
}

// ImportOrgFile upserts the units and employees of a CSV file, all or
// nothing.
func (a *App) ImportOrgFile(ctx context.Context, who kpi.Actor, r OrgFileRequest) (*OrgReport, error) {
	var us []*kpi.OrgUnit
	var es []*kpi.Employee
	var err error
	if r.Units {
		us, err = ingest.ReadUnitsCSV(r.Body, r.File)
	} else {
		us, es, err = ingest.ReadEmployeesCSV(r.Body, r.File, r.Mapping)
	}
	if err != nil {
		return nil, err
	}
	return a.ImportOrg(ctx, who, us, es)
}

// ImportOrg upserts units and employees, all or nothing.
func (a *App) ImportOrg(ctx context.Context, who kpi.Actor, units []*kpi.OrgUnit, emps []*kpi.Employee) (*OrgReport, error) {
	ctx, err := a.begin(ctx, who, WriteOrg, on{})
	if err != nil {
		return nil, err
	}
	res, err := a.svc.Org.ImportOrg(ctx, units, emps)
	if err != nil {
		return nil, err
	}
	return &OrgReport{ImportResult: res, Units: len(units), Employees: len(emps)}, nil
}
