package yamlerr

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestProblemsLines: every problem has a line, also where the library
// gives none.
func TestProblemsLines(t *testing.T) {
	for _, c := range []struct {
		data string
		line int
	}{
		{`"`, 1},                           // end of stream, on line 1
		{"%", 1},                           // a directive without a name, on line 1
		{"a: 1\nb: 2\nc: \xff\n", 3},       // not UTF-8
		{"a: 1\nb: \x01\n", 2},             // a control character
		{"a: 1\nb: 2\na: 3\n", 3},          // a key twice: the library's line
		{"x: 1\nday: \"2026-13-10\"\n", 2}, // a value's own error: its quoted value
	} {
		var v struct {
			A   int         `yaml:"a"`
			B   any         `yaml:"b"`
			C   any         `yaml:"c"`
			X   int         `yaml:"x"`
			Day badDateText `yaml:"day"`
		}
		err := yaml.Unmarshal([]byte(c.data), &v)
		if err == nil {
			t.Errorf("%q: no error", c.data)
			continue
		}
		probs := Problems("f.yaml", []byte(c.data), err)
		if len(probs) == 0 || probs[0].Line != c.line || probs[0].File != "f.yaml" {
			t.Errorf("%q: %v = %+v, want line %d", c.data, err, probs, c.line)
		}
	}
}

// badDateText fails like a date type's UnmarshalText: with the value
// quoted and no line.
type badDateText struct{}

func (badDateText) UnmarshalText(b []byte) error {
	return &dateError{string(b)}
}

type dateError struct{ s string }

func (e *dateError) Error() string { return `not a date (want YYYY-MM-DD): "` + e.s + `"` }
