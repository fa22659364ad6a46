// Package yamlerr turns the errors of go.yaml.in/yaml/v3 into problems a
// person can act on: the file, the line, and a reason without the
// library's jargon. attain.yaml (config) and bonus plans (bonus) share it.
package yamlerr

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"attain/kpi"
)

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type .*$`)
)

// Problems returns a problem per error a yaml syntax or type error holds.
// A problem whose line the library did not give has Line 0.
func Problems(file string, err error) []kpi.Problem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	probs := make([]kpi.Problem, 0, len(msgs))
	for _, m := range msgs {
		p := kpi.Problem{File: file, Reason: strings.TrimPrefix(m, "yaml: ")}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			p.Line, _ = strconv.Atoi(sm[1])
			p.Reason = sm[2]
		}
		if sm := unknownField.FindStringSubmatch(p.Reason); sm != nil {
			p.Reason = fmt.Sprintf("unknown field %q", sm[1])
		}
		probs = append(probs, p)
	}
	return probs
}
