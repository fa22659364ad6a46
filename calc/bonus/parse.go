package bonus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"attain/internal/yamlerr"
	"attain/kpi"

	"go.yaml.in/yaml/v3"
)

// ParsePlan reads and validates a PLAN.yaml. file names the file in errors:
// an EINVALID *kpi.Error with a kpi.Problem per problem (file, line, the
// path in the file as Column, reason). Unknown fields are errors.
func ParsePlan(file string, data []byte) (*Plan, error) {
	var p Plan
	pos, err := decodeStrict(file, data, &p)
	if err != nil {
		return nil, err
	}
	if err := validatePlan(&p, file, pos); err != nil {
		return nil, err
	}
	return &p, nil
}

// ParseInputs reads and validates an INPUTS.yaml, reporting problems like
// ParsePlan.
func ParseInputs(file string, data []byte) (*kpi.BonusInputs, error) {
	var in kpi.BonusInputs
	pos, err := decodeStrict(file, data, &in)
	if err != nil {
		return nil, err
	}
	if err := validateInputs(&in, file, pos); err != nil {
		return nil, err
	}
	return &in, nil
}

// decodeStrict decodes data into v, refusing unknown fields, and returns
// the line of every path in the file.
func decodeStrict(file string, data []byte, v any) (lines, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, data, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf("Invalid %s: the file is empty.", nameOr(file)), Details: []kpi.Problem{{File: file, Reason: "empty file"}}}
		}
		return nil, yamlError(file, data, err)
	}
	pos := lines{}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		pos.walk("", root.Content[0])
	}
	return pos, nil
}

func nameOr(file string) string {
	if file == "" {
		return "input"
	}
	return file
}

// lines maps paths in a file (components[1].tiers[0].to) to lines.
type lines map[path]int

func (l lines) walk(at path, n *yaml.Node) {
	l[at] = n.Line
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			fat := at.field(k.Value)
			l.walk(fat, v)
			line := k.Line
			if v.Kind == yaml.ScalarNode {
				line = v.Line
			}
			l[fat] = line
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			l.walk(at.index(i), c)
		}
	}
}

// line returns the line of at, or of the nearest enclosing path in the
// file; 0 if unknown.
func (l lines) line(at path) int {
	if l == nil {
		return 0
	}
	for {
		if n, ok := l[at]; ok {
			return n
		}
		s := string(at)
		i := strings.LastIndexAny(s, ".[")
		if i <= 0 {
			return 0
		}
		at = path(s[:i])
	}
}

// yamlError turns a yaml syntax or type error into an EINVALID *kpi.Error
// with a problem per line (as config does for attain.yaml).
func yamlError(file string, data []byte, err error) error {
	probs := yamlerr.Problems(file, data, err)
	c := &checker{file: file, probs: probs}
	return c.err("input")
}
