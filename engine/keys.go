package engine

import (
	"crypto/rand"
	"encoding/binary"
	"math"
	"math/bits"
)

// keyIndex holds the record keys of a table: their bytes in one buffer and
// an open-addressing hash index from key to slot. It takes a third of the
// memory of a map[string]int32 with a string per key, which matters at
// millions of records.
type keyIndex struct {
	seed  uint64    // of the hash; random per index, kept with a saved state
	buf   []byte    // the keys' bytes, and those of freed slots' keys until compacted
	spans []keySpan // per slot: where its key is in buf
	index []int32   // per bucket: slot+1, 0 if empty; linear probing, len a power of 2
	n     int       // keys held
	dead  int       // bytes of buf no slot uses

	unlinked []int32  // slots whose keys addLater stored, not yet in index
	hashes   []uint64 // link's scratch
}

type keySpan struct{ off, n uint32 }

// maxKeyBytes bounds the bytes of a table's keys (offsets are 32 bits).
const maxKeyBytes = math.MaxUint32

func newKeyIndex() keyIndex {
	var b [8]byte
	rand.Read(b[:])
	return keyIndex{seed: binary.LittleEndian.Uint64(b[:]), index: make([]int32, 8)}
}

// hashKey is a seeded hash of a key (8 bytes at a time, each folded in by
// a 128-bit multiply, as wyhash does). Unlike hash/maphash its seed can be
// saved, so an index saved with a state is valid when it is loaded.
func hashKey[T string | []byte](seed uint64, key T) uint64 {
	const m1, m2 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db
	h := seed ^ uint64(len(key))*m1
	for len(key) >= 8 {
		w := uint64(key[0]) | uint64(key[1])<<8 | uint64(key[2])<<16 | uint64(key[3])<<24 |
			uint64(key[4])<<32 | uint64(key[5])<<40 | uint64(key[6])<<48 | uint64(key[7])<<56
		hi, lo := bits.Mul64(h^w, m2)
		h = hi ^ lo
		key = key[8:]
	}
	var w uint64
	for i := range len(key) {
		w |= uint64(key[i]) << (8 * i)
	}
	hi, lo := bits.Mul64(h^w^m1, m2)
	hi, lo = bits.Mul64(hi^lo, m1)
	return hi ^ lo
}

// keyBytes returns slot's key as stored: it shares buf, so it is valid
// only until the next add.
func (x *keyIndex) keyBytes(slot int32) []byte {
	sp := x.spans[slot]
	return x.buf[sp.off : sp.off+sp.n]
}

// key returns slot's key.
func (x *keyIndex) key(slot int32) string { return string(x.keyBytes(slot)) }

func (x *keyIndex) bucket(key []byte) int {
	return int(hashKey(x.seed, key) & uint64(len(x.index)-1))
}

// find returns the slot of key.
func (x *keyIndex) find(key string) (int32, bool) {
	mask := len(x.index) - 1
	for i := int(hashKey(x.seed, key) & uint64(mask)); ; i = (i + 1) & mask {
		v := x.index[i]
		if v == 0 {
			return 0, false
		}
		if string(x.keyBytes(v-1)) == key {
			return v - 1, true
		}
	}
}

// add stores key for slot, which must not hold one; spans must reach
// slot. It reports false if the table's keys would exceed maxKeyBytes.
func (x *keyIndex) add(slot int32, key string) bool {
	if !x.store(slot, key) {
		return false
	}
	x.place(hashKey(x.seed, key), slot)
	return true
}

// addLater is add but for the index: the key is found only once link has
// placed it. Placing keys a batch at a time, their hashes computed first,
// lets the processor wait for the index's cache misses of several keys at
// once instead of one by one between records.
func (x *keyIndex) addLater(slot int32, key string) bool {
	if !x.store(slot, key) {
		return false
	}
	x.unlinked = append(x.unlinked, slot)
	return true
}

// link places in the index the keys added by addLater.
func (x *keyIndex) link() {
	if len(x.unlinked) == 0 {
		return
	}
	hs := x.hashes[:0]
	for _, slot := range x.unlinked {
		hs = append(hs, hashKey(x.seed, x.keyBytes(slot)))
	}
	mask := uint64(len(x.index) - 1)
	for j, h := range hs {
		i := h & mask
		for x.index[i] != 0 {
			i = (i + 1) & mask
		}
		x.index[i] = x.unlinked[j] + 1
	}
	x.hashes, x.unlinked = hs[:0], x.unlinked[:0]
}

// store stores key for slot in buf, counting it in n and growing the index
// for it, but does not place it in the index.
func (x *keyIndex) store(slot int32, key string) bool {
	if len(x.buf)+len(key) > maxKeyBytes || x.dead > len(x.buf)/2 && x.dead > 1<<20 {
		x.compact()
		if len(x.buf)+len(key) > maxKeyBytes {
			return false
		}
	}
	if 10*(x.n+1) > 7*len(x.index) {
		x.grow()
	}
	x.spans[slot] = keySpan{uint32(len(x.buf)), uint32(len(key))}
	x.buf = append(x.buf, key...)
	x.n++
	return true
}

// place puts slot in the index at the first empty bucket from hash's.
func (x *keyIndex) place(hash uint64, slot int32) {
	mask := uint64(len(x.index) - 1)
	i := hash & mask
	for x.index[i] != 0 {
		i = (i + 1) & mask
	}
	x.index[i] = slot + 1
}

// remove drops slot's key, shifting back the keys probed past it.
func (x *keyIndex) remove(slot int32) {
	mask := len(x.index) - 1
	i := x.bucket(x.keyBytes(slot))
	for x.index[i] != slot+1 {
		i = (i + 1) & mask
	}
	x.index[i] = 0
	for j := (i + 1) & mask; x.index[j] != 0; j = (j + 1) & mask {
		// The key at j moves into the hole at i unless its home bucket
		// is cyclically in (i, j].
		k := x.bucket(x.keyBytes(x.index[j] - 1))
		if i < j && i < k && k <= j || j < i && (i < k || k <= j) {
			continue
		}
		x.index[i], x.index[j] = x.index[j], 0
		i = j
	}
	x.dead += int(x.spans[slot].n)
	x.spans[slot] = keySpan{}
	x.n--
}

// regrow moves the keys into r (see table.regrow) with room for keys in
// slots up to slots and keyBytes more bytes of them, and an index of
// enough buckets for keys keys.
func (x *keyIndex) regrow(r *region, slots, keyBytes, keys int) {
	x.spans = grown(r, x.spans, max(0, slots-len(x.spans)))
	if len(x.buf)+keyBytes <= maxKeyBytes {
		x.buf = grown(r, x.buf, keyBytes)
	}
	size := len(x.index)
	for 10*keys > 7*size {
		size *= 2
	}
	if size > len(x.index) {
		index := grown(r, []int32(nil), size)
		if r.mem != nil {
			x.rehash(index[:size])
		}
	}
}

// grow doubles the index.
func (x *keyIndex) grow() { x.rehash(make([]int32, 2*len(x.index))) }

// rehash moves the keys into index, all empty buckets, as many as a power
// of 2.
func (x *keyIndex) rehash(index []int32) {
	old := x.index
	x.index = index
	mask := len(x.index) - 1
	for _, v := range old {
		if v == 0 {
			continue
		}
		i := x.bucket(x.keyBytes(v - 1))
		for x.index[i] != 0 {
			i = (i + 1) & mask
		}
		x.index[i] = v
	}
}

// compact copies the keys in use into a new buffer.
func (x *keyIndex) compact() {
	buf := make([]byte, 0, len(x.buf)-x.dead)
	for i, sp := range x.spans {
		if sp.n > 0 {
			x.spans[i].off = uint32(len(buf))
			buf = append(buf, x.buf[sp.off:sp.off+sp.n]...)
		}
	}
	x.buf, x.dead = buf, 0
}
