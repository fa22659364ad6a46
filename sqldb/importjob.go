package sqldb

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"attain/kpi"
)

// ImportJobService keeps the admin pages' import jobs in the store.
type ImportJobService struct{ db *DB }

// NewImportJobService returns the import job service.
func NewImportJobService(db *DB) *ImportJobService { return &ImportJobService{db: db} }

var _ kpi.ImportJobService = (*ImportJobService)(nil)

// importChunk is the most bytes of a job's file one row holds.
const importChunk = 1 << 20

// ImportJobLife is how long a job is kept after its upload.
const ImportJobLife = time.Hour

type jobHeader struct {
	Header []string          `json:"header"`
	Guess  map[string]string `json:"guess"`
}

// CreateImportJob stores j with its file, in one transaction: a file
// over maxBytes stores nothing.
func (s *ImportJobService) CreateImportJob(ctx context.Context, j *kpi.ImportJob, file io.Reader, maxBytes int64, max int) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	id := make([]byte, 12)
	rand.Read(id)
	hdr, err := json.Marshal(jobHeader{Header: j.Header, Guess: j.Guess})
	if err != nil {
		return fmt.Errorf("create import job: %w", err)
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM import_job_chunks WHERE workspace_id = $1 AND job_id IN (SELECT id FROM import_jobs WHERE workspace_id = $1 AND expires_at <= $2)`, ws, tx.now); err != nil {
			return fmt.Errorf("create import job: expired: %w", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM import_jobs WHERE workspace_id = $1 AND expires_at <= $2`, ws, tx.now); err != nil {
			return fmt.Errorf("create import job: expired: %w", err)
		}
		// Past max jobs of the owner, the oldest that are not running go.
		rows, err := tx.query(ctx, `SELECT id FROM import_jobs WHERE workspace_id = $1 AND owner = $2 AND (lease_until IS NULL OR lease_until <= $3)
			ORDER BY created_at DESC, id`, ws, j.Owner, tx.now)
		if err != nil {
			return fmt.Errorf("create import job: %w", err)
		}
		var old []string
		for n := 1; rows.Next(); n++ {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if n >= max {
				old = append(old, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range old {
			if err := tx.deleteImportJob(ctx, ws, id); err != nil {
				return err
			}
		}
		j.ID, j.Created, j.Expires, j.Size = hex.EncodeToString(id), tx.now, tx.now.Add(ImportJobLife), 0
		if _, err := tx.exec(ctx, `INSERT INTO import_jobs (workspace_id, id, owner, dataset, file, size, created_at, expires_at, header)
			VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)`, ws, j.ID, j.Owner, j.Dataset, j.File, j.Created, j.Expires, string(hdr)); err != nil {
			return fmt.Errorf("create import job: %w", err)
		}
		buf := make([]byte, importChunk)
		for n := 0; ; n++ {
			k, err := io.ReadFull(file, buf)
			if k > 0 {
				if j.Size += int64(k); j.Size > maxBytes {
					return kpi.Errorf(kpi.EINVALID, "The upload is larger than %d bytes.", maxBytes)
				}
				if _, err := tx.exec(ctx, `INSERT INTO import_job_chunks (workspace_id, job_id, n, data) VALUES ($1, $2, $3, $4)`, ws, j.ID, n, buf[:k]); err != nil {
					return fmt.Errorf("create import job: file: %w", err)
				}
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				break
			} else if err != nil {
				return fmt.Errorf("create import job: read file: %w", err)
			}
		}
		_, err = tx.exec(ctx, `UPDATE import_jobs SET size = $3 WHERE workspace_id = $1 AND id = $2`, ws, j.ID, j.Size)
		return err
	})
}

func (tx *Tx) deleteImportJob(ctx context.Context, ws int64, id string) error {
	if _, err := tx.exec(ctx, `DELETE FROM import_job_chunks WHERE workspace_id = $1 AND job_id = $2`, ws, id); err != nil {
		return fmt.Errorf("delete import job %s: %w", id, err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM import_jobs WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
		return fmt.Errorf("delete import job %s: %w", id, err)
	}
	return nil
}

// FindImportJob returns a job that has not expired.
func (s *ImportJobService) FindImportJob(ctx context.Context, id string) (*kpi.ImportJob, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var j kpi.ImportJob
	err = s.db.read(ctx, func(tx *Tx) error {
		var hdr, result string
		var lease sql.NullTime
		err := tx.queryRow(ctx, `SELECT id, owner, dataset, file, size, created_at, expires_at, header, lease_until, read_bytes, result
			FROM import_jobs WHERE workspace_id = $1 AND id = $2 AND expires_at > $3`, ws, id, tx.now).
			Scan(&j.ID, &j.Owner, &j.Dataset, &j.File, &j.Size, &j.Created, &j.Expires, &hdr, &lease, &j.Read, &result)
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "No import %s: it is not yours, or older than an hour; upload the file again.", id)
		} else if err != nil {
			return err
		}
		j.Created, j.Expires, j.Running = j.Created.UTC(), j.Expires.UTC(), lease.Valid && lease.Time.After(tx.now)
		var h jobHeader
		if err := json.Unmarshal([]byte(hdr), &h); err != nil {
			return fmt.Errorf("header: %w", err)
		}
		j.Header, j.Guess = h.Header, h.Guess
		if result != "" {
			j.Result = &kpi.ImportJobResult{}
			if err := json.Unmarshal([]byte(result), j.Result); err != nil {
				return fmt.Errorf("result: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find import job: %w", err)
	}
	return &j, nil
}

// OpenImportFile reads a job's file back, a chunk a query.
func (s *ImportJobService) OpenImportFile(ctx context.Context, id string) (io.ReadCloser, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	return &chunkReader{ctx: ctx, s: s, ws: ws, id: id}, nil
}

type chunkReader struct {
	ctx  context.Context
	s    *ImportJobService
	ws   int64
	id   string
	n    int64
	buf  bytes.Reader
	done bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for r.buf.Len() == 0 {
		if r.done {
			return 0, io.EOF
		}
		var data []byte
		err := r.s.db.read(r.ctx, func(tx *Tx) error {
			return tx.queryRow(r.ctx, `SELECT data FROM import_job_chunks WHERE workspace_id = $1 AND job_id = $2 AND n = $3`, r.ws, r.id, r.n).Scan(&data)
		})
		if isNoRows(err) {
			r.done = true
			continue
		} else if err != nil {
			return 0, fmt.Errorf("read import file: %w", err)
		}
		r.n++
		r.buf.Reset(data)
	}
	return r.buf.Read(p)
}

func (r *chunkReader) Close() error { r.done = true; return nil }

// StartImportJob marks a job running until now + lease; ECONFLICT when
// another import of it holds a lease that has not run out.
func (s *ImportJobService) StartImportJob(ctx context.Context, id string, lease time.Duration) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		n, err := tx.exec(ctx, `UPDATE import_jobs SET lease_until = $4, read_bytes = 0
			WHERE workspace_id = $1 AND id = $2 AND (lease_until IS NULL OR lease_until <= $3) AND expires_at > $3`, ws, id, tx.now, tx.now.Add(lease))
		if err != nil {
			return fmt.Errorf("start import job: %w", err)
		}
		if n == 0 {
			return kpi.Errorf(kpi.ECONFLICT, "This file is being imported already; wait for it to finish.")
		}
		return nil
	})
}

// ImportJobProgress stores how many bytes of a running job's file were
// read and renews its lease until now + lease.
func (s *ImportJobService) ImportJobProgress(ctx context.Context, id string, read int64, lease time.Duration) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE import_jobs SET read_bytes = $3, lease_until = $4
			WHERE workspace_id = $1 AND id = $2 AND lease_until IS NOT NULL`, ws, id, read, tx.now.Add(lease))
		return err
	})
}

// FinishImportJob stores a job's result and ends its lease.
func (s *ImportJobService) FinishImportJob(ctx context.Context, id string, r *kpi.ImportJobResult) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("finish import job: %w", err)
	}
	return s.db.write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE import_jobs SET lease_until = NULL, read_bytes = size, result = $3 WHERE workspace_id = $1 AND id = $2`, ws, id, string(doc))
		if err != nil {
			return fmt.Errorf("finish import job: %w", err)
		}
		return nil
	})
}
