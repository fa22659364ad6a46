package sqldb

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"sync"
	"time"
)

// jobLockClass is the first key of the PostgreSQL advisory locks of jobs
// (pg_try_advisory_lock(class, job)); the two-key space does not meet the
// one-key lock of migrations.
const jobLockClass = 7401

// allWorkspaces is the workspace_id of job_runs rows of jobs over every
// workspace.
const allWorkspaces = 0

// ClaimJob claims one tick of a background job for this process: ok is
// true for exactly one caller per job and tick over every process on the
// database, and only for a tick later than every tick claimed before.
// While the claim is held (until release) no other process can claim the
// job: on PostgreSQL a session advisory lock on a connection of its own,
// on SQLite a lock of this process (a SQLite file is served by one).
func (db *DB) ClaimJob(ctx context.Context, job string, tick time.Time) (release func(), ok bool, err error) {
	tick = tick.UTC().Truncate(time.Microsecond)
	if db.dialect != Postgres {
		mu := db.jobLock(job)
		if !mu.TryLock() {
			return nil, false, nil
		}
		ok, err := db.claimTick(ctx, job, tick)
		if err != nil || !ok {
			mu.Unlock()
			return nil, false, err
		}
		return mu.Unlock, true, nil
	}
	conn, err := db.pg.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("claim job %s: connect: %w", job, err)
	}
	key := jobKey(job)
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, jobLockClass, key).Scan(&locked); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("claim job %s: lock: %w", job, err)
	}
	if !locked {
		conn.Release()
		return nil, false, nil
	}
	unlock := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1, $2)`, jobLockClass, key); err != nil {
			// A lock we cannot release must not stay with a pooled
			// connection: closing the connection ends the session's locks.
			conn.Conn().Close(ctx)
		}
		conn.Release()
	}
	ok, err = db.claimTick(ctx, job, tick)
	if err != nil || !ok {
		unlock()
		return nil, false, err
	}
	return unlock, true, nil
}

// claimTick moves the job's last tick to tick if it is earlier and reports
// whether it did.
func (db *DB) claimTick(ctx context.Context, job string, tick time.Time) (bool, error) {
	var n int64
	err := db.write(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.exec(ctx, `INSERT INTO job_runs (workspace_id, job, tick, started_at, runner) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (workspace_id, job) DO UPDATE SET tick = excluded.tick, started_at = excluded.started_at, runner = excluded.runner
			WHERE job_runs.tick < excluded.tick`, allWorkspaces, job, tick.UnixMicro(), tx.now, runnerName())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claim job %s: %w", job, err)
	}
	return n == 1, nil
}

// jobLock returns this process's lock of a job on SQLite.
func (db *DB) jobLock(job string) *sync.Mutex {
	db.jobMu.Lock()
	defer db.jobMu.Unlock()
	if db.jobLocks == nil {
		db.jobLocks = map[string]*sync.Mutex{}
	}
	mu := db.jobLocks[job]
	if mu == nil {
		mu = &sync.Mutex{}
		db.jobLocks[job] = mu
	}
	return mu
}

func jobKey(job string) int32 {
	h := fnv.New32a()
	h.Write([]byte(job))
	return int32(h.Sum32())
}

// runnerName names this process in job_runs: host and process id.
func runnerName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}
