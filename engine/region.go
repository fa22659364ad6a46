package engine

import "unsafe"

// region hands out the columns of a table from one block of memory (see
// table.reserve), 8-byte aligned, one after the other. With mem nil it
// only counts the bytes they take, in off.
type region struct {
	mem []byte
	off int
}

// grown returns s's elements in r with room for n more; T must hold no
// pointers (the garbage collector does not look into r's memory).
func grown[T any](r *region, s []T, n int) []T {
	var t T
	start := (r.off + 7) &^ 7
	size := (len(s) + n) * int(unsafe.Sizeof(t))
	r.off = start + size
	if r.mem == nil || size == 0 {
		return s
	}
	out := unsafe.Slice((*T)(unsafe.Pointer(&r.mem[start])), len(s)+n)[:len(s)]
	copy(out, s)
	return out
}
