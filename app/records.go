package app

import (
	"context"
	"io"
	"path/filepath"
	"strings"

	"attain/ingest"
	"attain/kpi"
)

// File formats an import reads.
const (
	FormatCSV  = "csv"
	FormatJSON = "json" // an array of objects, or NDJSON
	FormatXLSX = "xlsx" // the first sheet, read like CSV
)

// FormatOf guesses a file's format from its name: .json, .ndjson and
// .jsonl are JSON, .xlsx is XLSX, anything else CSV.
func FormatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".ndjson", ".jsonl":
		return FormatJSON
	case ".xlsx":
		return FormatXLSX
	}
	return FormatCSV
}

// DefaultMaxFieldBytes is the longest cell an import takes unless told.
const DefaultMaxFieldBytes = ingest.DefaultMaxFieldBytes

// ImportRequest upserts records into a dataset from one file.
type ImportRequest struct {
	Dataset string
	File    string    // the name problems are reported against
	Format  string    // csv, json or xlsx; "" guesses from File
	Body    io.Reader // the file's contents
	// SkipInvalid imports the good records and returns the rejected
	// ones with their reasons; otherwise one bad record fails the file.
	SkipInvalid bool
	// Progress, if set, is told how many bytes were read, once a batch.
	Progress func(read int64)
	// MaxFieldBytes caps one cell (0: ingest's default).
	MaxFieldBytes int
	// Columns, if set, maps each dataset column to the file column it is
	// read from (CSV and XLSX); a column left out reads nothing.
	Columns map[string]string
	// Size is the file's bytes, 0 if not known: with FollowImports, the
	// engine makes room at once for about as many records.
	Size int64
}

// RejectedRow is a record an import left out, with why.
type RejectedRow = ingest.Rejected

// ImportReport is what an import did.
type ImportReport struct {
	kpi.ImportResult
	Dataset string `json:"dataset"`
	// Ignored are the file's columns the dataset does not have.
	Ignored []string `json:"ignored_columns,omitempty"`
	// RejectedRows are the records left out (with SkipInvalid), with
	// why; Header is the file's header, for writing them back as CSV.
	RejectedRows []ingest.Rejected `json:"-"`
	Header       []string          `json:"-"`
}

// WriteRejected writes the rejected rows as CSV: the file's columns and a
// last column with the reasons, to be fixed and imported again.
func (r *ImportReport) WriteRejected(w io.Writer) error {
	return ingest.WriteRejected(w, r.Header, r.RejectedRows)
}

// ImportRecords reads a file into a dataset: all records or, on any
// problem, none (unless SkipInvalid), every problem with its file, line,
// column, value and reason.
func (a *App) ImportRecords(ctx context.Context, who kpi.Actor, r ImportRequest) (*ImportReport, error) {
	ctx, err := a.begin(ctx, who, WriteRecords, on{resource: r.Dataset})
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := dataset(defs, r.Dataset)
	if err != nil {
		return nil, err
	}
	if r.Columns != nil {
		if ds, err = mapColumns(ds, r.Columns); err != nil {
			return nil, err
		}
	}
	loc, err := kpi.WorkspaceLocation(ctx, a.svc.Workspaces)
	if err != nil {
		return nil, err
	}
	known, err := ingest.KnownEmployees(ctx, a.svc.Org)
	if err != nil {
		return nil, err
	}
	opt := ingest.Options{File: r.File, Location: loc, KnownOwner: known, SkipInvalid: r.SkipInvalid, Progress: r.Progress,
		MaxFieldBytes: r.MaxFieldBytes, StoreChecksKeys: true}
	if opt.File == "" {
		opt.File = "request body"
	}
	format := r.Format
	if format == "" {
		format = FormatOf(r.File)
	}
	var rd *ingest.Reader
	switch format {
	case FormatCSV:
		rd, err = ingest.NewCSVReader(r.Body, ds, opt)
	case FormatJSON:
		rd, err = ingest.NewJSONReader(r.Body, ds, opt)
	case FormatXLSX:
		var sheet io.Reader
		if sheet, err = ingest.XLSXAsCSV(r.Body, opt.File); err == nil {
			rd, err = ingest.NewCSVReader(sheet, ds, opt)
		}
	default:
		return nil, kpi.Errorf(kpi.EINVALID, "Unknown format %q: want csv, json (covers NDJSON) or xlsx.", format)
	}
	if err != nil {
		return nil, err
	}
	res, err := a.importRecords(ctx, ds.Name, rd, r.Size)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{ImportResult: res, Dataset: ds.Name, Ignored: rd.Ignored(), RejectedRows: rd.Rejected(), Header: rd.Header()}
	rep.Rejected = len(rep.RejectedRows)
	return rep, nil
}

// importFollower is a ValueService that can follow an import into its
// saved state (engine.Engine.FollowImport); nil means it will not.
type importFollower interface {
	FollowImport(ctx context.Context, dataset string, size int64) (kpi.ImportFollower, error)
}

// importRecords has the store import what rd reads. With FollowImports,
// a store that tells what it writes (kpi.ImportSequencer) and an engine
// that follows, the engine follows the import, so that its saved state is
// ready for the next process when the import returns. Following is only a
// shortcut: when it cannot be done, or saving its state fails, the import
// is as it would be without (the next question scans).
func (a *App) importRecords(ctx context.Context, dataset string, rd kpi.RecordReader, size int64) (kpi.ImportResult, error) {
	seq, ok := a.svc.Records.(kpi.ImportSequencer)
	fi, ok2 := a.svc.Values.(importFollower)
	if !a.FollowImports || !ok || !ok2 {
		return a.svc.Records.ImportRecords(ctx, dataset, rd)
	}
	f, err := fi.FollowImport(ctx, dataset, size)
	if err != nil {
		a.Logger.Warn("import: the engine does not follow it", "dataset", dataset, "err", err)
	}
	if f == nil {
		return a.svc.Records.ImportRecords(ctx, dataset, rd)
	}
	res, err := seq.ImportRecordsFollowed(ctx, dataset, rd, f)
	if cerr := f.Close(); cerr != nil {
		a.Logger.Warn("import: the engine's state was not saved", "dataset", dataset, "err", cerr)
	}
	return res, err
}

// DeleteRecords deletes records by key; keys that are not there count as
// unchanged.
func (a *App) DeleteRecords(ctx context.Context, who kpi.Actor, datasetName string, keys []string) (kpi.ImportResult, error) {
	if len(keys) == 0 {
		return kpi.ImportResult{}, kpi.Errorf(kpi.EINVALID, "Give the keys of the records to delete.")
	}
	ctx, err := a.begin(ctx, who, WriteRecords, on{resource: datasetName})
	if err != nil {
		return kpi.ImportResult{}, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return kpi.ImportResult{}, err
	}
	ds, err := dataset(defs, datasetName)
	if err != nil {
		return kpi.ImportResult{}, err
	}
	return a.svc.Records.DeleteRecords(ctx, ds.Name, keys)
}

// RecordPage is a page of a dataset's records, each cell as text by column
// name, with how many records the dataset holds.
type RecordPage struct {
	Dataset *kpi.Dataset
	Records []kpi.Record
	Total   int
}

// MaxRecordPage is the most records one page lists.
const MaxRecordPage = 10000

// Records lists a dataset's records by key, owner, offset and limit (0:
// the first 100; at most MaxRecordPage).
func (a *App) Records(ctx context.Context, who kpi.Actor, datasetName string, f kpi.RecordFilter) (*RecordPage, error) {
	switch {
	case f.Limit < 0 || f.Offset < 0:
		return nil, kpi.Errorf(kpi.EINVALID, "Limit and offset cannot be negative.")
	case f.Limit == 0:
		f.Limit = 100
	case f.Limit > MaxRecordPage:
		return nil, kpi.Errorf(kpi.EINVALID, "A page lists at most %d records; page through with offset.", MaxRecordPage)
	}
	vis, err := a.visibility(ctx, who, ReadRecords, kpi.Period{})
	if err != nil {
		return nil, err
	}
	if !vis.all {
		if f.Owners, err = vis.employees(f.Owners, ReadRecords); err != nil {
			return nil, err
		}
	}
	ctx, err = a.begin(ctx, who, ReadRecords, on{subjects: subjects(f.Owners, nil), resource: datasetName})
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := dataset(defs, datasetName)
	if err != nil {
		return nil, err
	}
	recs, err := a.svc.Records.FindRecords(ctx, ds.Name, f)
	if err != nil {
		return nil, err
	}
	total, err := a.svc.Records.CountRecords(ctx, ds.Name)
	if err != nil {
		return nil, err
	}
	return &RecordPage{Dataset: ds, Records: recs, Total: total}, nil
}

// Fields returns record i's cells as text, by column name.
func (p *RecordPage) Fields(i int) map[string]string { return fields(p.Dataset, p.Records[i]) }
