package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"time"

	"attain/app"
	"attain/jobs"
)

// stateDir is where the engine saves each workspace's state, so that the
// next process maps it instead of reading every record again: ATTAIN_STATE_DIR
// if set ("off": nowhere); beside a SQLite file (FILE.state); for
// PostgreSQL, in the user's cache directory under a name of the DSN.
func stateDir(dsn string) string {
	if dir := os.Getenv("ATTAIN_STATE_DIR"); dir == "off" {
		return ""
	} else if dir != "" {
		return dir
	}
	switch {
	case dsn == ":memory:" || strings.Contains(dsn, "mode=memory"):
		return ""
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		cache, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		sum := sha256.Sum256([]byte(dsn))
		return filepath.Join(cache, "attain", "state-"+hex.EncodeToString(sum[:8]))
	}
	return strings.TrimPrefix(dsn, "sqlite:") + ".state"
}

// saveStateEvery is how often `attain serve` saves the engine's states
// that changed enough to be worth it.
const saveStateEvery = time.Minute

// jobRunner returns the background jobs of `attain serve`, claimed through
// the store so that each runs once over every server on one database.
func (m *Main) jobRunner() *jobs.Runner {
	r := jobs.New(m.DB, m.Logger)
	r.Add(jobs.Job{Name: "save-engine-state", Every: saveStateEvery, Local: true, Run: func(context.Context) error {
		return m.Engine.SaveChanged()
	}})
	r.Add(jobs.Job{Name: "notify-deliver", Every: app.DeliverEvery, Run: m.App.DeliverAll}) // cmd_notify.go
	r.Add(jobs.Job{Name: "notify-daily", Every: app.DailyEvery, Run: m.App.NotifyDailyAll})
	return r
}
