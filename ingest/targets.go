package ingest

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

// ReadTargetsCSV reads targets from a CSV file with the columns kpi,
// employee or unit (one of the two per row), period (2026-06, 2026-Q3,
// 2026-W14, 2026, 2026-06-01..2026-06-21) and value (an exact decimal; empty
// deletes the target). Whether the KPIs and subjects exist is the store's
// and the caller's to check. Every problem is reported at once.
func ReadTargetsCSV(r io.Reader, file string) ([]kpi.TargetInput, error) {
	f, err := openCSV(r, file, 4)
	if err != nil {
		return nil, err
	}
	hm := newHeaderMap(f)
	kpiCol, period, value := hm.find("kpi", true), hm.find("period", true), hm.find("value", true)
	emp, unit := hm.find("employee", false), hm.find("unit", false)
	if emp < 0 && unit < 0 {
		hm.missing = append(hm.missing, "employee or unit")
	}
	if err := hm.err(); err != nil {
		return nil, err
	}
	var out []kpi.TargetInput
	seen := map[string]int{}
	rows := rowReader{f: f}
	err = rows.each(func(line int, rec []string) {
		cell := func(j int) string {
			if j < 0 || j >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[j])
		}
		in := kpi.TargetInput{KPI: cell(kpiCol)}
		if in.KPI == "" {
			rows.problem(line, "kpi", "", "is empty")
		}
		switch e, u := cell(emp), cell(unit); {
		case e != "" && u != "":
			rows.problem(line, "employee", e, "give an employee or a unit, not both")
		case e != "":
			in.Subject = kpi.Subject{Kind: kpi.SubjectEmployee, ID: e}
		case u != "":
			in.Subject = kpi.Subject{Kind: kpi.SubjectUnit, ID: u}
		default:
			rows.problem(line, "employee", "", "give an employee or a unit")
		}
		p, err := kpi.ParsePeriod(cell(period))
		if err != nil {
			rows.problem(line, "period", cell(period), kpi.ErrorMessage(err))
		}
		in.Period = p
		if v := cell(value); v != "" {
			d, err := decimal.NewFromString(v)
			if err != nil || strings.ContainsAny(v, "eE") {
				rows.problem(line, "value", v, "is not a decimal number like 12000 or 0.35")
			}
			in.Value = &d
		}
		key := in.KPI + "\x00" + in.Subject.String() + "\x00" + in.Period.Label()
		if first, dup := seen[key]; dup {
			rows.problem(line, "period", cell(period), fmt.Sprintf("the same KPI, subject and period as line %d", first))
		}
		seen[key] = line
		out = append(out, in)
	})
	if err != nil {
		return nil, err
	}
	if err := rows.err(); err != nil {
		return nil, err
	}
	return out, nil
}
