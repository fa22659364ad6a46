//go:build unix

package engine

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps a file copy-on-write: writes to the memory stay private to
// the process. unmap releases it.
func mapFile(path string) (data []byte, unmap func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size == 0 || size != int64(int(size)) {
		return nil, nil, fmt.Errorf("map %s: size %d", path, size)
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, fmt.Errorf("map %s: %w", path, err)
	}
	return data, func() { syscall.Munmap(data) }, nil
}

// outsideHeap returns size bytes of zeroed memory outside the Go heap,
// given by the system page by page as they are first written, and the
// function that hands it back. Where the system will not map it, the
// memory is the heap's.
func outsideHeap(size int) (mem []byte, release func()) {
	mem, err := syscall.Mmap(-1, 0, max(size, 1), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]byte, size), func() {}
	}
	return mem, func() { syscall.Munmap(mem) }
}
