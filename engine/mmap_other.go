//go:build !unix

package engine

import "os"

// mapFile reads a file into memory where it cannot be mapped.
func mapFile(path string) (data []byte, unmap func(), err error) {
	data, err = os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return data, func() {}, nil
}

// outsideHeap returns size bytes of zeroed memory: the heap's where
// memory cannot be mapped.
func outsideHeap(size int) (mem []byte, release func()) {
	return make([]byte, size), func() {}
}
