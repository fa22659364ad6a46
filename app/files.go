package app

import "io"

// Media types of the files the use cases export.
const (
	ContentCSV  = "text/csv; charset=utf-8"
	ContentXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	ContentPDF  = "application/pdf"
)

// File is an export: a name to save it under, its media type, and its
// contents, written on demand so an edge can stream them to a response or
// a file.
type File struct {
	Name        string
	ContentType string
	Count       int // what it holds: scorecards, payouts, ...
	write       func(w io.Writer) error
}

// Save writes the file's contents to w.
func (f *File) Save(w io.Writer) error { return f.write(w) }
