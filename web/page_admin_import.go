package web

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
)

// An import from the admin pages goes in three steps (see app's
// import_jobs.go): the file is uploaded and kept in the store as a job; its
// columns are mapped to the dataset's, guessed by name; then the import
// runs in the request that asks for it, while the page polls the job's
// progress, and the job keeps the result. Any server shows a job.

// importJob is a job as the page shows it.
type importJob struct {
	ID, File, Dataset string
	Size              int64
	Plan              *app.ImportPlan
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
	// Kept is how many rejected rows the job kept (at most
	// kpi.MaxStoredRejected), their problems listed.
	Kept     int
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
	up, err := s.App.UploadImport(r.Context(), who(r), f.V["dataset"], hdr.Filename, file, s.Limits.importBody())
	if err != nil {
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
	http.Redirect(w, r, "/admin/import/"+up.Job.ID, http.StatusSeeOther)
	return nil
}

// pageAdminImportJob shows a job: the column mapping and, once run, the
// result.
func (s *Server) pageAdminImportJob(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.App.Importable(r.Context(), who(r)); err != nil {
		return err
	}
	up, err := s.App.ImportJob(r.Context(), who(r), r.PathValue("job"))
	if err != nil {
		return err
	}
	return s.showJob(w, r, up)
}

func (s *Server) showJob(w http.ResponseWriter, r *http.Request, up *app.ImportUpload) error {
	j := up.Job
	t := &importTab{Upload: newFields(), Job: &importJob{ID: j.ID, File: j.File, Dataset: j.Dataset, Size: j.Size, Plan: up.Plan},
		Skip: true, Running: j.Running}
	cols := up.Plan.Guess
	res := j.Result
	if res != nil {
		cols, t.Skip = res.Columns, res.Skip
	}
	ds := up.Plan.Dataset
	for _, c := range ds.Columns {
		need := c.Required || c.Name == ds.Key || c.Name == ds.Owner || slices.Contains(ds.TimeColumns, c.Name)
		t.Mapping = append(t.Mapping, mapRow{Column: c, Needed: need, Selected: cols[c.Name]})
	}
	failed := false
	switch {
	case res == nil:
	case res.Error == nil:
		out := &importResult{OK: true, Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged, Rejected: res.Rejected, Ignored: res.Ignored,
			Kept: len(res.Rows)}
		f := formatterOf(r, s)
		n := func(i int) string { return f.Number(decimal.NewFromInt(int64(i)), 0) }
		out.Text = map[string]string{"imported": n(out.Created + out.Updated), "created": n(out.Created), "updated": n(out.Updated),
			"unchanged": n(out.Unchanged), "rejected": n(out.Rejected), "kept": n(out.Kept)}
		for _, rj := range res.Rows {
			for _, p := range rj.Problems {
				if p.Line == 0 {
					p.Line = rj.Line
				}
				out.Problems = append(out.Problems, p)
			}
		}
		t.Result = out
	default:
		failed = true
		t.Result = &importResult{Message: res.Error.Message, Problems: res.Error.Problems}
		for _, p := range res.Error.Problems {
			for i := range t.Mapping {
				if p.Line == 0 && p.Column == t.Mapping[i].Column.Name {
					t.Mapping[i].Error = p.Reason
				}
			}
		}
	}
	return s.showImport(w, r, t, failed)
}

// adminRunImport runs a job's import with the mapping sent, in this
// request; the page polls the progress meanwhile.
func (s *Server) adminRunImport(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.App.Importable(r.Context(), who(r)); err != nil {
		return err
	}
	up, err := s.App.ImportJob(r.Context(), who(r), r.PathValue("job"))
	if err != nil {
		return err
	}
	cols := map[string]string{}
	for _, c := range up.Plan.Dataset.Columns {
		cols[c.Name] = r.PostFormValue("col." + c.Name)
	}
	// The body was read whole before: the connection's read deadline may
	// pass while a large file is imported, which would cancel the
	// request's context. The import finishes either way, bounded by the
	// file's size, and keeps its result in the job.
	_, err = s.App.RunImportJob(r.Context(), who(r), app.RunImportRequest{Job: up.Job.ID, Columns: cols,
		SkipInvalid: r.PostFormValue("skip_invalid") != "", MaxFieldBytes: s.Limits.field()})
	switch kpi.ErrorCode(err) {
	case "", kpi.EINVALID, kpi.ENOTFOUND:
	default:
		return err
	}
	http.Redirect(w, r, "/admin/import/"+up.Job.ID, http.StatusSeeOther)
	return nil
}

// adminImportProgress answers the progress bar: bytes read of the file.
func (s *Server) adminImportProgress(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.App.Importable(r.Context(), who(r)); err != nil {
		return err
	}
	up, err := s.App.ImportJob(r.Context(), who(r), r.PathValue("job"))
	if err != nil {
		return err
	}
	j := up.Job
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"read": j.Read, "size": j.Size, "running": j.Running, "done": j.Result != nil && !j.Running})
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
	up, err := s.App.ImportJob(r.Context(), who(r), r.PathValue("job"))
	if err != nil {
		return err
	}
	j := up.Job
	if j.Result == nil || j.Result.Error != nil {
		return kpi.Errorf(kpi.ENOTFOUND, "This file has not been imported yet.")
	}
	name := strings.TrimSuffix(j.File, filepath.Ext(j.File)) + "-rejected.csv"
	w.Header().Set("Content-Type", app.ContentCSV)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Cache-Control", "no-store")
	return app.WriteRejected(w, j.Result)
}
