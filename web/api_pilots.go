package web

import (
	"net/http"
	"net/url"

	"attain/app"
)

// pilotsRoutes are the API of pilots and review meetings.
func (s *Server) pilotsRoutes() []route {
	id := param("id", "path", "The pilot's number.")
	pid := param("id", "path", "The proposal's number.")
	meeting := []paramDoc{param("unit", "query", "Org unit id (this or employee)."), param("employee", "query", "Employee id (this or unit)."),
		param("period", "query", "Period, e.g. 2026-11 (required)."), param("kpi", "query", "Only comments on this KPI.")}
	return []route{
		{"GET", "/api/v1/pilots", false, s.listPilots, opDoc{tag: "pilots", summary: "Pilots: all (admins, finance, auditors), or those of the units one heads"}},
		{"POST", "/api/v1/pilots", false, s.createPilot, opDoc{tag: "pilots", summary: "Create a pilot: a scorecard template and/or bonus plan tried on a unit for some weeks, shadow (not paid) or live (admins)", status: http.StatusCreated}},
		{"GET", "/api/v1/pilots/{id}", false, s.getPilot, opDoc{tag: "pilots", summary: "A pilot", params: []paramDoc{id}}},
		{"GET", "/api/v1/pilots/{id}/report", false, s.pilotReport, opDoc{tag: "pilots", summary: "The pilot's report: each KPI before and during, against the comparison unit (difference in differences, 95 % interval), would-be bonuses against the current scheme", params: []paramDoc{id}}},
		{"GET", "/api/v1/pilots/{id}/report.xlsx", false, s.pilotReportXLSX, opDoc{tag: "pilots", summary: "The pilot's report as XLSX", params: []paramDoc{id}}},
		{"POST", "/api/v1/pilots/{id}/end", false, s.endPilot, opDoc{tag: "pilots", summary: "End a running pilot (admins)", params: []paramDoc{id}}},
		{"POST", "/api/v1/pilots/{id}/rollout", false, s.rolloutPilot, opDoc{tag: "pilots", summary: "Make an ended pilot's scheme live for the people of more units from a day; dry_run previews whom it changes and the cost (admins)", params: []paramDoc{id}}},

		{"GET", "/api/v1/meetings/comments", false, s.listComments, opDoc{tag: "meetings", summary: "Review-meeting comments of an employee, or of a unit and everyone in it, in threads", params: meeting}},
		{"POST", "/api/v1/meetings/comments", false, s.addComment, opDoc{tag: "meetings", summary: "Comment on a KPI of an employee or unit in a period, or reply (parent)", status: http.StatusCreated}},
		{"POST", "/api/v1/meetings/comments/{id}/resolve", false, s.resolveComment, opDoc{tag: "meetings", summary: "Mark a comment's thread resolved", params: []paramDoc{param("id", "path", "The comment's number.")}}},
		{"GET", "/api/v1/meetings/proposals", false, s.listProposals, opDoc{tag: "meetings", summary: "Proposals of an employee or a unit and period (definition proposals: everyone's)", params: append(meeting[:3:3], param("status", "query", "open, accepted or rejected (default all)."))}},
		{"POST", "/api/v1/meetings/proposals", false, s.propose, opDoc{tag: "meetings", summary: "Propose a target or a KPI definition; the answer previews its effect", status: http.StatusCreated}},
		{"GET", "/api/v1/meetings/proposals/{id}", false, s.getProposal, opDoc{tag: "meetings", summary: "A proposal with its preview (open ones)", params: []paramDoc{pid}}},
		{"POST", "/api/v1/meetings/proposals/{id}/accept", false, s.decideProposal(true), opDoc{tag: "meetings", summary: "Accept a proposal: it is applied, audited (admins)", params: []paramDoc{pid}}},
		{"POST", "/api/v1/meetings/proposals/{id}/reject", false, s.decideProposal(false), opDoc{tag: "meetings", summary: "Reject a proposal with a reason (admins)", params: []paramDoc{pid}}},
		{"GET", "/api/v1/meetings/pack", false, s.meetingPack, opDoc{tag: "meetings", summary: "The review pack of a unit and period: scorecards, attention, pilots, open proposals, comments", params: meeting[:3:3]}},
		{"GET", "/api/v1/meetings/pack.xlsx", false, s.meetingPackXLSX, opDoc{tag: "meetings", summary: "The review pack as XLSX", params: meeting[:3:3]}},
	}
}

func (s *Server) listPilots(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.App.Pilots(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ps)
	return nil
}

func (s *Server) createPilot(w http.ResponseWriter, r *http.Request) error {
	var in app.PilotInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	p, err := s.App.CreatePilot(r.Context(), who(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) getPilot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Pilot")
	if err != nil {
		return err
	}
	p, err := s.App.Pilot(r.Context(), who(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) pilotReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Pilot")
	if err != nil {
		return err
	}
	rep, err := s.App.PilotReport(r.Context(), who(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) pilotReportXLSX(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Pilot")
	if err != nil {
		return err
	}
	f, err := s.App.PilotReportXLSX(r.Context(), who(r), id)
	if err != nil {
		return err
	}
	return writeFile(w, f)
}

type endPilotBody struct {
	End    string `json:"end"`
	Reason string `json:"reason"`
}

func (s *Server) endPilot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Pilot")
	if err != nil {
		return err
	}
	var body endPilotBody
	if err := readJSON(r, &body); err != nil {
		return err
	}
	p, err := s.App.EndPilot(r.Context(), who(r), id, body.End, body.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) rolloutPilot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Pilot")
	if err != nil {
		return err
	}
	var body app.RolloutRequest
	if err := readJSON(r, &body); err != nil {
		return err
	}
	res, err := s.App.RolloutPilot(r.Context(), who(r), id, body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func meetingQuery(v url.Values) app.MeetingQuery {
	return app.MeetingQuery{Employee: v.Get("employee"), Unit: v.Get("unit"), Period: v.Get("period"), KPI: v.Get("kpi")}
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.App.Comments(r.Context(), who(r), meetingQuery(r.URL.Query()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cs)
	return nil
}

func (s *Server) addComment(w http.ResponseWriter, r *http.Request) error {
	var in app.CommentInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	c, err := s.App.AddComment(r.Context(), who(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) resolveComment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Comment")
	if err != nil {
		return err
	}
	c, err := s.App.ResolveComment(r.Context(), who(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) listProposals(w http.ResponseWriter, r *http.Request) error {
	var statuses []string
	if st := r.URL.Query().Get("status"); st != "" {
		statuses = []string{st}
	}
	ps, err := s.App.Proposals(r.Context(), who(r), meetingQuery(r.URL.Query()), statuses)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ps)
	return nil
}

func (s *Server) propose(w http.ResponseWriter, r *http.Request) error {
	var in app.ProposalInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	v, err := s.App.Propose(r.Context(), who(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) getProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Proposal")
	if err != nil {
		return err
	}
	v, err := s.App.Proposal(r.Context(), who(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

type decideBody struct {
	Reason string `json:"reason"`
}

func (s *Server) decideProposal(accept bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "Proposal")
		if err != nil {
			return err
		}
		var body decideBody
		if r.ContentLength != 0 {
			if err := readJSON(r, &body); err != nil {
				return err
			}
		}
		v, err := s.App.DecideProposal(r.Context(), who(r), id, accept, body.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

func (s *Server) meetingPack(w http.ResponseWriter, r *http.Request) error {
	pack, err := s.App.MeetingPack(r.Context(), who(r), meetingQuery(r.URL.Query()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pack)
	return nil
}

func (s *Server) meetingPackXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := s.App.MeetingPackXLSX(r.Context(), who(r), meetingQuery(r.URL.Query()))
	if err != nil {
		return err
	}
	return writeFile(w, f)
}
