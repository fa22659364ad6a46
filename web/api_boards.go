package web

import (
	"net/http"

	"attain/app"
)

// boardsRoutes are the heat map's and plan health's endpoints.
func (s *Server) boardsRoutes() []route {
	return []route{
		{"GET", "/api/v1/heatmap", false, s.getHeatMap, opDoc{tag: "scorecards", summary: "People (or teams) × the 12 periods up to one: % of target of a KPI or the weighted score, as the scorecards have them", params: []paramDoc{
			param("unit", "query", "Org unit id (required)."),
			param("kpi", "query", "KPI name, or score (default): the weighted score."),
			param("period", "query", "The last period shown, e.g. 2026-06 (required)."),
			param("rows", "query", "people (default: everyone in the unit and below) or teams (the units right below)."),
		}, resp: "HeatMap"}},
		{"GET", "/api/v1/plan-health", false, s.getPlanHealth, opDoc{tag: "bonus", summary: "A unit's attainment bands, share at target, payout curves with each person, and bonus cost against the target bonuses", params: []paramDoc{
			param("unit", "query", "Org unit id (required)."),
			param("kpi", "query", "KPI name, or score (default): the weighted score."),
			param("period", "query", "Period, e.g. 2026-06 (required)."),
		}, resp: "PlanHealth"}},
	}
}

func init() {
	schemas["HeatMap"] = obj(nil, map[string]any{"unit": schemaRef("OrgUnit"), "kpi": str, "rows": str,
		"periods": map[string]any{"type": "array", "items": schemaRef("Period")},
		"lines": map[string]any{"type": "array", "items": obj(nil, map[string]any{"subject": schemaRef("Subject"), "name": str, "position": str,
			"cells": map[string]any{"type": "array", "items": obj(nil, map[string]any{"period": schemaRef("Period"), "value": exact, "null": boolean, "status": str})}})},
		"computed": map[string]any{"type": "string", "format": "date-time"}, "versions": schemaRef("Versions")})
	schemas["PlanHealth"] = map[string]any{"type": "object", "description": "bands (name, from, to, count), measured, at_target, at_target_share, people (attainment, band, payout, target_bonus, bonus, curve_attainment, bonus_percent), curves (plan, of, points of attainment and payout in % of the target bonus), teams and total (people, payout, target, share); see docs/boards.md"}
}

func (s *Server) getHeatMap(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	hm, err := s.App.HeatMap(r.Context(), who(r), app.HeatMapRequest{Unit: q.Get("unit"), KPI: q.Get("kpi"), Period: q.Get("period"), Rows: q.Get("rows")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hm)
	return nil
}

func (s *Server) getPlanHealth(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	h, err := s.App.PlanHealth(r.Context(), who(r), app.PlanHealthRequest{Unit: q.Get("unit"), KPI: q.Get("kpi"), Period: q.Get("period")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}
