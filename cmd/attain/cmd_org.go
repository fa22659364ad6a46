package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
)

func (m *Main) orgCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "org", Short: "The org tree: units and employees"}
	cmd.AddCommand(m.orgImportCommand(), m.orgUnitsCommand(), m.orgEmployeesCommand(),
		m.orgAddUnitCommand(), m.orgSetUnitCommand(), m.orgAddEmployeeCommand(), m.orgSetEmployeeCommand(), m.orgRemoveCommand())
	return cmd
}

func (m *Main) orgImportCommand() *cobra.Command {
	var units bool
	var mp app.OrgMapping
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Upsert employees (or, with --units, org units) from a CSV file",
		Long: `Import upserts employees from a CSV file, all or nothing.

Columns by default: id, name, email, unit_id, manager_id, position,
hired_on, left_on (dates YYYY-MM-DD), currency (EUR), salary (monthly
base pay, for bonus plans; left out, an employee keeps theirs) and leave
(periods away, "2026-06-01..2026-06-14; 2026-08-03..2026-08-07"; without
the column, an employee keeps theirs; an empty cell clears it). Rename
them with the --*-column flags.
Instead of a unit_id column, --unit-path names columns that spell the unit
from the top down; the units are created as needed:

  attain org import sales_teams.csv --id-column sales_agent --name-column sales_agent \
      --unit-path regional_office,manager --root MavenTech

With --units the file lists units instead: id, name, kind, parent_id and
head_id (the employee who heads the unit: they manage everyone in it).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, _, err := openInput(args[0], m.Stdin)
			if err != nil {
				return err
			}
			defer in.Close()
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := m.App.ImportOrgFile(cmd.Context(), who, app.OrgFileRequest{File: filepath.Base(args[0]), Body: in, Units: units, Mapping: mp})
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "org: %d created, %d updated, %d unchanged (%d units, %d employees in the file)\n",
				rep.Created, rep.Updated, rep.Unchanged, rep.Units, rep.Employees)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&units, "units", false, "the file lists org units (id, name, kind, parent_id)")
	f.StringVar(&mp.ID, "id-column", "", "column with the employee id (default id)")
	f.StringVar(&mp.Name, "name-column", "", "column with the name (default name)")
	f.StringVar(&mp.Email, "email-column", "", "column with the email (default email)")
	f.StringVar(&mp.Unit, "unit-column", "", "column with the unit id (default unit_id)")
	f.StringVar(&mp.Manager, "manager-column", "", "column with the manager's employee id (default manager_id)")
	f.StringVar(&mp.Position, "position-column", "", "column with the position (default position)")
	f.StringVar(&mp.HiredOn, "hired-column", "", "column with the hire date (default hired_on)")
	f.StringVar(&mp.LeftOn, "left-column", "", "column with the leaving date (default left_on)")
	f.StringVar(&mp.Currency, "currency-column", "", "column with the pay currency (default currency)")
	f.StringVar(&mp.Salary, "salary-column", "", "column with the monthly base pay (default salary)")
	f.StringVar(&mp.Leave, "leave-column", "", "column with the leave periods (default leave)")
	f.StringSliceVar(&mp.UnitPath, "unit-path", nil, "columns naming the unit from the top down, instead of a unit id column")
	f.StringVar(&mp.Root, "root", "", "with --unit-path: a root unit every path hangs under")
	return cmd
}

func (m *Main) orgUnitsCommand() *cobra.Command {
	return m.everydayList(&cobra.Command{Use: "units", Short: "List org units", Args: cobra.NoArgs},
		func(ctx context.Context, uc useCases, who kpi.Actor, _ []string) (*table, error) {
			units, err := uc.Units(ctx, who)
			if err != nil {
				return nil, err
			}
			t := &table{header: []string{"id", "name", "kind", "parent_id", "head_id"}, json: units}
			for _, u := range units {
				t.rows = append(t.rows, []string{u.ID, u.Name, u.Kind, u.ParentID, u.HeadID})
			}
			return t, nil
		})
}

func (m *Main) orgEmployeesCommand() *cobra.Command {
	var filter kpi.EmployeeFilter
	cmd := m.everydayList(&cobra.Command{Use: "employees", Short: "List employees", Args: cobra.NoArgs},
		func(ctx context.Context, uc useCases, who kpi.Actor, _ []string) (*table, error) {
			emps, err := uc.Employees(ctx, who, filter)
			if err != nil {
				return nil, err
			}
			t := &table{header: []string{"id", "name", "email", "unit_id", "manager_id", "position", "hired_on", "left_on", "leave"}, json: emps}
			for _, e := range emps {
				t.rows = append(t.rows, []string{e.ID, e.Name, e.Email, e.UnitID, e.ManagerID, e.Position, dateText(e.HiredOn), dateText(e.LeftOn), kpi.LeaveText(e.Leave)})
			}
			return t, nil
		})
	cmd.Flags().StringVar(&filter.UnitID, "unit", "", "only employees directly in this unit")
	cmd.Flags().StringVar(&filter.ManagerID, "manager", "", "only employees with this manager")
	cmd.Flags().StringVar(&filter.Position, "position", "", "only employees with this position")
	return cmd
}

func dateText(d *kpi.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func (m *Main) orgAddUnitCommand() *cobra.Command {
	var u kpi.OrgUnit
	cmd := &cobra.Command{
		Use:   "add-unit ID --name NAME [--kind KIND] [--parent ID] [--head EMPLOYEE]",
		Short: "Create an org unit",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			u.ID = args[0]
			if err := m.App.CreateUnit(cmd.Context(), who, &u); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Created unit %s.\n", u.ID)
			return nil
		},
	}
	cmd.Flags().StringVar(&u.Name, "name", "", "name")
	cmd.Flags().StringVar(&u.Kind, "kind", "", "company, department, team...")
	cmd.Flags().StringVar(&u.ParentID, "parent", "", "parent unit id")
	cmd.Flags().StringVar(&u.HeadID, "head", "", "the employee who heads the unit")
	return cmd
}

func (m *Main) orgSetUnitCommand() *cobra.Command {
	var name, kind, parent, head string
	cmd := &cobra.Command{
		Use:   "set-unit ID [--name NAME] [--kind KIND] [--parent ID] [--head EMPLOYEE]",
		Short: "Change an org unit: only the flags given change (\"\" clears the parent or the head)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var upd kpi.OrgUnitUpdate
			for flag, dst := range map[string]**string{"name": &upd.Name, "kind": &upd.Kind, "parent": &upd.ParentID, "head": &upd.HeadID} {
				if cmd.Flags().Changed(flag) {
					v, _ := cmd.Flags().GetString(flag)
					*dst = &v
				}
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if _, err := m.App.UpdateUnit(cmd.Context(), who, args[0], upd); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Updated unit %s.\n", args[0])
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "name")
	cmd.Flags().StringVar(&kind, "kind", "", "company, department, team...")
	cmd.Flags().StringVar(&parent, "parent", "", "parent unit id")
	cmd.Flags().StringVar(&head, "head", "", "the employee who heads the unit")
	return cmd
}

// employeeFlags are the editable fields of an employee as flags.
type employeeFlags struct {
	name, email, unit, manager, position, hired, left, unitFrom string
	currency, salary                                            string
	leave                                                       []string
}

func (f *employeeFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "full name")
	fl.StringVar(&f.email, "email", "", "email")
	fl.StringVar(&f.unit, "unit", "", "org unit id")
	fl.StringVar(&f.manager, "manager", "", "manager's employee id")
	fl.StringVar(&f.position, "position", "", "position, e.g. sales manager")
	fl.StringVar(&f.hired, "hired", "", "hire date YYYY-MM-DD")
	fl.StringVar(&f.left, "left", "", "leaving date YYYY-MM-DD (\"none\" to clear)")
	fl.StringVar(&f.unitFrom, "unit-from", "", "with --unit: the move's date; records before it keep counting for the old unit")
	fl.StringVar(&f.currency, "currency", "", "pay currency, ISO 4217 (EUR)")
	fl.StringVar(&f.salary, "salary", "", "monthly base pay, for bonus plans paying a % of salary (\"none\" to clear)")
	fl.StringArrayVar(&f.leave, "leave", nil, "a period on leave, FROM..TO (both days included), repeated for more; replaces the list (\"none\" to clear)")
}

// update returns the changes of the flags that were given.
func (f *employeeFlags) update(cmd *cobra.Command) (kpi.EmployeeUpdate, error) {
	var upd kpi.EmployeeUpdate
	changed := cmd.Flags().Changed
	str := func(flag string, v *string, dst **string) {
		if changed(flag) {
			*dst = v
		}
	}
	str("name", &f.name, &upd.Name)
	str("email", &f.email, &upd.Email)
	str("unit", &f.unit, &upd.UnitID)
	str("manager", &f.manager, &upd.ManagerID)
	str("position", &f.position, &upd.Position)
	str("currency", &f.currency, &upd.Currency)
	if changed("salary") {
		var sal *decimal.Decimal
		if f.salary != "" && f.salary != "none" {
			d, err := decimal.NewFromString(f.salary)
			if err != nil {
				return upd, kpi.Errorf(kpi.EINVALID, "--salary %q: want a number like 4200.00.", f.salary)
			}
			sal = &d
		}
		upd.Salary = &sal
	}
	if changed("leave") {
		leave := []kpi.Period{}
		if !(len(f.leave) == 1 && f.leave[0] == "none") {
			for _, v := range f.leave {
				ps, err := kpi.ParseLeave(v)
				if err != nil {
					return upd, kpi.Errorf(kpi.EINVALID, "--leave: %s", kpi.ErrorMessage(err))
				}
				leave = append(leave, ps...)
			}
		}
		upd.Leave = &leave
	}
	if changed("unit-from") {
		d, err := kpi.ParseDate(f.unitFrom)
		if err != nil {
			return upd, kpi.Errorf(kpi.EINVALID, "--unit-from: %s", err)
		}
		upd.UnitFrom = &d
	}
	for _, d := range []struct {
		flag string
		v    string
		dst  ***kpi.Date
	}{{"hired", f.hired, &upd.HiredOn}, {"left", f.left, &upd.LeftOn}} {
		if !changed(d.flag) {
			continue
		}
		var date *kpi.Date
		if d.v != "" && d.v != "none" {
			v, err := kpi.ParseDate(d.v)
			if err != nil {
				return upd, kpi.Errorf(kpi.EINVALID, "--%s: %s", d.flag, err)
			}
			date = &v
		}
		*d.dst = &date
	}
	return upd, nil
}

func (m *Main) orgAddEmployeeCommand() *cobra.Command {
	var f employeeFlags
	cmd := &cobra.Command{
		Use:   "add-employee ID --name NAME --unit UNIT [flags]",
		Short: "Create an employee",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			upd, err := f.update(cmd)
			if err != nil {
				return err
			}
			e := kpi.Employee{ID: args[0], Name: f.name, Email: f.email, UnitID: f.unit, ManagerID: f.manager, Position: f.position,
				Currency: strings.ToUpper(f.currency)}
			if upd.Salary != nil {
				e.Salary = *upd.Salary
			}
			if upd.HiredOn != nil {
				e.HiredOn = *upd.HiredOn
			}
			if upd.LeftOn != nil {
				e.LeftOn = *upd.LeftOn
			}
			if upd.Leave != nil {
				e.Leave = *upd.Leave
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if err := m.App.CreateEmployee(cmd.Context(), who, &e); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Created employee %s.\n", e.ID)
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func (m *Main) orgSetEmployeeCommand() *cobra.Command {
	var f employeeFlags
	cmd := &cobra.Command{
		Use:   "set-employee ID [flags]",
		Short: "Change an employee: only the flags given change",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			upd, err := f.update(cmd)
			if err != nil {
				return err
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if _, err := m.App.UpdateEmployee(cmd.Context(), who, args[0], upd); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Updated employee %s.\n", args[0])
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func (m *Main) orgRemoveCommand() *cobra.Command {
	var unit bool
	cmd := &cobra.Command{
		Use:   "remove ID",
		Short: "Delete an employee (or, with --unit, an empty org unit)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if unit {
				err = m.App.DeleteUnit(cmd.Context(), who, args[0])
			} else {
				err = m.App.DeleteEmployee(cmd.Context(), who, args[0])
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Deleted %s.\n", args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&unit, "unit", false, "ID is an org unit")
	return cmd
}
