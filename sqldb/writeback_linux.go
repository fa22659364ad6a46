package sqldb

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// writebackEvery is how often startWriteback hands the kernel what was
// written since.
const writebackEvery = 200 * time.Millisecond

// startWriteback has the kernel start writing the file at path to disk
// every writebackEvery, without waiting for it, until stop is called. A
// large import appends its pages to the WAL for seconds, and the kernel
// keeps them in memory (up to a tenth of it, for half a minute); the
// commit's checkpoint then waits for all of them at once when it syncs
// the WAL. Written as they come, few are left to wait for. Nothing is
// done if the file cannot be opened.
func startWriteback(path string) (stop func()) {
	f, err := os.Open(path)
	if err != nil {
		return func() {}
	}
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(writebackEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				// Only a hint: an error leaves the sync to the checkpoint.
				_ = unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
			}
		}
	}()
	return func() {
		close(done)
		<-exited
		f.Close()
	}
}
