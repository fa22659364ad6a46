package web

import "net/http"

// pdfRoutes are the PDF exports of the pilot report and the review
// pack, beside their XLSX.
func (s *Server) pdfRoutes() []route {
	id := param("id", "path", "The pilot's number.")
	pack := []paramDoc{param("unit", "query", "Org unit id (required)."), param("period", "query", "Period, e.g. 2026-11 (required).")}
	return []route{
		{"GET", "/api/v1/pilots/{id}/report.pdf", false, s.pilotReportPDF, opDoc{tag: "pilots", summary: "The pilot's report as PDF", params: []paramDoc{id}}},
		{"GET", "/api/v1/meetings/pack.pdf", false, s.meetingPackPDF, opDoc{tag: "meetings", summary: "The review pack as PDF, in the order a meeting walks through it", params: pack}},
	}
}

func (s *Server) pilotReportPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Pilot")
	if err != nil {
		return err
	}
	f, err := s.App.PilotReportPDF(r.Context(), who(r), id)
	if err != nil {
		return err
	}
	return writeFile(w, f)
}

func (s *Server) meetingPackPDF(w http.ResponseWriter, r *http.Request) error {
	f, err := s.App.MeetingPackPDF(r.Context(), who(r), meetingQuery(r.URL.Query()))
	if err != nil {
		return err
	}
	return writeFile(w, f)
}
