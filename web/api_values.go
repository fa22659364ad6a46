package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"attain/app"
	"attain/kpi"
)

func (s *Server) getValues(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	vals, err := s.App.Values(r.Context(), who(r), app.ValuesRequest{
		KPIs: splitList(q.Get("kpi")), Employees: splitList(q.Get("employee")), Units: splitList(q.Get("unit")),
		Grain: q.Get("grain"), From: q.Get("from"), To: q.Get("to"), Period: q.Get("period"),
	})
	if err != nil {
		return err
	}
	writeJSONArray(w, vals, nil)
	return nil
}

func (s *Server) explain(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), 1000, -1)
	if err != nil {
		return err
	}
	ex, err := s.App.Explain(r.Context(), who(r), app.ExplainRequest{
		KPI: q.Get("kpi"), Employee: q.Get("employee"), Unit: q.Get("unit"), Period: q.Get("period"), Limit: limit,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ex)
	return nil
}

// explainURL is the API call that explains a value.
func explainURL(q kpi.ExplainQuery) string {
	v := url.Values{"kpi": {q.KPI}, "period": {q.Period.Label()}}
	v.Set(q.Subject.Kind, q.Subject.ID)
	return "/api/v1/explain?" + v.Encode()
}

// splitList reads "a,b, c" as [a b c]; "" as nil.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// intParam reads a non-negative integer, def when empty; max < 0 means no limit.
func intParam(s string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || (max >= 0 && n > max) {
		if max >= 0 {
			return 0, kpi.Errorf(kpi.EINVALID, "%q is not a number from 0 to %d.", s, max)
		}
		return 0, kpi.Errorf(kpi.EINVALID, "%q is not a non-negative number.", s)
	}
	return n, nil
}
