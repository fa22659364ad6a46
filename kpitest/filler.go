package kpitest

import (
	"io"
	"strings"
)

// Filler returns a reader of head, then n bytes of filler, then tail, made
// as it is read: a 200 MB cell or body that is never in memory whole.
func Filler(head string, n int64, filler byte, tail string) io.Reader {
	return &fillerReader{head: strings.NewReader(head), n: n, filler: filler, tail: strings.NewReader(tail)}
}

type fillerReader struct {
	head, tail io.Reader
	n          int64
	filler     byte
}

func (f *fillerReader) Read(p []byte) (int, error) {
	if n, err := f.head.Read(p); n > 0 || err != io.EOF {
		return n, err
	}
	if f.n > 0 {
		k := min(int64(len(p)), f.n)
		for i := range k {
			p[i] = f.filler
		}
		f.n -= k
		return int(k), nil
	}
	return f.tail.Read(p)
}
