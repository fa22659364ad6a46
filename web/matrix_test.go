package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// Who may call a route, by the subject it is about: bob, a rep in team t1,
// which ann heads; cy is a rep in team t2, which dan heads.
type access int

const (
	public        access = iota // anyone, signed in or not (the page itself may say no: a wrong password)
	anyone                      // every signed-in person
	readers                     // admins, finance, auditors
	admins                      // admins only
	ofBob                       // readers, bob, and his manager ann
	ofTeam1                     // readers and ann, who heads t1
	manageBob                   // admins and ann, never bob himself
	bobOnly                     // admins and bob (his own inquiries)
	heads                       // readers, ann and dan, who head units
	bobAndManager               // admins, bob and his manager ann (progress on his task)
)

// allowed lists, per access, the actors that pass; the others must be
// refused (401 without credentials, 403 with).
var allowed = map[access][]string{
	public:        {"anonymous", "admin", "finance", "auditor", "bob", "cy", "ann", "dan"},
	anyone:        {"admin", "finance", "auditor", "bob", "cy", "ann", "dan"},
	readers:       {"admin", "finance", "auditor"},
	admins:        {"admin"},
	ofBob:         {"admin", "finance", "auditor", "bob", "ann"},
	ofTeam1:       {"admin", "finance", "auditor", "ann"},
	manageBob:     {"admin", "ann"},
	bobOnly:       {"admin", "bob"},
	heads:         {"admin", "finance", "auditor", "ann", "dan"},
	bobAndManager: {"admin", "bob", "ann"},
}

// call is one request of the matrix: a route (its pattern, as the routes
// tables register it) with concrete values.
type call struct {
	pattern      string // METHOD PATH as registered
	path, body   string
	contentType  string
	who          access
	notForOthers bool // what another workspace must get: 404 or an empty answer, never our data
}

// matrix has a call for every route; TestAuthorizationMatrix fails when a
// route has none, so a new route cannot be forgotten.
var matrix = []call{
	{pattern: "GET /healthz", path: "/healthz", who: public},
	{pattern: "GET /api/v1/openapi.json", path: "/api/v1/openapi.json", who: public},
	{pattern: "GET /api/v1/workspace", path: "/api/v1/workspace", who: anyone},
	{pattern: "GET /api/v1/versions", path: "/api/v1/versions", who: anyone},
	{pattern: "GET /api/v1/units", path: "/api/v1/units", who: anyone},
	{pattern: "POST /api/v1/units", path: "/api/v1/units", body: `{"id": "new", "name": "New", "parent_id": "co"}`, who: admins},
	{pattern: "GET /api/v1/units/{id}", path: "/api/v1/units/t1", who: anyone},
	{pattern: "PATCH /api/v1/units/{id}", path: "/api/v1/units/t1", body: `{"name": "Team One"}`, who: admins},
	{pattern: "DELETE /api/v1/units/{id}", path: "/api/v1/units/empty", who: admins},
	{pattern: "GET /api/v1/employees", path: "/api/v1/employees", who: anyone},
	{pattern: "POST /api/v1/employees", path: "/api/v1/employees", body: `{"id": "eve", "name": "Eve", "unit_id": "t1"}`, who: admins},
	{pattern: "GET /api/v1/employees/{id}", path: "/api/v1/employees/bob", who: anyone},
	{pattern: "PATCH /api/v1/employees/{id}", path: "/api/v1/employees/zed", body: `{"name": "Zed Z"}`, who: admins},
	{pattern: "DELETE /api/v1/employees/{id}", path: "/api/v1/employees/zed", who: admins},
	{pattern: "GET /api/v1/employees/{id}/personal-data", path: "/api/v1/employees/bob/personal-data", who: admins},
	{pattern: "POST /api/v1/employees/{id}/pseudonymise", path: "/api/v1/employees/zed/pseudonymise", who: admins},
	{pattern: "POST /api/v1/org/import", path: "/api/v1/org/import", body: `{"units": [], "employees": []}`, who: admins},
	{pattern: "GET /api/v1/definitions", path: "/api/v1/definitions", who: anyone},
	{pattern: "PUT /api/v1/definitions", path: "/api/v1/definitions?dry_run=true", body: apptest.SmallYAML, contentType: "application/yaml", who: admins},
	{pattern: "GET /api/v1/datasets", path: "/api/v1/datasets", who: anyone},
	{pattern: "GET /api/v1/datasets/{name}", path: "/api/v1/datasets/deals", who: anyone},
	{pattern: "GET /api/v1/kpis", path: "/api/v1/kpis", who: anyone},
	{pattern: "GET /api/v1/kpis/{name}", path: "/api/v1/kpis/won", who: anyone},
	{pattern: "GET /api/v1/datasets/{name}/records", path: "/api/v1/datasets/deals/records?owner=bob", who: ofBob},
	{pattern: "POST /api/v1/datasets/{name}/records", path: "/api/v1/datasets/deals/records", body: "id,rep,stage,amount,closed_on,days\nd9,cy,Lost,5,2025-06-30,\n", contentType: "text/csv", who: admins},
	{pattern: "DELETE /api/v1/datasets/{name}/records", path: "/api/v1/datasets/deals/records", body: `{"keys": ["d9"]}`, who: admins},
	{pattern: "GET /api/v1/values", path: "/api/v1/values?employee=bob&period=2025-06", who: ofBob},
	{pattern: "GET /api/v1/explain", path: "/api/v1/explain?kpi=won&employee=bob&period=2025-06", who: ofBob},
	{pattern: "GET /api/v1/targets", path: "/api/v1/targets?employee=bob", who: ofBob},
	{pattern: "PUT /api/v1/targets", path: "/api/v1/targets", body: `{"targets": [{"kpi": "won", "subject": {"kind": "employee", "id": "bob"}, "period": "2025-07", "value": "5"}], "reason": "matrix"}`, who: manageBob},
	{pattern: "GET /api/v1/targets/history", path: "/api/v1/targets/history?employee=bob", who: ofBob},
	{pattern: "POST /api/v1/targets/propose", path: "/api/v1/targets/propose", body: `{"kpi": "won", "period": "2025-08", "method": "median", "subjects": [{"kind": "employee", "id": "bob"}]}`, who: ofBob},
	{pattern: "GET /api/v1/targets/cascade", path: "/api/v1/targets/cascade?kpi=won&period=2025-06", who: readers},
	{pattern: "GET /api/v1/periods/locks", path: "/api/v1/periods/locks", who: anyone},
	{pattern: "POST /api/v1/periods/lock", path: "/api/v1/periods/lock", body: `{"period": "2024-01", "reason": "matrix"}`, who: admins},
	{pattern: "POST /api/v1/periods/reopen", path: "/api/v1/periods/reopen", body: `{"period": "2024-01", "reason": "matrix"}`, who: admins},
	{pattern: "GET /api/v1/scorecard", path: "/api/v1/scorecard?employee=bob&period=2025-06", who: ofBob},
	{pattern: "GET /api/v1/scorecard/export.xlsx", path: "/api/v1/scorecard/export.xlsx?unit=t1&period=2025-06", who: ofTeam1},
	{pattern: "GET /api/v1/attention", path: "/api/v1/attention?manager=bob&period=2025-06", who: ofBob},
	{pattern: "POST /api/v1/bonus/eval", path: "/api/v1/bonus/eval", body: `{"plan": "currency: EUR\ncomponents: []\n", "inputs": "employee: {id: x}\nperiod: 2025-06\n"}`, who: anyone},
	{pattern: "GET /api/v1/statements/{employee}/{period}", path: "/api/v1/statements/bob/2025-06", who: ofBob},
	{pattern: "POST /api/v1/statements/{employee}/{period}/what-if", path: "/api/v1/statements/bob/2025-06/what-if", body: `{"changes": [{"kpi": "won_value", "add": "100"}]}`, who: ofBob},
	{pattern: "POST /api/v1/statements/{employee}/{period}/inquiries", path: "/api/v1/statements/bob/2025-06/inquiries", body: `{"line": "commission.amount", "text": "Why?"}`, who: bobOnly},
	{pattern: "POST /api/v1/statements/{employee}/{period}/inquiries/{id}/answer", path: "/api/v1/statements/bob/2025-06/inquiries/1/answer", body: `{"text": "Because."}`, who: manageBob},
	{pattern: "POST /api/v1/statements/{employee}/{period}/approve", path: "/api/v1/statements/bob/2025-06/approve", who: manageBob},
	{pattern: "POST /api/v1/statements/{employee}/{period}/lock", path: "/api/v1/statements/bob/2025-06/lock", who: admins},
	{pattern: "POST /api/v1/statements/{employee}/{period}/pay", path: "/api/v1/statements/bob/2025-06/pay", who: admins},
	{pattern: "GET /api/v1/statements/{employee}/{period}/pdf", path: "/api/v1/statements/bob/2025-06/pdf", who: ofBob},
	{pattern: "GET /api/v1/payouts", path: "/api/v1/payouts?period=2025-06", who: readers},
	{pattern: "POST /api/v1/bonus/cost", path: "/api/v1/bonus/cost", body: `{"plan": "currency: EUR\ncomponents: []\n", "unit": "co", "period": "2025-06"}`, who: readers},
	{pattern: "GET /api/v1/audit", path: "/api/v1/audit", who: readers},
	{pattern: "GET /api/v1/audit/export.csv", path: "/api/v1/audit/export.csv", who: readers},
	{pattern: "GET /api/v1/me", path: "/api/v1/me", who: anyone},
	{pattern: "GET /api/v1/users", path: "/api/v1/users", who: admins},
	{pattern: "POST /api/v1/users", path: "/api/v1/users", body: `{"email": "new@small.example", "role": "member"}`, who: admins},
	{pattern: "GET /api/v1/users/{email}", path: "/api/v1/users/bob@small.example", who: admins},
	{pattern: "PATCH /api/v1/users/{email}", path: "/api/v1/users/cy@small.example", body: `{"name": "Cy C"}`, who: admins},
	{pattern: "POST /api/v1/users/{email}/reset-link", path: "/api/v1/users/cy@small.example/reset-link", who: admins},
	{pattern: "GET /api/v1/tokens", path: "/api/v1/tokens", who: anyone},
	{pattern: "POST /api/v1/tokens", path: "/api/v1/tokens", body: `{"name": "mine"}`, who: anyone},
	{pattern: "DELETE /api/v1/tokens/{id}", path: "/api/v1/tokens/999999", who: anyone},
	{pattern: "GET /api/v1/strategy", path: "/api/v1/strategy?period=2025-06", who: anyone},
	{pattern: "GET /api/v1/objectives", path: "/api/v1/objectives", who: anyone},
	{pattern: "PUT /api/v1/objectives/{id}", path: "/api/v1/objectives/m1", body: `{"title": "M", "period": "2025-06", "measures": [{"kpi": "won", "target": "5", "weight": "1"}]}`, who: admins},
	{pattern: "DELETE /api/v1/objectives/{id}", path: "/api/v1/objectives/m1", who: admins},
	{pattern: "GET /api/v1/functions", path: "/api/v1/functions", who: anyone},
	{pattern: "PUT /api/v1/functions", path: "/api/v1/functions", body: `{"unit_id": "t1", "function": "sales"}`, who: admins},
	{pattern: "GET /api/v1/guardrails", path: "/api/v1/guardrails", who: anyone},
	{pattern: "PUT /api/v1/guardrails", path: "/api/v1/guardrails", body: `[{"kpi": "", "max_change": "10", "floor": "80"}]`, who: admins},
	{pattern: "GET /api/v1/levels", path: "/api/v1/levels", who: anyone},
	{pattern: "POST /api/v1/levels", path: "/api/v1/levels", body: `{"kpi": "won", "employee": "bob", "period": "2025-07", "value": "5.2", "reason": "matrix"}`, who: manageBob},
	{pattern: "GET /api/v1/levels/scorecard", path: "/api/v1/levels/scorecard?employee=bob&period=2025-07", who: ofBob},
	{pattern: "POST /api/v1/levels/scorecard", path: "/api/v1/levels/scorecard", body: `{"employee": "bob", "from": "2025-07", "items": [{"kpi": "won", "weight": "100"}], "reason": "matrix"}`, who: manageBob},
	{pattern: "POST /api/v1/levels/{id}/decide", path: "/api/v1/levels/1/decide", body: `{"approve": true}`, who: admins},
	{pattern: "GET /api/v1/library", path: "/api/v1/library", who: anyone},
	{pattern: "GET /api/v1/library/{entry}", path: "/api/v1/library/order-processing-manager", who: anyone}, // the library is built in: sales-pipeline names won_value, a KPI of the workspace too
	{pattern: "POST /api/v1/library/{entry}/apply", path: "/api/v1/library/sales-pipeline/apply", body: `{"dry_run": true, "map": {"closed_at": "closed_on"}}`, who: admins},
	{pattern: "GET /api/v1/tasks", path: "/api/v1/tasks?employee=bob", who: ofBob},
	{pattern: "POST /api/v1/tasks", path: "/api/v1/tasks", body: `{"employee": "bob", "title": "m", "due": "2025-06-30"}`, who: manageBob},
	{pattern: "PATCH /api/v1/tasks/{id}", path: "/api/v1/tasks/1", body: `{"progress": "50"}`, who: bobAndManager},
	{pattern: "GET /api/v1/inbox", path: "/api/v1/inbox", who: anyone},
	{pattern: "POST /api/v1/inbox/{id}/read", path: "/api/v1/inbox/999999/read", who: anyone},
	{pattern: "GET /api/v1/webhooks", path: "/api/v1/webhooks", who: admins},
	{pattern: "POST /api/v1/webhooks", path: "/api/v1/webhooks", body: `{"url": "https://chat.example/hook"}`, who: admins},
	{pattern: "DELETE /api/v1/webhooks/{id}", path: "/api/v1/webhooks/999999", who: admins},
	{pattern: "GET /api/v1/outbox", path: "/api/v1/outbox", who: admins},

	{pattern: "GET /api/v1/pilots", path: "/api/v1/pilots", who: heads},
	{pattern: "POST /api/v1/pilots", path: "/api/v1/pilots", body: `{"name": "matrix", "unit": "t1", "comparison": "t2", "start": "2025-06-02", "end": "2025-06-29", "plan": "reps", "shadow": true}`, who: admins},
	{pattern: "GET /api/v1/pilots/{id}", path: "/api/v1/pilots/1", who: ofTeam1, notForOthers: true},
	{pattern: "GET /api/v1/pilots/{id}/report", path: "/api/v1/pilots/1/report", who: ofTeam1, notForOthers: true},
	{pattern: "GET /api/v1/pilots/{id}/report.xlsx", path: "/api/v1/pilots/1/report.xlsx", who: ofTeam1, notForOthers: true},
	{pattern: "POST /api/v1/pilots/{id}/end", path: "/api/v1/pilots/1/end", body: `{"reason": "matrix"}`, who: admins},
	{pattern: "POST /api/v1/pilots/{id}/rollout", path: "/api/v1/pilots/1/rollout", body: `{"units": ["t2"], "from": "2025-07-01", "dry_run": true}`, who: admins},
	{pattern: "GET /api/v1/meetings/comments", path: "/api/v1/meetings/comments?employee=bob&period=2025-06", who: ofBob},
	{pattern: "POST /api/v1/meetings/comments", path: "/api/v1/meetings/comments", body: `{"employee": "bob", "kpi": "won", "period": "2025-06", "text": "matrix"}`, who: ofBob},
	{pattern: "POST /api/v1/meetings/comments/{id}/resolve", path: "/api/v1/meetings/comments/1/resolve", who: ofBob},
	{pattern: "GET /api/v1/meetings/proposals", path: "/api/v1/meetings/proposals?unit=t1&period=2025-06", who: ofTeam1},
	{pattern: "POST /api/v1/meetings/proposals", path: "/api/v1/meetings/proposals", body: `{"kind": "target", "kpi": "won", "employee": "bob", "period": "2025-08", "value": "5", "why": "matrix"}`, who: manageBob},
	{pattern: "GET /api/v1/meetings/proposals/{id}", path: "/api/v1/meetings/proposals/1", who: ofBob},
	{pattern: "POST /api/v1/meetings/proposals/{id}/accept", path: "/api/v1/meetings/proposals/1/accept", who: admins},
	{pattern: "POST /api/v1/meetings/proposals/{id}/reject", path: "/api/v1/meetings/proposals/2/reject", body: `{"reason": "matrix"}`, who: admins},
	{pattern: "GET /api/v1/meetings/pack", path: "/api/v1/meetings/pack?unit=t1&period=2025-06", who: ofTeam1},
	{pattern: "GET /api/v1/meetings/pack.xlsx", path: "/api/v1/meetings/pack.xlsx?unit=t1&period=2025-06", who: ofTeam1},
	{pattern: "GET /api/v1/pilots/{id}/report.pdf", path: "/api/v1/pilots/1/report.pdf", who: ofTeam1, notForOthers: true},
	{pattern: "GET /api/v1/meetings/pack.pdf", path: "/api/v1/meetings/pack.pdf?unit=t1&period=2025-06", who: ofTeam1},

	{pattern: "GET /static/{file}", path: "", who: public}, // the stylesheet's hashed URL, set below
	{pattern: "GET /{$}", path: "/", who: anyone},
	{pattern: "GET /live", path: "/live", who: anyone},
	{pattern: "GET /me", path: "/me", who: anyone},
	{pattern: "GET /leaderboard", path: "/leaderboard?period=2025-06&metric=won_value", who: anyone},
	{pattern: "GET /leaderboard/tv", path: "/leaderboard/tv?period=2025-06&by=teams", who: anyone},
	{pattern: "GET /api/v1/leaderboard", path: "/api/v1/leaderboard?period=2025-06", who: anyone},
	{pattern: "GET /api/v1/awards", path: "/api/v1/awards?period=2025-06", who: anyone},
	{pattern: "GET /api/v1/awards/rules", path: "/api/v1/awards/rules", who: anyone},
	{pattern: "PUT /api/v1/awards/rules", path: "/api/v1/awards/rules?reason=test", body: `{"rules": [{"name": "top", "kind": "top", "metric": "won_value"}]}`, who: admins},
	{pattern: "GET /people/{id}", path: "/people/bob?period=2025-06", who: ofBob},
	{pattern: "GET /team", path: "/team?unit=t1&period=2025-06", who: ofTeam1},
	{pattern: "GET /explain", path: "/explain?kpi=won&employee=bob&period=2025-06", who: ofBob},
	{pattern: "GET /heatmap", path: "/heatmap?unit=t1&period=2025-06", who: ofTeam1},
	{pattern: "GET /health", path: "/health?unit=co&period=2025-06", who: readers},
	{pattern: "GET /api/v1/heatmap", path: "/api/v1/heatmap?unit=t1&period=2025-06", who: ofTeam1},
	{pattern: "GET /api/v1/plan-health", path: "/api/v1/plan-health?unit=co&period=2025-06", who: readers},
	{pattern: "GET /inbox", path: "/inbox", who: anyone},
	{pattern: "POST /inbox/{id}/read", path: "/inbox/999999/read", who: anyone},
	{pattern: "GET /pilots", path: "/pilots", who: heads},
	{pattern: "POST /pilots", path: "/pilots", body: "name=page&unit=t1&comparison=t2&start=2025-06-02&end=2025-06-29&plan=reps&mode=shadow", contentType: "application/x-www-form-urlencoded", who: admins},
	{pattern: "GET /pilots/{id}", path: "/pilots/1", who: ofTeam1},
	{pattern: "POST /pilots/{id}/rollout", path: "/pilots/1/rollout", body: "units=t2&from=2025-07-01", contentType: "application/x-www-form-urlencoded", who: admins},
	{pattern: "GET /meetings", path: "/meetings?unit=t1&period=2025-06", who: ofTeam1},
	{pattern: "POST /meetings/comments", path: "/meetings/comments", body: "unit=t1&period=2025-06&subject=employee:bob&kpi=won&text=page", contentType: "application/x-www-form-urlencoded", who: ofBob},
	{pattern: "POST /meetings/proposals", path: "/meetings/proposals", body: "unit=t1&period=2025-08&subject=employee:bob&kpi=won&value=6&why=page", contentType: "application/x-www-form-urlencoded", who: manageBob},
	{pattern: "POST /meetings/proposals/{id}/decide", path: "/meetings/proposals/3/decide", body: "unit=t1&period=2025-06&decision=reject&reason=page", contentType: "application/x-www-form-urlencoded", who: admins},
	{pattern: "GET /statements/me", path: "/statements/me", who: anyone},
	{pattern: "GET /statements/{employee}/{period}", path: "/statements/bob/2025-06", who: ofBob},
	{pattern: "POST /statements/{employee}/{period}/what-if", path: "/statements/bob/2025-06/what-if", body: "kpi.won_value=100", contentType: "application/x-www-form-urlencoded", who: ofBob},
	{pattern: "POST /statements/{employee}/{period}/inquiries", path: "/statements/bob/2025-06/inquiries", body: "line=commission.amount&text=Why", contentType: "application/x-www-form-urlencoded", who: bobOnly},
	{pattern: "POST /statements/{employee}/{period}/inquiries/{id}/answer", path: "/statements/bob/2025-06/inquiries/1/answer", body: "text=Because", contentType: "application/x-www-form-urlencoded", who: manageBob},
	{pattern: "POST /statements/{employee}/{period}/step", path: "/statements/bob/2025-06/step", body: "step=approve", contentType: "application/x-www-form-urlencoded", who: manageBob},
	{pattern: "GET /targets", path: "/targets?unit=t1&period=2025-07", who: manageBob},
	{pattern: "POST /targets", path: "/targets", body: "kpi=won&unit=t1&period=2025-07&t.employee.bob=7&reason=matrix", contentType: "application/x-www-form-urlencoded", who: manageBob},
	{pattern: "GET /admin", path: "/admin", who: admins},
	{pattern: "POST /admin/org", path: "/admin/org", body: "form=unit&id=newu&name=New&parent_id=co", contentType: form, who: admins},
	{pattern: "GET /admin/users", path: "/admin/users", who: admins},
	{pattern: "POST /admin/users", path: "/admin/users", body: "do=create&email=new2@small.example&role=member", contentType: form, who: admins},
	{pattern: "GET /admin/import", path: "/admin/import", who: admins},
	{pattern: "POST /admin/import", path: "/admin/import", body: "dataset=deals", contentType: form, who: admins},
	{pattern: "GET /admin/import/{job}", path: "/admin/import/nojob", who: admins},
	{pattern: "POST /admin/import/{job}", path: "/admin/import/nojob", body: "col.id=id", contentType: form, who: admins},
	{pattern: "GET /admin/import/{job}/progress", path: "/admin/import/nojob/progress", who: admins},
	{pattern: "GET /admin/import/{job}/rejected.csv", path: "/admin/import/nojob/rejected.csv", who: admins},
	{pattern: "GET /admin/definitions", path: "/admin/definitions", who: admins},
	{pattern: "POST /admin/definitions", path: "/admin/definitions", body: "do=validate&yaml=datasets%3A+%5B%5D%0A", contentType: form, who: admins},
	{pattern: "GET /admin/audit", path: "/admin/audit", who: readers},

	{pattern: "GET /strategy", path: "/strategy?period=2025-06", who: anyone},
	{pattern: "POST /strategy/levels", path: "/strategy/levels", body: "kpi=won&subject=employee:bob&period=2025-07&value=5.2&reason=m", contentType: "application/x-www-form-urlencoded", who: manageBob},
	{pattern: "POST /strategy/scorecard", path: "/strategy/scorecard", body: "subject=employee:bob&from=2025-07&item=won&on.won=true&weight.won=100&threshold.won=80&stretch.won=120&reason=m", contentType: "application/x-www-form-urlencoded", who: manageBob},
	{pattern: "POST /strategy/levels/{id}/decide", path: "/strategy/levels/2/decide", body: "approve=true", contentType: "application/x-www-form-urlencoded", who: admins},
	{pattern: "POST /strategy/library", path: "/strategy/library", body: "entry=sales-pipeline&map=closed_at%3Dclosed_on&dry_run=true", contentType: "application/x-www-form-urlencoded", who: admins},
	{pattern: "GET /tasks", path: "/tasks", who: anyone},
	{pattern: "POST /tasks", path: "/tasks", body: "employee=bob&title=m&due=2025-06-30", contentType: "application/x-www-form-urlencoded", who: manageBob},
	{pattern: "POST /tasks/{id}", path: "/tasks/1", body: "status=done", contentType: "application/x-www-form-urlencoded", who: bobAndManager},

	{pattern: "GET /signin", path: "/signin", who: public},
	{pattern: "POST /signin", path: "/signin", body: "email=x@y&password=z", contentType: "application/x-www-form-urlencoded", who: public},
	{pattern: "POST /signout", path: "/signout", who: public},
	{pattern: "GET /auth/oidc/start", path: "/auth/oidc/start", who: public},
	{pattern: "GET /auth/oidc/callback", path: "/auth/oidc/callback", who: public},
	{pattern: "GET /reset", path: "/reset", who: public},
	{pattern: "POST /reset", path: "/reset", body: "token=x&password=yyyyyyyyyyyy", contentType: "application/x-www-form-urlencoded", who: public},
	{pattern: "GET /reset/request", path: "/reset/request", who: public},
	{pattern: "POST /reset/request", path: "/reset/request", body: "email=x@y", contentType: "application/x-www-form-urlencoded", who: public},
	{pattern: "GET /account", path: "/account", who: anyone},
	{pattern: "POST /account/password", path: "/account/password", body: "current=x&password=yyyyyyyyyyyy", contentType: "application/x-www-form-urlencoded", who: anyone},
}

// matrixPlan pays reps 10 % of their won value, so statements exist.
const matrixPlan = `
bonus_plans:
  - name: reps
    plan:
      currency: EUR
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
    assign:
      - {position: rep}
`

// TestAuthorizationMatrix calls every route of the API, the pages and the
// sign-in pages as each kind of person, and as an admin of another
// workspace, and checks exactly who gets through: on SQLite and, with
// ATTAIN_TEST_POSTGRES, on PostgreSQL.
func TestAuthorizationMatrix(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		a, root := apptest.SmallOn(t, db)
		ctx := context.Background()
		s := &Server{App: a, Logger: slog.New(slog.DiscardHandler)}
		covered := map[string]bool{}
		for _, c := range matrix {
			covered[c.pattern] = true
		}
		for _, rt := range s.routes() {
			if !covered[rt.method+" "+rt.path] {
				t.Errorf("route %s %s is not in the authorization matrix", rt.method, rt.path)
			}
		}
		for _, pg := range s.pageRoutes() {
			if !covered[pg.method+" "+pg.path] {
				t.Errorf("page %s %s is not in the authorization matrix", pg.method, pg.path)
			}
		}
		for _, pg := range s.pages() {
			if !covered[pg.method+" "+pg.path] {
				t.Errorf("page %s %s is not in the authorization matrix", pg.method, pg.path)
			}
		}

		if _, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + matrixPlan)}); err != nil {
			t.Fatal(err)
		}
		tokens := apptest.People(t, a, root)
		strategyMatrixSetup(t, a, root)
		// An inquiry for the answer route to answer.
		if _, err := a.Inquire(ctx, root, app.StatementRef{Employee: "bob", Period: "2025-06"}, "commission.amount", "first"); err != nil {
			t.Fatal(err)
		}
		// An admin of another workspace.
		other := &kpi.Workspace{Slug: "other", Name: "Other", TimeZone: "UTC"}
		if err := a.CreateWorkspace(ctx, other); err != nil {
			t.Fatal(err)
		}
		otherTok, err := a.CreateToken(ctx, kpi.Actor{WorkspaceID: other.ID, Name: "cli:test", Role: kpi.RoleAdmin, System: true}, app.TokenRequest{Name: "other", Integration: true})
		if err != nil {
			t.Fatal(err)
		}

		srv := httptest.NewServer(s.Handler())
		t.Cleanup(srv.Close)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		do := func(c call, token string) (int, string, string) {
			t.Helper()
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			method, _, _ := strings.Cut(c.pattern, " ")
			req, _ := http.NewRequest(method, srv.URL+c.path, body)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			ct := c.contentType
			if ct == "" && c.body != "" {
				ct = "application/json"
			}
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, res.Header.Get("Location"), string(b)
		}
		actors := []string{"anonymous", "finance", "auditor", "bob", "cy", "ann", "dan", "admin"} // admin last: it may change what it reaches
		for _, c := range matrix {
			if c.path == "" {
				c.path = assets["app.css"].url
			}
			for _, name := range actors {
				status, location, body := do(c, tokens[name])
				refused := status == http.StatusUnauthorized || status == http.StatusForbidden ||
					(status == http.StatusSeeOther && strings.HasPrefix(location, "/signin?next="))
				if c.who == public {
					refused = status == http.StatusForbidden // a wrong password's 401 is the page answering
				}
				want := slices.Contains(allowed[c.who], name)
				switch {
				case want && refused:
					t.Errorf("%s %s as %s: refused %d, want allowed: %.200s", c.pattern, c.path, name, status, body)
				case !want && !refused:
					t.Errorf("%s %s as %s: %d, want refused: %.200s", c.pattern, c.path, name, status, body)
				case status >= 500 && status != http.StatusServiceUnavailable: // 503: not configured here (e-mail)
					t.Errorf("%s %s as %s: %d: %.200s", c.pattern, c.path, name, status, body)
				}
			}
			// Another workspace's admin reaches nothing of this one.
			status, _, body := do(c, otherTok.Secret)
			for _, ours := range []string{"Bob", "bob@small", "Small", "Team 1", "won_value"} {
				if strings.Contains(body, ours) && !strings.Contains(c.path+c.body, ours) && !strings.HasPrefix(c.pattern, "GET /static") && c.pattern != "GET /api/v1/openapi.json" {
					t.Errorf("%s %s as another workspace's admin (%d) shows %q: %.300s", c.pattern, c.path, status, ours, body)
				}
			}
		}
	})
}
