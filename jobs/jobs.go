// Package jobs runs background work on aligned ticks: each job at every
// multiple of its interval since the Unix epoch, so that several servers
// sharing one database tick together, and a Claimer (the store) lets one of
// them run each tick. A job that fails is recorded in its health and runs
// again at its next tick; it never stops the others.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"attain/kpi"
)

// Job is one piece of background work.
type Job struct {
	Name  string
	Every time.Duration // ticks at the multiples of Every since the Unix epoch
	// Local jobs run in every process, unclaimed (a process's own cache,
	// say); the others run once per tick over all processes.
	Local bool
	Run   func(ctx context.Context) error
}

// Claimer decides which process runs a tick of a job: ClaimJob reports ok
// to exactly one caller per job and tick, and holds a lock that keeps other
// processes from running the job until release is called. A tick claimed
// once is never claimed again, nor one before it.
type Claimer interface {
	ClaimJob(ctx context.Context, job string, tick time.Time) (release func(), ok bool, err error)
}

// Health is what a job has done since the runner started.
type Health struct {
	Job      string
	Runs     int           // ticks it ran here
	Skipped  int           // ticks another process claimed
	Missed   int           // ticks that passed while it ran
	Failures int           // runs that returned an error
	LastRun  time.Time     // when the last run here started
	LastTook time.Duration // how long it took
	LastErr  error         // the last run's error, nil if it succeeded
}

// Runner runs jobs. Add them, then Run; RunOnce runs one now.
type Runner struct {
	claimer Claimer
	logger  *slog.Logger
	now     func() time.Time

	mu   sync.Mutex
	jobs []*entry
}

type entry struct {
	job    Job
	run    sync.Mutex // one run at a time in this process
	mu     sync.Mutex // guards health
	health Health
}

// New returns a runner whose shared jobs are claimed through c (nil: this
// process is the only one, every tick runs here); logger may be nil.
func New(c Claimer, logger *slog.Logger) *Runner {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{claimer: c, logger: logger, now: time.Now}
}

// Add registers a job; names are unique.
func (r *Runner) Add(j Job) error {
	if j.Name == "" || j.Run == nil || j.Every <= 0 {
		return kpi.Errorf(kpi.EINVALID, "A job needs a name, a positive interval and a function.")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.jobs {
		if e.job.Name == j.Name {
			return kpi.Errorf(kpi.ECONFLICT, "Job %q is added twice.", j.Name)
		}
	}
	r.jobs = append(r.jobs, &entry{job: j, health: Health{Job: j.Name}})
	return nil
}

// Run runs every job on its ticks until ctx ends, then waits for the runs
// under way to return.
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	jobs := append([]*entry(nil), r.jobs...)
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, e := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.loop(ctx, e)
		}()
	}
	wg.Wait()
	return nil
}

// loop runs one job at each of its ticks.
func (r *Runner) loop(ctx context.Context, e *entry) {
	every := e.job.Every
	next := r.now().Truncate(every).Add(every)
	for {
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		r.tick(ctx, e, next)
		// Ticks that passed during the run are missed, not made up.
		after := r.now().Truncate(every).Add(every)
		if missed := int(after.Sub(next)/every) - 1; missed > 0 {
			e.mu.Lock()
			e.health.Missed += missed
			e.mu.Unlock()
			r.logger.Warn("job: ticks missed", "job", e.job.Name, "missed", missed)
		}
		next = after
	}
}

// RunOnce runs the named job now, synchronously (from the CLI or a test),
// as the tick of this moment: it still claims that tick, so it does not
// run while another process runs the job. It reports whether it ran.
func (r *Runner) RunOnce(ctx context.Context, name string) (bool, error) {
	r.mu.Lock()
	var e *entry
	for _, x := range r.jobs {
		if x.job.Name == name {
			e = x
		}
	}
	r.mu.Unlock()
	if e == nil {
		return false, kpi.Errorf(kpi.ENOTFOUND, "Unknown job %q.", name)
	}
	return r.tick(ctx, e, r.now())
}

// tick claims the job's tick and runs it if this process won it.
func (r *Runner) tick(ctx context.Context, e *entry, tick time.Time) (bool, error) {
	e.run.Lock()
	defer e.run.Unlock()
	release := func() {}
	if r.claimer != nil && !e.job.Local {
		rel, ok, err := r.claimer.ClaimJob(ctx, e.job.Name, tick)
		if err != nil {
			if ctx.Err() == nil {
				r.logger.Error("job: claim failed", "job", e.job.Name, "err", err)
			}
			return false, fmt.Errorf("claim job %s: %w", e.job.Name, err)
		}
		if !ok {
			e.mu.Lock()
			e.health.Skipped++
			e.mu.Unlock()
			return false, nil
		}
		release = rel
	}
	defer release()
	start := r.now()
	err := call(context.WithValue(ctx, tickKey{}, tick), e.job)
	took := r.now().Sub(start)
	e.mu.Lock()
	e.health.Runs++
	e.health.LastRun, e.health.LastTook, e.health.LastErr = start, took, err
	if err != nil {
		e.health.Failures++
	}
	e.mu.Unlock()
	if err != nil {
		r.logger.Error("job failed", "job", e.job.Name, "err", err)
		return true, fmt.Errorf("job %s: %w", e.job.Name, err)
	}
	r.logger.Debug("job ran", "job", e.job.Name, "took", took)
	return true, nil
}

type tickKey struct{}

// TickFromContext returns the tick a job's run is for: the aligned time it
// was due, or the moment of RunOnce.
func TickFromContext(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(tickKey{}).(time.Time)
	return t, ok
}

// call calls the job, turning a panic into its error.
func call(ctx context.Context, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.New(fmt.Sprint("panic: ", p))
		}
	}()
	return j.Run(ctx)
}

// Health returns each job's health, in the order they were added.
func (r *Runner) Health() []Health {
	r.mu.Lock()
	jobs := append([]*entry(nil), r.jobs...)
	r.mu.Unlock()
	hs := make([]Health, len(jobs))
	for i, e := range jobs {
		e.mu.Lock()
		hs[i] = e.health
		e.mu.Unlock()
	}
	return hs
}
