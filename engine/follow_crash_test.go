//go:build unix

package engine_test

import (
	"context"
	"errors"
	"fmt"
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

// TestFollowImport_Crash kills a process whose followed import is
// committing, as the state begins to be written and after it was written
// to its temporary file (while the store commits, so the import may have
// committed or not), and once the import committed, before the state is
// renamed into place: the next start must give the values of the store,
// the import's record included if it committed, to the cent.
func TestFollowImport_Crash(t *testing.T) {
	for _, stage := range []string{"begin", "written", "publish"} {
		t.Run(stage, func(t *testing.T) {
			dir := t.TempDir()
			path, states := filepath.Join(dir, "attain.db"), filepath.Join(dir, "state")
			db, err := sqldb.Open(context.Background(), path, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx, svc := savedWorkspace(t, db)
			e := stateEngine(svc, states)
			before := grid(t, ctx, e)
			if err := e.Save(); err != nil {
				t.Fatal(err)
			}
			db.Close()

			cmd := exec.Command(os.Args[0], "-test.run=^TestFollowImportCrashChild$")
			cmd.Env = append(os.Environ(), "ATTAIN_CRASH_DB="+path, "ATTAIN_CRASH_STATES="+states, "ATTAIN_CRASH_AT="+stage)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child was not killed: %v\n%s", err, out)
			}

			db, err = sqldb.Open(context.Background(), path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			svc = engine.Services{Workspaces: sqldb.NewWorkspaceService(db), Org: sqldb.NewOrgService(db),
				Definitions: sqldb.NewDefinitionService(db), Records: sqldb.NewRecordService(db)}
			n, err := svc.Records.CountRecords(ctx, "deals")
			imported := n - savedConfig.Records
			if err != nil || imported != 1 && (imported != 0 || stage == "publish") {
				t.Fatalf("the child's import left %d records, %v", n, err)
			}
			l := newLogged(svc, states)
			got := grid(t, ctx, l.Engine)
			if !strings.Contains(l.log(), "saved state loaded") || !strings.Contains(l.log(), fmt.Sprintf("changes=%d ", imported)) {
				t.Fatalf("next start did not load the old state and replay the import (%d records):\n%s", imported, l.log())
			}
			sameGrid(t, "after the crash", got, grid(t, ctx, engine.New(svc, nil)))

			// To the cent, independently: the company's June won value
			// grew by the imported deal, if it committed.
			key := "2025-01-01 won_value unit:" + gen.CompanyID + " 2025-06"
			want := decimal.RequireFromString(strings.Split(before[key], "/")[0]).Add(decimal.RequireFromString("1234567.89").Mul(decimal.NewFromInt(int64(imported))))
			if g := strings.Split(got[key], "/")[0]; g != want.String() {
				t.Errorf("%s = %s, want %s", key, g, want)
			}
		})
	}
}

// TestFollowImportCrashChild is the process TestFollowImport_Crash kills:
// it imports one won deal with a follower and is killed while the
// follower saves the state.
func TestFollowImportCrashChild(t *testing.T) {
	path := os.Getenv("ATTAIN_CRASH_DB")
	if path == "" {
		t.Skip("run by TestFollowImport_Crash")
	}
	ctx, svc := crashChildStore(t, path)
	ctx = kpi.NewContextWithActor(ctx, "test")
	at := os.Getenv("ATTAIN_CRASH_AT")
	engine.SetTestHookStateWrite(func(stage string) {
		if stage == at {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	})
	rec, _ := crashChanges()
	followed(t, ctx, stateEngine(svc, os.Getenv("ATTAIN_CRASH_STATES")), svc, &sliceReader{recs: []kpi.Record{rec}, batch: 10})
	t.Fatal("not killed")
}
