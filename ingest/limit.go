package ingest

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"attain/kpi"
)

// DefaultMaxFieldBytes is how long a cell may be unless Options.MaxFieldBytes
// says otherwise.
const DefaultMaxFieldBytes = 64 << 10

// recordSlack is what a record may hold beyond its cells: delimiters,
// quotes, JSON keys.
const recordSlack = 64 << 10

// recordLimit reads a file and fails, with a problem naming the line, as
// soon as one record runs on for more than max bytes: a cell of 200 MB is
// refused after reading a few hundred kilobytes of it, never held whole
// by the CSV or JSON reader. A CSV record ends at a line break outside
// quotes; a JSON one when its object (an element of the array, or a line
// of NDJSON) closes.
type recordLimit struct {
	r        io.Reader
	file     string
	max      int64 // bytes a record may hold
	maxField int   // bytes a cell may hold, for the message
	json     bool

	n     int64 // bytes of the current record
	line  int   // the current line, from 1
	start int   // the line the current record started on

	quoted      bool // CSV: inside quotes
	inStr, esc  bool // JSON: inside a string, after a backslash
	depth, base int  // JSON: nesting; records sit at depth > base
	begun       bool // JSON: the first byte that is not a space was read
	err         error
}

func newRecordLimit(r io.Reader, opt Options, columns int, json bool) io.Reader {
	field := opt.MaxFieldBytes
	if field <= 0 {
		field = DefaultMaxFieldBytes
	}
	return &recordLimit{r: r, file: opt.File, max: int64(field)*int64(columns) + recordSlack, maxField: field,
		json: json, line: 1, start: 1}
}

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	if !l.json {
		if i, ok := l.scanCSV(p[:n]); !ok {
			return i, l.fail()
		}
		return n, err
	}
	for i := 0; i < n; i++ {
		c := p[i]
		if c == '\n' {
			l.line++
		}
		l.n++
		l.stepJSON(c)
		if l.n > l.max {
			return i, l.fail()
		}
	}
	return n, err
}

// scanCSV follows the records of a CSV file through p, a run of bytes at
// a time (found with bytes.IndexByte): between quotes up to the closing
// one, outside them line by line up to the next quote. It reports false,
// with the index of the byte, when a record runs on for more than max
// bytes.
func (l *recordLimit) scanCSV(p []byte) (int, bool) {
	i := 0
	for i < len(p) {
		end := len(p) // of the run: the next quote, or the end of p
		if q := bytes.IndexByte(p[i:], '"'); q >= 0 {
			end = i + q
		}
		if l.quoted {
			run := int64(end - i)
			if l.n+run > l.max {
				return i + int(l.max-l.n), false
			}
			l.line += bytes.Count(p[i:end], []byte{'\n'})
			l.n += run
		} else {
			for i < end {
				j := bytes.IndexByte(p[i:end], '\n')
				if j < 0 {
					j = end - i
				}
				if l.n+int64(j) > l.max {
					return i + int(l.max-l.n), false
				}
				l.n += int64(j)
				i += j
				if i < end { // the line break ends the record
					l.line++
					l.n, l.start = 0, l.line
					i++
				}
			}
		}
		i = end
		if i < len(p) { // the quote
			l.quoted = !l.quoted
			if l.n++; l.n > l.max {
				return i, false
			}
			i++
		}
	}
	return i, true
}

// fail is the error of a record running on for more than max bytes.
func (l *recordLimit) fail() error {
	l.err = &kpi.Error{Code: kpi.EINVALID,
		Message: fmt.Sprintf("%s: a record runs on for more than %d bytes; nothing was imported", fileName(l.file), l.max),
		Details: []kpi.Problem{{File: l.file, Line: l.start, Reason: fmt.Sprintf(
			"the record starting here runs on for more than %d bytes: a cell may hold at most %d bytes (is a quote left open?)", l.max, l.maxField)}}}
	return l.err
}

// stepJSON follows the structure of a JSON file byte by byte.
func (l *recordLimit) stepJSON(c byte) {
	switch {
	case l.inStr && l.esc:
		l.esc = false
	case l.inStr && c == '\\':
		l.esc = true
	case l.inStr && c == '"':
		l.inStr = false
	case l.inStr:
	case c == '"':
		l.inStr = true
	case c == '{' || c == '[':
		if !l.begun && c == '[' {
			l.base = 1 // an array of records
		}
		l.depth++
	case c == '}' || c == ']':
		l.depth--
	}
	if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != 0xef && c != 0xbb && c != 0xbf {
		l.begun = true
	}
	if !l.inStr && l.depth <= l.base {
		l.n, l.start = 0, l.line
	}
}

// tooLong is the reason a cell is refused for its length, or "".
func tooLong(s string, max int) string {
	if max <= 0 {
		max = DefaultMaxFieldBytes
	}
	if len(s) <= max {
		return ""
	}
	return fmt.Sprintf("is %d bytes long, more than the %d a cell may hold", len(s), max)
}

// shorten cuts a long value to what a problem shows of it.
func shorten(s string) string {
	const keep = 40
	if len(s) <= keep {
		return s
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
