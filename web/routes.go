package web

import (
	"net/http"
	"slices"

	"attain/app"
)

// routes lists every endpoint once: the mux and the OpenAPI document are made
// from this table.
func (s *Server) routes() []route {
	unitID := param("id", "path", "Org unit id.")
	empID := param("id", "path", "Employee id (the external id datasets' owner columns use).")
	dsName := param("name", "path", "Dataset name.")
	kpiName := param("name", "path", "KPI name.")
	stmtParams := []paramDoc{param("employee", "path", "Employee id."), param("period", "path", "Period, e.g. 2026-03.")}
	return slices.Concat([]route{
		{"GET", "/healthz", true, s.healthz, opDoc{tag: "meta", summary: "Liveness and database check"}},
		{"GET", "/api/v1/openapi.json", true, s.openapi, opDoc{tag: "meta", summary: "This API's OpenAPI 3.1 document"}},
		{"GET", "/api/v1/workspace", false, s.getWorkspace, opDoc{tag: "workspace", summary: "The workspace the token belongs to", resp: "Workspace"}},
		{"GET", "/api/v1/versions", false, s.getVersions, opDoc{tag: "workspace", summary: "Change counters of records, definitions and org", resp: "Versions"}},

		{"GET", "/api/v1/units", false, s.listUnits, opDoc{tag: "org", summary: "List org units", resp: "OrgUnit[]"}},
		{"POST", "/api/v1/units", false, s.createUnit, opDoc{tag: "org", summary: "Create an org unit", body: "OrgUnit", resp: "OrgUnit", status: http.StatusCreated}},
		{"GET", "/api/v1/units/{id}", false, s.getUnit, opDoc{tag: "org", summary: "Get an org unit", params: []paramDoc{unitID}, resp: "OrgUnit"}},
		{"PATCH", "/api/v1/units/{id}", false, s.updateUnit, opDoc{tag: "org", summary: "Change an org unit (fields that are sent)", params: []paramDoc{unitID}, body: "OrgUnitUpdate", resp: "OrgUnit"}},
		{"DELETE", "/api/v1/units/{id}", false, s.deleteUnit, opDoc{tag: "org", summary: "Delete an empty org unit", params: []paramDoc{unitID}, status: http.StatusNoContent}},
		{"GET", "/api/v1/employees", false, s.listEmployees, opDoc{tag: "org", summary: "List employees", params: []paramDoc{
			param("unit", "query", "Only employees directly in this unit."),
			param("manager", "query", "Only employees with this manager."),
			param("position", "query", "Only employees with this position."),
		}, resp: "Employee[]"}},
		{"POST", "/api/v1/employees", false, s.createEmployee, opDoc{tag: "org", summary: "Create an employee", body: "Employee", resp: "Employee", status: http.StatusCreated}},
		{"GET", "/api/v1/employees/{id}", false, s.getEmployee, opDoc{tag: "org", summary: "Get an employee", params: []paramDoc{empID}, resp: "Employee"}},
		{"PATCH", "/api/v1/employees/{id}", false, s.updateEmployee, opDoc{tag: "org", summary: "Change an employee (fields that are sent)", params: []paramDoc{empID}, body: "EmployeeUpdate", resp: "Employee"}},
		{"DELETE", "/api/v1/employees/{id}", false, s.deleteEmployee, opDoc{tag: "org", summary: "Delete an employee", params: []paramDoc{empID}, status: http.StatusNoContent}},
		{"GET", "/api/v1/employees/{id}/personal-data", false, s.personalData, opDoc{tag: "org", summary: "Everything held about one person, as one JSON file (admins)", params: []paramDoc{empID}}},
		{"POST", "/api/v1/employees/{id}/pseudonymise", false, s.pseudonymise, opDoc{tag: "org", summary: "Erase what identifies a person who has left, after the policy's retention period; their numbers stay (admins)", params: []paramDoc{empID}, resp: "Pseudonymised"}},
		{"POST", "/api/v1/org/import", false, s.importOrg, opDoc{tag: "org", summary: "Upsert units and employees, all or nothing", body: "OrgImport", resp: "ImportResult"}},

		{"GET", "/api/v1/definitions", false, s.getDefinitions, opDoc{tag: "definitions", summary: "All datasets and KPIs", resp: "Definitions"}},
		{"PUT", "/api/v1/definitions", false, s.applyDefinitions, opDoc{tag: "definitions", summary: "Replace the definitions (datasets, KPIs, scorecards, calendar, bonus plans) from JSON, or from an attain.yaml sent as application/yaml, whose targets are set too; validated whole, as attain apply", params: []paramDoc{
			param("dry_run", "query", "true: only report what would change, and how the values of the KPIs it touches (and the formulas over them) would change for the company and its departments, per month."),
			param("effective_from", "query", "YYYY-MM-DD: changed KPIs keep their old definition for records before this day."),
			param("reason", "query", "Why, for the audit trail."),
			param("preview_from", "query", "With dry_run: first day of the months previewed, YYYY-MM-DD (default: the first of the month two months ago)."),
			param("preview_to", "query", "With dry_run: last day of the months previewed, YYYY-MM-DD (default: today)."),
		}, body: "Definitions", resp: "ApplyResult"}},
		{"GET", "/api/v1/datasets", false, s.listDatasets, opDoc{tag: "definitions", summary: "List datasets", resp: "Dataset[]"}},
		{"GET", "/api/v1/datasets/{name}", false, s.getDataset, opDoc{tag: "definitions", summary: "Get a dataset", params: []paramDoc{dsName}, resp: "Dataset"}},
		{"GET", "/api/v1/kpis", false, s.listKPIs, opDoc{tag: "definitions", summary: "List KPIs", resp: "KPI[]"}},
		{"GET", "/api/v1/kpis/{name}", false, s.getKPI, opDoc{tag: "definitions", summary: "Get a KPI", params: []paramDoc{kpiName}, resp: "KPI"}},

		{"GET", "/api/v1/datasets/{name}/records", false, s.listRecords, opDoc{tag: "records", summary: "List records", params: []paramDoc{dsName,
			param("key", "query", "Only these keys (comma-separated)."),
			param("owner", "query", "Only these owners (comma-separated)."),
			param("limit", "query", "At most this many (default 100, at most 10000)."),
			param("offset", "query", "Skip this many."),
		}, resp: "Record[]"}},
		{"POST", "/api/v1/datasets/{name}/records", false, s.importRecords, opDoc{tag: "records", summary: "Upsert records by key from JSON, NDJSON (application/x-ndjson) or CSV (text/csv); all or nothing unless skip_invalid", params: []paramDoc{dsName,
			param("skip_invalid", "query", "true: import the good records and return the rejected ones with reasons."),
		}, body: "RecordInput[]", resp: "ImportResponse"}},
		{"DELETE", "/api/v1/datasets/{name}/records", false, s.deleteRecords, opDoc{tag: "records", summary: "Delete records by key", params: []paramDoc{dsName}, body: "KeyList", resp: "ImportResult"}},

		{"GET", "/api/v1/values", false, s.getValues, opDoc{tag: "values", summary: "KPI values per subject and period", params: valueParams(), resp: "KPIValue[]"}},
		{"GET", "/api/v1/explain", false, s.explain, opDoc{tag: "values", summary: "Why a KPI has its value: the records (or the parts of a formula) it is made of", params: []paramDoc{
			param("kpi", "query", "KPI name (required)."),
			param("employee", "query", "Employee id (this or unit)."),
			param("unit", "query", "Org unit id (this or employee)."),
			param("period", "query", "2017-06, 2017-Q2, 2017-W22, 2017, 2017-06-03 or 2017-06-01..2017-06-21 (required)."),
			param("limit", "query", "Records listed at most (default 1000)."),
		}, resp: "Explanation"}},
		{"GET", "/api/v1/targets", false, s.listTargets, opDoc{tag: "targets", summary: "List targets", params: targetParams(), resp: "Target[]"}},
		{"PUT", "/api/v1/targets", false, s.setTargets, opDoc{tag: "targets", summary: "Set targets (a null value deletes), all or nothing; refused in locked periods; a unit head's go through the guardrails (202 when some wait for approval, see GET /api/v1/levels)", body: "SetTargets", resp: "Target[]"}},
		{"GET", "/api/v1/targets/history", false, s.targetHistory, opDoc{tag: "targets", summary: "Every change of the targets: who, when, old, new, why", params: targetParams(), resp: "TargetChange[]"}},
		{"POST", "/api/v1/targets/propose", false, s.proposeTargets, opDoc{tag: "targets", summary: "Propose targets from history (preview; nothing is saved)", body: "ProposeRequest", resp: "Proposal[]"}},
		{"GET", "/api/v1/targets/cascade", false, s.targetCascade, opDoc{tag: "targets", summary: "Units whose target and the sum of their members' targets disagree", params: []paramDoc{
			param("kpi", "query", "KPI name (a count or a sum)."), param("period", "query", "Period."), param("all", "query", "true: list the units that agree too."),
		}, resp: "CascadeCheck[]"}},
		{"GET", "/api/v1/periods/locks", false, s.listLocks, opDoc{tag: "targets", summary: "Locked periods", resp: "PeriodLock[]"}},
		{"POST", "/api/v1/periods/lock", false, s.lockPeriod, opDoc{tag: "targets", summary: "Lock a period: its targets cannot change", body: "LockRequest", status: http.StatusNoContent}},
		{"POST", "/api/v1/periods/reopen", false, s.reopenPeriod, opDoc{tag: "targets", summary: "Reopen a locked period, with a reason", body: "LockRequest", status: http.StatusNoContent}},
		{"GET", "/api/v1/scorecard", false, s.getScorecard, opDoc{tag: "scorecards", summary: "Plan vs actual, score, pace and progress of an employee or unit in a period", params: scorecardParams(), resp: "Scorecard"}},
		{"GET", "/api/v1/scorecard/export.xlsx", false, s.exportScorecards, opDoc{tag: "scorecards", summary: "XLSX workbook of a unit's and its people's scorecards, for the review meeting", params: scorecardParams()}},
		{"GET", "/api/v1/attention", false, s.getAttention, opDoc{tag: "scorecards", summary: "Who among a manager's direct reports needs attention, and why", params: []paramDoc{
			param("manager", "query", "The manager's employee id."), param("period", "query", "Period."),
		}, resp: "Attention"}},
		{"POST", "/api/v1/bonus/eval", false, s.evalBonus, opDoc{tag: "bonus", summary: "Compute a bonus statement from a plan and one employee's inputs (YAML), with optional what-if changes", body: "BonusEval", resp: "BonusResult"}},
		{"GET", "/api/v1/statements/{employee}/{period}", false, s.getStatement, opDoc{tag: "statements", summary: "An employee's bonus statement for a period: the locked one, or a draft computed now; every line explained, KPI lines linked to /api/v1/explain, with the inquiries", params: stmtParams, resp: "PayrollStatement"}},
		{"POST", "/api/v1/statements/{employee}/{period}/what-if", false, s.statementWhatIf, opDoc{tag: "statements", summary: "The draft statement with changed KPI actuals (what if I close 3 more deals?)", params: stmtParams, body: "WhatIfRequest", resp: "StatementWhatIf"}},
		{"POST", "/api/v1/statements/{employee}/{period}/approve", false, s.statementStep(app.Approve), opDoc{tag: "statements", summary: "Approve the draft statement (a manager; the token's name is recorded)", params: stmtParams, resp: "PayrollStatement"}},
		{"POST", "/api/v1/statements/{employee}/{period}/lock", false, s.statementStep(app.Lock), opDoc{tag: "statements", summary: "Lock an approved statement for good; later changes become adjustments of the next one", params: stmtParams, resp: "PayrollStatement"}},
		{"POST", "/api/v1/statements/{employee}/{period}/pay", false, s.statementStep(app.Pay), opDoc{tag: "statements", summary: "Mark a locked statement paid", params: stmtParams, resp: "PayrollStatement"}},
		{"POST", "/api/v1/statements/{employee}/{period}/inquiries", false, s.createInquiry, opDoc{tag: "statements", summary: "Raise an inquiry on a statement line", params: stmtParams, body: "InquiryRequest", resp: "Inquiry", status: http.StatusCreated}},
		{"POST", "/api/v1/statements/{employee}/{period}/inquiries/{id}/answer", false, s.answerInquiry, opDoc{tag: "statements", summary: "Answer an inquiry", params: append(append([]paramDoc{}, stmtParams...), param("id", "path", "The inquiry's number.")), body: "AnswerRequest", resp: "Inquiry"}},
		{"GET", "/api/v1/statements/{employee}/{period}/pdf", false, s.statementPDF, opDoc{tag: "statements", summary: "The statement as PDF", params: stmtParams}},
		{"GET", "/api/v1/payouts", false, s.listPayouts, opDoc{tag: "statements", summary: "Payouts of a period for payroll: employee, name, currency, plan, payout, status", params: []paramDoc{
			param("period", "query", "Period, e.g. 2026-03 (required)."), param("format", "query", "json (default), csv or xlsx."),
		}, resp: "Payout[]"}},
		{"POST", "/api/v1/bonus/cost", false, s.bonusCost, opDoc{tag: "bonus", summary: "What a draft plan (YAML) would pay a unit's people against their current plans", body: "BonusCost", resp: "CostDelta"}},
		{"GET", "/api/v1/audit", false, s.listAudit, opDoc{tag: "audit", summary: "Audit trail, newest first", params: []paramDoc{
			param("entity", "query", "kpi, dataset, org_unit, employee, records."),
			param("entity_id", "query", "The entity's id or name."),
			param("limit", "query", "At most this many (default 100)."),
		}, resp: "AuditEntry[]"}},
	},
		s.userRoutes(),
		s.recognitionRoutes(),
		s.boardsRoutes(),
		s.notifyRoutes(),
		s.pilotsRoutes(),
		s.strategyRoutes(),
		s.pdfRoutes(),
	)
}

func targetParams() []paramDoc {
	return []paramDoc{
		param("kpi", "query", "KPI names, comma-separated."),
		param("employee", "query", "Employee ids, comma-separated."),
		param("unit", "query", "Org unit ids, comma-separated."),
		param("period", "query", "Only periods overlapping this one, e.g. 2026-Q3."),
	}
}

func scorecardParams() []paramDoc {
	return []paramDoc{
		param("employee", "query", "Employee id (this or unit)."),
		param("unit", "query", "Org unit id (this or employee)."),
		param("period", "query", "Period, e.g. 2026-06."),
		param("template", "query", "For a unit: the scorecard template (default: the one most of its people have)."),
	}
}

func valueParams() []paramDoc {
	return []paramDoc{
		param("kpi", "query", "KPI names, comma-separated; default all."),
		param("employee", "query", "Employee ids, comma-separated."),
		param("unit", "query", "Org unit ids, comma-separated. With neither employee nor unit: every employee and unit."),
		param("grain", "query", "day, week, month, quarter, year or range (default month)."),
		param("from", "query", "First day, YYYY-MM-DD."),
		param("to", "query", "Last day, YYYY-MM-DD."),
		param("period", "query", "Instead of grain/from/to: one period, e.g. 2017-06 or 2017-Q2."),
	}
}
