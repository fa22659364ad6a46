package engine

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"
	"unsafe"

	"attain/kpi"
)

// A saved state is one file: the columns of every table and measure as
// they are in memory (native byte order, each section aligned to 8 bytes,
// per-slot columns followed by zeroed room to grow), then a JSON header
// that says where each one is and what the state covers, then a footer:
// the header's offset and length and the magic. Loading maps the file
// copy-on-write and points the columns at it: nothing is parsed or
// evaluated again, only the pages a query touches are read, and a record
// written after the load changes a private copy of its page.
//
// A state is written to a temporary file that is synced and then renamed
// over the old one, so a crash at any moment leaves the old state or the
// new one, whole; either is valid for the record sequence it names, and the
// records written after it are read from the store's change sequence.

const (
	stateMagic  = "ATTAINSTATE\x00\x00\x00\x00\x01" // 16 bytes; the last is the layout version
	footerBytes = 16 + len(stateMagic)
)

// StateMeta says what a saved state covers.
type StateMeta struct {
	Identity    string `json:"identity"`    // the workspace and store it was built from (Store.StateIdentity)
	Definitions string `json:"definitions"` // fingerprint of the definitions, the time zone and the program
	Records     int64  `json:"records"`     // the record sequence number it reflects
}

// section is where a column is in the file: its offset, its length and
// the room it has to grow, in elements.
type section struct {
	Off int64 `json:"off"`
	Len int   `json:"len"`
	Cap int   `json:"cap"`
}

type savedState struct {
	StateMeta
	Endian string       `json:"endian"`
	Owners []string     `json:"owners"`
	Tables []savedTable `json:"tables"`
}

type savedTable struct {
	Dataset    string         `json:"dataset"`
	Keys       int            `json:"keys"`
	Dead       int            `json:"dead"`
	Seed       uint64         `json:"seed"`
	KeyBuf     section        `json:"key_buf"`
	Spans      section        `json:"spans"`
	Index      section        `json:"index"`
	Owner      section        `json:"owner"`
	Pos        section        `json:"pos"`
	Free       section        `json:"free"`
	Days       []*section     `json:"days"` // per time column; nil for one no measure is dated by
	SlotsStart section        `json:"slots_start"`
	Slots      section        `json:"slots"` // every owner's slots, owner by owner
	Measures   []savedMeasure `json:"measures"`
	// The records are sorted by their day in time column DayCol (-1: not
	// sorted): DayStart holds the first slot of each day from DayMin, and
	// last the first slot of the records without one; Sorted is how many.
	DayCol   int     `json:"day_col"`
	DayMin   int32   `json:"day_min"`
	DayStart section `json:"day_start"`
	Sorted   int     `json:"sorted"`
}

type savedMeasure struct {
	Flags      section  `json:"flags"`
	Narrow     *section `json:"narrow,omitempty"`
	Wide       *section `json:"wide,omitempty"`
	KeyIDs     []string `json:"key_ids,omitempty"` // count_distinct: the keys by id
	EvalErrors int      `json:"eval_errors"`
	LastErr    string   `json:"last_err,omitempty"`
}

// slack is the room a per-slot column of n slots gets to grow in place.
func slack(n int) int { return n/16 + 64 }

// nativeEndian names this machine's byte order, which a saved state is
// written in.
func nativeEndian() string {
	x := uint16(1)
	if *(*byte)(unsafe.Pointer(&x)) == 1 {
		return "little"
	}
	return "big"
}

// stateWriter lays sections out one after the other.
type stateWriter struct {
	w   *bufio.Writer
	off int64
	err error
}

func (sw *stateWriter) write(b []byte) {
	if sw.err != nil {
		return
	}
	n, err := sw.w.Write(b)
	sw.off += int64(n)
	sw.err = err
}

var zeros [64 << 10]byte

func (sw *stateWriter) zero(n int64) {
	for n > 0 && sw.err == nil {
		k := min(n, int64(len(zeros)))
		sw.write(zeros[:k])
		n -= k
	}
}

func (sw *stateWriter) align() {
	if r := sw.off % 8; r != 0 {
		sw.zero(8 - r)
	}
}

// column writes s with room for capacity elements.
func column[T any](sw *stateWriter, s []T, capacity int) section {
	sw.align()
	sec := section{Off: sw.off, Len: len(s), Cap: max(capacity, len(s))}
	var t T
	size := int64(unsafe.Sizeof(t))
	if len(s) > 0 {
		sw.write(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), int64(len(s))*size))
	}
	sw.zero(int64(sec.Cap-len(s)) * size)
	return sec
}

// columnOf writes src[perm[0]], src[perm[1]], ... with room for capacity
// elements.
func columnOf[T any](sw *stateWriter, src []T, perm []int32, capacity int) section {
	sw.align()
	sec := section{Off: sw.off, Len: len(perm), Cap: max(capacity, len(perm))}
	var t T
	size := int64(unsafe.Sizeof(t))
	buf := make([]T, 0, 1<<14)
	for i, old := range perm {
		buf = append(buf, src[old])
		if len(buf) == cap(buf) || i == len(perm)-1 {
			sw.write(unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), int64(len(buf))*size))
			buf = buf[:0]
		}
	}
	sw.zero(int64(sec.Cap-len(perm)) * size)
	return sec
}

// columnMap writes fn of each element of src.
func columnMap(sw *stateWriter, src []int32, fn func(int32) int32) section {
	sw.align()
	sec := section{Off: sw.off, Len: len(src), Cap: len(src)}
	buf := make([]int32, 0, 1<<14)
	for i, v := range src {
		buf = append(buf, fn(v))
		if len(buf) == cap(buf) || i == len(src)-1 {
			sw.write(unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), 4*len(buf)))
			buf = buf[:0]
		}
	}
	return sec
}

// saveOrder is the order a saved state keeps a table's records in.
type saveOrder struct {
	perm  []int32  // new slot → slot: the records, no free slots
	col   int      // the time column they are sorted by, -1 for none
	min   kpi.Date // the first day of start
	start []int32  // per day from min: its first slot; last, the first of the records without a day
}

// saveOrder orders the table's records by their day in the time column
// most measures are dated by (records without a day last), so that a
// saved state's query of a few periods reads a few runs of its columns.
func (t *table) saveOrder() saveOrder {
	ord := saveOrder{col: -1, start: []int32{}}
	uses := make([]int, len(t.days))
	for _, m := range t.measures {
		uses[m.timeCol]++
	}
	for i, n := range uses {
		if t.dated[i] && (ord.col < 0 || n > uses[ord.col]) {
			ord.col = i
		}
	}
	ord.perm = make([]int32, 0, t.keys.n)
	if ord.col < 0 {
		for slot, o := range t.owner {
			if o >= 0 {
				ord.perm = append(ord.perm, int32(slot))
			}
		}
		return ord
	}
	days := t.days[ord.col]
	lo, hi := lastDay, firstDay
	for slot, o := range t.owner {
		if d := days[slot]; o >= 0 && d != noDay {
			lo, hi = min(lo, d), max(hi, d)
		}
	}
	if lo > hi {
		lo, hi = 0, -1
	}
	ord.min = lo
	// A counting sort by day; position k = day - lo, and the records
	// without a day after the last.
	count := make([]int32, int(hi-lo)+3)
	key := func(d kpi.Date) int {
		if d == noDay {
			return int(hi-lo) + 1
		}
		return int(d - lo)
	}
	for slot, o := range t.owner {
		if o >= 0 {
			count[key(days[slot])+1]++
		}
	}
	for k := 1; k < len(count); k++ {
		count[k] += count[k-1]
	}
	ord.start = slices.Clone(count[:len(count)-1])
	ord.perm = ord.perm[:t.keys.n]
	for slot, o := range t.owner {
		if o >= 0 {
			k := key(days[slot])
			ord.perm[count[k]] = int32(slot)
			count[k]++
		}
	}
	return ord
}

// writeState writes s as a saved state to w.
func writeState(w io.Writer, s *State, meta StateMeta) error {
	sw := &stateWriter{w: bufio.NewWriterSize(w, 1<<20)}
	h := savedState{StateMeta: meta, Endian: nativeEndian(), Owners: s.owners}
	names := make([]string, 0, len(s.tables))
	for name := range s.tables {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t := s.tables[name]
		ord := t.saveOrder()
		n := len(ord.perm)
		room := n + slack(n)
		st := savedTable{Dataset: name, Keys: t.keys.n, Dead: t.keys.dead, Seed: t.keys.seed, DayCol: ord.col, DayMin: int32(ord.min), Sorted: n}
		st.KeyBuf = column(sw, t.keys.buf, len(t.keys.buf)+len(t.keys.buf)/16+1024)
		st.Spans = columnOf(sw, t.keys.spans, ord.perm, room)
		newOf := make([]int32, t.slots())
		for i, old := range ord.perm {
			newOf[old] = int32(i)
		}
		st.Index = columnMap(sw, t.keys.index, func(v int32) int32 {
			if v == 0 {
				return 0
			}
			return newOf[v-1] + 1
		})
		newOf = nil
		st.Owner = columnOf(sw, t.owner, ord.perm, room)
		// Each owner's slots in the new order, and each slot's place in
		// its owner's list.
		start := make([]int32, len(t.ownerSlots)+1)
		for o, sl := range t.ownerSlots {
			start[o+1] = start[o] + int32(len(sl))
		}
		slots, pos := make([]int32, n), make([]int32, n)
		fill := slices.Clone(start[:len(start)-1])
		for i, old := range ord.perm {
			o := t.owner[old]
			slots[fill[o]], pos[i] = int32(i), fill[o]-start[o]
			fill[o]++
		}
		st.Pos = column(sw, pos, room)
		st.Free = column(sw, []int32{}, 0)
		st.SlotsStart = column(sw, start, 0)
		st.Slots = column(sw, slots, 0)
		slots, pos, fill = nil, nil, nil
		st.DayStart = column(sw, ord.start, 0)
		st.Days = make([]*section, len(t.days))
		for i, d := range t.days {
			if t.dated[i] {
				sec := columnOf(sw, d, ord.perm, room)
				st.Days[i] = &sec
			}
		}
		for _, m := range t.measures {
			sm := savedMeasure{EvalErrors: m.evalErrors}
			if m.lastErr != nil {
				sm.LastErr = m.lastErr.Error()
			}
			sm.Flags = columnOf(sw, m.flags, ord.perm, room)
			if m.valued() {
				if m.vals.wide != nil {
					sec := columnOf(sw, m.vals.wide, ord.perm, room)
					sm.Wide = &sec
				} else {
					sec := columnOf(sw, m.vals.narrow, ord.perm, room)
					sm.Narrow = &sec
				}
			}
			if m.keyID != nil {
				sm.KeyIDs = make([]string, len(m.keyID))
				for k, id := range m.keyID {
					sm.KeyIDs[id] = k
				}
			}
			st.Measures = append(st.Measures, sm)
		}
		h.Tables = append(h.Tables, st)
	}
	sw.align()
	at := sw.off
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	sw.write(head)
	var foot [footerBytes]byte
	binary.LittleEndian.PutUint64(foot[0:], uint64(at))
	binary.LittleEndian.PutUint64(foot[8:], uint64(len(head)))
	copy(foot[16:], stateMagic)
	sw.write(foot[:])
	if sw.err != nil {
		return sw.err
	}
	return sw.w.Flush()
}

// testHookStateWrite, when set (by tests), is called as a state is saved:
// with "begin" before anything is written, with "written" when the
// temporary file holds the state and is not yet synced, and with
// "publish" before it is renamed into place.
var testHookStateWrite func(stage string)

// saveState writes s to path: to a temporary file beside it, synced, then
// renamed over path.
func saveState(path string, s *State, meta StateMeta) error {
	tmp, err := writeStateTemp(path, s, meta)
	if err != nil {
		return err
	}
	return publishState(tmp, path)
}

// writeStateTemp writes s to a new temporary file beside path, synced,
// and returns its name: publishState makes it the saved state.
func writeStateTemp(path string, s *State, meta StateMeta) (string, error) {
	if testHookStateWrite != nil {
		testHookStateWrite("begin")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("save state: %w", err)
	}
	// Temporary files of saves that crashed; a save under way elsewhere
	// is younger than an hour.
	if old, _ := filepath.Glob(path + ".*.tmp"); len(old) > 0 {
		for _, o := range old {
			if fi, err := os.Stat(o); err == nil && time.Since(fi.ModTime()) > time.Hour {
				os.Remove(o)
			}
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("save state: %w", err)
	}
	tmp := f.Name()
	err = writeState(f, s, meta)
	if err == nil && testHookStateWrite != nil {
		testHookStateWrite("written")
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("save state: %w", err)
	}
	return tmp, nil
}

// publishState renames the state written to tmp to path.
func publishState(tmp, path string) error {
	if testHookStateWrite != nil {
		testHookStateWrite("publish")
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save state: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync() // the rename itself; best effort where directories cannot be synced
		d.Close()
	}
	return nil
}

// errStale says a saved state is not for these definitions, this
// workspace, or this program.
var errStale = errors.New("saved state is stale")

// loadState maps the saved state at path and returns it as a State for
// defs, org and loc, if it was saved for identity and the fingerprint of
// defs and loc; errStale if it was not (or is of another layout), and
// os.ErrNotExist if there is none.
func loadState(path, identity string, defs *kpi.Definitions, org kpi.Org, loc *time.Location) (*State, StateMeta, error) {
	var meta StateMeta
	data, unmap, err := mapFile(path)
	if err != nil {
		return nil, meta, err
	}
	keep := false
	defer func() {
		if !keep {
			unmap()
		}
	}()
	if len(data) < footerBytes || string(data[len(data)-len(stateMagic):]) != stateMagic {
		return nil, meta, errStale
	}
	foot := data[len(data)-footerBytes:]
	at, n := binary.LittleEndian.Uint64(foot[0:]), binary.LittleEndian.Uint64(foot[8:])
	if at+n > uint64(len(data)-footerBytes) {
		return nil, meta, errStale
	}
	var h savedState
	if err := json.Unmarshal(data[at:at+n], &h); err != nil {
		return nil, meta, fmt.Errorf("%w: header: %v", errStale, err)
	}
	fp, err := fingerprint(defs, loc)
	if err != nil {
		return nil, meta, err
	}
	if h.Identity != identity || h.Definitions != fp || h.Endian != nativeEndian() {
		return nil, h.StateMeta, errStale
	}
	s, err := Build(defs, kpi.Org{}, loc)
	if err != nil {
		return nil, meta, err
	}
	if err := s.restore(data[:at], &h); err != nil {
		return nil, meta, fmt.Errorf("%w: %v", errStale, err)
	}
	s.SetOrg(org)
	keep = true
	runtime.AddCleanup(s, func(unmap func()) { unmap() }, unmap)
	return s, h.StateMeta, nil
}

// view returns the elements of sec in data, with its room to grow as
// capacity.
func view[T any](data []byte, sec section) ([]T, error) {
	var t T
	size := int64(unsafe.Sizeof(t))
	if sec.Off < 0 || sec.Off%8 != 0 || sec.Len < 0 || sec.Cap < sec.Len || sec.Off+int64(sec.Cap)*size > int64(len(data)) {
		return nil, fmt.Errorf("section %+v out of bounds", sec)
	}
	if sec.Cap == 0 {
		return []T{}, nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&data[sec.Off])), sec.Cap)[:sec.Len], nil
}

// restore points s's empty tables and measures at the columns of h in data.
func (s *State) restore(data []byte, h *savedState) error {
	s.owners = h.Owners
	clear(s.ownerID)
	for i, o := range s.owners {
		s.ownerID[o] = int32(i)
	}
	if len(h.Tables) != len(s.tables) {
		return fmt.Errorf("%d tables, want %d", len(h.Tables), len(s.tables))
	}
	var err error
	col := func(dst *[]int32, sec section) {
		if err == nil {
			*dst, err = view[int32](data, sec)
		}
	}
	for _, st := range h.Tables {
		t := s.tables[st.Dataset]
		if t == nil || len(st.Days) != len(t.days) || len(st.Measures) != len(t.measures) {
			return fmt.Errorf("table %s does not match the definitions", st.Dataset)
		}
		t.keys.seed, t.keys.n, t.keys.dead = st.Seed, st.Keys, st.Dead
		if t.keys.buf, err = view[byte](data, st.KeyBuf); err != nil {
			return err
		}
		if t.keys.spans, err = view[keySpan](data, st.Spans); err != nil {
			return err
		}
		col(&t.keys.index, st.Index)
		col(&t.owner, st.Owner)
		col(&t.pos, st.Pos)
		col(&t.free, st.Free)
		var start, slots []int32
		col(&start, st.SlotsStart)
		col(&slots, st.Slots)
		if err != nil {
			return err
		}
		n := len(t.owner)
		if len(t.keys.spans) != n || len(t.pos) != n || len(t.keys.index) < 8 || len(start) == 0 || len(start)-1 > len(s.owners) {
			return fmt.Errorf("table %s: columns of different lengths", st.Dataset)
		}
		t.ownerSlots = make([][]int32, len(start)-1)
		for o := range t.ownerSlots {
			a, b := int(start[o]), int(start[o+1])
			if a > b || b > len(slots) {
				return fmt.Errorf("table %s: bad slot list", st.Dataset)
			}
			t.ownerSlots[o] = slots[a:b:b] // appending copies: the next owner's slots follow
		}
		for i, sec := range st.Days {
			if (sec != nil) != t.dated[i] {
				return fmt.Errorf("table %s: dated time columns differ", st.Dataset)
			}
			if sec != nil {
				if t.days[i], err = view[kpi.Date](data, *sec); err != nil {
					return err
				}
				if len(t.days[i]) != n {
					return fmt.Errorf("table %s: columns of different lengths", st.Dataset)
				}
			}
		}
		if st.DayCol >= 0 {
			if st.DayCol >= len(t.days) || !t.dated[st.DayCol] || st.Sorted != n {
				return fmt.Errorf("table %s: bad day order", st.Dataset)
			}
			var start []int32
			col(&start, st.DayStart)
			if err != nil {
				return err
			}
			if len(start) == 0 || start[len(start)-1] > int32(n) {
				return fmt.Errorf("table %s: bad day order", st.Dataset)
			}
			t.byDay = &dayIndex{col: st.DayCol, min: kpi.Date(st.DayMin), start: start, sorted: int32(st.Sorted)}
		}
		for i, sm := range st.Measures {
			m := t.measures[i]
			if (sm.Narrow != nil || sm.Wide != nil) != m.valued() || m.keyID == nil && len(sm.KeyIDs) > 0 {
				return fmt.Errorf("table %s: measure %d does not match", st.Dataset, i)
			}
			if m.flags, err = view[uint8](data, sm.Flags); err != nil {
				return err
			}
			switch {
			case sm.Wide != nil:
				m.vals.wide, err = view[int64](data, *sm.Wide)
			case sm.Narrow != nil:
				col(&m.vals.narrow, *sm.Narrow)
			}
			if err != nil {
				return err
			}
			if len(m.flags) != n || m.valued() && m.vals.len() != n {
				return fmt.Errorf("table %s: columns of different lengths", st.Dataset)
			}
			for id, k := range sm.KeyIDs {
				m.keyID[k] = int64(id)
			}
			m.evalErrors = sm.EvalErrors
			if sm.LastErr != "" {
				m.lastErr = errors.New(sm.LastErr)
			}
		}
	}
	return nil
}

// fingerprint names what a state's evaluated columns depend on besides the
// records: the definitions, the time zone, and the program that evaluated
// them (its version control revision, or the executable's size and time).
func fingerprint(defs *kpi.Definitions, loc *time.Location) (string, error) {
	h := sha256.New()
	h.Write([]byte(stateMagic))
	if err := json.NewEncoder(h).Encode(defs); err != nil {
		return "", fmt.Errorf("fingerprint definitions: %w", err)
	}
	fmt.Fprintf(h, "zone %s\nprogram %s\n", loc, programID())
	return hex.EncodeToString(h.Sum(nil)), nil
}

// programID names the running program's build.
var programID = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" && modified == "false" {
			return "rev " + rev
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			return fmt.Sprintf("exe %s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return ""
})
