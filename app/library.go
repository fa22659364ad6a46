package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"attain/attainyaml"
	"attain/calc/formula"
	"attain/kpi"
	"attain/library"
)

// LibraryEntry is an entry of the KPI library (package library).
type LibraryEntry = library.Entry

// LibraryNeed is a dataset a library entry reads: its columns and values.
type LibraryNeed = library.Need

// Library lists the built-in library's entries; function, if set, keeps
// those of that unit function.
func (a *App) Library(ctx context.Context, who kpi.Actor, function string) ([]*LibraryEntry, error) {
	if _, err := a.begin(ctx, who, ReadStrategy, on{}); err != nil {
		return nil, err
	}
	es, err := library.Entries()
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	out := []*LibraryEntry{}
	for _, e := range es {
		if function == "" || e.Function == function {
			out = append(out, e)
		}
	}
	return out, nil
}

// LibraryRequest applies a library entry onto the workspace's own datasets
// and columns.
type LibraryRequest struct {
	Entry string `json:"entry"`
	// Map renames what the entry names to what the workspace has: a
	// dataset (deals=opportunities), a column of any dataset
	// (amount=close_value) or of one (deals.amount=close_value).
	Map map[string]string `json:"map,omitempty"`
	// Values maps the values the entry's filters compare a column with to
	// the workspace's: entry column (stage, or deals.stage) → the entry's
	// value (Won) → the workspace's values for it (Closed Won, Won Deal).
	// Only values the entry declares (see its needs) can be mapped.
	Values map[string]map[string][]string `json:"values,omitempty"`
	// Position gives the entry's scorecard template to another position;
	// Currency is the currency of its money KPIs.
	Position string `json:"position,omitempty"`
	Currency string `json:"currency,omitempty"`
	DryRun   bool   `json:"dry_run,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// LibraryResult is what applying an entry did: the changes, and the KPIs
// the workspace already had under the entry's names, which it keeps.
type LibraryResult struct {
	*ApplyResult
	Kept []string `json:"kept"`
	// Warnings name each value the entry's filters now compare a column
	// with that no record of that column has, with the values it does.
	Warnings []string `json:"warnings"`
}

// ApplyLibrary adds a library entry's KPIs and scorecard template to the
// workspace's definitions, mapped onto its datasets and columns: every
// dataset and column the entry needs must exist after the mapping (else a
// clear error names each, and nothing changes). KPIs the workspace already
// has by name are kept as they are; a template of the same name or
// position is replaced. Then the whole is applied as attain apply would.
func (a *App) ApplyLibrary(ctx context.Context, who kpi.Actor, r LibraryRequest) (*LibraryResult, error) {
	wctx, err := a.begin(ctx, who, WriteDefinitions, on{})
	if err != nil {
		return nil, err
	}
	e, err := library.Find(r.Entry)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	if e == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "No library entry %q: see attain library list.", r.Entry)
	}
	defs, err := a.svc.Definitions.FindDefinitions(wctx)
	if err != nil {
		return nil, err
	}
	next, used, kept, err := mergeLibrary(defs, e, r)
	if err != nil {
		return nil, err
	}
	res := &LibraryResult{Kept: kept}
	if res.Warnings, err = a.checkValues(wctx, defs, used); err != nil {
		return nil, err
	}
	reason := r.Reason
	if reason == "" {
		reason = "library entry " + e.ID
	}
	if res.ApplyResult, err = a.Apply(ctx, who, ApplyRequest{Source: "library/" + e.ID, Definitions: next, DryRun: r.DryRun, Reason: reason}); err != nil {
		return nil, err
	}
	return res, nil
}

// usedValues are the values the mapped KPIs compare the workspace's
// columns with: dataset → column → values.
type usedValues map[string]map[string][]string

// mergeLibrary returns defs with entry e's KPIs and scorecard templates
// added, mapped by r (see ApplyLibrary), the values their filters compare
// the workspace's columns with, and the names of the KPIs defs already
// had.
func mergeLibrary(defs *kpi.Definitions, e *library.Entry, r LibraryRequest) (*kpi.Definitions, usedValues, []string, error) {
	lib, _, err := attainyaml.Parse("library/"+e.ID, e.Definitions)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("library entry %s: %w", e.ID, err)
	}
	if len(r.Map) > 100 || len(r.Values) > 100 {
		return nil, nil, nil, kpi.Errorf(kpi.EINVALID, "At most 100 mappings, not %d.", max(len(r.Map), len(r.Values)))
	}
	// Resolve every dataset and column the entry needs.
	var probs []kpi.Problem
	datasets := map[string]string{}
	columns := map[string]map[string]string{}
	used := map[string]bool{}
	for _, n := range e.Needs {
		ours := n.Dataset
		if m, ok := r.Map[n.Dataset]; ok {
			ours, used[n.Dataset] = m, true
		}
		datasets[n.Dataset] = ours
		ds := defs.Dataset(ours)
		if ds == nil {
			probs = append(probs, kpi.Problem{Column: n.Dataset, Value: ours,
				Reason: fmt.Sprintf("the entry needs a dataset %s: the workspace has no dataset %q; map it with --map %s=YOUR_DATASET", n.Dataset, ours, n.Dataset)})
			continue
		}
		columns[n.Dataset] = map[string]string{}
		for _, c := range n.Columns {
			col := c
			if m, ok := r.Map[n.Dataset+"."+c]; ok {
				col, used[n.Dataset+"."+c] = m, true
			} else if m, ok := r.Map[c]; ok {
				col, used[c] = m, true
			}
			columns[n.Dataset][c] = col
			if ds.ColumnIndex(col) < 0 {
				probs = append(probs, kpi.Problem{Column: n.Dataset + "." + c, Value: col,
					Reason: fmt.Sprintf("the entry needs column %s of %s: dataset %s has no column %q; map it with --map %s=YOUR_COLUMN", c, n.Dataset, ours, col, c)})
			}
		}
	}
	for k := range r.Map {
		if !used[k] {
			probs = append(probs, kpi.Problem{Column: k, Value: r.Map[k], Reason: fmt.Sprintf("entry %s needs no dataset or column %q", e.ID, k)})
		}
	}
	values, vprobs := entryValues(defs, e, r.Values, datasets, columns)
	if probs = append(probs, vprobs...); len(probs) > 0 {
		slices.SortFunc(probs, func(x, y kpi.Problem) int {
			return cmp.Or(strings.Compare(x.File, y.File), strings.Compare(x.Column, y.Column), strings.Compare(x.Value, y.Value))
		})
		n := fmt.Sprintf("%d problems", len(probs))
		if len(probs) == 1 {
			n = "1 problem"
		}
		return nil, nil, nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("Library entry %s does not fit the workspace's datasets and values: %s.", e.ID, n), Details: probs}
	}
	compared := usedValues{}
	next := *defs
	next.Revisions, next.ScorecardRevisions = nil, nil
	next.KPIs = slices.Clone(defs.KPIs)
	next.Scorecards = slices.Clone(defs.Scorecards)
	kept := []string{}
	for _, k := range lib.KPIs {
		if defs.KPI(k.Name) != nil {
			kept = append(kept, k.Name)
			continue
		}
		m := *k
		if m.Dataset != "" {
			if m.Expr, err = mapValues(e, k, k.Expr, values[k.Dataset], compared); err != nil {
				return nil, nil, nil, err
			}
			if m.Filter, err = mapValues(e, k, k.Filter, values[k.Dataset], compared); err != nil {
				return nil, nil, nil, err
			}
			cols := columns[m.Dataset]
			m.Dataset = datasets[m.Dataset]
			m.Expr, m.Filter = renameColumns(m.Expr, cols), renameColumns(m.Filter, cols)
			if c, ok := cols[m.TimeColumn]; ok {
				m.TimeColumn = c
			}
		}
		if m.Unit == kpi.UnitMoney && m.Currency == "" {
			m.Currency = r.Currency
		}
		next.KPIs = append(next.KPIs, &m)
	}
	for _, t := range lib.Scorecards {
		t := *t
		if r.Position != "" {
			t.Position = r.Position
		}
		next.Scorecards = slices.DeleteFunc(next.Scorecards, func(x *kpi.ScorecardTemplate) bool { return x.Name == t.Name || x.Position == t.Position })
		next.Scorecards = append(next.Scorecards, &t)
	}
	// compared, by the workspace's names.
	out := usedValues{}
	for ds, cols := range compared {
		out[datasets[ds]] = map[string][]string{}
		for c, vs := range cols {
			out[datasets[ds]][columns[ds][c]] = vs
		}
	}
	return &next, out, kept, nil
}

// renameColumns renames the column names of an expression by cols,
// leaving string literals and function names as they are.
func renameColumns(expr string, cols map[string]string) string {
	if expr == "" || len(cols) == 0 {
		return expr
	}
	var b strings.Builder
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(expr) && expr[j] != c {
				if expr[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(expr))
			b.WriteString(expr[i:j])
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(expr) && (expr[j] == '_' || expr[j] >= 'a' && expr[j] <= 'z' || expr[j] >= 'A' && expr[j] <= 'Z' || expr[j] >= '0' && expr[j] <= '9') {
				j++
			}
			word := expr[i:j]
			k := j
			for k < len(expr) && expr[k] == ' ' {
				k++
			}
			if to, ok := cols[word]; ok && (k >= len(expr) || expr[k] != '(') {
				word = to
			}
			b.WriteString(word)
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// LibraryDetail is a library entry with its KPIs and scorecard templates.
type LibraryDetail struct {
	*LibraryEntry
	KPIs       []*kpi.KPI               `json:"kpis"`
	Scorecards []*kpi.ScorecardTemplate `json:"scorecards"`
}

// LibraryEntry returns one entry of the library with its KPIs and
// templates: what attain library show prints.
func (a *App) LibraryEntry(ctx context.Context, who kpi.Actor, id string) (*LibraryDetail, error) {
	if _, err := a.begin(ctx, who, ReadStrategy, on{}); err != nil {
		return nil, err
	}
	e, err := library.Find(id)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	if e == nil {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "No library entry %q: see attain library list.", id)
	}
	lib, _, err := attainyaml.Parse("library/"+e.ID, e.Definitions)
	if err != nil {
		return nil, fmt.Errorf("library entry %s: %w", e.ID, err)
	}
	return &LibraryDetail{LibraryEntry: e, KPIs: lib.KPIs, Scorecards: lib.Scorecards}, nil
}

// ParseValueMap reads value mappings as a person types them,
// COLUMN:THEIRS=OURS with several of ours separated by |, like
// stage:Won=Closed Won|Won Deal, into LibraryRequest.Values.
func ParseValueMap(specs []string) (map[string]map[string][]string, error) {
	out := map[string]map[string][]string{}
	var probs []kpi.Problem
	for _, spec := range specs {
		col, rest, ok1 := strings.Cut(spec, ":")
		from, to, ok2 := strings.Cut(rest, "=")
		col, from = strings.TrimSpace(col), strings.TrimSpace(from)
		var ours []string
		for v := range strings.SplitSeq(to, "|") {
			if v = strings.TrimSpace(v); v != "" {
				ours = append(ours, v)
			}
		}
		switch {
		case !ok1 || !ok2 || col == "" || from == "" || len(ours) == 0:
			probs = append(probs, kpi.Problem{File: ValuesInput, Value: spec, Reason: "want COLUMN:THEIRS=OURS, like stage:Won=Closed Won (several of yours separated by |)"})
		case out[col][from] != nil:
			probs = append(probs, kpi.Problem{File: ValuesInput, Column: col, Value: from, Reason: fmt.Sprintf("value %s of %s is mapped twice", from, col)})
		default:
			if out[col] == nil {
				out[col] = map[string][]string{}
			}
			out[col][from] = ours
		}
	}
	if len(probs) > 0 {
		return nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("Value mappings that cannot be read: %d.", len(probs)), Details: probs}
	}
	return out, nil
}

// ValuesInput is the File of the problems of a value mapping: the
// request's values (the CLI's --map-value), not its columns' map.
const ValuesInput = "values"

// maxMappedValues is the most values of the workspace's one value of an
// entry can be mapped to.
const maxMappedValues = 20

// entryValues resolves the value mapping rv of a request against the
// values entry e declares: entry dataset → column → value → the
// workspace's values, with every declared value of every column present
// (mapped to itself unless rv maps it). A mapping of a value the entry
// does not declare, or to a value the workspace's column does not allow,
// is a problem naming the column and value.
func entryValues(defs *kpi.Definitions, e *library.Entry, rv map[string]map[string][]string, datasets map[string]string, columns map[string]map[string]string) (map[string]map[string]map[string][]string, []kpi.Problem) {
	var probs []kpi.Problem
	out := map[string]map[string]map[string][]string{}
	var declared []string
	for _, n := range e.Needs {
		out[n.Dataset] = map[string]map[string][]string{}
		for col, vs := range n.Values {
			out[n.Dataset][col] = map[string][]string{}
			for _, v := range vs {
				out[n.Dataset][col][v] = []string{v}
			}
			declared = append(declared, fmt.Sprintf("%s (%s)", col, strings.Join(vs, ", ")))
		}
	}
	slices.Sort(declared)
	for key, m := range rv {
		var matches []library.Need
		for _, n := range e.Needs {
			if ds, col, ok := strings.Cut(key, "."); ok && ds == n.Dataset && n.Values[col] != nil || n.Values[key] != nil {
				matches = append(matches, n)
			}
		}
		if len(matches) == 0 {
			reason := fmt.Sprintf("entry %s relies on no values of a column %q", e.ID, key)
			if len(declared) > 0 {
				reason += "; it relies on those of " + strings.Join(declared, ", ")
			}
			probs = append(probs, kpi.Problem{File: ValuesInput, Column: key, Reason: reason})
			continue
		}
		for _, n := range matches {
			col := key
			if _, c, ok := strings.Cut(key, "."); ok {
				col = c
			}
			for theirs, ours := range m {
				switch {
				case !slices.Contains(n.Values[col], theirs):
					probs = append(probs, kpi.Problem{File: ValuesInput, Column: key, Value: theirs,
						Reason: fmt.Sprintf("entry %s relies on the values %s of %s, not %q", e.ID, strings.Join(n.Values[col], ", "), col, theirs)})
				case len(ours) == 0 || len(ours) > maxMappedValues || slices.Contains(ours, ""):
					probs = append(probs, kpi.Problem{File: ValuesInput, Column: key, Value: theirs,
						Reason: fmt.Sprintf("map %s of %s to 1 to %d values, none empty", theirs, col, maxMappedValues)})
				default:
					out[n.Dataset][col][theirs] = ours
				}
			}
		}
	}
	// The workspace's column may list the values it allows.
	for ds, cols := range out {
		wds := defs.Dataset(datasets[ds])
		if wds == nil {
			continue
		}
		for col, vals := range cols {
			i := wds.ColumnIndex(columns[ds][col])
			if i < 0 || len(wds.Columns[i].Values) == 0 {
				continue
			}
			allowed := wds.Columns[i].Values
			for theirs, ours := range vals {
				for _, v := range ours {
					if !slices.Contains(allowed, v) {
						probs = append(probs, kpi.Problem{File: ValuesInput, Column: wds.Name + "." + wds.Columns[i].Name, Value: v,
							Reason: fmt.Sprintf("the entry's %s value %s would be %q, but column %s of %s allows only %s; map it with --map-value %s:%s=YOUR_VALUE",
								col, theirs, v, wds.Columns[i].Name, wds.Name, strings.Join(allowed, ", "), col, theirs)})
					}
				}
			}
		}
	}
	return out, probs
}

// mapValues maps the values expression src of the entry's KPI k compares
// columns with by vals (column → value → the workspace's values), and
// adds the values it compares them with after the mapping to
// used[k.Dataset].
func mapValues(e *library.Entry, k *kpi.KPI, src string, vals map[string]map[string][]string, used usedValues) (string, error) {
	if src == "" || len(vals) == 0 {
		return src, nil
	}
	out, seen, err := formula.MapValues(src, vals)
	if err != nil {
		return "", fmt.Errorf("library entry %s, KPI %s: %w", e.ID, k.Name, err)
	}
	for col, vs := range seen {
		if used[k.Dataset] == nil {
			used[k.Dataset] = map[string][]string{}
		}
		for _, v := range vs {
			if _, ok := vals[col][v]; !ok {
				return "", fmt.Errorf("library entry %s, KPI %s: compares %s with %q, a value the entry does not declare", e.ID, k.Name, col, v)
			}
			for _, w := range vals[col][v] {
				if !slices.Contains(used[k.Dataset][col], w) {
					used[k.Dataset][col] = append(used[k.Dataset][col], w)
				}
			}
		}
	}
	return out, nil
}

// maxValueScan is the most records checkValues reads of a dataset.
const maxValueScan = 200_000

// errEnough stops a scan of records.
var errEnough = errors.New("enough records")

// checkValues warns of each value in used (dataset → column → values)
// that no record of that column has, naming the values it has and how
// often, from the first maxValueScan records of the dataset. A dataset
// without records gives no warning.
func (a *App) checkValues(ctx context.Context, defs *kpi.Definitions, used usedValues) ([]string, error) {
	warnings := []string{}
	for _, dsName := range slices.Sorted(maps.Keys(used)) {
		cols := used[dsName]
		idx := map[string]int{}
		for col := range cols {
			idx[col] = defs.Dataset(dsName).ColumnIndex(col)
		}
		counts, read, cut, err := countValues(ctx, a.svc.Records, dsName, idx, maxValueScan)
		if err != nil {
			return nil, err
		}
		if read == 0 {
			continue
		}
		records := fmt.Sprintf("the %d records", read)
		if cut {
			records = fmt.Sprintf("the first %d records", read)
		}
		for _, col := range slices.Sorted(maps.Keys(cols)) {
			for _, v := range cols[col] {
				if counts[col][v] == 0 {
					warnings = append(warnings, fmt.Sprintf("%s.%s: no record has %q; of %s, %s", dsName, col, v, records, countsText(counts[col])))
				}
			}
		}
	}
	return warnings, nil
}

// countValues counts, per column of idx (name → index), how many of the
// first limit records of dataset have each value; it returns how many
// records it read, and whether the dataset has more.
func countValues(ctx context.Context, recs kpi.RecordService, dataset string, idx map[string]int, limit int) (counts map[string]map[string]int, read int, cut bool, err error) {
	counts = map[string]map[string]int{}
	for col := range idx {
		counts[col] = map[string]int{}
	}
	err = recs.ScanRecords(ctx, dataset, func(r kpi.Record) error {
		if read == limit {
			return errEnough
		}
		read++
		for col, i := range idx {
			if i >= 0 && i < len(r.Values) && !r.Values[i].Null {
				counts[col][r.Values[i].S]++
			}
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		return counts, read, true, nil
	}
	return counts, read, false, err
}

// countsText lists the most frequent values of counts, like
// Won 4238, Lost 2473 and 2 more.
func countsText(counts map[string]int) string {
	if len(counts) == 0 {
		return "none has a value"
	}
	vals := slices.Collect(maps.Keys(counts))
	slices.SortFunc(vals, func(x, y string) int {
		if c := counts[y] - counts[x]; c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	var parts []string
	for _, v := range vals[:min(len(vals), 10)] {
		parts = append(parts, fmt.Sprintf("%q %d", v, counts[v]))
	}
	s := "the values are " + strings.Join(parts, ", ")
	if len(vals) > 10 {
		s += fmt.Sprintf(" and %d more", len(vals)-10)
	}
	return s
}
