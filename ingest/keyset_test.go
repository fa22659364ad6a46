package ingest

import (
	"strconv"
	"testing"
)

// TestKeySet adds keys through several growths of the index, each twice:
// the second time is a duplicate with the first one's line.
func TestKeySet(t *testing.T) {
	s := newKeySet()
	for i := range 50_000 {
		if _, dup := s.add("k"+strconv.Itoa(i), i+2); dup {
			t.Fatalf("key %d is new, add says it is a duplicate", i)
		}
	}
	for i := range 50_000 {
		first, dup := s.add("k"+strconv.Itoa(i), 100_000+i)
		if !dup || first != i+2 {
			t.Fatalf("key %d again: first %d, dup %v; want line %d", i, first, dup, i+2)
		}
	}
	if _, dup := s.add("", 1); dup {
		t.Fatal("the empty key is new")
	}
}
