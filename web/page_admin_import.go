package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
)

// An import from the admin pages goes in three steps: the file is
// uploaded and kept in a temporary file (a job); its columns are mapped
// to the dataset's, guessed by name; then the import runs in the request
// that asks for it, while the page polls the job's progress, and the job
// keeps the result: what was imported and every rejected row with its
// line, column, value and reason.

// importJobs are the uploaded files waiting for, or done with, their
// import on this server. A job lives for importJobLife; at most
// maxImportJobs are kept, the oldest going first.
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

const (
	importJobLife = time.Hour
	maxImportJobs = 32
)

type importJob struct {
	ID      string
	owner   string // workspace and actor: nobody else sees the job
	Dataset string
	File    string
	Size    int64
	path    string
	created time.Time
	Plan    *app.ImportPlan

	read    atomic.Int64
	running atomic.Bool

	mu      sync.Mutex
	Columns map[string]string // the mapping last run
	Skip    bool
	Report  *app.ImportReport
	Err     error
}

func jobOwner(who kpi.Actor) string { return fmt.Sprintf("%d/%s", who.WorkspaceID, who.Name) }

// add keeps job, dropping expired jobs and, past the limit, the oldest.
func (js *importJobs) add(j *importJob) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.jobs == nil {
		js.jobs = map[string]*importJob{}
	}
	var old []*importJob
	for _, o := range js.jobs {
		if time.Since(o.created) > importJobLife {
			js.dropLocked(o)
		} else if !o.running.Load() {
			old = append(old, o)
		}
	}
	slices.SortFunc(old, func(a, b *importJob) int { return a.created.Compare(b.created) })
	for len(js.jobs) >= maxImportJobs && len(old) > 0 {
		js.dropLocked(old[0])
		old = old[1:]
	}
	js.jobs[j.ID] = j
}

func (js *importJobs) dropLocked(j *importJob) {
	delete(js.jobs, j.ID)
	os.Remove(j.path)
}

// get returns who's job id, or not found.
func (js *importJobs) get(who kpi.Actor, id string) (*importJob, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j := js.jobs[id]
	if j == nil || j.owner != jobOwner(who) || time.Since(j.created) > importJobLife {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "No import %s: it is not yours, or older than an hour; upload the file again.", id)
	}
	return j, nil
}

type importTab struct {
	Datasets []*kpi.Dataset
	Upload   *fields
	Job      *importJob
	Mapping  []mapRow
	Skip     bool
	Running  bool
	Result   *importResult
	MaxBytes string
}

type mapRow struct {
	Column   kpi.Column
	Needed   bool // key, owner, required or a time column
	Selected string
	Error    string // why the mapping of this column failed
}

// importResult is what an import did, or why it imported nothing.
type importResult struct {
	OK                          bool
	Message                     string
	Created, Updated, Unchanged int
	// Text holds the counts as the workspace writes numbers.
	Text     map[string]string
	Rejected int
	Problems []kpi.Problem
	Ignored  []string
}

func (s *Server) pageAdminImport(w http.ResponseWriter, r *http.Request) error {
	return s.showImport(w, r, nil, false)
}

func (s *Server) showImport(w http.ResponseWriter, r *http.Request, t *importTab, failed bool) error {
	v, p, err := s.adminView(r, "import", "Admin · Import")
	if err != nil {
		return err
	}
	ds, err := s.App.Importable(r.Context(), who(r))
	if err != nil {
		return err
	}
	if t == nil {
		t = &importTab{Upload: newFields()}
		t.Upload.V["dataset"] = r.URL.Query().Get("dataset")
	}
	t.Datasets = ds
	t.MaxBytes = v.F.Number(decimal.NewFromInt(s.Limits.importBody()>>20), 0) + " MiB"
	p.Import = t
	return s.renderForm(w, r, v, failed)
}

// adminUpload keeps an uploaded file as a job and reads its header.
func (s *Server) adminUpload(w http.ResponseWriter, r *http.Request) error {
	f := fieldsOf(r, "dataset")
	if _, err := s.App.Importable(r.Context(), who(r)); err != nil {
		return err
	}
	file, hdr, err := r.FormFile("file")
	switch {
	case f.V["dataset"] == "":
		f.Errors["dataset"] = "Choose the dataset to import into."
	case err != nil:
		f.Errors["file"] = "Choose a CSV or XLSX file."
	}
	if f.failed() {
		return s.showImport(w, r, &importTab{Upload: f}, true)
	}
	defer file.Close()
	j, err := s.keepUpload(who(r), f.V["dataset"], hdr.Filename, file)
	if err != nil {
		return err
	}
	in, err := os.Open(j.path)
	if err != nil {
		return err
	}
	defer in.Close()
	j.Plan, err = s.App.ImportColumns(r.Context(), who(r), j.Dataset, j.File, "", in)
	if err != nil {
		os.Remove(j.path)
		if err := f.fail(err, "dataset", "dataset"); err != nil {
			return err
		}
		if f.Error != "" {
			f.Errors["file"], f.Error = f.Error, ""
			for _, p := range kpi.ErrorDetails(err) {
				f.Errors["file"] += " " + p.String()
			}
		}
		return s.showImport(w, r, &importTab{Upload: f}, true)
	}
	s.imports.add(j)
	http.Redirect(w, r, "/admin/import/"+j.ID, http.StatusSeeOther)
	return nil
}

// keepUpload copies an uploaded file to a temporary file of a new job.
func (s *Server) keepUpload(who kpi.Actor, dataset, name string, file multipart.File) (*importJob, error) {
	id := make([]byte, 12)
	rand.Read(id)
	tmp, err := os.CreateTemp("", "attain-import-*"+strings.ToLower(filepath.Ext(name)))
	if err != nil {
		return nil, fmt.Errorf("keep upload: %w", err)
	}
	n, err := io.Copy(tmp, file)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("keep upload: %w", err)
	}
	return &importJob{ID: hex.EncodeToString(id), owner: jobOwner(who), Dataset: dataset, File: filepath.Base(name), Size: n,
		path: tmp.Name(), created: time.Now()}, nil
}

// pageAdminImportJob shows a job: the column mapping and, once run, the
// result.
func (s *Server) pageAdminImportJob(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.App.Importable(r.Context(), who(r)); err != nil {
		return err
	}
	j, err := s.imports.get(who(r), r.PathValue("job"))
	if err != nil {
		return err
	}
	return s.showJob(w, r, j)
}

func (s *Server) showJob(w http.ResponseWriter, r *http.Request, j *importJob) error {
	t := &importTab{Upload: newFields(), Job: j, Skip: true, Running: j.running.Load()}
	j.mu.Lock()
	cols, skip, rep, jerr := j.Columns, j.Skip, j.Report, j.Err
	j.mu.Unlock()
	if cols == nil {
		cols = j.Plan.Guess
	} else {
		t.Skip = skip
	}
	ds := j.Plan.Dataset
	for _, c := range ds.Columns {
		need := c.Required || c.Name == ds.Key || c.Name == ds.Owner || slices.Contains(ds.TimeColumns, c.Name)
		t.Mapping = append(t.Mapping, mapRow{Column: c, Needed: need, Selected: cols[c.Name]})
	}
	for _, p := range kpi.ErrorDetails(jerr) {
		for i := range t.Mapping {
			if p.Line == 0 && p.Column == t.Mapping[i].Column.Name {
				t.Mapping[i].Error = p.Reason
			}
		}
	}
	failed := false
	switch {
	case rep != nil:
		res := &importResult{OK: true, Created: rep.Created, Updated: rep.Updated, Unchanged: rep.Unchanged, Rejected: len(rep.RejectedRows), Ignored: rep.Ignored}
		f := formatterOf(r, s)
		n := func(i int) string { return f.Number(decimal.NewFromInt(int64(i)), 0) }
		res.Text = map[string]string{"imported": n(res.Created + res.Updated), "created": n(res.Created), "updated": n(res.Updated),
			"unchanged": n(res.Unchanged), "rejected": n(res.Rejected)}
		for _, rj := range rep.RejectedRows {
			for _, p := range rj.Problems {
				if p.Line == 0 {
					p.Line = rj.Line
				}
				res.Problems = append(res.Problems, p)
			}
		}
		t.Result = res
	case jerr != nil:
		failed = true
		t.Result = &importResult{Message: kpi.ErrorMessage(jerr), Problems: kpi.ErrorDetails(jerr)}
	}
	return s.showImport(w, r, t, failed)
}

// adminRunImport runs a job's import with the mapping sent, in this
// request; the page polls the progress meanwhile.
func (s *Server) adminRunImport(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.App.Importable(r.Context(), who(r)); err != nil {
		return err
	}
	j, err := s.imports.get(who(r), r.PathValue("job"))
	if err != nil {
		return err
	}
	if !j.running.CompareAndSwap(false, true) {
		return kpi.Errorf(kpi.ECONFLICT, "This file is being imported already; wait for it to finish.")
	}
	defer j.running.Store(false)
	cols := map[string]string{}
	for _, c := range j.Plan.Dataset.Columns {
		h := r.PostFormValue("col." + c.Name)
		if h != "" && !slices.Contains(j.Plan.Header, h) {
			return kpi.Errorf(kpi.EINVALID, "The file has no column %q.", h)
		}
		cols[c.Name] = h
	}
	skip := r.PostFormValue("skip_invalid") != ""
	in, err := os.Open(j.path)
	if err != nil {
		return err
	}
	defer in.Close()
	j.read.Store(0)
	// The body was read whole before: the connection's read deadline may
	// pass while a large file is imported, which would cancel the
	// request's context. The import finishes either way, bounded by the
	// file's size, and keeps its result in the job.
	ctx := context.WithoutCancel(r.Context())
	rep, err := s.App.ImportRecords(ctx, who(r), app.ImportRequest{Dataset: j.Dataset, File: j.File, Body: in, SkipInvalid: skip,
		Columns: cols, MaxFieldBytes: s.Limits.field(), Progress: func(n int64) { j.read.Store(n) }})
	switch kpi.ErrorCode(err) {
	case "", kpi.EINVALID, kpi.ECONFLICT, kpi.ENOTFOUND:
	default:
		return err
	}
	j.read.Store(j.Size)
	j.mu.Lock()
	j.Columns, j.Skip, j.Report, j.Err = cols, skip, rep, err
	j.mu.Unlock()
	http.Redirect(w, r, "/admin/import/"+j.ID, http.StatusSeeOther)
	return nil
}

// adminImportProgress answers the progress bar: bytes read of the file.
func (s *Server) adminImportProgress(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.App.Importable(r.Context(), who(r)); err != nil {
		return err
	}
	j, err := s.imports.get(who(r), r.PathValue("job"))
	if err != nil {
		return err
	}
	j.mu.Lock()
	finished := j.Report != nil || j.Err != nil
	j.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"read": j.read.Load(), "size": j.Size, "running": j.running.Load(), "done": finished && !j.running.Load()})
	return nil
}

// capPage caps the body of a page's request: the import's upload at
// Limits.MaxImportBytes, any other form at Limits.MaxBodyBytes.
func (s *Server) capPage(h page, pg pageRoute) page {
	max := s.Limits.body()
	if pg.method == http.MethodPost && pg.path == "/admin/import" {
		max = s.Limits.importBody()
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.ContentLength > max {
			return kpi.Errorf(kpi.EINVALID, "The upload is larger than %d bytes.", max)
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		return h(w, r)
	}
}

// adminRejected downloads a job's rejected rows as CSV: the line, the
// reasons and the row as it was, to be fixed and imported again.
func (s *Server) adminRejected(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.App.Importable(r.Context(), who(r)); err != nil {
		return err
	}
	j, err := s.imports.get(who(r), r.PathValue("job"))
	if err != nil {
		return err
	}
	j.mu.Lock()
	rep := j.Report
	j.mu.Unlock()
	if rep == nil {
		return kpi.Errorf(kpi.ENOTFOUND, "This file has not been imported yet.")
	}
	name := strings.TrimSuffix(j.File, filepath.Ext(j.File)) + "-rejected.csv"
	w.Header().Set("Content-Type", app.ContentCSV)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Cache-Control", "no-store")
	return rep.WriteRejected(w)
}
