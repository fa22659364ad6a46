package kpi

import (
	"context"
	"io"
	"time"
)

// ImportJob is a file uploaded from the admin pages to be imported into a
// dataset: kept in the store with its progress and result, so that any
// server behind a load balancer shows it, until Expires.
type ImportJob struct {
	ID      string    `json:"id"`
	Owner   string    `json:"owner"` // the actor who uploaded it: nobody else sees it
	Dataset string    `json:"dataset"`
	File    string    `json:"file"`
	Size    int64     `json:"size"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// Header is the file's header; Guess maps each dataset column to the
	// file column it is guessed to come from.
	Header []string          `json:"header"`
	Guess  map[string]string `json:"guess"`
	// Running: an import of the file is under way (its lease has not run
	// out); Read is how many bytes of it were read, as last stored.
	Running bool  `json:"running"`
	Read    int64 `json:"read"`
	// Result is the last import's, nil before one finished.
	Result *ImportJobResult `json:"result,omitempty"`
}

// ImportJobResult is what an import of a job's file did, or why it
// imported nothing (Error).
type ImportJobResult struct {
	Columns map[string]string `json:"columns"` // the mapping it ran with
	Skip    bool              `json:"skip_invalid"`
	ImportResult
	Ignored []string `json:"ignored,omitempty"`
	// Header is the file's header, for writing the rejected rows back
	// as CSV. Rows holds the first MaxStoredRejected rejected rows;
	// ImportResult.Rejected counts them all.
	Header   []string       `json:"header,omitempty"`
	Rows     []RejectedRow  `json:"rows,omitempty"`
	Error    *ImportJobFail `json:"error,omitempty"`
	Finished time.Time      `json:"finished"`
}

// ImportJobFail is why an import imported nothing: the error's code,
// message and problems.
type ImportJobFail struct {
	Code     string    `json:"code"`
	Message  string    `json:"message"`
	Problems []Problem `json:"problems,omitempty"`
}

// RejectedRow is a record an import left out: the line it starts at, its
// cells as they were, and why.
type RejectedRow struct {
	Line     int       `json:"line"`
	Raw      []string  `json:"raw"`
	Problems []Problem `json:"problems"`
}

// MaxStoredRejected bounds the rejected rows an import job keeps.
const MaxStoredRejected = 10000

// ImportJobService keeps the import jobs of the context's workspace. A job
// past its Expires is not found, and is deleted by the next
// CreateImportJob.
type ImportJobService interface {
	// CreateImportJob stores j (ID, Created, Expires and Size are set)
	// with the file read from file, at most maxBytes of it (EINVALID
	// beyond). It deletes the workspace's expired jobs and, past max jobs
	// of the owner, the owner's oldest that is not running.
	CreateImportJob(ctx context.Context, j *ImportJob, file io.Reader, maxBytes int64, max int) error
	// FindImportJob returns a job that has not expired; ENOTFOUND else.
	FindImportJob(ctx context.Context, id string) (*ImportJob, error)
	// OpenImportFile reads a job's file back.
	OpenImportFile(ctx context.Context, id string) (io.ReadCloser, error)
	// StartImportJob marks a job running from its first byte, for lease:
	// ECONFLICT while an earlier start's lease has not run out. A server
	// that dies mid-import leaves a lease that runs out, so the file can
	// be imported again.
	StartImportJob(ctx context.Context, id string, lease time.Duration) error
	// ImportJobProgress stores how many bytes of a running job's file were
	// read and renews its lease for lease from now.
	ImportJobProgress(ctx context.Context, id string, read int64, lease time.Duration) error
	// FinishImportJob stores a job's result and ends its lease.
	FinishImportJob(ctx context.Context, id string, r *ImportJobResult) error
}
