// Package ingest turns CSV, JSON and NDJSON files into typed kpi.Records, in
// batches, and reads the org tree from CSV. Bad input gets a kpi.Problem a
// person can act on (file, line, column, value, why) and is never dropped
// silently: by default one problem makes the whole file fail with every
// problem found (up to a limit); with Options.SkipInvalid the good rows are
// imported and the rejected ones kept, to be written back with WriteRejected.
package ingest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"attain/kpi"
)

// Defaults of Options.
const (
	DefaultBatchSize   = 10000
	DefaultMaxProblems = 100
)

// Options control a Reader.
type Options struct {
	File        string                // name used in problems
	Location    *time.Location        // zone of timestamps without an offset (the workspace's); nil: UTC
	KnownOwner  func(id string) bool  // nil: any owner accepted
	SkipInvalid bool                  // import good rows, keep rejected ones
	BatchSize   int                   // records per Next; default 10000
	MaxProblems int                   // problems collected before giving up, in either mode; default 100
	Progress    func(bytesRead int64) // called once per batch and at the end
	// MaxFieldBytes is how long a cell may be (DefaultMaxFieldBytes if 0);
	// a record may be as long as all its cells at that length, and the
	// file is refused as soon as one runs on for longer.
	MaxFieldBytes int
	// StoreChecksKeys: the reader is imported with
	// kpi.RecordService.ImportRecords, which tells it of repeated keys
	// (Repeated), so it keeps no set of the file's keys: memory does not
	// grow with the file.
	StoreChecksKeys bool
}

// Rejected is a row left out with Options.SkipInvalid.
type Rejected struct {
	Line     int      // where the row starts; for a JSON array, the element's index
	Raw      []string // the row's cells, or the raw JSON record
	Problems []kpi.Problem
}

// Reader yields the records of one file in batches. Use Next as the next
// func of kpi.RecordService.UpsertRecordBatches: records of batches already
// returned are only good if Next ends with io.EOF, which is what the
// store's single transaction ensures.
type Reader struct {
	ds      *kpi.Dataset
	opt     Options
	cols    []column
	key     int // index of the key column, -1 if none
	owner   int // index of the owner column, -1 if none
	src     source
	header  []string
	ignored []string
	count   *countingReader

	decComma bool    // ',' is a decimal separator (the delimiter is ';')
	seen     *keySet // the keys so far, and their lines; nil with StoreChecksKeys
	rawJSON  bool    // Raw of a rejected row is the JSON record

	// Repeated (called by the store, from another goroutine) adds to
	// problems and rejected and reads marks: mu guards them, and bad
	// tells Next that a problem was found.
	mu       sync.Mutex
	bad      atomic.Bool
	problems []kpi.Problem // every problem found so far
	rejected []Rejected    // with SkipInvalid
	marks    []lineMark    // where the lines of the records yielded jump
	yielded  int           // records yielded
	lastLine int           // line of the last one

	rowProbs    []kpi.Problem // scratch: the problems of the current row
	scratch     []kpi.Value   // scratch values once nothing more is yielded
	lines       int           // data rows read
	row         row           // the current row, reused
	err         error         // sticky
	errEOF      bool          // err is the failure of a file read whole
	errProblems int           // the problems err lists; -1 for an error of reading
	done        bool          // io.EOF returned
	lastOwn     string        // memo of KnownOwner
	lastOK      bool
}

// lineMark says that record number ord (from 1) of those yielded came on
// line; the ones after it on the lines after, up to the next mark.
type lineMark struct{ ord, line int }

// column is a dataset column with what parsing it needs.
type column struct {
	*kpi.Column
	header   string // the header it is matched by
	scale    int
	required bool // required, key or owner
	key      bool
	owner    bool
}

// source reads rows of one file format.
type source interface {
	// next fills r with the next row; io.EOF at the end. Other errors
	// are failures to read (not problems with the content).
	next(r *row) error
	// raw returns a copy of the current row's cells for Rejected.
	raw() []string
}

// row is one row read by a source. cells[idx[i]] is the text of dataset
// column i (idx[i] < 0: not in the file). kinds says, for JSON, what kind of
// value each cell was.
type row struct {
	line     int
	cells    []string
	idx      []int
	kinds    []kind
	problems []kpi.Problem // row-level problems found by the source
	bad      bool          // the cells cannot be read (problems say why)
	fatal    bool          // the file cannot be read past this row
}

// kind is the JSON kind of a cell. CSV cells are all text.
type kind uint8

const (
	kindText kind = iota
	kindNumber
	kindBool
	kindNull
	kindComposite // an object or array
)

func newReader(ds *kpi.Dataset, opt Options) (*Reader, error) {
	if ds == nil || len(ds.Columns) == 0 {
		return nil, kpi.Errorf(kpi.EINVALID, "%s: the dataset has no columns.", fileName(opt.File))
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	if opt.MaxProblems <= 0 {
		opt.MaxProblems = DefaultMaxProblems
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	r := &Reader{ds: ds, opt: opt, key: -1, owner: -1}
	if !opt.StoreChecksKeys {
		r.seen = newKeySet()
	}
	for i := range ds.Columns {
		c := &ds.Columns[i]
		col := column{Column: c, header: c.Name, scale: columnScale(c)}
		if c.Header != "" {
			col.header = c.Header
		}
		if c.Name == ds.Key {
			col.key = true
			r.key = i
		}
		if c.Name == ds.Owner {
			col.owner = true
			r.owner = i
		}
		col.required = c.Required || col.key || col.owner
		r.cols = append(r.cols, col)
	}
	return r, nil
}

// Header returns the file's header cells (for JSON, the one column
// "record", which is what Rejected.Raw holds).
func (r *Reader) Header() []string { return r.header }

// Ignored returns the header cells that match no dataset column.
func (r *Reader) Ignored() []string { return r.ignored }

// Lines returns the number of data rows (JSON records) read so far.
func (r *Reader) Lines() int { return r.lines }

// Rejected returns the rows left out with Options.SkipInvalid, so far.
func (r *Reader) Rejected() []Rejected {
	r.mu.Lock()
	defer r.mu.Unlock()
	slices.SortStableFunc(r.rejected, func(a, b Rejected) int { return cmp.Compare(a.Line, b.Line) })
	return slices.Clone(r.rejected)
}

// Repeated is told by the store (kpi.RecordService.ImportRecords) of a
// record whose key an earlier one had, by their numbers among the records
// Next returned: the record is a problem of its line, or rejected with
// SkipInvalid. It fails when the problems reach MaxProblems.
func (r *Reader) Repeated(rec kpi.Record, first, again int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	line, firstLine := r.lineOf(again), r.lineOf(first)
	col := r.ds.Key
	if r.key >= 0 {
		col = r.cols[r.key].header
	}
	p := kpi.Problem{File: r.opt.File, Line: line, Column: col, Value: rec.Key, Reason: fmt.Sprintf("duplicate key, first on line %d", firstLine)}
	if r.opt.SkipInvalid {
		r.rejected = append(r.rejected, Rejected{Line: line, Raw: r.rawOf(rec), Problems: []kpi.Problem{p}})
	}
	r.problems = append(r.problems, p)
	r.bad.Store(true)
	if len(r.problems) >= r.opt.MaxProblems {
		return r.failureLocked(false)
	}
	return nil
}

// lineOf returns the line of record number ord (from 1) of those yielded.
func (r *Reader) lineOf(ord int) int {
	i, _ := slices.BinarySearchFunc(r.marks, ord, func(m lineMark, ord int) int { return cmp.Compare(m.ord, ord+1) })
	if i == 0 {
		return ord
	}
	m := r.marks[i-1]
	return m.line + ord - m.ord
}

// rawOf is the file's row of a record as it was read, near enough to be
// written back with the rejected rows: its values in their columns.
func (r *Reader) rawOf(rec kpi.Record) []string {
	if r.rawJSON {
		obj := map[string]any{}
		for i, c := range r.cols {
			if !rec.Values[i].Null {
				obj[c.header] = kpi.FormatValue(*c.Column, rec.Values[i])
			}
		}
		b, _ := json.Marshal(obj)
		return []string{string(b)}
	}
	raw := make([]string, len(r.header))
	for i, c := range r.cols {
		if j := slices.Index(r.header, c.header); j >= 0 && !rec.Values[i].Null {
			raw[j] = kpi.FormatValue(*c.Column, rec.Values[i])
		}
	}
	return raw
}

// Next returns the next batch of records, io.EOF after the last. In strict
// mode the first problem ends the records: Next reads on to collect up to
// MaxProblems problems and returns them in one *kpi.Error (EINVALID).
func (r *Reader) Next() ([]kpi.Record, error) {
	if r.err != nil {
		r.mu.Lock()
		if r.errProblems >= 0 && len(r.problems) != r.errProblems {
			r.fail(r.errEOF) // Repeated added to them
		}
		r.mu.Unlock()
		return nil, r.err
	}
	if r.done {
		if !r.opt.SkipInvalid && r.bad.Load() { // repeated keys the store found
			r.mu.Lock()
			r.fail(true)
			r.mu.Unlock()
			return nil, r.err
		}
		return nil, io.EOF
	}
	n := len(r.cols)
	var recs []kpi.Record
	var vals []kpi.Value
	for read := 0; ; read++ {
		if read > 0 && read%r.opt.BatchSize == 0 {
			r.progress()
		}
		if r.yielding() {
			if len(recs) == r.opt.BatchSize {
				r.progress()
				return recs, nil
			}
			if recs == nil {
				recs = make([]kpi.Record, 0, r.opt.BatchSize)
				vals = make([]kpi.Value, r.opt.BatchSize*n)
			}
		}
		if err := r.src.next(&r.row); err == io.EOF {
			break
		} else if err != nil {
			r.err, r.errProblems = fmt.Errorf("read %s: %w", fileName(r.opt.File), err), -1
			return nil, r.err
		}
		r.lines++
		var dst []kpi.Value
		if r.yielding() {
			dst = vals[len(recs)*n : (len(recs)+1)*n : (len(recs)+1)*n]
		} else {
			if r.scratch == nil {
				r.scratch = make([]kpi.Value, n)
			}
			dst = r.scratch
		}
		rec, ok := r.parseRow(dst)
		if !ok {
			r.mu.Lock()
			if r.opt.SkipInvalid {
				r.rejected = append(r.rejected, Rejected{
					Line:     r.row.line,
					Raw:      r.src.raw(),
					Problems: append([]kpi.Problem(nil), r.rowProbs...),
				})
			}
			r.problems = append(r.problems, r.rowProbs...)
			r.bad.Store(true)
			if len(r.problems) >= r.opt.MaxProblems || r.row.fatal {
				r.fail(false)
				r.mu.Unlock()
				return r.failWith(recs)
			}
			r.mu.Unlock()
			continue
		}
		if r.yielding() {
			recs = append(recs, rec)
			r.yielded++
			if r.row.line != r.lastLine+1 {
				r.mu.Lock()
				r.marks = append(r.marks, lineMark{r.yielded, r.row.line})
				r.mu.Unlock()
			}
			r.lastLine = r.row.line
		}
	}
	r.progress()
	if !r.yielding() {
		r.mu.Lock()
		r.fail(true)
		r.mu.Unlock()
		return r.failWith(recs)
	}
	r.done = true
	if len(recs) > 0 {
		return recs, nil
	}
	return nil, io.EOF
}

// yielding reports whether good rows still become records: always with
// SkipInvalid, else until the first problem.
func (r *Reader) yielding() bool { return r.opt.SkipInvalid || !r.bad.Load() }

// failWith returns err, set by fail; with StoreChecksKeys it first returns
// the records read before the problems, so that the store can still tell
// of the keys among them that came twice (the import fails in any case).
func (r *Reader) failWith(recs []kpi.Record) ([]kpi.Record, error) {
	if r.opt.StoreChecksKeys && len(recs) > 0 {
		return recs, nil
	}
	return nil, r.err
}

// fail sets err to the file's failure; the caller holds mu.
func (r *Reader) fail(atEOF bool) {
	r.err, r.errProblems, r.errEOF = r.failureLocked(atEOF), len(r.problems), atEOF
}

// failureLocked is the error of a file with problems, by line; atEOF says
// the whole file was read. The caller holds mu.
func (r *Reader) failureLocked(atEOF bool) error {
	name := fileName(r.opt.File)
	slices.SortStableFunc(r.problems, func(a, b kpi.Problem) int { return cmp.Compare(a.Line, b.Line) })
	probs := slices.Clone(r.problems)
	if len(probs) > r.opt.MaxProblems {
		probs = probs[:r.opt.MaxProblems]
	}
	var msg string
	switch {
	case r.row.fatal:
		msg = fmt.Sprintf("%s: %s, cannot read past line %d; nothing was imported", name, plural(len(probs), "problem"), r.row.line)
	case !atEOF && r.opt.SkipInvalid:
		msg = fmt.Sprintf("%s: %s by line %d, too many to skip; nothing was imported", name, plural(len(probs), "problem"), r.row.line)
	case !atEOF:
		msg = fmt.Sprintf("%s: %s, stopped looking at line %d; nothing was imported", name, plural(len(probs), "problem"), r.row.line)
	default:
		msg = fmt.Sprintf("%s: %s; nothing was imported", name, plural(len(probs), "problem"))
	}
	return &kpi.Error{Code: kpi.EINVALID, Message: msg, Details: probs}
}

func (r *Reader) progress() {
	if r.opt.Progress != nil && r.count != nil {
		r.opt.Progress(r.count.n)
	}
}

// parseRow reads the current row into vals and returns its record; on
// problems (in r.rowProbs) it returns false.
func (r *Reader) parseRow(vals []kpi.Value) (kpi.Record, bool) {
	rw := &r.row
	r.rowProbs = append(r.rowProbs[:0], rw.problems...)
	if rw.bad || rw.fatal {
		return kpi.Record{}, false
	}
	var key, owner string
	for i := range r.cols {
		c := &r.cols[i]
		k, s := kindNull, ""
		if j := rw.idx[i]; j >= 0 {
			s, k = rw.cells[j], kindText
			if rw.kinds != nil {
				k = rw.kinds[j]
			}
		}
		if reason := tooLong(s, r.opt.MaxFieldBytes); reason != "" {
			r.problem(c.header, shorten(s), reason)
			continue
		}
		v, reason := r.parseCell(c, s, k)
		if reason != "" {
			r.problem(c.header, s, reason)
			continue
		}
		vals[i] = v
		if v.Null {
			if c.required {
				r.problem(c.header, "", requiredReason(c))
			}
			continue
		}
		if c.key {
			key = cellText(c, s)
		}
		if c.owner {
			owner = cellText(c, s)
		}
	}
	if key != "" && r.seen != nil {
		if first, dup := r.seen.add(key, rw.line); dup {
			r.problem(r.cols[r.key].header, key, fmt.Sprintf("duplicate key, first on line %d", first))
		}
	}
	if owner != "" && r.opt.KnownOwner != nil {
		if owner != r.lastOwn {
			r.lastOwn, r.lastOK = owner, r.opt.KnownOwner(owner)
		}
		if !r.lastOK {
			r.problem(r.cols[r.owner].header, owner, fmt.Sprintf("unknown employee %s (import the org first)", owner))
		}
	}
	if len(r.rowProbs) > 0 {
		return kpi.Record{}, false
	}
	return kpi.Record{Key: key, Owner: owner, Values: vals}, true
}

func (r *Reader) problem(col, value, reason string) {
	r.rowProbs = append(r.rowProbs, kpi.Problem{File: r.opt.File, Line: r.row.line, Column: col, Value: value, Reason: reason})
}

func requiredReason(c *column) string {
	switch {
	case c.key:
		return "is empty; every record needs a key"
	case c.owner:
		return "is empty; every record needs an owner"
	}
	return "is empty; the column is required"
}

// cellText is the text of a key or owner cell: as written for strings,
// without surrounding spaces for other types.
func cellText(c *column, s string) string {
	if c.Type == kpi.String {
		return s
	}
	return strings.TrimSpace(s)
}

// parseCell reads one cell of kind k into a Value of c's type, or returns
// why it cannot.
func (r *Reader) parseCell(c *column, s string, k kind) (kpi.Value, string) {
	switch k {
	case kindNull:
		return kpi.Value{Null: true}, ""
	case kindComposite:
		return kpi.Value{}, "is a JSON object or array, want " + typeName(c)
	case kindBool:
		if c.Type != kpi.Boolean {
			return kpi.Value{}, "is a boolean, want " + typeName(c)
		}
	case kindNumber:
		switch c.Type {
		case kpi.DateType, kpi.Timestamp:
			return kpi.Value{}, "is a number, want " + typeName(c) + " as a string"
		}
	}
	if s == "" {
		return kpi.Value{Null: true}, ""
	}
	if c.Type == kpi.String {
		if len(c.Values) > 0 && !contains(c.Values, s) {
			return kpi.Value{}, "is not one of the allowed values: " + strings.Join(c.Values, ", ")
		}
		return kpi.Value{S: s}, ""
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' || s[0] == '\t' || s[len(s)-1] == '\t' {
		s = strings.TrimSpace(s)
		if s == "" {
			return kpi.Value{Null: true}, ""
		}
	}
	switch c.Type {
	case kpi.Integer, kpi.Decimal, kpi.Money:
		n, reason := parseNumber(s, c.scale, r.decComma && k == kindText, c.Type == kpi.Integer)
		if reason != "" {
			return kpi.Value{}, reason
		}
		if n < 0 && c.NonNegative {
			return kpi.Value{}, "is negative; the column holds only values >= 0"
		}
		return kpi.Value{N: n}, ""
	case kpi.DateType:
		d, ok := parseDate(s)
		if !ok {
			return kpi.Value{}, dateReason(s)
		}
		if kpi.CheckDate(d) != nil {
			return kpi.Value{}, outsideReason()
		}
		return kpi.Value{N: int64(d)}, ""
	case kpi.Timestamp:
		n, reason := parseTimestamp(s, r.opt.Location)
		if reason != "" {
			return kpi.Value{}, reason
		}
		if kpi.CheckDate(kpi.Date(n/86400)) != nil {
			return kpi.Value{}, outsideReason()
		}
		return kpi.Value{N: n}, ""
	case kpi.Boolean:
		n, ok := parseBool(s)
		if !ok {
			return kpi.Value{}, "is not a boolean (want true/false, yes/no or 1/0)"
		}
		return kpi.Value{N: n}, ""
	}
	return kpi.Value{}, fmt.Sprintf("column type %q is unknown", c.Type)
}

func outsideReason() string {
	return fmt.Sprintf("is outside the dates Attain accepts, %s to %s", kpi.MinDate, kpi.MaxDate)
}

func typeName(c *column) string {
	switch c.Type {
	case kpi.String:
		return "a string"
	case kpi.Integer:
		return "an integer"
	case kpi.Decimal:
		return "a decimal number"
	case kpi.Money:
		return "an amount of money"
	case kpi.DateType:
		return "a date"
	case kpi.Timestamp:
		return "a timestamp"
	case kpi.Boolean:
		return "a boolean"
	}
	return string(c.Type)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// matchHeader maps every dataset column to the header cell naming it:
// Column.Header if set, else Name, compared case-insensitively without
// surrounding spaces. It fails on missing key, owner, required and time
// columns and on two cells naming one column.
func (r *Reader) matchHeader(header []string) error {
	name := fileName(r.opt.File)
	idx := make([]int, len(r.cols))
	for i := range idx {
		idx[i] = -1
	}
	var probs []kpi.Problem
	for j, h := range header {
		h = strings.TrimSpace(h)
		matched := false
		for i := range r.cols {
			if !strings.EqualFold(h, r.cols[i].header) {
				continue
			}
			matched = true
			if idx[i] >= 0 {
				probs = append(probs, kpi.Problem{File: r.opt.File, Line: 1, Column: h,
					Reason: fmt.Sprintf("header cells %d and %d both name column %s", idx[i]+1, j+1, r.cols[i].Name)})
				continue
			}
			idx[i] = j
		}
		if !matched && h != "" {
			r.ignored = append(r.ignored, h)
		}
	}
	var missing []string
	for i := range r.cols {
		c := &r.cols[i]
		if idx[i] < 0 && (c.required || contains(r.ds.TimeColumns, c.Name)) {
			missing = append(missing, c.header)
		}
	}
	if len(missing) > 0 {
		probs = append(probs, kpi.Problem{File: r.opt.File, Line: 1,
			Reason: fmt.Sprintf("missing %s %s; the header has: %s",
				pluralWord(len(missing), "column"), strings.Join(missing, ", "), strings.Join(header, ", "))})
	}
	if len(probs) > 0 {
		return &kpi.Error{Code: kpi.EINVALID, Message: name + ": the header does not fit dataset " + r.ds.Name, Details: probs}
	}
	r.row.idx = idx
	return nil
}

// WriteRejected writes rejected rows as CSV: the line, the reasons, then the
// original cells under the file's header, so they can be fixed and imported
// again. The file is meant to be opened in a spreadsheet, so a cell that
// one would read as a formula gets a quote in front (kpi.SafeCell).
func WriteRejected(w io.Writer, header []string, rej []Rejected) error {
	cw := newCSVWriter(w)
	if err := cw.Write(kpi.SafeCells(append([]string{"line", "reason"}, header...))); err != nil {
		return fmt.Errorf("write rejected rows: %w", err)
	}
	for _, rj := range rej {
		reasons := make([]string, len(rj.Problems))
		for i, p := range rj.Problems {
			p.File, p.Line = "", 0
			reasons[i] = p.String()
		}
		rec := append([]string{fmt.Sprint(rj.Line), strings.Join(reasons, "; ")}, rj.Raw...)
		if err := cw.Write(kpi.SafeCells(rec)); err != nil {
			return fmt.Errorf("write rejected rows: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write rejected rows: %w", err)
	}
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func fileName(f string) string {
	if f == "" {
		return "input"
	}
	return f
}

func plural(n int, word string) string {
	return fmt.Sprintf("%d %s", n, pluralWord(n, word))
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// invalid returns an EINVALID error of one problem.
func invalid(p kpi.Problem, format string, args ...any) error {
	return &kpi.Error{Code: kpi.EINVALID, Message: fmt.Sprintf(format, args...), Details: []kpi.Problem{p}}
}
