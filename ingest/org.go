package ingest

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"

	"attain/kpi"
)

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// OrgMapping names the columns of an employee file. Empty fields take the
// defaults id, name, email, unit_id, manager_id, position, hired_on,
// left_on, currency, salary (monthly base pay) and leave (periods away,
// "2026-06-01..2026-06-14; 2026-08-03..2026-08-07"); a column named here explicitly must be in the file, of the
// defaults only id, name and (without UnitPath) unit_id must. With a leave
// column every employee's Leave is set (empty, not nil, for an empty
// cell), so the import replaces the stored leave; without one it is nil
// and the stored leave is kept.
type OrgMapping struct {
	ID, Name, Email, Unit, Manager, Position, HiredOn, LeftOn string
	Currency, Salary, Leave                                   string

	// UnitPath, instead of Unit, names columns that name an employee's
	// units from the top down, e.g. [regional_office, manager]. The units
	// are made from the paths: ids from the cells ("central",
	// "central/dustin-brinkmann"), names as written, kinds from the
	// column names. An employee belongs to the deepest unit of the path;
	// trailing empty cells shorten it.
	UnitPath []string
	// Root, with UnitPath, is the id and name of a unit (kind "company")
	// every path hangs under; optional.
	Root string
}

func (m OrgMapping) withDefaults() OrgMapping {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&m.ID, "id")
	def(&m.Name, "name")
	def(&m.Email, "email")
	def(&m.Unit, "unit_id")
	def(&m.Manager, "manager_id")
	def(&m.Position, "position")
	def(&m.HiredOn, "hired_on")
	def(&m.LeftOn, "left_on")
	def(&m.Currency, "currency")
	def(&m.Salary, "salary")
	def(&m.Leave, "leave")
	return m
}

// ReadEmployeesCSV reads employees (and, with m.UnitPath, their units) from
// a CSV file. It reports every problem at once in one *kpi.Error.
func ReadEmployeesCSV(r io.Reader, file string, m OrgMapping) ([]*kpi.OrgUnit, []*kpi.Employee, error) {
	f, err := openCSV(r, file, 2)
	if err != nil {
		return nil, nil, err
	}
	hm := newHeaderMap(f)
	explicit := m
	m = m.withDefaults()
	id := hm.find(m.ID, true)
	name := hm.find(m.Name, true)
	email := hm.find(m.Email, explicit.Email != "")
	unit := hm.find(m.Unit, explicit.Unit != "" || len(m.UnitPath) == 0)
	manager := hm.find(m.Manager, explicit.Manager != "")
	position := hm.find(m.Position, explicit.Position != "")
	hiredOn := hm.find(m.HiredOn, explicit.HiredOn != "")
	leftOn := hm.find(m.LeftOn, explicit.LeftOn != "")
	currency := hm.find(m.Currency, explicit.Currency != "")
	salary := hm.find(m.Salary, explicit.Salary != "")
	leave := hm.find(m.Leave, explicit.Leave != "")
	path := make([]int, len(m.UnitPath))
	for k, c := range m.UnitPath {
		path[k] = hm.find(c, true)
	}
	if err := hm.err(); err != nil {
		return nil, nil, err
	}

	var units []*kpi.OrgUnit
	unitByID := make(map[string]*kpi.OrgUnit)
	if m.Root != "" && len(m.UnitPath) > 0 {
		root := &kpi.OrgUnit{ID: m.Root, Name: m.Root, Kind: "company"}
		units = append(units, root)
		unitByID[root.ID] = root
	}
	var emps []*kpi.Employee
	seen := make(map[string]int)
	rows := rowReader{f: f}
	err = rows.each(func(line int, rec []string) {
		cell := func(j int) string {
			if j < 0 {
				return ""
			}
			return strings.TrimSpace(rec[j])
		}
		e := &kpi.Employee{
			ID:        cell(id),
			Name:      cell(name),
			Email:     cell(email),
			UnitID:    cell(unit),
			ManagerID: cell(manager),
			Position:  cell(position),
			Currency:  strings.ToUpper(cell(currency)),
		}
		if e.Currency != "" && !isCurrency(e.Currency) {
			rows.problem(line, m.Currency, e.Currency, "is not a currency code (ISO 4217, like EUR)")
		}
		if s := cell(salary); s != "" {
			d, err := decimal.NewFromString(s)
			if err != nil || d.IsNegative() {
				rows.problem(line, m.Salary, s, "is not a monthly salary (a number, 0 or more, like 4200.00)")
			} else {
				e.Salary = &d
			}
		}
		if leave >= 0 {
			s := cell(leave)
			ps, err := kpi.ParseLeave(s)
			if err == nil {
				err = kpi.ValidateLeave(ps)
			}
			if err != nil {
				rows.problem(line, m.Leave, s, kpi.ErrorMessage(err))
			}
			e.Leave = append([]kpi.Period{}, ps...)
		}
		if e.ID == "" {
			rows.problem(line, m.ID, "", "is empty; every employee needs an id")
		} else if first, ok := seen[e.ID]; ok {
			rows.problem(line, m.ID, e.ID, fmt.Sprintf("duplicate employee id, first on line %d", first))
		} else {
			seen[e.ID] = line
		}
		if e.Name == "" {
			rows.problem(line, m.Name, "", "is empty; every employee needs a name")
		}
		if e.Email != "" && !strings.Contains(e.Email, "@") {
			rows.problem(line, m.Email, e.Email, "is not an email address")
		}
		if e.ManagerID != "" && e.ManagerID == e.ID {
			rows.problem(line, m.Manager, e.ManagerID, "an employee cannot be their own manager")
		}
		for _, d := range []struct {
			col string
			j   int
			dst **kpi.Date
		}{{m.HiredOn, hiredOn, &e.HiredOn}, {m.LeftOn, leftOn, &e.LeftOn}} {
			if s := cell(d.j); s != "" {
				v, ok := parseDate(s)
				if !ok {
					rows.problem(line, d.col, s, dateReason(s))
					continue
				}
				*d.dst = &v
			}
		}
		if e.HiredOn != nil && e.LeftOn != nil && *e.LeftOn < *e.HiredOn {
			rows.problem(line, m.LeftOn, e.LeftOn.String(), "is before hired_on "+e.HiredOn.String())
		}
		if len(m.UnitPath) > 0 {
			e.UnitID = pathUnits(&rows, line, m, path, cell, unitByID, &units)
		} else if e.UnitID == "" {
			rows.problem(line, m.Unit, "", "is empty; every employee belongs to a unit")
		}
		emps = append(emps, e)
	})
	if err != nil {
		return nil, nil, err
	}
	if err := rows.err(); err != nil {
		return nil, nil, err
	}
	return units, emps, nil
}

// pathUnits creates the units of one row's unit path and returns the id of
// the deepest.
func pathUnits(rows *rowReader, line int, m OrgMapping, path []int, cell func(int) string,
	byID map[string]*kpi.OrgUnit, units *[]*kpi.OrgUnit) string {
	parent, id := m.Root, ""
	ended := "" // the column where the path ended, if it did
	for k, j := range path {
		name := cell(j)
		if name == "" {
			if ended == "" {
				ended = m.UnitPath[k]
			}
			continue
		}
		if ended != "" {
			rows.problem(line, m.UnitPath[k], name, "names a unit under an empty "+ended)
			return ""
		}
		s := slug(name)
		if s == "" {
			rows.problem(line, m.UnitPath[k], name, "names no unit (it needs a letter or digit)")
			return ""
		}
		if id == "" {
			id = s
		} else {
			id += "/" + s
		}
		if u, ok := byID[id]; ok {
			if u.Name != name {
				rows.problem(line, m.UnitPath[k], name, fmt.Sprintf("unit %s is already named %q", id, u.Name))
			}
		} else {
			u := &kpi.OrgUnit{ID: id, Name: name, Kind: strings.TrimSpace(m.UnitPath[k]), ParentID: parent}
			byID[id] = u
			*units = append(*units, u)
		}
		parent = id
	}
	if id == "" {
		if m.Root != "" {
			return m.Root
		}
		rows.problem(line, strings.Join(m.UnitPath, ", "), "", "are empty; every employee belongs to a unit")
	}
	return id
}

// slug makes a unit id of a name: lower case letters and digits, other runs
// of characters become one '-'.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}

// ReadUnitsCSV reads org units from a CSV file with the columns id, name,
// kind, parent_id and head_id (all but id and name optional). It reports every
// problem at once in one *kpi.Error.
func ReadUnitsCSV(r io.Reader, file string) ([]*kpi.OrgUnit, error) {
	f, err := openCSV(r, file, 2)
	if err != nil {
		return nil, err
	}
	hm := newHeaderMap(f)
	id, name := hm.find("id", true), hm.find("name", true)
	kind, parent, head := hm.find("kind", false), hm.find("parent_id", false), hm.find("head_id", false)
	if err := hm.err(); err != nil {
		return nil, err
	}
	var units []*kpi.OrgUnit
	lineOf := make(map[string]int)
	byID := make(map[string]*kpi.OrgUnit)
	rows := rowReader{f: f}
	err = rows.each(func(line int, rec []string) {
		cell := func(j int) string {
			if j < 0 {
				return ""
			}
			return strings.TrimSpace(rec[j])
		}
		u := &kpi.OrgUnit{ID: cell(id), Name: cell(name), Kind: cell(kind), ParentID: cell(parent), HeadID: cell(head)}
		if u.ID == "" {
			rows.problem(line, "id", "", "is empty; every unit needs an id")
		} else if first, ok := lineOf[u.ID]; ok {
			rows.problem(line, "id", u.ID, fmt.Sprintf("duplicate unit id, first on line %d", first))
		} else {
			lineOf[u.ID] = line
			byID[u.ID] = u
		}
		if u.Name == "" {
			rows.problem(line, "name", "", "is empty; every unit needs a name")
		}
		if u.ParentID != "" && u.ParentID == u.ID {
			rows.problem(line, "parent_id", u.ParentID, "a unit cannot be its own parent")
		}
		units = append(units, u)
	})
	if err != nil {
		return nil, err
	}
	// Cycles among the file's units (a parent outside the file is the
	// store's to check).
	for _, u := range units {
		if byID[u.ID] != u || u.ParentID == u.ID {
			continue
		}
		p := u.ParentID
		for steps := 0; p != "" && steps <= len(units); steps++ {
			if p == u.ID {
				rows.problem(lineOf[u.ID], "parent_id", u.ParentID, "makes a cycle: the unit would be under itself")
				break
			}
			next, ok := byID[p]
			if !ok {
				break
			}
			p = next.ParentID
		}
	}
	if err := rows.err(); err != nil {
		return nil, err
	}
	return units, nil
}

// headerMap finds an org file's columns by name, in any case.
type headerMap struct {
	f       *csvFile
	missing []string
	probs   []kpi.Problem
}

func newHeaderMap(f *csvFile) *headerMap {
	hm := &headerMap{f: f}
	for j, h := range f.header {
		for k := 0; k < j; k++ {
			if h = strings.TrimSpace(h); h != "" && strings.EqualFold(h, strings.TrimSpace(f.header[k])) {
				hm.probs = append(hm.probs, kpi.Problem{File: f.file, Line: 1, Column: h,
					Reason: fmt.Sprintf("header cells %d and %d have the same name", k+1, j+1)})
			}
		}
	}
	return hm
}

// find returns the index of the named column, -1 if it is not there; a
// required one is then reported missing.
func (hm *headerMap) find(name string, required bool) int {
	name = strings.TrimSpace(name)
	for j, h := range hm.f.header {
		if strings.EqualFold(strings.TrimSpace(h), name) {
			return j
		}
	}
	if required {
		hm.missing = append(hm.missing, name)
	}
	return -1
}

func (hm *headerMap) err() error {
	probs := hm.probs
	if len(hm.missing) > 0 {
		probs = append(probs, kpi.Problem{File: hm.f.file, Line: 1,
			Reason: fmt.Sprintf("missing %s %s; the header has: %s", pluralWord(len(hm.missing), "column"),
				strings.Join(hm.missing, ", "), strings.Join(hm.f.header, ", "))})
	}
	if len(probs) == 0 {
		return nil
	}
	return &kpi.Error{Code: kpi.EINVALID, Message: fileName(hm.f.file) + ": the header does not fit", Details: probs}
}

// rowReader reads the rows of an org file and collects their problems.
type rowReader struct {
	f     *csvFile
	probs []kpi.Problem
}

// each calls fn for every row whose cells can be read; rows that cannot are
// problems. It stops after DefaultMaxProblems problems.
func (rr *rowReader) each(fn func(line int, rec []string)) error {
	src := &csvSource{f: rr.f}
	var rw row
	for len(rr.probs) < DefaultMaxProblems {
		if err := src.next(&rw); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read %s: %w", fileName(rr.f.file), err)
		}
		rr.probs = append(rr.probs, rw.problems...)
		if !rw.bad {
			fn(rw.line, rw.cells)
		}
	}
	return nil
}

func (rr *rowReader) problem(line int, col, value, reason string) {
	rr.probs = append(rr.probs, kpi.Problem{File: rr.f.file, Line: line, Column: col, Value: value, Reason: reason})
}

func (rr *rowReader) err() error {
	if len(rr.probs) == 0 {
		return nil
	}
	probs := rr.probs
	msg := fmt.Sprintf("%s: %s; nothing was imported", fileName(rr.f.file), plural(len(probs), "problem"))
	if len(probs) >= DefaultMaxProblems {
		probs = probs[:DefaultMaxProblems]
		msg = fmt.Sprintf("%s: %s, stopped looking; nothing was imported", fileName(rr.f.file), plural(len(probs), "problem"))
	}
	return &kpi.Error{Code: kpi.EINVALID, Message: msg, Details: probs}
}
