//go:build unix

package engine_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"attain/bench/gen"
	"attain/engine"
	"attain/kpi"
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
			path, states, ctx, before := crashBefore(t)
			runKilled(t, "TestFollowImportCrashChild", path, states, stage)

			_, svc := crashStore(t, path)
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
	ctx, svc := crashStore(t, path)
	ctx = kpi.NewContextWithActor(ctx, "test")
	killAtStage()
	rec, _ := crashChanges()
	followed(t, ctx, stateEngine(svc, os.Getenv("ATTAIN_CRASH_STATES")), svc, &sliceReader{recs: []kpi.Record{rec}, batch: 10})
	t.Fatal("not killed")
}
