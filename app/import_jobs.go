package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"attain/ingest"
	"attain/kpi"
)

// An import from the admin pages goes in three steps: the file is
// uploaded and kept in the store as an import job; its columns are mapped
// to the dataset's, guessed by name; then the import runs in the request
// that asks for it, while the page polls the job's progress, and the job
// keeps the result: what was imported and the rejected rows with their
// line, column, value and reason. The job is in the store, so any server
// shows it; it expires an hour after the upload.

// MaxImportJobs is how many uploads one person keeps; the oldest that is
// not running goes first.
const MaxImportJobs = 32

// ImportUpload is an import job with the plan of its columns: the file's
// header beside the dataset's columns, as they are now.
type ImportUpload struct {
	Job  *kpi.ImportJob
	Plan *ImportPlan
}

// UploadImport keeps a file (CSV or XLSX, at most maxBytes) to be imported
// into a dataset as who's import job, after reading its header and
// guessing which file column holds each dataset column (ImportColumns).
func (a *App) UploadImport(ctx context.Context, who kpi.Actor, dataset, file string, body io.Reader, maxBytes int64) (*ImportUpload, error) {
	ctx, err := a.begin(ctx, who, WriteRecords, on{resource: dataset})
	if err != nil {
		return nil, err
	}
	// The file is read twice (its header, then into the store): spooled
	// to a temporary file first.
	tmp, err := os.CreateTemp("", "attain-upload-*"+strings.ToLower(filepath.Ext(file)))
	if err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, io.LimitReader(body, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	if n > maxBytes {
		return nil, kpi.Errorf(kpi.EINVALID, "The upload is larger than %d bytes.", maxBytes)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	plan, err := a.ImportColumns(ctx, who, dataset, file, "", tmp)
	if err != nil {
		return nil, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	j := &kpi.ImportJob{Owner: who.Name, Dataset: dataset, File: filepath.Base(file), Header: plan.Header, Guess: plan.Guess}
	if err := a.svc.ImportJobs.CreateImportJob(ctx, j, tmp, maxBytes, MaxImportJobs); err != nil {
		return nil, err
	}
	return &ImportUpload{Job: j, Plan: plan}, nil
}

// ImportJob returns who's import job id with its plan; another's, or one
// that expired, is not found.
func (a *App) ImportJob(ctx context.Context, who kpi.Actor, id string) (*ImportUpload, error) {
	ctx, j, err := a.beginOnImportJob(ctx, who, id)
	if err != nil {
		return nil, err
	}
	defs, err := a.svc.Definitions.FindDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := dataset(defs, j.Dataset)
	if err != nil {
		return nil, err
	}
	if n := a.readingOf(j.ID); n != nil && j.Running {
		j.Read = max(j.Read, n.Load())
	}
	return &ImportUpload{Job: j, Plan: &ImportPlan{Dataset: ds, Header: j.Header, Guess: j.Guess}}, nil
}

// beginOnImportJob begins a use case on who's import job: the job is read
// in who's workspace, then who must be its owner and may import into its
// dataset.
func (a *App) beginOnImportJob(ctx context.Context, who kpi.Actor, id string) (context.Context, *kpi.ImportJob, error) {
	if who.WorkspaceID <= 0 {
		return nil, nil, kpi.Errorf(kpi.EUNAUTHORIZED, "No workspace selected.")
	}
	j, err := a.svc.ImportJobs.FindImportJob(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID), id)
	if err != nil {
		return nil, nil, err
	}
	if j.Owner != who.Name {
		return nil, nil, kpi.Errorf(kpi.ENOTFOUND, "No import %s: it is not yours, or older than an hour; upload the file again.", id)
	}
	if ctx, err = a.begin(ctx, who, WriteRecords, on{resource: j.Dataset}); err != nil {
		return nil, nil, err
	}
	return ctx, j, nil
}

func (a *App) readingOf(id string) *atomic.Int64 {
	if n, ok := a.reading.Load(id); ok {
		return n.(*atomic.Int64)
	}
	return nil
}

// RunImportRequest runs an import job: the mapping (dataset column → file
// column, "" for none) and whether to import the good rows of a file with
// bad ones.
type RunImportRequest struct {
	Job           string
	Columns       map[string]string
	SkipInvalid   bool
	MaxFieldBytes int
}

// importProgressEvery is how often a running import stores how much of
// its file it read; importBeatEvery, how often it renews its lease when it
// read nothing new.
const (
	importProgressEvery = 500 * time.Millisecond
	importBeatEvery     = 5 * time.Second
)

// importLease is how long a running import of a file with remaining bytes
// still to read holds its job before another server may take it over: long
// enough for the whole rest at a slow 1 MiB a second, since on SQLite the
// import holds the one writer and cannot renew the lease until it ends.
func importLease(remaining int64) time.Duration {
	return 30*time.Second + time.Duration(remaining>>20)*time.Second
}

// RunImportJob imports who's job's file with the mapping given, marking
// the job running meanwhile (ECONFLICT when it is already, here or on
// another server), and keeps the result in the job: an import refused
// for its input (invalid, conflict, not found) is a result too. It
// finishes even if ctx is cancelled, bounded by the file's size.
func (a *App) RunImportJob(ctx context.Context, who kpi.Actor, r RunImportRequest) (*kpi.ImportJob, error) {
	ctx = context.WithoutCancel(ctx)
	ctx, j, err := a.beginOnImportJob(ctx, who, r.Job)
	if err != nil {
		return nil, err
	}
	for col, h := range r.Columns {
		if h != "" && !slices.Contains(j.Header, h) {
			return nil, kpi.Errorf(kpi.EINVALID, "The file has no column %q (for %s).", h, col)
		}
	}
	if err := a.svc.ImportJobs.StartImportJob(ctx, j.ID, importLease(j.Size)); err != nil {
		return nil, err
	}
	read := &atomic.Int64{}
	a.reading.Store(j.ID, read)
	defer a.reading.Delete(j.ID)
	// The bytes read go to the store every importProgressEvery, for the
	// progress bar on any server, renewing the lease (and at least every
	// importBeatEvery); best effort: on SQLite the import holds the one
	// writer, and the counter in memory serves this server.
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(importProgressEvery)
		defer tick.Stop()
		last, beat := int64(0), time.Now()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if n := read.Load(); n != last || time.Since(beat) >= importBeatEvery {
				tctx, cancel := context.WithTimeout(ctx, importProgressEvery)
				if a.svc.ImportJobs.ImportJobProgress(tctx, j.ID, n, importLease(j.Size-n)) == nil {
					last, beat = n, time.Now()
				}
				cancel()
			}
		}
	}()
	in, err := a.svc.ImportJobs.OpenImportFile(ctx, j.ID)
	var rep *ImportReport
	if err == nil {
		rep, err = a.ImportRecords(ctx, who, ImportRequest{Dataset: j.Dataset, File: j.File, Body: in, SkipInvalid: r.SkipInvalid,
			Columns: r.Columns, MaxFieldBytes: r.MaxFieldBytes, Progress: read.Store})
		in.Close()
	}
	close(stop)
	<-stopped
	res := &kpi.ImportJobResult{Columns: r.Columns, Skip: r.SkipInvalid, Finished: a.now().UTC()}
	failed := err
	switch kpi.ErrorCode(err) {
	case "":
		res.ImportResult, res.Ignored, res.Header = rep.ImportResult, rep.Ignored, rep.Header
		for i, rj := range rep.RejectedRows {
			if i == kpi.MaxStoredRejected {
				break
			}
			res.Rows = append(res.Rows, kpi.RejectedRow{Line: rj.Line, Raw: rj.Raw, Problems: rj.Problems})
		}
	case kpi.EINVALID, kpi.ECONFLICT, kpi.ENOTFOUND:
		res.Error, failed = &kpi.ImportJobFail{Code: kpi.ErrorCode(err), Message: kpi.ErrorMessage(err), Problems: kpi.ErrorDetails(err)}, nil
	default:
		res.Error = &kpi.ImportJobFail{Code: kpi.EINTERNAL, Message: "Internal error."}
	}
	if err := a.svc.ImportJobs.FinishImportJob(ctx, j.ID, res); err != nil {
		return nil, err
	}
	if failed != nil {
		return nil, failed
	}
	j.Running, j.Read, j.Result = false, j.Size, res
	return j, nil
}

// WriteRejected writes the rejected rows a job kept as CSV: the line, the
// reasons and the row as it was, to be fixed and imported again.
func WriteRejected(w io.Writer, r *kpi.ImportJobResult) error {
	rows := make([]ingest.Rejected, len(r.Rows))
	for i, rj := range r.Rows {
		rows[i] = ingest.Rejected{Line: rj.Line, Raw: rj.Raw, Problems: rj.Problems}
	}
	return ingest.WriteRejected(w, r.Header, rows)
}
