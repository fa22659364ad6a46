package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"attain/kpi"
)

// opDoc documents one route for the OpenAPI document.
type opDoc struct {
	tag, summary string
	params       []paramDoc
	body, resp   string // schema names; "X[]" for a list
	status       int    // success status; 200 when 0
}

type paramDoc struct {
	name, in, description string
}

func param(name, in, description string) paramDoc { return paramDoc{name, in, description} }

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// openAPI builds the OpenAPI 3.1 document from the route table.
func (s *Server) openAPI() map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes() {
		op := map[string]any{
			"summary":     rt.doc.summary,
			"tags":        []string{rt.doc.tag},
			"operationId": operationID(rt.method, rt.path),
		}
		var params []map[string]any
		for _, p := range rt.doc.params {
			params = append(params, map[string]any{
				"name": p.name, "in": p.in, "required": p.in == "path",
				"description": p.description, "schema": map[string]string{"type": "string"},
			})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.doc.body != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaRef(rt.doc.body)},
			}}
		}
		status := rt.doc.status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if rt.doc.resp != "" {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaRef(rt.doc.resp)}}
		}
		responses := map[string]any{strconv.Itoa(status): ok}
		if !rt.public {
			op["security"] = []map[string][]string{{"token": {}}}
			responses["401"] = errorResponse("No or wrong API token")
			responses["429"] = errorResponse("This API token has too many requests in flight (Limits.MaxInFlight); retry after the Retry-After seconds")
		}
		responses["400"] = errorResponse("Invalid request; details name each problem")
		responses["404"] = errorResponse("Not found")
		op["responses"] = responses
		if paths[rt.path] == nil {
			paths[rt.path] = map[string]any{}
		}
		paths[rt.path][strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Attain API",
			"version":     "1",
			"description": "KPIs for sales departments: org, datasets and records, KPI definitions, values and their explanations, scorecards, bonus statements and payouts. Decimal numbers are JSON strings, so they stay exact.",
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"token": map[string]string{"type": "http", "scheme": "bearer"}},
			"schemas":         schemas,
		},
	}
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.openAPI())
	return nil
}

func schemaRef(name string) map[string]any {
	if elem, ok := strings.CutSuffix(name, "[]"); ok {
		return map[string]any{"type": "array", "items": schemaRef(elem)}
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func errorResponse(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{
		"application/json": map[string]any{"schema": schemaRef("Error")},
	}}
}

func operationID(method, path string) string {
	p := strings.TrimPrefix(path, "/api/v1")
	p = pathParam.ReplaceAllString(p, "by_$1")
	p = strings.NewReplacer("/", "_", ".", "_").Replace(strings.Trim(p, "/"))
	return strings.ToLower(method) + "_" + p
}

// obj and the helpers below keep the schema table readable.
// leavePeriods is an employee's leave: ranges in date order, not
// overlapping; an update replaces the list ([] clears it).
var leavePeriods = map[string]any{"type": "array", "items": map[string]any{"oneOf": []any{str, schemaRef("Period")}},
	"description": "periods on leave, both days included, in date order, not overlapping: 2026-06-01..2026-06-14 or {grain, from, to}"}

func obj(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if required != nil {
		o["required"] = required
	}
	return o
}

var (
	str      = map[string]any{"type": "string"}
	integer  = map[string]any{"type": "integer"}
	boolean  = map[string]any{"type": "boolean"}
	date     = map[string]any{"type": "string", "format": "date"}
	exact    = map[string]any{"type": "string", "pattern": `^-?\d+(\.\d+)?$`, "description": "exact decimal"}
	strList  = map[string]any{"type": "array", "items": str}
	dateTime = map[string]any{"type": "string", "format": "date-time"}
	role     = map[string]any{"type": "string", "enum": kpi.Roles}
)

// exactOrNull is an exact decimal that may be null.
func exactOrNull(description string) map[string]any {
	return map[string]any{"type": []string{"string", "null"}, "pattern": exact["pattern"], "description": description}
}

var schemas = map[string]any{
	"User": obj(nil, map[string]any{"id": integer, "email": str, "name": str, "employee_id": str, "role": role,
		"disabled": boolean, "created_at": dateTime, "last_sign_in": dateTime}),
	"UserRequest": obj([]string{"email"}, map[string]any{"email": str, "name": str, "employee_id": str, "role": role,
		"password": map[string]any{"type": "string", "description": "first password, at least 10 characters; none: single sign-on or a reset link"}}),
	"UserUpdate": obj(nil, map[string]any{"name": str, "employee_id": str, "role": role, "disabled": boolean}),
	"Whoami":     obj(nil, map[string]any{"name": str, "role": role, "employee_id": str, "scopes": strList, "user": schemaRef("User")}),
	"ResetLink":  obj(nil, map[string]any{"url": str, "expires_at": dateTime}),
	"APIToken": obj(nil, map[string]any{"id": integer, "name": str, "created_at": dateTime, "user_id": integer,
		"scopes": strList, "expires_at": dateTime, "revoked_at": dateTime, "last_used_at": dateTime, "created_by": str,
		"secret": map[string]any{"type": "string", "description": "only in the answer that creates the token"}}),
	"TokenRequest": obj([]string{"name"}, map[string]any{"name": str,
		"scopes":      map[string]any{"type": "array", "items": str, "description": "actions (values:read) or records:read|write:DATASET; none: all the user may"},
		"expires":     map[string]any{"type": "string", "description": "2027-01-31, 90d, 12h or never; default 90d for a user's token, never for an integration's"},
		"integration": map[string]any{"type": "boolean", "description": "a token of no user, acting as an admin within its scopes (admins)"}}),
	"Error": obj([]string{"error"}, map[string]any{"error": obj([]string{"code", "message"}, map[string]any{
		"code":    map[string]any{"type": "string", "enum": kpi.Codes},
		"message": str,
		"details": map[string]any{"type": "array", "items": schemaRef("Problem")},
	})}),
	"Problem":       obj([]string{"reason"}, map[string]any{"file": str, "line": integer, "column": str, "value": str, "reason": str}),
	"Workspace":     obj(nil, map[string]any{"id": integer, "slug": str, "name": str, "time_zone": str}),
	"Versions":      obj(nil, map[string]any{"records": integer, "definitions": integer, "org": integer}),
	"OrgUnit":       obj([]string{"id", "name"}, map[string]any{"id": str, "name": str, "kind": str, "parent_id": str, "head_id": str}),
	"Pseudonymised": obj(nil, map[string]any{"employee": str, "name": str}),
	"OrgUnitUpdate": obj(nil, map[string]any{"name": str, "kind": str, "parent_id": str, "head_id": str}),
	"Employee": obj([]string{"id", "name", "unit_id"}, map[string]any{
		"id": str, "name": str, "email": str, "unit_id": str, "manager_id": str, "position": str, "hired_on": date, "left_on": date,
		"currency": str, "salary": exact, "leave": leavePeriods,
	}),
	"EmployeeUpdate": obj(nil, map[string]any{
		"name": str, "email": str, "unit_id": str, "manager_id": str, "position": str, "hired_on": date, "left_on": date,
		"currency": str, "salary": exact, "unit_from": date, "leave": leavePeriods,
	}),
	"OrgImport": obj(nil, map[string]any{
		"units":     map[string]any{"type": "array", "items": schemaRef("OrgUnit")},
		"employees": map[string]any{"type": "array", "items": schemaRef("Employee")},
	}),
	"ImportResult":   obj(nil, map[string]any{"created": integer, "updated": integer, "unchanged": integer, "deleted": integer, "rejected": integer}),
	"ImportResponse": obj(nil, map[string]any{"created": integer, "updated": integer, "unchanged": integer, "deleted": integer, "rejected": integer, "rejected_records": map[string]any{"type": "array", "items": obj(nil, map[string]any{"line": integer, "problems": map[string]any{"type": "array", "items": schemaRef("Problem")}})}}),
	"Column": obj([]string{"name", "type"}, map[string]any{
		"name": str, "type": map[string]any{"type": "string", "enum": []string{"string", "integer", "decimal", "money", "date", "timestamp", "boolean"}},
		"scale": integer, "required": boolean, "non_negative": boolean, "values": strList, "header": str,
	}),
	"Dataset": obj([]string{"name", "columns", "key", "owner", "time_columns"}, map[string]any{
		"name": str, "title": str, "columns": map[string]any{"type": "array", "items": schemaRef("Column")}, "key": str, "owner": str, "time_columns": strList,
	}),
	"KPI": obj([]string{"name", "unit", "direction"}, map[string]any{
		"name": str, "title": str, "description": str,
		"unit":      map[string]any{"type": "string", "enum": []string{"count", "money", "percent", "duration", "number"}},
		"direction": map[string]any{"type": "string", "enum": []string{"higher", "lower"}},
		"currency":  str, "time_unit": str, "dataset": str,
		"aggregation": map[string]any{"type": "string", "enum": kpi.AggregationNames()},
		"expr":        str, "filter": str, "time_column": str, "formula": str,
	}),
	"Definitions": obj([]string{"datasets", "kpis"}, map[string]any{
		"datasets": map[string]any{"type": "array", "items": schemaRef("Dataset")},
		"kpis":     map[string]any{"type": "array", "items": schemaRef("KPI")},
		"bonus_plans": map[string]any{"type": "array", "items": obj([]string{"name", "plan", "assign"}, map[string]any{
			"name": str, "plan": map[string]any{"type": "object", "description": "the plan document (see docs/bonus.md)"},
			"assign": map[string]any{"type": "array", "items": obj(nil, map[string]any{"position": str, "employee": str, "from": date, "to": date})},
		})},
	}),
	"Change": obj(nil, map[string]any{"action": str, "kind": str, "name": str}),
	"ApplyResult": obj([]string{"dry_run", "changes", "targets", "targets_stored"}, map[string]any{
		"dry_run": boolean,
		"changes": map[string]any{"type": "array", "items": schemaRef("Change")},
		"preview": map[string]any{"type": "array", "items": schemaRef("PreviewRow"), "description": "dry run only: the values that would change"},
		"targets": map[string]any{"type": "integer", "description": "targets in the attain.yaml sent"}, "targets_stored": map[string]any{"type": "integer", "description": "targets that changed and were stored"},
	}),
	"PreviewRow": obj([]string{"kpi", "subject", "period", "before", "after", "delta", "changed"}, map[string]any{
		"kpi": str, "subject": schemaRef("Subject"), "period": schemaRef("Period"),
		"before":  exactOrNull("the value now; null: none, or the KPI is created"),
		"after":   exactOrNull("the value after the change; null: none, or the KPI is removed"),
		"delta":   exactOrNull("after − before; null unless both are set"),
		"changed": boolean,
	}),
	"Record":      obj([]string{"key", "values"}, map[string]any{"key": str, "owner": str, "values": map[string]any{"type": "object", "description": "column name → value; decimals as strings"}}),
	"RecordInput": map[string]any{"type": "object", "description": "one record: column name → value (decimals as strings or JSON numbers, dates YYYY-MM-DD); CSV and NDJSON bodies are accepted too"},
	"KeyList":     obj([]string{"keys"}, map[string]any{"keys": strList}),
	"Subject":     obj(nil, map[string]any{"kind": map[string]any{"type": "string", "enum": []string{"employee", "unit"}}, "id": str}),
	"Period":      obj(nil, map[string]any{"grain": str, "from": date, "to": date}),
	"KPIValue": obj(nil, map[string]any{
		"kpi": str, "subject": schemaRef("Subject"), "period": schemaRef("Period"), "value": exact, "null": boolean, "records": integer,
		"display": map[string]any{"type": "string", "description": "the value in the KPI's unit, for reading (12,345.60 EUR, 33.3 %); /api/v1/values only"},
	}),
	"Explanation": obj(nil, map[string]any{
		"value": schemaRef("KPIValue"), "aggregation": str, "dataset": str, "filter": str, "expr": str, "time_column": str, "formula": str,
		"parts":     map[string]any{"type": "array", "items": schemaRef("Explanation")},
		"records":   map[string]any{"type": "array", "items": obj(nil, map[string]any{"key": str, "owner": str, "date": date, "value": exact, "fields": map[string]any{"type": "object"}})},
		"truncated": boolean,
	}),
	"Target": obj(nil, map[string]any{"kpi": str, "subject": schemaRef("Subject"), "period": schemaRef("Period"), "value": exact,
		"version": integer, "updated_at": map[string]any{"type": "string", "format": "date-time"}, "updated_by": str, "reason": str}),
	"TargetInput": obj([]string{"kpi", "subject", "period"}, map[string]any{"kpi": str, "subject": schemaRef("Subject"),
		"period": map[string]any{"oneOf": []any{str, schemaRef("Period")}, "description": "a label (2026-06, 2026-Q3, 2026-W14, 2026, 2026-06-01..2026-06-21) or {grain, from, to}"},
		"value":  map[string]any{"type": []string{"string", "null"}, "description": "exact decimal; null deletes the target"}}),
	"SetTargets": obj([]string{"targets"}, map[string]any{"targets": map[string]any{"type": "array", "items": schemaRef("TargetInput")}, "reason": str}),
	"TargetChange": obj(nil, map[string]any{"kpi": str, "subject": schemaRef("Subject"), "period": schemaRef("Period"), "old": exact, "new": exact,
		"version": integer, "at": map[string]any{"type": "string", "format": "date-time"}, "by": str, "reason": str}),
	"ProposeRequest": obj([]string{"kpi", "period", "method"}, map[string]any{"kpi": str, "period": str,
		"method":   map[string]any{"type": "string", "enum": []string{"average", "median", "last_year", "split", "even", "sum"}},
		"subjects": map[string]any{"type": "array", "items": schemaRef("Subject")}, "unit": str, "total": exact, "n": integer, "growth": exact, "places": integer}),
	"Proposal":     obj(nil, map[string]any{"kpi": str, "subject": schemaRef("Subject"), "period": schemaRef("Period"), "value": exact, "null": boolean, "method": str, "explanation": str}),
	"CascadeCheck": obj(nil, map[string]any{"unit": schemaRef("Subject"), "target": exact, "null": boolean, "sum": exact, "children": integer, "missing": map[string]any{"type": "array", "items": schemaRef("Subject")}, "difference": exact, "agrees": boolean}),
	"PeriodLock":   obj(nil, map[string]any{"period": schemaRef("Period"), "locked_at": map[string]any{"type": "string", "format": "date-time"}, "locked_by": str, "reason": str}),
	"LockRequest":  obj([]string{"period", "reason"}, map[string]any{"period": str, "reason": str}),
	"Scorecard":    map[string]any{"type": "object", "description": "items (actual, target, achievement, score, contribution, status), total, pace, progress and prorations; see docs/scoring.md"},
	"Attention":    map[string]any{"type": "object", "description": "concerns (subject, points, reasons) most urgent first, and skipped people with why"},
	"BonusEval": obj([]string{"plan", "inputs"}, map[string]any{
		"plan": map[string]any{"type": "string", "description": "PLAN.yaml text (see docs/bonus.md)"}, "inputs": map[string]any{"type": "string", "description": "INPUTS.yaml text"},
		"changes": map[string]any{"type": "array", "items": obj([]string{"kpi"}, map[string]any{"kpi": str, "add": exact, "set": exact})},
	}),
	"BonusResult": obj([]string{"statement"}, map[string]any{"statement": schemaRef("Statement"), "what_if": schemaRef("Statement")}),
	"Statement":   map[string]any{"type": "object", "description": "every line of the calculation: inputs, the rule applied and the result; fx, true_up and projection (not paid) when the plan has them (see docs/bonus.md)"},
	"PayrollStatement": obj(nil, map[string]any{
		"employee": obj(nil, map[string]any{"id": str, "name": str, "currency": str}), "period": schemaRef("Period"), "period_label": str,
		"status": map[string]any{"type": "string", "enum": []string{"draft", "approved", "locked", "paid"}}, "plan": str, "currency": str, "payout": exact,
		"carry_out": obj(nil, map[string]any{"draw_balance": exact, "clawback_balance": exact}),
		"projected": map[string]any{"type": "string", "description": "what open deals would add if they closed: never part of payout, never exported to payroll"},
		"sections": map[string]any{"type": "array", "items": obj(nil, map[string]any{"plan": str, "from": date, "to": date,
			"inputs": map[string]any{"type": "object", "description": "the bonus inputs it was evaluated on (see docs/bonus.md)"}, "statement": schemaRef("Statement")})},
		"explain":      map[string]any{"type": "array", "items": obj(nil, map[string]any{"line": str, "query": map[string]any{"type": "object"}, "href": str})},
		"attributions": map[string]any{"type": "array", "items": obj(nil, map[string]any{"kpi": str, "key": str, "date": date, "value": exact, "paid": exact})},
		"reversals":    map[string]any{"type": "array", "items": obj(nil, map[string]any{"period": schemaRef("Period"), "kpi": str, "key": str})},
		"adjustments":  map[string]any{"type": "array", "items": obj(nil, map[string]any{"of": schemaRef("Period"), "amount": exact, "reason": str})},
		"inquiries":    map[string]any{"type": "array", "items": schemaRef("Inquiry")}, "notes": strList,
		"approved_by": str, "approved_at": map[string]any{"type": "string", "format": "date-time"},
		"locked_by": str, "locked_at": map[string]any{"type": "string", "format": "date-time"},
		"paid_by": str, "paid_at": map[string]any{"type": "string", "format": "date-time"},
	}),
	"WhatIfRequest": obj([]string{"changes"}, map[string]any{
		"changes": map[string]any{"type": "array", "items": obj([]string{"kpi"}, map[string]any{"kpi": str, "add": exact, "set": exact})},
	}),
	"StatementWhatIf": obj(nil, map[string]any{"statement": schemaRef("PayrollStatement"), "changes": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"what_if": schemaRef("Statement"), "payout": exact, "delta": exact,
		"score": obj(nil, map[string]any{"was": exact, "score": exact, "rescored": boolean, "rule": str, "scorecard": schemaRef("Scorecard")})}),
	"InquiryRequest": obj([]string{"line", "text"}, map[string]any{"line": str, "text": str}),
	"AnswerRequest":  obj([]string{"text"}, map[string]any{"text": str}),
	"Inquiry": obj(nil, map[string]any{"id": integer, "employee_id": str, "period": schemaRef("Period"), "line": str, "text": str, "asked_by": str,
		"asked_at": map[string]any{"type": "string", "format": "date-time"}, "answer": str, "answered_by": str, "answered_at": map[string]any{"type": "string", "format": "date-time"}}),
	"Payout": obj(nil, map[string]any{"employee_id": str, "name": str, "currency": str, "plan": str, "payout": exact,
		"status": map[string]any{"type": "string", "enum": []string{"draft", "approved", "locked", "paid", "error"}}, "period": str, "error": str}),
	"BonusCost": obj([]string{"plan", "unit", "period"}, map[string]any{"plan": map[string]any{"type": "string", "description": "the draft PLAN.yaml text"}, "unit": str, "period": str}),
	"CostDelta": obj(nil, map[string]any{"base": str, "draft": str,
		"people": map[string]any{"type": "array", "items": obj(nil, map[string]any{"employee": str, "currency": str, "base": exact, "draft": exact, "delta": exact})},
		"totals": map[string]any{"type": "array", "items": obj(nil, map[string]any{"currency": str, "base": exact, "draft": exact, "delta": exact})}}),
	"AuditEntry": obj(nil, map[string]any{"id": integer, "at": map[string]any{"type": "string", "format": "date-time"}, "actor": str, "action": str, "entity": str, "entity_id": str, "old": str, "new": str, "reason": str}),
}
