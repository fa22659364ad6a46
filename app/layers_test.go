package app_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLayers checks the import rules of docs/architecture.md on the
// non-test files of each package: the domain imports no other package of
// Attain; pure calculation does no I/O through the store, the engine or the
// use cases; the edges reach the application only through package app.
func TestLayers(t *testing.T) {
	rules := []struct {
		dir     string
		allowed []string // packages of this module it may import (prefixes)
	}{
		{"../kpi", nil},
		{"../calc/formula", []string{"attain/kpi"}},
		{"../calc/score", []string{"attain/kpi"}},
		{"../calc/bonus", []string{"attain/kpi", "attain/calc/formula", "attain/internal/"}},
		{"../calc/did", nil},
		{"../engine", []string{"attain/kpi", "attain/calc/"}},
		{"../sqldb", []string{"attain/kpi"}},
		{"../ingest", []string{"attain/kpi"}},
		{"../attainyaml", []string{"attain/kpi", "attain/calc/", "attain/internal/"}},
		{"../demo", []string{"attain/kpi"}},
		{"../app/review", []string{"attain/kpi", "attain/calc/"}},
		{"../app/preview", []string{"attain/kpi", "attain/calc/"}},
		{"../app/payroll", []string{"attain/kpi", "attain/calc/", "attain/app/review"}},
		{"../library", nil},
		{".", []string{"attain/kpi", "attain/calc/", "attain/app/", "attain/ingest", "attain/attainyaml", "attain/demo", "attain/library"}},
		{"../sso", []string{"attain/kpi"}},
		{"../mail", []string{"attain/kpi"}},
		{"../jobs", []string{"attain/kpi"}},
		{"../web", []string{"attain/app", "attain/kpi", "attain/calc/", "attain/web/svg"}},
		{"../web/svg", nil},
		{"../cmd/attain", []string{"attain/app", "attain/kpi", "attain/calc/", "attain/web",
			"attain/sqldb", "attain/engine", "attain/sso", "attain/mail", "attain/jobs"}}, // the last five to wire them
	}
	for _, r := range rules {
		for file, imports := range imports(t, r.dir) {
			for _, imp := range imports {
				if !strings.HasPrefix(imp, "attain/") {
					continue
				}
				ok := false
				for _, a := range r.allowed {
					ok = ok || imp == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(imp, a))
				}
				if !ok {
					t.Errorf("%s imports %s; %s may import only %v", file, imp, r.dir, r.allowed)
				}
			}
		}
	}
}

// imports returns the imports of each non-test Go file in dir.
func imports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	out := map[string][]string{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out[name] = append(out[name], p)
		}
	}
	return out
}
