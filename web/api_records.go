package web

import (
	"context"
	"net/http"
	"strings"

	"attain/ingest"
	"attain/kpi"
)

// recordJSON is a record as the API shows it: decimals as strings (exact),
// dates as YYYY-MM-DD, timestamps as RFC 3339.
type recordJSON struct {
	Key    string         `json:"key"`
	Owner  string         `json:"owner"`
	Values map[string]any `json:"values"`
}

func newRecordJSON(ds *kpi.Dataset, rec kpi.Record) recordJSON {
	vals := make(map[string]any, len(ds.Columns))
	for i, c := range ds.Columns {
		if i >= len(rec.Values) || rec.Values[i].Null {
			vals[c.Name] = nil
			continue
		}
		switch v := rec.Values[i]; c.Type {
		case kpi.Integer:
			vals[c.Name] = v.N
		case kpi.Boolean:
			vals[c.Name] = v.N != 0
		default:
			vals[c.Name] = kpi.FormatValue(c, v)
		}
	}
	return recordJSON{Key: rec.Key, Owner: rec.Owner, Values: vals}
}

func (s *Server) listRecords(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.findDataset(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), 100, 10000)
	if err != nil {
		return err
	}
	offset, err := intParam(q.Get("offset"), 0, -1)
	if err != nil {
		return err
	}
	recs, err := s.Records.FindRecords(r.Context(), ds.Name, kpi.RecordFilter{
		Keys: splitList(q.Get("key")), Owners: splitList(q.Get("owner")), Offset: offset, Limit: limit,
	})
	if err != nil {
		return err
	}
	out := make([]recordJSON, len(recs))
	for i, rec := range recs {
		out[i] = newRecordJSON(ds, rec)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// importResponse is the answer to an import: the counts and, with
// skip_invalid, the rejected records and why.
type importResponse struct {
	kpi.ImportResult
	RejectedRecords []rejectedJSON `json:"rejected_records,omitempty"`
}

type rejectedJSON struct {
	Line     int           `json:"line"`
	Problems []kpi.Problem `json:"problems"`
}

func (s *Server) importRecords(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.findDataset(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	opt, err := s.importOptions(r.Context())
	if err != nil {
		return err
	}
	opt.File = "request body"
	opt.SkipInvalid = r.URL.Query().Get("skip_invalid") == "true"
	opt.StoreChecksKeys = true
	body := http.MaxBytesReader(w, r.Body, s.maxBody())
	var rd *ingest.Reader
	if strings.Contains(r.Header.Get("Content-Type"), "csv") {
		rd, err = ingest.NewCSVReader(body, ds, opt)
	} else {
		rd, err = ingest.NewJSONReader(body, ds, opt)
	}
	if err != nil {
		return err
	}
	res, err := s.Records.ImportRecords(r.Context(), ds.Name, rd)
	if err != nil {
		return err
	}
	resp := importResponse{ImportResult: res}
	for _, rej := range rd.Rejected() {
		resp.RejectedRecords = append(resp.RejectedRecords, rejectedJSON{Line: rej.Line, Problems: rej.Problems})
	}
	resp.Rejected = len(resp.RejectedRecords)
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// importOptions reads what every import checks against: the known employees
// and the workspace's time zone.
func (s *Server) importOptions(ctx context.Context) (ingest.Options, error) {
	loc, err := kpi.WorkspaceLocation(ctx, s.Workspaces)
	if err != nil {
		return ingest.Options{}, err
	}
	known, err := ingest.KnownEmployees(ctx, s.Org)
	if err != nil {
		return ingest.Options{}, err
	}
	return ingest.Options{Location: loc, KnownOwner: known}, nil
}

type keyList struct {
	Keys []string `json:"keys"`
}

func (s *Server) deleteRecords(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.findDataset(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	var body keyList
	if err := readJSON(r, &body); err != nil {
		return err
	}
	if len(body.Keys) == 0 {
		return kpi.Errorf(kpi.EINVALID, "Send the keys to delete: {\"keys\": [...]}.")
	}
	res, err := s.Records.DeleteRecords(r.Context(), ds.Name, body.Keys)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) maxBody() int64 {
	if s.MaxBodyBytes > 0 {
		return s.MaxBodyBytes
	}
	return 256 << 20
}
