package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"attain/kpi"
)

// sniffSize is how much of a file is looked at to tell what it is.
const sniffSize = 8 << 10

// signatures are the first bytes of the files most often sent by mistake.
var signatures = []struct {
	magic string
	what  string
}{
	{"PK\x03\x04", "a ZIP archive (an XLSX workbook?)"},
	{"PK\x05\x06", "a ZIP archive (an XLSX workbook?)"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls) or a password-protected one"},
	{"%PDF-", "a PDF document"},
	{"\x1f\x8b", "gzip-compressed"},
	{"\xff\xfe", "UTF-16 text"},
	{"\xfe\xff", "UTF-16 text"},
	{"\x89PNG", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF8", "a GIF image"},
}

// whatIs names what head, the start of a file, is if it is not text: one
// of signatures, or "binary data" for NUL bytes or more than one control
// character in a hundred; "" for text. Latin-1 or Windows-1252 text is text
// here: its cells are reported one by one as not UTF-8.
func whatIs(head []byte) string {
	for _, s := range signatures {
		if bytes.HasPrefix(head, []byte(s.magic)) {
			return s.what
		}
	}
	controls := 0
	for i, c := range head {
		switch {
		case c == 0:
			return "binary data"
		case c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
		case c == 0x1a && i == len(head)-1: // the end-of-file mark of old DOS files
		case c < 0x20 || c == 0x7f:
			controls++
		}
	}
	if controls*100 > len(head) {
		return "binary data"
	}
	return ""
}

// sniffText fails unless br starts as a text file of the given format
// ("CSV", "JSON"), with a problem that says what the file is instead.
func sniffText(br *bufio.Reader, file, format string) error {
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return fmt.Errorf("read %s: %w", fileName(file), err)
	}
	what := whatIs(head)
	if what == "" {
		return nil
	}
	reason := fmt.Sprintf("the file is %s, not %s text", what, format)
	switch what {
	case "UTF-16 text":
		reason += "; save it as UTF-8"
	case signatures[0].what:
		reason += "; import an XLSX workbook as xlsx"
	}
	return invalid(kpi.Problem{File: file, Line: 1, Reason: reason}, "%s is not %s: it is %s.", fileName(file), format, what)
}
