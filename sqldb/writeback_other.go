//go:build !linux

package sqldb

// startWriteback does nothing where sync_file_range is not available: the
// checkpoint syncs the WAL as it would anyway.
func startWriteback(path string) (stop func()) { return func() {} }
