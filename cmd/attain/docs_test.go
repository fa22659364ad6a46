package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsMatchHelp reads every command line in the README and docs/ that
// runs attain, and checks that its command exists and takes each --flag it
// gives, so the docs cannot promise what --help does not have.
func TestDocsMatchHelp(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md", "../../demo/README.md", "../../examples/maven/README.md")
	root := NewMain().rootCommand()
	seen := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, text := range strings.Split(string(data), "\n") {
			text = strings.TrimSpace(strings.SplitN(text, " #", 2)[0])
			var args []string
			for _, prefix := range []string{"attain ", "./attain ", "go run ./cmd/attain "} {
				if rest, ok := strings.CutPrefix(text, prefix); ok {
					args = strings.Fields(rest)
				}
			}
			if len(args) > 1 && (args[0] == "-w" || args[0] == "--db") {
				args = args[2:]
			}
			if len(args) == 0 || strings.HasPrefix(args[0], "-") {
				continue
			}
			cmd, _, err := root.Find(args)
			if err != nil || cmd == root {
				t.Errorf("%s:%d: no command in %q", f, i+1, text)
				continue
			}
			seen++
			for _, a := range args {
				name, ok := strings.CutPrefix(a, "--")
				name, _, _ = strings.Cut(name, "=")
				if ok && cmd.Flags().Lookup(name) == nil && cmd.InheritedFlags().Lookup(name) == nil {
					t.Errorf("%s:%d: %s has no flag --%s", f, i+1, cmd.CommandPath(), name)
				}
			}
		}
	}
	if seen < 20 {
		t.Errorf("read only %d command lines from the docs; want the README's and the guides' examples", seen)
	}
}
