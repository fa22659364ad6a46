package web

import (
	"net/http"
	"strings"

	"attain/app"
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
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), 100, app.MaxRecordPage)
	if err != nil {
		return err
	}
	offset, err := intParam(q.Get("offset"), 0, -1)
	if err != nil {
		return err
	}
	page, err := s.App.Records(r.Context(), who(r), r.PathValue("name"), kpi.RecordFilter{
		Keys: splitList(q.Get("key")), Owners: splitList(q.Get("owner")), Offset: offset, Limit: limit,
	})
	if err != nil {
		return err
	}
	out := make([]recordJSON, len(page.Records))
	for i, rec := range page.Records {
		out[i] = newRecordJSON(page.Dataset, rec)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// importResponse is the answer to an import: the counts and, with
// skip_invalid, the rejected records and why.
type importResponse struct {
	*app.ImportReport
	RejectedRecords []rejectedJSON `json:"rejected_records,omitempty"`
}

type rejectedJSON struct {
	Line     int           `json:"line"`
	Problems []kpi.Problem `json:"problems"`
}

func (s *Server) importRecords(w http.ResponseWriter, r *http.Request) error {
	format := app.FormatJSON
	if strings.Contains(r.Header.Get("Content-Type"), "csv") {
		format = app.FormatCSV
	}
	rep, err := s.App.ImportRecords(r.Context(), who(r), app.ImportRequest{
		Dataset: r.PathValue("name"), File: "request body", Format: format,
		Body: r.Body, SkipInvalid: r.URL.Query().Get("skip_invalid") == "true", MaxFieldBytes: s.Limits.field(),
	})
	if err != nil {
		return err
	}
	resp := importResponse{ImportReport: rep}
	for _, rej := range rep.RejectedRows {
		resp.RejectedRecords = append(resp.RejectedRecords, rejectedJSON{Line: rej.Line, Problems: rej.Problems})
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

type keyList struct {
	Keys []string `json:"keys"`
}

func (s *Server) deleteRecords(w http.ResponseWriter, r *http.Request) error {
	var body keyList
	if err := readJSON(r, &body); err != nil {
		return err
	}
	res, err := s.App.DeleteRecords(r.Context(), who(r), r.PathValue("name"), body.Keys)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
