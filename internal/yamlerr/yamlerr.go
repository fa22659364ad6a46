// Package yamlerr turns the errors of go.yaml.in/yaml/v3 into problems a
// person can act on: the file, the line, and a reason without the
// library's jargon. attain.yaml (config) and bonus plans (bonus) share it.
package yamlerr

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"attain/kpi"
)

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type .*$`)
	quoted       = regexp.MustCompile(`"((?:[^"\\]|\\.)+)"`)
)

// Problems returns a problem per error a yaml syntax or type error of
// data holds, each with its line (see lineOf where the library gives none).
func Problems(file string, data []byte, err error) []kpi.Problem {
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
		if p.Line == 0 {
			p.Line = lineOf(data, p.Reason)
		}
		probs = append(probs, p)
	}
	return probs
}

// lineOf finds the line of an error the library gave without one: bytes
// that are not UTF-8 and control characters are looked for in data, and
// so is the first quoted value of an error that came without a line (a
// value's own UnmarshalText error, like a bad date). Else the line is 1:
// the library leaves out the line of an error on the first line (its
// lines count from 0, and it writes none for 0).
func lineOf(data []byte, reason string) int {
	switch {
	case strings.Contains(reason, "UTF-8") || strings.Contains(reason, "Unicode"):
		for i := 0; i < len(data); {
			r, n := utf8.DecodeRune(data[i:])
			if (r == utf8.RuneError && n <= 1) || (r >= 0xd800 && r <= 0xdfff) {
				return bytes.Count(data[:i], []byte("\n")) + 1
			}
			i += n
		}
	case strings.Contains(reason, "control characters"):
		for i, c := range data {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
				return bytes.Count(data[:i], []byte("\n")) + 1
			}
		}
	}
	if sm := quoted.FindStringSubmatch(reason); sm != nil {
		if v, err := strconv.Unquote(`"` + sm[1] + `"`); err == nil {
			for i, l := range strings.Split(string(data), "\n") {
				if strings.Contains(l, v) {
					return i + 1
				}
			}
		}
	}
	return 1
}
