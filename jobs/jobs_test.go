package jobs_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"attain/jobs"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

func TestRunner(t *testing.T) {
	t.Run("RunOnce", func(t *testing.T) {
		r := jobs.New(kpitest.MustOpenDB(t), nil)
		var ran []time.Time
		if err := r.Add(jobs.Job{Name: "close", Every: time.Hour, Run: func(ctx context.Context) error {
			tick, _ := jobs.TickFromContext(ctx)
			ran = append(ran, tick)
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			ok, err := r.RunOnce(context.Background(), "close")
			if err != nil || !ok {
				t.Fatalf("run %d: ran %v, %v", i, ok, err)
			}
		}
		if len(ran) != 2 || ran[0].IsZero() || !ran[1].After(ran[0]) {
			t.Errorf("ticks %v, want two, later each time", ran)
		}
		if h := r.Health(); h[0].Runs != 2 || h[0].LastErr != nil {
			t.Errorf("health %+v", h[0])
		}
	})
	t.Run("ErrUnknownJob", func(t *testing.T) {
		_, err := jobs.New(nil, nil).RunOnce(context.Background(), "nope")
		if kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Fatalf("err = %v, want not found", err)
		}
	})
	t.Run("ErrAddedTwice", func(t *testing.T) {
		r := jobs.New(nil, nil)
		j := jobs.Job{Name: "a", Every: time.Second, Run: func(context.Context) error { return nil }}
		if err := r.Add(j); err != nil {
			t.Fatal(err)
		}
		if err := r.Add(j); kpi.ErrorCode(err) != kpi.ECONFLICT {
			t.Fatalf("err = %v, want conflict", err)
		}
	})
	t.Run("FailureAndPanicAreHealth", func(t *testing.T) {
		r := jobs.New(nil, nil)
		calls := 0
		r.Add(jobs.Job{Name: "flaky", Every: time.Second, Run: func(context.Context) error {
			calls++
			if calls == 1 {
				return errors.New("boom")
			}
			panic("bad")
		}})
		for range 2 {
			if ok, err := r.RunOnce(context.Background(), "flaky"); !ok || err == nil {
				t.Fatalf("ran %v, err %v: want a run that failed", ok, err)
			}
		}
		if h := r.Health()[0]; h.Runs != 2 || h.Failures != 2 || h.LastErr == nil {
			t.Errorf("health %+v", h)
		}
	})
}

// TestRunner_OncePerTick runs one job every 50 ms in two runners, each
// with a store connection of its own on one database, for a few ticks:
// every tick runs in exactly one of them.
func TestRunner_OncePerTick(t *testing.T) {
	for _, d := range []struct {
		name string
		open func(t *testing.T) (a, b *sqldb.DB)
	}{
		{"sqlite", func(t *testing.T) (a, b *sqldb.DB) {
			path := filepath.Join(t.TempDir(), "attain.db")
			return openFile(t, path), openFile(t, path)
		}},
		{"postgres", func(t *testing.T) (a, b *sqldb.DB) {
			dsn := kpitest.PostgresDSN(t)
			return openFile(t, dsn), openFile(t, dsn)
		}},
	} {
		t.Run(d.name, func(t *testing.T) {
			a, b := d.open(t)
			const every = 50 * time.Millisecond
			var mu sync.Mutex
			runs := map[time.Time]int{}
			job := jobs.Job{Name: "once", Every: every, Run: func(ctx context.Context) error {
				tick, _ := jobs.TickFromContext(ctx)
				mu.Lock()
				runs[tick]++
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
				return nil
			}}
			ra, rb := jobs.New(a, nil), jobs.New(b, nil)
			ra.Add(job)
			rb.Add(job)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wg sync.WaitGroup
			for _, r := range []*jobs.Runner{ra, rb} {
				wg.Add(1)
				go func() { defer wg.Done(); r.Run(ctx) }()
			}
			// Wait for ticks, not for a time: a busy machine misses some.
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(every / 5) {
				mu.Lock()
				n := len(runs)
				mu.Unlock()
				if n >= 6 || time.Now().After(deadline) {
					break
				}
			}
			cancel()
			wg.Wait()
			if len(runs) < 6 {
				t.Fatalf("%d ticks ran in 20 s", len(runs))
			}
			for tick, n := range runs {
				if n != 1 {
					t.Errorf("tick %s ran %d times", tick.Format("15:04:05.000"), n)
				}
			}
			ha, hb := ra.Health()[0], rb.Health()[0]
			if ha.Runs+hb.Runs != len(runs) || ha.Skipped+hb.Skipped == 0 {
				t.Errorf("runs %d+%d, skipped %d+%d, ticks %d", ha.Runs, hb.Runs, ha.Skipped, hb.Skipped, len(runs))
			}
		})
	}
}

func openFile(t *testing.T, dsn string) *sqldb.DB {
	db, err := sqldb.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
