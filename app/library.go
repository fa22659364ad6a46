package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"attain/attainyaml"
	"attain/kpi"
	"attain/library"
)

// LibraryEntry is an entry of the KPI library (package library).
type LibraryEntry = library.Entry

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
	next, kept, err := mergeLibrary(defs, e, r)
	if err != nil {
		return nil, err
	}
	res := &LibraryResult{Kept: kept}
	reason := r.Reason
	if reason == "" {
		reason = "library entry " + e.ID
	}
	if res.ApplyResult, err = a.Apply(ctx, who, ApplyRequest{Source: "library/" + e.ID, Definitions: next, DryRun: r.DryRun, Reason: reason}); err != nil {
		return nil, err
	}
	return res, nil
}

// mergeLibrary returns defs with entry e's KPIs and scorecard templates
// added, mapped by r (see ApplyLibrary), and the names of the KPIs defs
// already had.
func mergeLibrary(defs *kpi.Definitions, e *library.Entry, r LibraryRequest) (*kpi.Definitions, []string, error) {
	lib, _, err := attainyaml.Parse("library/"+e.ID, e.Definitions)
	if err != nil {
		return nil, nil, fmt.Errorf("library entry %s: %w", e.ID, err)
	}
	if len(r.Map) > 100 {
		return nil, nil, kpi.Errorf(kpi.EINVALID, "At most 100 mappings, not %d.", len(r.Map))
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
	if len(probs) > 0 {
		slices.SortFunc(probs, func(x, y kpi.Problem) int { return strings.Compare(x.Column, y.Column) })
		return nil, nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("Library entry %s does not fit the workspace's datasets: %d problems.", e.ID, len(probs)), Details: probs}
	}
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
	return &next, kept, nil
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
