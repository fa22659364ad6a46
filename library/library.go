// Package library is Attain's built-in KPI library: definitions of KPIs and
// scorecard templates per department function and position, each saying
// which dataset columns it needs, so a new workspace starts from good
// definitions mapped onto its own columns. The entries are YAML files
// embedded in the binary (entries/*.yaml); package app applies them.
package library

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed entries/*.yaml
var files embed.FS

// Entry is one entry of the library: a set of KPIs and perhaps a scorecard
// template for a position, over the datasets and columns Needs names.
type Entry struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Function    string `json:"function"`
	Position    string `json:"position,omitempty"`
	Description string `json:"description"`
	// Needs lists, per dataset the entry reads, the columns it needs.
	Needs []Need `json:"needs"`
	// Definitions is the entry's KPIs and scorecards, as an attain.yaml.
	Definitions []byte `json:"-"`
}

// Need is a dataset an entry reads and the columns it needs of it, with
// the values its filters compare columns with: a workspace whose data
// says "Closed Won" for the entry's Won maps the value when it applies
// the entry.
type Need struct {
	Dataset string              `json:"dataset"`
	Columns []string            `json:"columns"`
	Values  map[string][]string `json:"values,omitempty"`
}

type entryDoc struct {
	ID          string              `yaml:"id"`
	Title       string              `yaml:"title"`
	Function    string              `yaml:"function"`
	Position    string              `yaml:"position,omitempty"`
	Description string              `yaml:"description"`
	Needs       map[string][]string `yaml:"needs"`
	// Values: dataset → column → the values the entry relies on.
	Values      map[string]map[string][]string `yaml:"values,omitempty"`
	Definitions yaml.Node                      `yaml:"definitions"`
}

// Entries returns every entry, by id. The files are part of the binary: a
// broken one is a bug, reported as an error.
func Entries() ([]*Entry, error) {
	names, err := fs.Glob(files, "entries/*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, n := range names {
		data, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var doc entryDoc
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("library %s: %w", n, err)
		}
		defs, err := yaml.Marshal(&doc.Definitions)
		if err != nil {
			return nil, fmt.Errorf("library %s: %w", n, err)
		}
		e := &Entry{ID: doc.ID, Title: doc.Title, Function: doc.Function, Position: doc.Position, Description: strings.TrimSpace(doc.Description), Definitions: defs}
		for ds, cols := range doc.Needs {
			e.Needs = append(e.Needs, Need{Dataset: ds, Columns: cols, Values: doc.Values[ds]})
		}
		for ds, vals := range doc.Values {
			for col := range vals {
				if !slices.Contains(doc.Needs[ds], col) {
					return nil, fmt.Errorf("library %s: values of %s.%s, a column the entry does not need", n, ds, col)
				}
			}
		}
		slices.SortFunc(e.Needs, func(a, b Need) int { return strings.Compare(a.Dataset, b.Dataset) })
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *Entry) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Find returns the entry with id, or nil.
func Find(id string) (*Entry, error) {
	es, err := Entries()
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.ID == id {
			return e, nil
		}
	}
	return nil, nil
}
