package gen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"attain/attainyaml"
	"attain/kpi"
)

// Files are the benchmark workspace as a user gets it into Attain or a
// database: its deals as a CRM exports them, its employees with their
// department and team, and the attain.yaml that defines the dataset and
// the KPIs.
type Files struct {
	Deals, Employees, Definitions string
}

// WriteFiles writes the workspace of c into dir as deals.csv,
// employees.csv and attain.yaml.
func WriteFiles(dir string, c Config) (Files, error) {
	fs := Files{
		Deals:       filepath.Join(dir, "deals.csv"),
		Employees:   filepath.Join(dir, "employees.csv"),
		Definitions: filepath.Join(dir, "attain.yaml"),
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fs, err
	}
	yaml, err := attainyaml.Marshal(Definitions())
	if err != nil {
		return fs, err
	}
	if err := os.WriteFile(fs.Definitions, yaml, 0o644); err != nil {
		return fs, err
	}
	if err := writeFile(fs.Deals, func(w io.Writer) error { return WriteCSV(w, c) }); err != nil {
		return fs, err
	}
	return fs, writeFile(fs.Employees, func(w io.Writer) error { return WriteEmployeesCSV(w, c) })
}

func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteCSV writes the deals as the CSV a CRM exports: a header of the
// dataset's column names, amounts in currency units (1234.50), dates as
// YYYY-MM-DD, an empty close date for open deals.
func WriteCSV(w io.Writer, c Config) error {
	cw := csv.NewWriter(w)
	ds := Dataset()
	row := make([]string, len(ds.Columns))
	for i, col := range ds.Columns {
		row[i] = col.Name
	}
	cw.Write(row)
	Each(c, func(d Deal) {
		rec := d.Record()
		for i, col := range ds.Columns {
			row[i] = kpi.FormatValue(col, rec.Values[i])
		}
		cw.Write(row)
	})
	cw.Flush()
	return cw.Error()
}

// WriteEmployeesCSV writes id, name, department and team of every
// employee: `attain org import FILE --unit-path department,team --root C`
// makes the org of it.
func WriteEmployeesCSV(w io.Writer, c Config) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "name", "department", "team"})
	for _, e := range EmployeeRows(c) {
		cw.Write([]string{e[0], "Employee " + e[0], e[2], e[1]})
	}
	cw.Flush()
	return cw.Error()
}
