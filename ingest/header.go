package ingest

import "io"

// ReadHeader reads the header of a CSV file (comma or semicolon, as
// NewCSVReader tells them apart): the columns a person maps to a
// dataset's before importing the file.
func ReadHeader(r io.Reader, file string) ([]string, error) {
	f, err := openCSV(r, file, 1)
	if err != nil {
		return nil, err
	}
	return f.header, nil
}
