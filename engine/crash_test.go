//go:build unix

package engine_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/shopspring/decimal"

	"attain/bench/gen"
	"attain/engine"
	"attain/kpi"
	"attain/sqldb"
)

// crashChanges are the records the crashing process writes: a won deal of
// 1,234,567.89 in June 2025 for E0001, and deal 5 deleted.
func crashChanges() (kpi.Record, string) {
	d := gen.Deal{ID: "CRASH-1", Owner: gen.EmployeeID(0), Stage: gen.Won, Amount: 1_234_567_89,
		EngageDate: kpi.NewDate(2025, 6, 1), CloseDate: kpi.NewDate(2025, 6, 2), Closed: true}
	return d.Record(), "D000000005"
}

// TestSavedState_Crash kills a process that has written records to the
// store and is saving the state that reflects them, before it writes
// anything and after it wrote the state's temporary file; the next start
// must give the values of the store, to the cent.
func TestSavedState_Crash(t *testing.T) {
	for _, stage := range []string{"begin", "written"} {
		t.Run(stage, func(t *testing.T) {
			path, states, ctx, before := crashBefore(t)
			runKilled(t, "TestSavedStateCrashChild", path, states, stage)
			if stage == "written" {
				tmps, _ := filepath.Glob(filepath.Join(states, "*.tmp"))
				if len(tmps) != 1 {
					t.Fatalf("temporary states left: %v, want the one the kill left", tmps)
				}
			}

			_, svc := crashStore(t, path)
			l := newLogged(svc, states)
			got := grid(t, ctx, l.Engine)
			if !strings.Contains(l.log(), "saved state loaded") || !strings.Contains(l.log(), "changes=2") {
				t.Fatalf("next start did not load the old state and replay the 2 changes:\n%s", l.log())
			}
			sameGrid(t, "after the crash", got, grid(t, ctx, engine.New(svc, nil)))

			// To the cent, independently: the company's June won value
			// grew by the new deal and lost deal 5 if it was won then.
			key := "2025-01-01 won_value unit:" + gen.CompanyID + " 2025-06"
			want := decimal.RequireFromString(strings.Split(before[key], "/")[0]).Add(decimal.RequireFromString("1234567.89"))
			if d := gen.Deals(savedConfig)[4]; d.Stage == gen.Won && d.CloseDate >= kpi.NewDate(2025, 6, 1) && d.CloseDate <= kpi.NewDate(2025, 6, 30) {
				want = want.Sub(decimal.New(d.Amount, -2))
			}
			if g := strings.Split(got[key], "/")[0]; g != want.String() {
				t.Errorf("%s = %s, want %s", key, g, want)
			}
		})
	}
}

// crashBefore makes the workspace "saved" in a SQLite file in a
// temporary directory and saves its state in states beside it; it returns
// the grid of values before the crash.
func crashBefore(t *testing.T) (path, states string, ctx context.Context, before map[string]string) {
	dir := t.TempDir()
	path, states = filepath.Join(dir, "attain.db"), filepath.Join(dir, "state")
	db, err := sqldb.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, svc := savedWorkspace(t, db)
	e := stateEngine(svc, states)
	before = grid(t, ctx, e)
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}
	return path, states, ctx, before
}

// runKilled runs the test child (a Test…CrashChild) on the store at path
// and the states in states, and fails unless the child was killed as its
// state save reached stage (see killAtStage).
func runKilled(t *testing.T, child, path, states, stage string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$")
	cmd.Env = append(os.Environ(), "ATTAIN_CRASH_DB="+path, "ATTAIN_CRASH_STATES="+states, "ATTAIN_CRASH_AT="+stage)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed: %v\n%s", err, out)
	}
}

// killAtStage has the child process kill itself when a state save reaches
// the stage ATTAIN_CRASH_AT names.
func killAtStage() {
	at := os.Getenv("ATTAIN_CRASH_AT")
	engine.SetTestHookStateWrite(func(stage string) {
		if stage == at {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	})
}

// crashStore opens the store a crash test works on, in the child process
// and again after the crash: the workspace "saved" of the SQLite file at
// path.
func crashStore(t *testing.T, path string) (context.Context, engine.Services) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	wss := sqldb.NewWorkspaceService(db)
	ws, err := wss.FindWorkspaceBySlug(ctx, "saved")
	if err != nil {
		t.Fatal(err)
	}
	ctx = kpi.NewContextWithWorkspace(ctx, ws.ID)
	return ctx, engine.Services{Workspaces: wss, Org: sqldb.NewOrgService(db), Definitions: sqldb.NewDefinitionService(db), Records: sqldb.NewRecordService(db)}
}

// TestSavedStateCrashChild is the process TestSavedState_Crash kills.
func TestSavedStateCrashChild(t *testing.T) {
	path := os.Getenv("ATTAIN_CRASH_DB")
	if path == "" {
		t.Skip("run by TestSavedState_Crash")
	}
	ctx, svc := crashStore(t, path)
	e := stateEngine(svc, os.Getenv("ATTAIN_CRASH_STATES"))
	if err := e.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	rec, del := crashChanges()
	if _, err := svc.Records.UpsertRecords(ctx, "deals", []kpi.Record{rec}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Records.DeleteRecords(ctx, "deals", []string{del}); err != nil {
		t.Fatal(err)
	}
	if err := e.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	killAtStage()
	if err := e.Save(); err != nil {
		t.Fatal(err)
	}
	t.Fatal("not killed")
}
