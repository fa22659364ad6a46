package web

import (
	"net/http"

	"attain/app"
	"attain/kpi"
)

// strategyRoutes are the API of objectives, unit functions, guardrails,
// department heads' level changes, tasks and the KPI library.
func (s *Server) strategyRoutes() []route {
	objID := param("id", "path", "Objective id.")
	numID := param("id", "path", "Its number.")
	return []route{
		{"GET", "/api/v1/strategy", false, s.getStrategy, opDoc{tag: "strategy", summary: "Objectives of a period with progress (weighted % of target, pace), who contributes most and least, and gaps; numbers only of units one may see", params: []paramDoc{
			param("period", "query", "Period, e.g. 2026 or 2026-Q2 (default this year)."),
		}, resp: "StrategyView"}},
		{"GET", "/api/v1/objectives", false, s.listObjectives, opDoc{tag: "strategy", summary: "List objectives", resp: "Objective[]"}},
		{"PUT", "/api/v1/objectives/{id}", false, s.putObjective, opDoc{tag: "strategy", summary: "Create or replace an objective (admins)", params: []paramDoc{objID}, body: "Objective", resp: "Objective"}},
		{"DELETE", "/api/v1/objectives/{id}", false, s.deleteObjective, opDoc{tag: "strategy", summary: "Delete an objective nothing cascades from (admins)", params: []paramDoc{objID}, status: http.StatusNoContent}},
		{"GET", "/api/v1/functions", false, s.listFunctions, opDoc{tag: "strategy", summary: "The units' functions (sales, order processing, ...)", resp: "UnitFunction[]"}},
		{"PUT", "/api/v1/functions", false, s.setFunction, opDoc{tag: "strategy", summary: "Set a unit's function (admins)", body: "UnitFunction", status: http.StatusNoContent}},
		{"GET", "/api/v1/guardrails", false, s.listGuardrails, opDoc{tag: "strategy", summary: "The guardrails of unit heads' target changes", resp: "Guardrail[]"}},
		{"PUT", "/api/v1/guardrails", false, s.setGuardrails, opDoc{tag: "strategy", summary: "Replace the guardrails (admins)", body: "Guardrail[]", status: http.StatusNoContent}},
		{"GET", "/api/v1/levels", false, s.listLevels, opDoc{tag: "strategy", summary: "Level changes by unit heads, newest first, of subjects whose targets one may read", params: []paramDoc{
			param("status", "query", "applied, pending, approved or rejected (default all)."),
		}, resp: "LevelChange[]"}},
		{"POST", "/api/v1/levels", false, s.setLevel, opDoc{tag: "strategy", summary: "A unit head sets a target of their unit or one of their people: applied inside the guardrails, pending above the max change, refused below the floor", body: "LevelRequest", resp: "LevelChange", status: http.StatusCreated}},
		{"GET", "/api/v1/levels/scorecard", false, s.getScorecardLevels, opDoc{tag: "strategy", summary: "The scorecard of a unit or person in effect in a period (the company's template, the items as scored for them, the unit head's change they come from), its scorecard changes and the guardrails of its KPIs", params: []paramDoc{
			param("employee", "query", "An employee id (or unit)."),
			param("unit", "query", "A unit id (or employee)."),
			param("period", "query", "The period, e.g. 2026-12."),
			param("scorecard", "query", "The template (default: the subject's)."),
		}, resp: "ScorecardLevels"}},
		{"POST", "/api/v1/levels/scorecard", false, s.setScorecardLevels, opDoc{tag: "strategy", summary: "A unit head sets the scorecard of their unit or one of their people from a period on: optional KPIs on or off, weights, threshold and stretch; applied inside the guardrails, pending outside, refused for a mandatory KPI switched off or weighted below its minimum (dry_run: the effect on the scores, 200)", body: "ScorecardLevelRequest", resp: "ScorecardLevelResult", status: http.StatusCreated}},
		{"POST", "/api/v1/levels/{id}/decide", false, s.decideLevel, opDoc{tag: "strategy", summary: "Approve (and apply) or reject a pending level change: the next level up or an admin", params: []paramDoc{numID}, body: "LevelDecision", resp: "LevelChange"}},
		{"GET", "/api/v1/tasks", false, s.listTasks, opDoc{tag: "strategy", summary: "Tasks, by due day", params: []paramDoc{
			param("employee", "query", "Only this person's (default: everyone one may see)."),
		}, resp: "Task[]"}},
		{"POST", "/api/v1/tasks", false, s.createTask, opDoc{tag: "strategy", summary: "Set a person a task (their manager or an admin)", body: "TaskRequest", resp: "Task", status: http.StatusCreated}},
		{"GET", "/api/v1/library", false, s.listLibrary, opDoc{tag: "strategy", summary: "The KPI library's entries (KPIs and scorecard templates per function and position) and the dataset columns each needs", params: []paramDoc{
			param("function", "query", "Only the entries of this unit function."),
		}, resp: "LibraryEntry[]"}},
		{"GET", "/api/v1/library/{entry}", false, s.getLibraryEntry, opDoc{tag: "strategy", summary: "One library entry: its KPIs, scorecard templates, and the datasets, columns and values it needs", params: []paramDoc{
			param("entry", "path", "The entry's id."),
		}, resp: "LibraryDetail"}},
		{"POST", "/api/v1/library/{entry}/apply", false, s.applyLibrary, opDoc{tag: "strategy", summary: "Add a library entry's KPIs and template, mapped onto the workspace's datasets, columns and values; a missing column or a wrong value mapping is named, values no record has are warned of (admins)", params: []paramDoc{
			param("entry", "path", "The entry's id."),
		}, body: "LibraryRequest", resp: "LibraryResult"}},
		{"PATCH", "/api/v1/tasks/{id}", false, s.changeTask, opDoc{tag: "strategy", summary: "Report progress or mark done (the person); confirm, reopen, cancel, rename, move (the manager)", params: []paramDoc{numID}, body: "TaskChange", resp: "Task"}},
	}
}

func (s *Server) getStrategy(w http.ResponseWriter, r *http.Request) error {
	v, err := s.App.Strategy(r.Context(), who(r), r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) listObjectives(w http.ResponseWriter, r *http.Request) error {
	objs, err := s.App.Objectives(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSONArray(w, objs, nil)
	return nil
}

func (s *Server) putObjective(w http.ResponseWriter, r *http.Request) error {
	var o kpi.Objective
	if err := readJSON(r, &o); err != nil {
		return err
	}
	if o.ID != "" && o.ID != r.PathValue("id") {
		return kpi.Errorf(kpi.EINVALID, "id: %q differs from the path's %q.", o.ID, r.PathValue("id"))
	}
	o.ID = r.PathValue("id")
	if err := s.App.PutObjective(r.Context(), who(r), &o); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) deleteObjective(w http.ResponseWriter, r *http.Request) error {
	if err := s.App.DeleteObjective(r.Context(), who(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listFunctions(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.App.UnitFunctions(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSONArray(w, fs, nil)
	return nil
}

func (s *Server) setFunction(w http.ResponseWriter, r *http.Request) error {
	var f kpi.UnitFunction
	if err := readJSON(r, &f); err != nil {
		return err
	}
	if err := s.App.SetUnitFunction(r.Context(), who(r), f); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listGuardrails(w http.ResponseWriter, r *http.Request) error {
	gs, err := s.App.Guardrails(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSONArray(w, gs, nil)
	return nil
}

func (s *Server) setGuardrails(w http.ResponseWriter, r *http.Request) error {
	var rows []kpi.GuardrailRow
	if err := readJSON(r, &rows); err != nil {
		return err
	}
	if len(rows) > 1000 {
		return kpi.Errorf(kpi.EINVALID, "At most 1000 guardrails, not %d.", len(rows))
	}
	if err := s.App.SetGuardrails(r.Context(), who(r), kpi.GuardrailsOf(rows)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listLevels(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.App.LevelChanges(r.Context(), who(r), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	writeJSONArray(w, cs, nil)
	return nil
}

func (s *Server) setLevel(w http.ResponseWriter, r *http.Request) error {
	var req app.LevelRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	c, err := s.App.SetLevel(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) getScorecardLevels(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v, err := s.App.ScorecardLevelsOf(r.Context(), who(r), q.Get("employee"), q.Get("unit"), q.Get("period"), q.Get("scorecard"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) setScorecardLevels(w http.ResponseWriter, r *http.Request) error {
	var req app.ScorecardLevelRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	res, err := s.App.SetScorecardLevels(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if req.DryRun {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
	return nil
}

func (s *Server) decideLevel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Level change")
	if err != nil {
		return err
	}
	var d struct {
		Approve bool `json:"approve"`
	}
	if err := readJSON(r, &d); err != nil {
		return err
	}
	c, err := s.App.DecideLevel(r.Context(), who(r), id, d.Approve)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) listLibrary(w http.ResponseWriter, r *http.Request) error {
	es, err := s.App.Library(r.Context(), who(r), r.URL.Query().Get("function"))
	if err != nil {
		return err
	}
	writeJSONArray(w, es, nil)
	return nil
}

func (s *Server) getLibraryEntry(w http.ResponseWriter, r *http.Request) error {
	d, err := s.App.LibraryEntry(r.Context(), who(r), r.PathValue("entry"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) applyLibrary(w http.ResponseWriter, r *http.Request) error {
	var req app.LibraryRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	req.Entry = r.PathValue("entry")
	res, err := s.App.ApplyLibrary(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) listTasks(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.App.Tasks(r.Context(), who(r), r.URL.Query().Get("employee"))
	if err != nil {
		return err
	}
	writeJSONArray(w, ts, nil)
	return nil
}

func (s *Server) createTask(w http.ResponseWriter, r *http.Request) error {
	var req app.TaskRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	t, err := s.App.CreateTask(r.Context(), who(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) changeTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Task")
	if err != nil {
		return err
	}
	var ch app.TaskChange
	if err := readJSON(r, &ch); err != nil {
		return err
	}
	t, err := s.App.ChangeTask(r.Context(), who(r), id, ch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// strategySchemas are the OpenAPI schemas of the strategy routes, added to
// the table when the package starts.
func strategySchemas() map[string]any {
	subject, period := schemaRef("Subject"), schemaRef("Period")
	measure := obj([]string{"kpi", "target", "weight"}, map[string]any{"kpi": str, "target": exact, "weight": exact})
	line := obj(nil, map[string]any{"kpi": str, "direction": str, "additive": boolean, "target": exact, "weight": exact, "actual": exact, "null": boolean,
		"achievement": exact, "achievement_null": boolean, "expected": exact, "pace": exact, "pace_null": boolean})
	contributor := obj(nil, map[string]any{"subject": subject, "name": str, "index": exact})
	list := func(s any) map[string]any { return map[string]any{"type": "array", "items": s} }
	libraryEntryProps := func() map[string]any {
		return map[string]any{"id": str, "title": str, "function": str, "position": str, "description": str,
			"needs": list(obj(nil, map[string]any{"dataset": str, "columns": strList,
				"values": map[string]any{"type": "object", "additionalProperties": strList, "description": "column → the values the entry's filters compare it with; map them with values of LibraryRequest"}}))}
	}
	itemLevels := obj(nil, map[string]any{"kpi": str, "off": boolean, "weight": exact, "threshold": exact, "stretch": exact})
	return map[string]any{
		"Objective": obj([]string{"title", "period"}, map[string]any{"id": str, "title": str, "description": str, "period": period,
			"parent_id": str, "unit_id": map[string]any{"type": "string", "description": "the unit that carries it; empty: the company"},
			"measures": list(measure), "updated_at": dateTime}),
		"StrategyView": obj(nil, map[string]any{"period": period, "as_of": date,
			"objectives": list(obj(nil, map[string]any{"objective": schemaRef("Objective"), "unit_id": str, "unit_name": str, "depth": integer,
				"open": boolean, "elapsed": integer, "working_days": integer, "hidden": boolean,
				"progress": obj(nil, map[string]any{"lines": list(line), "progress": exact, "progress_null": boolean, "pace": exact, "pace_null": boolean, "missing": strList}),
				"units":    list(contributor), "most": list(contributor), "least": list(contributor),
				"served": list(obj(nil, map[string]any{"template": str, "position": str, "kpi": str})), "tasks": integer, "tasks_done": integer})),
			"gaps": list(obj(nil, map[string]any{"objective": str, "title": str, "kind": str, "text": str}))}),
		"UnitFunction": obj([]string{"unit_id", "function"}, map[string]any{"unit_id": str, "function": str}),
		"Guardrail": obj(nil, map[string]any{"kpi": str,
			"max_change": map[string]any{"type": "string", "pattern": exact["pattern"], "description": "percent; a KPI's row without it takes the default row's (kpi \"\"), else 10"},
			"floor":      map[string]any{"type": "string", "pattern": exact["pattern"], "description": "percent; a KPI's row without it takes the default row's, else 80"}, "mandatory": boolean, "min_weight": exact, "max_weight": exact}),
		"ScorecardLevelRequest": obj([]string{"from", "items"}, map[string]any{"scorecard": str, "employee": str, "unit": str, "from": str, "reason": str, "dry_run": boolean,
			"items": list(obj([]string{"kpi"}, map[string]any{"kpi": str, "on": boolean, "weight": exact, "threshold": exact, "stretch": exact}))}),
		"ScorecardLevelResult": obj(nil, map[string]any{"change": schemaRef("LevelChange"),
			"effect": list(obj(nil, map[string]any{"subject": subject, "name": str, "before": exact, "after": exact, "difference": exact}))}),
		"ScorecardLevels": obj(nil, map[string]any{"subject": subject, "period": period, "template": map[string]any{"type": "object"}, "items": list(itemLevels),
			"change": schemaRef("LevelChange"), "history": list(schemaRef("LevelChange")), "guardrails": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "object"}}}),
		"LevelRequest":  obj([]string{"kpi", "period", "value"}, map[string]any{"kpi": str, "employee": str, "unit": str, "period": str, "value": exact, "reason": str, "dry_run": boolean}),
		"LevelDecision": obj([]string{"approve"}, map[string]any{"approve": boolean}),
		"LevelChange": obj(nil, map[string]any{"id": integer, "kpi": str, "subject": subject, "period": period, "baseline": exact, "old": exact, "new": exact,
			"status": str, "why": str, "reason": str, "by": str, "at": dateTime, "decided_by": str, "decided_at": dateTime,
			"scorecard": str, "items": list(itemLevels), "changed": strList}),
		"Task": obj(nil, map[string]any{"id": integer, "employee_id": str, "objective_id": str, "title": str, "due": date, "judged": str,
			"goal": exact, "progress": exact, "status": str, "done_on": date, "created_by": str, "updated_at": dateTime}),
		"TaskRequest":  obj([]string{"employee", "title", "due"}, map[string]any{"employee": str, "objective": str, "title": str, "due": date, "judged": str, "goal": exact}),
		"LibraryEntry": obj(nil, libraryEntryProps()),
		"LibraryDetail": obj(nil, func() map[string]any {
			p := libraryEntryProps()
			p["kpis"], p["scorecards"] = list(schemaRef("KPI")), list(map[string]any{"type": "object", "description": "a scorecard template as in attain.yaml: name, position, items"})
			return p
		}()),
		"LibraryRequest": obj(nil, map[string]any{"map": map[string]any{"type": "object", "additionalProperties": str, "description": "theirs → ours: a dataset, a column, or dataset.column"},
			"values": map[string]any{"type": "object", "description": "the entry's column (stage or deals.stage) → the entry's value (Won) → your values for it ([\"Closed Won\"])",
				"additionalProperties": map[string]any{"type": "object", "additionalProperties": strList}},
			"position": str, "currency": str, "dry_run": boolean, "reason": str}),
		"LibraryResult": obj(nil, map[string]any{"dry_run": boolean, "changes": list(schemaRef("Change")), "kept": strList,
			"warnings": map[string]any{"type": "array", "items": str, "description": "each value the filters compare a column with that no record has, with the values the records have"}}),
		"TaskChange": obj(nil, map[string]any{"status": str, "progress": exact, "due": date, "title": str}),
	}
}

func init() {
	for k, v := range strategySchemas() {
		schemas[k] = v
	}
}
