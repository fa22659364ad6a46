package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"attain/kpi"
)

// NewJSONReader returns a Reader of a JSON array of objects, or of NDJSON
// (one object per line), told apart by the first byte that is not a space.
// An object's keys name the dataset's columns (Column.Header or Name, in any
// case); a key naming no column is a problem, not silently dropped. Numbers
// are read exactly from their text. A problem's Line is the NDJSON line, or
// the 1-based index of the record in the array (its reason then ends with
// "(record N)").
func NewJSONReader(r io.Reader, ds *kpi.Dataset, opt Options) (*Reader, error) {
	rd, err := newReader(ds, opt)
	if err != nil {
		return nil, err
	}
	name := fileName(opt.File)
	rd.count = &countingReader{r: newRecordLimit(r, opt, len(ds.Columns), true)}
	br := bufio.NewReaderSize(rd.count, 64<<10)
	if err := sniffText(br, opt.File, "JSON"); err != nil {
		return nil, err
	}
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	line := 1
	var first byte
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil, invalid(kpi.Problem{File: opt.File, Line: 1, Reason: "file is empty"}, "%s: file is empty", name)
		} else if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if c == '\n' {
			line++
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			first = c
			br.UnreadByte()
			break
		}
	}
	p := objectParser{file: opt.File, cols: rd.cols}
	p.cells = make([]string, len(rd.cols))
	p.kinds = make([]kind, len(rd.cols))
	switch first {
	case '[':
		dec := json.NewDecoder(br)
		dec.UseNumber()
		dec.Token() // the '['
		p.array = true
		rd.src = &arraySource{p: p, dec: dec}
	case '{':
		rd.src = &ndjsonSource{p: p, br: br, line: line - 1}
	default:
		return nil, invalid(kpi.Problem{File: opt.File, Line: line, Value: string(first),
			Reason: "not JSON: want an array of objects, or one object per line (NDJSON)"}, "%s: not JSON", name)
	}
	rd.header, rd.rawJSON = []string{"record"}, true
	rd.row.idx = make([]int, len(rd.cols))
	for i := range rd.row.idx {
		rd.row.idx[i] = i
	}
	return rd, nil
}

// objectParser reads one JSON object into cells per dataset column.
type objectParser struct {
	file  string
	cols  []column
	array bool // problems are numbered by record
	cells []string
	kinds []kind
}

// parse reads data, one JSON object, into rw.
func (p *objectParser) parse(data []byte, rw *row) {
	rw.cells, rw.kinds = p.cells, p.kinds
	for i := range p.cells {
		p.cells[i], p.kinds[i] = "", kindNull
	}
	if !utf8.Valid(data) {
		p.bad(rw, "", "is not valid UTF-8; save the file as UTF-8")
		return
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil {
		p.bad(rw, "", "is not valid JSON: "+jsonReason(err))
		return
	} else if tok != json.Delim('{') {
		p.bad(rw, "", "is not a JSON object")
		return
	}
	set := make([]bool, len(p.cols))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			p.bad(rw, "", "is not valid JSON: "+jsonReason(err))
			return
		}
		key, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			p.bad(rw, key, "is not valid JSON: "+jsonReason(err))
			return
		}
		i := p.column(key)
		if i < 0 {
			p.problem(rw, key, "", "is not a column of the dataset (it has "+p.columnList()+")")
			continue
		}
		if set[i] {
			p.problem(rw, key, "", "names column "+p.cols[i].Name+" a second time")
			continue
		}
		set[i] = true
		switch v := v.(type) {
		case nil:
			p.cells[i], p.kinds[i] = "", kindNull
		case string:
			p.cells[i], p.kinds[i] = v, kindText
		case json.Number:
			p.cells[i], p.kinds[i] = string(v), kindNumber
		case bool:
			p.cells[i], p.kinds[i] = fmt.Sprint(v), kindBool
		default:
			p.cells[i], p.kinds[i] = "", kindComposite
		}
	}
	if _, err := dec.Token(); err != nil {
		p.bad(rw, "", "is not valid JSON: "+jsonReason(err))
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		p.bad(rw, "", "has more after the object")
	}
}

func (p *objectParser) column(key string) int {
	key = strings.TrimSpace(key)
	for i := range p.cols {
		if strings.EqualFold(key, p.cols[i].header) || strings.EqualFold(key, p.cols[i].Name) {
			return i
		}
	}
	return -1
}

func (p *objectParser) columnList() string {
	names := make([]string, len(p.cols))
	for i := range p.cols {
		names[i] = p.cols[i].header
	}
	return strings.Join(names, ", ")
}

func (p *objectParser) problem(rw *row, col, value, reason string) {
	if p.array {
		reason += fmt.Sprintf(" (record %d)", rw.line)
	}
	rw.problems = append(rw.problems, kpi.Problem{File: p.file, Line: rw.line, Column: col, Value: value, Reason: reason})
}

func (p *objectParser) bad(rw *row, col, reason string) {
	p.problem(rw, col, "", reason)
	rw.bad = true
}

func jsonReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Error()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return "unexpected end"
	}
	return err.Error()
}

// ndjsonSource reads one object per line; blank lines are skipped.
type ndjsonSource struct {
	p    objectParser
	br   *bufio.Reader
	line int
	buf  []byte
}

func (s *ndjsonSource) next(rw *row) error {
	rw.problems, rw.bad, rw.fatal = rw.problems[:0], false, false
	for {
		b, err := s.readLine()
		if len(b) == 0 && err != nil {
			return err
		}
		s.line++
		if len(bytes.TrimSpace(b)) == 0 {
			if err != nil {
				return err
			}
			continue
		}
		rw.line = s.line
		s.p.parse(b, rw)
		return nil
	}
}

// readLine returns the next line without its newline, in a buffer reused by
// the next call; io.EOF with the last line if it has no newline.
func (s *ndjsonSource) readLine() ([]byte, error) {
	s.buf = s.buf[:0]
	for {
		b, err := s.br.ReadSlice('\n')
		s.buf = append(s.buf, b...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if n := len(s.buf); n > 0 && s.buf[n-1] == '\n' {
			s.buf = s.buf[:n-1]
		}
		return s.buf, err
	}
}

func (s *ndjsonSource) raw() []string { return []string{string(bytes.TrimSpace(s.buf))} }

// arraySource reads the objects of one JSON array.
type arraySource struct {
	p   objectParser
	dec *json.Decoder
	n   int
	cur json.RawMessage
	end bool
}

func (s *arraySource) next(rw *row) error {
	rw.problems, rw.bad, rw.fatal = rw.problems[:0], false, false
	if s.end {
		return io.EOF
	}
	s.cur = nil
	rw.line = s.n + 1
	if !s.dec.More() {
		s.end = true
		if _, err := s.dec.Token(); err != nil {
			return s.fail(rw, err, "the array is not closed: ")
		}
		if _, err := s.dec.Token(); err != io.EOF {
			rw.line = max(s.n, 1) // the last record, or the line of an empty array
			s.p.bad(rw, "", "has more after the array")
			rw.fatal = true
			return nil
		}
		return io.EOF
	}
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		s.end = true
		return s.fail(rw, err, "is not valid JSON: ")
	}
	s.n++
	s.cur = raw
	s.p.parse(raw, rw)
	return nil
}

// fail turns a syntax error into a problem after which nothing can be read;
// other errors are failures to read.
func (s *arraySource) fail(rw *row, err error, prefix string) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) && !errors.Is(err, io.ErrUnexpectedEOF) && err != io.EOF {
		return err
	}
	s.p.bad(rw, "", prefix+jsonReason(err))
	rw.fatal = true
	return nil
}

func (s *arraySource) raw() []string { return []string{string(s.cur)} }
