package engine

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestKeyIndex adds and removes keys at random, checking the index against
// a map, through growth, backward shifts and compaction; keys are added
// one by one (add) or in batches linked later (addLater, link).
func TestKeyIndex(t *testing.T) {
	t.Run("add", func(t *testing.T) { testKeyIndex(t, false) })
	t.Run("addLater", func(t *testing.T) { testKeyIndex(t, true) })
}

func testKeyIndex(t *testing.T, later bool) {
	x := newKeyIndex()
	want := map[string]int32{}
	var free []int32
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200_000 {
		if i == 100_000 {
			x.compact()
		}
		k := "k" + strconv.Itoa(r.IntN(30_000)) + string(make([]byte, r.IntN(60)))
		if slot, ok := want[k]; ok && i%3 != 0 {
			x.link() // a batch ends before the keys are looked for
			if got, ok := x.find(k); !ok || got != slot {
				t.Fatalf("find %q: %d %v, want %d", k, got, ok, slot)
			}
			x.remove(slot)
			delete(want, k)
			free = append(free, slot)
			continue
		}
		if _, ok := want[k]; ok {
			continue
		}
		var slot int32
		if n := len(free); n > 0 {
			slot, free = free[n-1], free[:n-1]
		} else {
			slot = int32(len(x.spans))
			x.spans = append(x.spans, keySpan{})
		}
		add := x.add
		if later {
			add = x.addLater
		}
		if !add(slot, k) {
			t.Fatal("add failed")
		}
		want[k] = slot
	}
	x.link()
	if x.n != len(want) {
		t.Fatalf("%d keys, want %d", x.n, len(want))
	}
	for k, slot := range want {
		if got, ok := x.find(k); !ok || got != slot || x.key(slot) != k {
			t.Fatalf("find %q: %d %v, want %d", k, got, ok, slot)
		}
	}
	if _, ok := x.find("absent"); ok {
		t.Fatal("found an absent key")
	}
}

// TestKeyIndexReserve: keys added after their index was moved into memory
// outside the heap with room for keys (table.reserve), too little, about
// right or too much, are found in their slots, and room enough leaves the
// index as it was sized.
func TestKeyIndexReserve(t *testing.T) {
	for _, room := range []int{0, 10, 5_000, 9_000, 100_000} {
		x := newKeyIndex()
		for i := range 1_000 { // keys before the reserve
			x.spans = append(x.spans, keySpan{})
			x.add(int32(i), "a"+strconv.Itoa(i))
		}
		var sizes region
		x.regrow(&sizes, 1_000+room, 6*room, 1_000+room)
		mem, release := outsideHeap(sizes.off)
		defer release()
		x.regrow(&region{mem: mem}, 1_000+room, 6*room, 1_000+room)
		size := len(x.index)
		if 10*(1_000+room) > 7*size {
			t.Fatalf("room %d: an index of %d buckets for %d keys", room, size, 1_000+room)
		}
		for i := 1_000; i < 10_000; i++ {
			x.spans = append(x.spans, keySpan{})
			if !x.add(int32(i), "b"+strconv.Itoa(i)) {
				t.Fatal("add failed")
			}
			if i < 1_000+room && len(x.index) != size {
				t.Fatalf("room %d: the index grew at key %d", room, i)
			}
		}
		for i := range 10_000 {
			k := "a" + strconv.Itoa(i)
			if i >= 1_000 {
				k = "b" + strconv.Itoa(i)
			}
			if slot, ok := x.find(k); !ok || slot != int32(i) || x.key(slot) != k {
				t.Fatalf("room %d: find %q: %d %v", room, k, slot, ok)
			}
		}
	}
}
