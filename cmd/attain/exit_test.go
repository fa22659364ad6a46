package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"attain/kpi"
)

// TestExitCodes runs command lines that fail in different ways and checks
// the message a person reads and the exit code a script sees.
func TestExitCodes(t *testing.T) {
	for _, code := range kpi.Codes {
		if _, ok := exitCodes[code]; !ok {
			t.Errorf("error code %s has no exit code", code)
		}
	}
	tests := []struct {
		name string
		args []string
		exit int
		msg  string
	}{
		{"UnknownCommand", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"UnknownFlag", []string{"kpi", "list", "--bogus"}, 2, "unknown flag: --bogus"},
		{"MissingArgument", []string{"import", "deals"}, 2, "accepts 2 arg(s), received 1"},
		{"Unreachable", []string{"--db", "postgres://root:secret@127.0.0.1:1/none?connect_timeout=2", "kpi", "list"}, 7,
			"Cannot open the database postgres://root:xxxxx@127.0.0.1:1/none"},
		{"NotFound", []string{"--db", t.TempDir(), "-w", "nosuch", "kpi", "list"}, 3, `Workspace "nosuch" not found`},
		{"Invalid", []string{"--db", t.TempDir(), "kpi", "values", "--period", "June"}, 2, "June"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMain()
			var out, errOut bytes.Buffer
			m.Stdout, m.Stderr = &out, &errOut
			err := m.Run(context.Background(), tt.args)
			var shown bytes.Buffer
			exit := report(&shown, err)
			if exit != tt.exit || !strings.Contains(shown.String(), tt.msg) {
				t.Errorf("exit %d, printed:\n%s\nwant exit %d and %q", exit, shown.String(), tt.exit, tt.msg)
			}
			if strings.Contains(shown.String(), "secret") {
				t.Errorf("the password is printed:\n%s", shown.String())
			}
		})
	}
}
