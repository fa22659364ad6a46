package web

import (
	"net/http"

	"attain/app"
	"attain/kpi"
)

// recognitionRoutes are the leaderboards, the awards and the award rules.
func (s *Server) recognitionRoutes() []route {
	return []route{
		{"GET", "/api/v1/leaderboard", false, s.getLeaderboard, opDoc{tag: "recognition", summary: "A leaderboard of people or teams for a period, by % of target or score, with medals, streaks and rank change; peers shown as the workspace allows, never pay", params: leaderboardParams(), resp: "Leaderboard"}},
		{"GET", "/api/v1/awards", false, s.getAwards, opDoc{tag: "recognition", summary: "The awards of a period: provisional while it is open, frozen with their numbers once it is locked", params: []paramDoc{
			param("period", "query", "Period, e.g. 2026-03 (required)."),
		}, resp: "AwardList"}},
		{"GET", "/api/v1/awards/rules", false, s.getAwardRules, opDoc{tag: "recognition", summary: "The awards section of the definitions: rules, leaderboards, eligibility, what peers see", resp: "Awards"}},
		{"PUT", "/api/v1/awards/rules", false, s.putAwardRules, opDoc{tag: "recognition", summary: "Replace the awards section (admins), validated and audited like attain apply; frozen awards do not change", params: []paramDoc{
			param("reason", "query", "Why, for the audit trail."),
		}, body: "Awards", resp: "ApplyResult"}},
	}
}

func leaderboardParams() []paramDoc {
	return []paramDoc{
		param("period", "query", "Period, e.g. 2026-03 (required)."),
		param("metric", "query", "score (default), a KPI of a scorecard (ranked by % of target) or a leaderboard of the awards section."),
		param("unit", "query", "Only the people in this unit and below; with by=teams, the units directly below it (default: the company)."),
		param("by", "query", "people (default) or teams."),
	}
}

func leaderboardQuery(r *http.Request) app.LeaderboardQuery {
	q := r.URL.Query()
	return app.LeaderboardQuery{Metric: q.Get("metric"), Period: q.Get("period"), Unit: q.Get("unit"), By: q.Get("by")}
}

func (s *Server) getLeaderboard(w http.ResponseWriter, r *http.Request) error {
	lb, err := s.App.Leaderboard(r.Context(), who(r), leaderboardQuery(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, lb)
	return nil
}

func (s *Server) getAwards(w http.ResponseWriter, r *http.Request) error {
	l, err := s.App.Awards(r.Context(), who(r), r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) getAwardRules(w http.ResponseWriter, r *http.Request) error {
	aw, err := s.App.AwardRules(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, aw)
	return nil
}

func (s *Server) putAwardRules(w http.ResponseWriter, r *http.Request) error {
	var aw kpi.Awards
	if err := readJSON(r, &aw); err != nil {
		return err
	}
	res, err := s.App.SetAwardRules(r.Context(), who(r), &aw, r.URL.Query().Get("reason"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func init() {
	schemas["Leaderboard"] = obj(nil, map[string]any{"metric": str, "title": str, "period": schemaRef("Period"), "unit": str, "by": str,
		"provisional": boolean, "peers": map[string]any{"type": "string", "enum": []string{kpi.PeersNone, kpi.PeersRank, kpi.PeersPercent}},
		"rows": map[string]any{"type": "array", "items": obj(nil, map[string]any{
			"subject": schemaRef("Subject"), "name": str, "team": str, "position": str, "place": integer, "medal": str,
			"value": exact, "null": boolean, "at_threshold": boolean, "at_target": boolean, "eligible": boolean, "why": str,
			"streak": integer, "prev_place": integer, "change": integer, "change_null": boolean,
			"self": boolean, "hidden": boolean, "full": boolean})},
		"computed": dateTime})
	award := obj(nil, map[string]any{"rule": str, "title": str, "kind": str, "period": schemaRef("Period"), "subject": schemaRef("Subject"),
		"name": str, "metric": str, "place": integer, "value": exact, "reason": str, "provisional": boolean, "frozen_at": dateTime})
	rule := obj([]string{"name", "kind"}, map[string]any{"name": str, "title": str, "kind": map[string]any{"type": "string", "enum": kpi.AwardKinds},
		"metric": str, "n": integer, "percent": exact, "periods": integer, "unit": str, "position": str})
	schemas["AwardList"] = obj(nil, map[string]any{"period": schemaRef("Period"), "provisional": boolean, "frozen_at": dateTime,
		"awards": map[string]any{"type": "array", "items": award}, "rules": map[string]any{"type": "array", "items": rule}})
	schemas["Awards"] = obj(nil, map[string]any{"rules": map[string]any{"type": "array", "items": rule},
		"leaderboards": map[string]any{"type": "array", "items": obj([]string{"name", "metrics"}, map[string]any{"name": str, "title": str, "min_at_threshold": integer,
			"metrics": map[string]any{"type": "array", "items": obj([]string{"kpi", "weight"}, map[string]any{"kpi": str, "weight": exact})}})},
		"min_working_days": integer, "peers": map[string]any{"type": "string", "enum": []string{kpi.PeersNone, kpi.PeersRank, kpi.PeersPercent}}})
}
