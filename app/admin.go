package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"attain/attainyaml"
	"attain/ingest"
	"attain/kpi"
)

// This file holds the use cases of the admin pages that the API does not
// already have: the org as an admin edits it, the columns of a file to
// map before an import, the definitions as attain.yaml to edit, and the
// audit trail searched.

// OrgTree is the org as an admin edits it: every unit in tree order with
// its depth, head and people, and every employee.
type OrgTree struct {
	Units     []OrgTreeUnit
	Employees []*kpi.Employee // by name
}

// OrgTreeUnit is a unit of the tree.
type OrgTreeUnit struct {
	*kpi.OrgUnit
	Depth    int
	Head     string // the head's name; the id if no such employee
	People   int    // directly in the unit
	AllBelow int    // in the unit and the units below it
}

// AdminOrg returns the org tree with every employee, pay included: what
// an admin edits (admins only, as it shows everyone's pay).
func (a *App) AdminOrg(ctx context.Context, who kpi.Actor) (*OrgTree, error) {
	ctx, err := a.begin(ctx, who, WriteOrg, on{})
	if err != nil {
		return nil, err
	}
	units, err := a.svc.Org.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	emps, err := a.svc.Org.FindEmployees(ctx, kpi.EmployeeFilter{})
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	direct := map[string]int{}
	for _, e := range emps {
		names[e.ID] = e.Name
		direct[e.UnitID]++
	}
	children := map[string][]*kpi.OrgUnit{}
	known := map[string]bool{}
	for _, u := range units {
		known[u.ID] = true
	}
	var roots []*kpi.OrgUnit
	for _, u := range units {
		if u.ParentID == "" || !known[u.ParentID] {
			roots = append(roots, u)
		} else {
			children[u.ParentID] = append(children[u.ParentID], u)
		}
	}
	byName := func(x, y *kpi.OrgUnit) int { return strings.Compare(x.Name, y.Name) }
	t := &OrgTree{Employees: nonNil(emps)}
	seen := map[string]bool{}
	var walk func(u *kpi.OrgUnit, depth int) int
	walk = func(u *kpi.OrgUnit, depth int) int {
		if seen[u.ID] { // a cycle cannot be stored, but never loop
			return 0
		}
		seen[u.ID] = true
		i := len(t.Units)
		t.Units = append(t.Units, OrgTreeUnit{OrgUnit: u, Depth: depth, People: direct[u.ID]})
		if u.HeadID != "" {
			t.Units[i].Head = names[u.HeadID]
			if t.Units[i].Head == "" {
				t.Units[i].Head = u.HeadID
			}
		}
		all := direct[u.ID]
		kids := children[u.ID]
		slices.SortFunc(kids, byName)
		for _, c := range kids {
			all += walk(c, depth+1)
		}
		t.Units[i].AllBelow = all
		return all
	}
	slices.SortFunc(roots, byName)
	for _, r := range roots {
		walk(r, 0)
	}
	slices.SortFunc(t.Employees, func(x, y *kpi.Employee) int { return strings.Compare(x.Name, y.Name) })
	return t, nil
}

// Importable lists the datasets who may import records into.
func (a *App) Importable(ctx context.Context, who kpi.Actor) ([]*kpi.Dataset, error) {
	defs, err := a.Definitions(ctx, who)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Dataset
	var refused error
	for i := range defs.Datasets {
		ds := defs.Datasets[i]
		if err := a.authorize(ctx, who, WriteRecords, on{resource: ds.Name}); err != nil {
			refused = err
			continue
		}
		out = append(out, ds)
	}
	if len(out) == 0 && refused != nil {
		return nil, refused
	}
	if len(out) == 0 {
		if err := a.authorize(ctx, who, WriteRecords, on{}); err != nil {
			return nil, err
		}
	}
	return nonNil(out), nil
}

// ImportPlan is a file's header beside a dataset's columns, with the file
// column each dataset column is guessed to come from ("" for none).
type ImportPlan struct {
	Dataset *kpi.Dataset
	Header  []string
	Guess   map[string]string // dataset column → file column
}

// ImportColumns reads the header of a file (CSV or XLSX) to be imported
// into a dataset and guesses which file column holds each dataset column:
// the same name (or the column's header), ignoring case, spaces, dashes
// and underscores.
func (a *App) ImportColumns(ctx context.Context, who kpi.Actor, datasetName, file, format string, body io.Reader) (*ImportPlan, error) {
	ctx, err := a.begin(ctx, who, WriteRecords, on{resource: datasetName})
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := dataset(defs, datasetName)
	if err != nil {
		return nil, err
	}
	if format == "" {
		format = FormatOf(file)
	}
	switch format {
	case FormatCSV:
	case FormatXLSX:
		if body, err = ingest.XLSXAsCSV(body, file); err != nil {
			return nil, err
		}
	default:
		return nil, kpi.Errorf(kpi.EINVALID, "Map the columns of a CSV or XLSX file; %s is neither.", file)
	}
	header, err := ingest.ReadHeader(body, file)
	if err != nil {
		return nil, err
	}
	plan := &ImportPlan{Dataset: ds, Header: header, Guess: map[string]string{}}
	for _, c := range ds.Columns {
		for _, h := range header {
			if looseName(h) == looseName(c.Name) || (c.Header != "" && looseName(h) == looseName(c.Header)) {
				plan.Guess[c.Name] = h
				break
			}
		}
	}
	return plan, nil
}

// looseName is a column name as a person might spell it several ways.
func looseName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// unmapped is the header of a dataset column mapped to no file column: no
// file has it.
const unmapped = "\x00unmapped"

// mapColumns returns ds with each column's header taken from columns
// (dataset column → file column; a column not named or named "" reads
// nothing).
func mapColumns(ds *kpi.Dataset, columns map[string]string) (*kpi.Dataset, error) {
	for name := range columns {
		if ds.ColumnIndex(name) < 0 {
			return nil, kpi.Errorf(kpi.EINVALID, "Dataset %s has no column %q to map.", ds.Name, name)
		}
	}
	out := *ds
	out.Columns = slices.Clone(ds.Columns)
	from := map[string]string{}
	for i := range out.Columns {
		c := &out.Columns[i]
		h := strings.TrimSpace(columns[c.Name])
		if h == "" {
			if c.Required || c.Name == ds.Key || c.Name == ds.Owner || slices.Contains(ds.TimeColumns, c.Name) {
				return nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("Map dataset column %s to a column of the file: every record needs it.", c.Name),
					Details: []kpi.Problem{{Column: c.Name, Reason: "needs a column of the file"}}}
			}
			c.Header = unmapped
			continue
		}
		if other, ok := from[strings.ToLower(h)]; ok {
			return nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("Columns %s and %s both read file column %q; map each to its own.", other, c.Name, h),
				Details: []kpi.Problem{{Column: c.Name, Value: h, Reason: "file column " + h + " is already mapped to " + other}}}
		}
		from[strings.ToLower(h)] = c.Name
		c.Header = h
	}
	return &out, nil
}

// DefinitionsYAML returns the workspace's definitions as an attain.yaml,
// for an admin to edit and apply again.
func (a *App) DefinitionsYAML(ctx context.Context, who kpi.Actor) ([]byte, error) {
	ctx, err := a.begin(ctx, who, WriteDefinitions, on{})
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	return attainyaml.Marshal(defs)
}

// ValidateDefinitions checks an attain.yaml whole, as applying it would,
// without storing or previewing anything: every problem with its line.
func (a *App) ValidateDefinitions(ctx context.Context, who kpi.Actor, source string, yaml []byte) (*attainyaml.File, error) {
	if _, err := a.begin(ctx, who, WriteDefinitions, on{}); err != nil {
		return nil, err
	}
	return load(source, yaml, nil)
}

// MaxAuditSearch is the most audit entries one search returns.
const MaxAuditSearch = 500

// AuditSearch lists the audit entries f selects, newest first, a page at
// a time (admins, finance, auditors). Limit 0 is 50.
func (a *App) AuditSearch(ctx context.Context, who kpi.Actor, f kpi.AuditFilter) ([]*kpi.AuditEntry, error) {
	switch {
	case f.Limit < 0 || f.Limit > MaxAuditSearch || f.Offset < 0:
		return nil, kpi.Errorf(kpi.EINVALID, "A page of the audit trail holds 1 to %d entries from offset 0 on.", MaxAuditSearch)
	case f.Limit == 0:
		f.Limit = 50
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, &kpi.Error{Code: kpi.EINVALID, Message: "The date range ends before it begins.",
			Details: []kpi.Problem{{Column: "to", Reason: "the last day is before the first"}}}
	}
	ctx, err := a.begin(ctx, who, ReadAudit, on{})
	if err != nil {
		return nil, err
	}
	s, ok := a.svc.Audit.(auditSearcher)
	if !ok {
		return nil, fmt.Errorf("audit search: the audit store cannot search")
	}
	entries, err := s.SearchAuditEntries(ctx, f)
	return nonNil(entries), err
}

// auditSearcher is the search of an audit store that has one (sqldb's).
type auditSearcher interface {
	SearchAuditEntries(ctx context.Context, f kpi.AuditFilter) ([]*kpi.AuditEntry, error)
}
