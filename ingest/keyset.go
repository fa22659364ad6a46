package ingest

import "hash/maphash"

// keySet is the set of a file's keys with the line each came on, for
// telling duplicates. It keeps the keys' bytes in one buffer and an
// open-addressing index of them: the key's bytes and about 20 more, and
// nothing the garbage collector has to scan, where a map[string]int takes
// several times that and a string for the collector per key.
type keySet struct {
	seed  maphash.Seed
	buf   []byte   // every key's bytes, one after the other
	end   []uint64 // per key: where its bytes end in buf
	lines []int32  // per key: its line
	index []int32  // per bucket: key number + 1, 0 if empty; a power of 2 long
}

func newKeySet() *keySet {
	return &keySet{seed: maphash.MakeSeed(), index: make([]int32, 1024)}
}

func (s *keySet) key(i int32) []byte {
	start := uint64(0)
	if i > 0 {
		start = s.end[i-1]
	}
	return s.buf[start:s.end[i]]
}

// add adds key, on line, unless it is there: then it returns the line it
// came on first.
func (s *keySet) add(key string, line int) (first int, dup bool) {
	if 10*(len(s.end)+1) > 7*len(s.index) {
		s.grow()
	}
	mask := len(s.index) - 1
	i := int(maphash.String(s.seed, key)) & mask
	for ; s.index[i] != 0; i = (i + 1) & mask {
		if k := s.index[i] - 1; string(s.key(k)) == key {
			return int(s.lines[k]), true
		}
	}
	s.buf = append(s.buf, key...)
	s.end = append(s.end, uint64(len(s.buf)))
	s.lines = append(s.lines, int32(min(line, 1<<31-1)))
	s.index[i] = int32(len(s.end))
	return 0, false
}

func (s *keySet) grow() {
	index := make([]int32, 2*len(s.index))
	mask := len(index) - 1
	for _, v := range s.index {
		if v == 0 {
			continue
		}
		i := int(maphash.Bytes(s.seed, s.key(v-1))) & mask
		for index[i] != 0 {
			i = (i + 1) & mask
		}
		index[i] = v
	}
	s.index = index
}
