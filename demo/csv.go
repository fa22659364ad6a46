package demo

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"

	"attain/kpi"
)

// WriteCSV writes d as files the CLI imports: units.csv (id, name, kind,
// parent_id, head_id), employees.csv (id, name, email, unit_id, manager_id,
// position, hired_on, left_on, currency, salary) and <dataset>.csv for every dataset of defs,
// with the columns' headers and their values formatted back by type
// (kpi.FormatValue). It creates dir if needed and overwrites the files.
func WriteCSV(dir string, d *Data, defs *kpi.Definitions) error {
	if defs == nil {
		return fmt.Errorf("write demo csv: no definitions")
	}
	for name := range d.Records {
		if defs.Dataset(name) == nil {
			return fmt.Errorf("write demo csv: dataset %q is not defined", name)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write demo csv: %w", err)
	}

	units := [][]string{{"id", "name", "kind", "parent_id", "head_id"}}
	for _, u := range d.Units {
		units = append(units, []string{u.ID, u.Name, u.Kind, u.ParentID, u.HeadID})
	}
	if err := writeCSVFile(filepath.Join(dir, "units.csv"), units); err != nil {
		return err
	}

	emps := [][]string{{"id", "name", "email", "unit_id", "manager_id", "position", "hired_on", "left_on", "currency", "salary"}}
	optDate := func(d *kpi.Date) string {
		if d == nil {
			return ""
		}
		return d.String()
	}
	for _, e := range d.Employees {
		salary := ""
		if e.Salary != nil {
			salary = e.Salary.StringFixed(2)
		}
		emps = append(emps, []string{e.ID, e.Name, e.Email, e.UnitID, e.ManagerID, e.Position, optDate(e.HiredOn), optDate(e.LeftOn), e.Currency, salary})
	}
	if err := writeCSVFile(filepath.Join(dir, "employees.csv"), emps); err != nil {
		return err
	}

	for _, ds := range defs.Datasets {
		header := make([]string, len(ds.Columns))
		for j, c := range ds.Columns {
			header[j] = cmp.Or(c.Header, c.Name)
		}
		rows := [][]string{header}
		for _, rec := range d.Records[ds.Name] {
			if len(rec.Values) != len(ds.Columns) {
				return fmt.Errorf("write demo csv: %s record %s has %d values for %d columns",
					ds.Name, rec.Key, len(rec.Values), len(ds.Columns))
			}
			row := make([]string, len(ds.Columns))
			for j, c := range ds.Columns {
				row[j] = kpi.FormatValue(c, rec.Values[j])
			}
			rows = append(rows, row)
		}
		if err := writeCSVFile(filepath.Join(dir, ds.Name+".csv"), rows); err != nil {
			return err
		}
	}
	return nil
}

func writeCSVFile(path string, rows [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write demo csv: %w", err)
	}
	return nil
}
