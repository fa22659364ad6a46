package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"attain/kpi"
)

// NewCSVReader reads the header of a CSV file of ds's records now and
// returns a Reader of the rows. The delimiter, comma or semicolon, is the
// one the header line uses; with a semicolon, decimals may use a decimal
// comma. A byte order mark is skipped; line numbers count from the header,
// line 1, and name the line where a row starts.
func NewCSVReader(r io.Reader, ds *kpi.Dataset, opt Options) (*Reader, error) {
	rd, err := newReader(ds, opt)
	if err != nil {
		return nil, err
	}
	rd.count = &countingReader{r: newRecordLimit(r, opt, len(ds.Columns), false)}
	f, err := openCSV(rd.count, opt.File, len(ds.Columns))
	if err != nil {
		return nil, err
	}
	rd.header = f.header
	rd.decComma = f.delim == ';'
	if err := rd.matchHeader(f.header); err != nil {
		return nil, err
	}
	rd.src = &csvSource{f: f}
	return rd, nil
}

// csvFile is an open CSV file whose header has been read.
type csvFile struct {
	file   string
	cr     *csv.Reader
	header []string
	delim  rune
}

// openCSV refuses a file that is not text (a workbook, a PDF, binary data:
// see whatIs), skips a byte order mark, tells the delimiter from the header
// line and reads the header. columns is how many columns the file should have:
// with one, a header without delimiter is fine.
func openCSV(r io.Reader, file string, columns int) (*csvFile, error) {
	name := fileName(file)
	br := bufio.NewReaderSize(r, 64<<10)
	if err := sniffText(br, file, "CSV"); err != nil {
		return nil, err
	}
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	} else if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	line, err := peekLine(br)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	first := kpi.Problem{File: file, Line: 1}
	if len(bytes.TrimSpace(line)) == 0 {
		first.Reason = "file is empty"
		return nil, invalid(first, "%s: file is empty", name)
	}
	commas, semis, tabs := countDelims(line)
	delim := ','
	switch {
	case commas == 0 && semis == 0 && tabs > 0:
		first.Reason = "the header has tabs but no commas or semicolons: the file looks tab-separated; save it as CSV with commas or semicolons"
		return nil, invalid(first, "%s: cannot tell the delimiter: the file looks tab-separated", name)
	case commas == 0 && semis == 0 && columns > 1:
		first.Reason = fmt.Sprintf("cannot tell the delimiter: the header has no comma or semicolon, and %d columns are expected", columns)
		return nil, invalid(first, "%s: cannot tell the delimiter", name)
	case semis > commas:
		delim = ';'
	}
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	var pe *csv.ParseError
	if err == io.EOF {
		first.Reason = "file is empty"
		return nil, invalid(first, "%s: file is empty", name)
	} else if errors.As(err, &pe) {
		first.Line = pe.StartLine
		first.Reason = "cannot read the header: " + quoteReason(pe)
		return nil, invalid(first, "%s: cannot read the header", name)
	} else if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	header = slices.Clone(header)
	for _, h := range header {
		if !utf8.ValidString(h) {
			first.Value, first.Reason = h, "the header is not valid UTF-8; save the file as UTF-8"
			return nil, invalid(first, "%s: the file is not UTF-8", name)
		}
	}
	return &csvFile{file: file, cr: cr, header: header, delim: delim}, nil
}

// peekLine returns the first non-blank line of br without consuming it (up
// to the size of br's buffer).
func peekLine(br *bufio.Reader) ([]byte, error) {
	for n := 512; ; n *= 2 {
		if n > br.Size() {
			n = br.Size()
		}
		b, err := br.Peek(n)
		b = bytes.TrimLeft(b, "\r\n")
		if i := lineEnd(b); i >= 0 {
			return b[:i], nil
		}
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, err
		}
		if err != nil || n == br.Size() {
			return b, nil
		}
	}
}

// lineEnd returns the index of the first newline outside quotes, or -1.
func lineEnd(b []byte) int {
	quoted := false
	for i, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			return i
		}
	}
	return -1
}

func countDelims(line []byte) (commas, semis, tabs int) {
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semis++
		case c == '\t':
			tabs++
		}
	}
	return commas, semis, tabs
}

func quoteReason(pe *csv.ParseError) string {
	s := "bad quoting: " + pe.Err.Error() + " (a cell with a quote must be quoted, and its quotes doubled)"
	if pe.Line > pe.StartLine {
		s += fmt.Sprintf("; the quoted cell runs on to line %d", pe.Line)
	}
	return s
}

// csvSource reads the rows of a CSV file.
type csvSource struct {
	f   *csvFile
	rec []string
}

func (s *csvSource) next(rw *row) error {
	rw.problems, rw.bad, rw.fatal = rw.problems[:0], false, false
	rec, err := s.f.cr.Read()
	s.rec = rec
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rw.line, rw.cells, rw.bad = pe.StartLine, rec, true
			// An open quote that runs over lines may have swallowed
			// rows: nothing after it can be trusted.
			rw.fatal = pe.Line > pe.StartLine
			rw.problems = append(rw.problems, kpi.Problem{File: s.f.file, Line: pe.StartLine, Reason: quoteReason(pe)})
			return nil
		}
		return err
	}
	rw.line, _ = s.f.cr.FieldPos(0)
	rw.cells = rec
	if n := len(s.f.header); len(rec) < n || (len(rec) > n && !allEmpty(rec[n:])) {
		rw.bad = true
		rw.problems = append(rw.problems, kpi.Problem{File: s.f.file, Line: rw.line,
			Reason: fmt.Sprintf("has %d cells, the header has %d", len(rec), n)})
	}
	for j, c := range rec {
		if !utf8.ValidString(c) {
			rw.bad = true
			col := fmt.Sprintf("%d", j+1)
			if j < len(s.f.header) {
				col = s.f.header[j]
			}
			rw.problems = append(rw.problems, kpi.Problem{File: s.f.file, Line: rw.line, Column: col, Value: c,
				Reason: "is not valid UTF-8; save the file as UTF-8"})
		}
	}
	return nil
}

func (s *csvSource) raw() []string { return slices.Clone(s.rec) }

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

func newCSVWriter(w io.Writer) *csv.Writer { return csv.NewWriter(w) }
