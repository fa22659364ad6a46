package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// adminClient calls the pages of the small workspace as its admin, with a
// token (no session, so no CSRF token), without following redirects.
type adminClient struct {
	t   *testing.T
	srv *httptest.Server
	tok string
	a   *app.App
	who kpi.Actor
}

func newAdminClient(t *testing.T) *adminClient {
	t.Helper()
	a, admin := apptest.Small(t)
	tok, err := a.CreateToken(context.Background(), admin, app.TokenRequest{Name: "admin-pages", Integration: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{App: a, Logger: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(srv.Close)
	return &adminClient{t: t, srv: srv, tok: tok.Secret, a: a, who: admin}
}

// do sends a request and returns the status, the Location and the body.
func (c *adminClient) do(method, path, ctype string, body io.Reader) (int, string, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.srv.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+c.tok)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

func (c *adminClient) post(path string, v url.Values) (int, string, string) {
	c.t.Helper()
	return c.do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// upload sends a file to the import form.
func (c *adminClient) upload(dataset, name, content string) (int, string, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("dataset", dataset)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	return c.do("POST", "/admin/import", mw.FormDataContentType(), &buf)
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("the page lacks %q", w)
			if testing.Verbose() {
				t.Log(body)
			}
		}
	}
}

// TestAdminImport uploads a CSV whose columns are named otherwise and
// whose one row is bad, maps the columns, imports the good rows and shows
// the bad one at its line and column, with its value and why.
func TestAdminImport(t *testing.T) {
	c := newAdminClient(t)
	file := "Deal ID;Sales rep;Stage;Amount;Closed on;Days;Notes\n" +
		"n1;bob;Won;10;2025-07-01;1,0;first\n" +
		"n2;bob;Won;lots;2025-07-02;2,0;bad amount\n" +
		"n3;cy;Lost;30;2025-07-03;;third\n"
	status, loc, body := c.upload("deals", "july.csv", file)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/import/") {
		t.Fatalf("upload: %d %s: %.500s", status, loc, body)
	}
	status, _, body = c.do("GET", loc, "", nil)
	if status != 200 {
		t.Fatalf("mapping page: %d", status)
	}
	// Guessed by name: "Stage" → stage, "Closed on" → closed_on; "Deal ID"
	// and "Sales rep" are not guessed.
	for field, want := range map[string]string{"stage": "Stage", "closed_on": "Closed on", "amount": "Amount", "id": "", "rep": ""} {
		re := regexp.MustCompile(`name="col\.` + field + `">.*?</select>`)
		sel := re.FindString(body)
		got := ""
		if m := regexp.MustCompile(`<option selected>([^<]*)</option>`).FindStringSubmatch(sel); m != nil {
			got = m[1]
		}
		if got != want {
			t.Errorf("column %s guessed as %q, want %q", field, got, want)
		}
	}
	mapping := url.Values{"skip_invalid": {"true"}, "col.id": {"Deal ID"}, "col.rep": {"Sales rep"}, "col.stage": {"Stage"},
		"col.amount": {"Amount"}, "col.closed_on": {"Closed on"}, "col.days": {"Days"}}
	status, loc2, body := c.post(loc, mapping)
	if status != http.StatusSeeOther || loc2 != loc {
		t.Fatalf("run: %d %s: %.500s", status, loc2, body)
	}
	_, _, body = c.do("GET", loc, "", nil)
	mustContain(t, body, `<div class="big" data-value="2">2</div>`, `<div class="big" data-value="1">1</div>`,
		`<tr data-line="3"><td class="num">3</td><td>Amount</td><td><code>lots</code></td>`, "Notes")
	page, err := c.a.Records(context.Background(), c.who, "deals", kpi.RecordFilter{Keys: []string{"n1", "n2", "n3"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Records) != 2 || page.Records[0].Key != "n1" || page.Records[1].Key != "n3" {
		t.Errorf("imported %v, want n1 and n3", page.Records)
	}
	status, _, body = c.do("GET", loc+"/rejected.csv", "", nil)
	if want := "line,reason,Deal ID,Sales rep,Stage,Amount,Closed on,Days,Notes\n3,\"column Amount value \"\"lots\"\": is not a number"; status != 200 || !strings.HasPrefix(body, want) {
		t.Errorf("rejected rows: %d\n%s\nwant %s", status, body, want)
	}
	status, _, body = c.do("GET", loc+"/progress", "", nil)
	if status != 200 || !strings.Contains(body, `"done": true`) {
		t.Errorf("progress: %d %s", status, body)
	}

	t.Run("AllOrNothing", func(t *testing.T) {
		_, loc, _ := c.upload("deals", "more.csv", "id,rep,stage,amount,closed_on,days\nm1,bob,Won,5,2025-07-09,1\nm2,nobody,Won,5,2025-07-09,1\n")
		mapping := url.Values{"col.id": {"id"}, "col.rep": {"rep"}, "col.stage": {"stage"}, "col.amount": {"amount"}, "col.closed_on": {"closed_on"}, "col.days": {"days"}}
		c.post(loc, mapping)
		status, _, body := c.do("GET", loc, "", nil)
		if status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", status)
		}
		mustContain(t, body, "nothing was imported", `<tr data-line="3">`, "nobody")
		page, err := c.a.Records(context.Background(), c.who, "deals", kpi.RecordFilter{Keys: []string{"m1"}})
		if err != nil || len(page.Records) != 0 {
			t.Errorf("m1 imported from a file with a bad row: %v %v", page.Records, err)
		}
	})
	t.Run("TwoFieldsOneColumn", func(t *testing.T) {
		m := url.Values{}
		for k, v := range mapping {
			m[k] = v
		}
		m.Set("col.rep", "Deal ID")
		c.post(loc, m)
		_, _, body := c.do("GET", loc, "", nil)
		mustContain(t, body, "both read file column", `<div class="error" id="col-rep-error">file column Deal ID is already mapped to id</div>`)
		m.Set("col.rep", "")
		c.post(loc, m)
		_, _, body = c.do("GET", loc, "", nil)
		mustContain(t, body, `<div class="error" id="col-rep-error">needs a column of the file</div>`)
	})
	t.Run("NotAFile", func(t *testing.T) {
		status, _, body := c.upload("deals", "empty.csv", "")
		if status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", status)
		}
		mustContain(t, body, "file is empty", `<option value="deals" selected>`)
	})
	t.Run("XLSX", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		for i, row := range [][]any{{"id", "rep", "stage", "amount", "closed_on", "days"}, {"w1", "cy", "Won", 7, "2025-07-04", 1}, {"w2", "cy", "Maybe", 8, "2025-07-05", 1}} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		status, loc, body := c.upload("deals", "july.xlsx", buf.String())
		if status != http.StatusSeeOther {
			t.Fatalf("upload: %d %.300s", status, body)
		}
		_, _, body = c.do("GET", loc, "", nil)
		mustContain(t, body, "6 columns in the file", `<option selected>closed_on</option>`)
		c.post(loc, url.Values{"skip_invalid": {"true"}, "col.id": {"id"}, "col.rep": {"rep"}, "col.stage": {"stage"}, "col.amount": {"amount"}, "col.closed_on": {"closed_on"}, "col.days": {"days"}})
		_, _, body = c.do("GET", loc, "", nil)
		mustContain(t, body, `<div class="big" data-value="1">1</div>`, `<tr data-line="3"><td class="num">3</td><td>stage</td><td><code>Maybe</code></td>`)
	})
	t.Run("OtherPeopleJobs", func(t *testing.T) {
		tok, err := c.a.CreateToken(context.Background(), c.who, app.TokenRequest{Name: "other", Integration: true})
		if err != nil {
			t.Fatal(err)
		}
		other := *c
		other.tok = tok.Secret
		if status, _, _ := other.do("GET", loc, "", nil); status != http.StatusNotFound {
			t.Errorf("another admin's token opens the job: %d", status)
		}
	})
}

// TestAdminDefinitions validates a text with a mistake and shows it at its
// line, keeping the text; previews and applies a change.
func TestAdminDefinitions(t *testing.T) {
	c := newAdminClient(t)
	status, _, body := c.do("GET", "/admin/definitions", "", nil)
	if status != 200 || !strings.Contains(body, "name: won_value") {
		t.Fatalf("definitions page: %d %.300s", status, body)
	}
	// The text as shown, previewed unchanged, changes nothing.
	m := regexp.MustCompile(`(?s)<textarea name="yaml"[^>]*>(.*?)</textarea>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no editor")
	}
	shown := html.UnescapeString(m[1])
	status, _, body = c.post("/admin/definitions", url.Values{"do": {"preview"}, "yaml": {shown}})
	if status != 200 || !strings.Contains(body, "Nothing would change.") {
		t.Errorf("the definitions as shown, previewed: %d %s", status, regexp.MustCompile(`(?s)<ul class="changes">.*?</ul>|<ol class="problems">.*?</ol>`).FindString(body))
	}
	bad := strings.Replace(apptest.SmallYAML, "aggregation: sum, expr: amount", "aggregation: summ, expr: amount", 1)
	line := 0
	for i, l := range strings.Split(bad, "\n") {
		if strings.Contains(l, "summ") {
			line = i + 1
		}
	}
	status, _, body = c.post("/admin/definitions", url.Values{"do": {"validate"}, "yaml": {bad}})
	if status != http.StatusBadRequest {
		t.Errorf("validate: %d, want 400", status)
	}
	mustContain(t, body, `<li class="problem" data-line="`+itoa(int64(line))+`">`, `<span class="bad" data-n="`+itoa(int64(line))+`">`, "summ")
	if !strings.Contains(body, "aggregation: summ, expr: amount") {
		t.Error("the text typed is not kept")
	}

	status, _, body = c.post("/admin/definitions", url.Values{"do": {"validate"}, "yaml": {apptest.SmallYAML}})
	if status != 200 {
		t.Errorf("validate a good text: %d", status)
	}
	mustContain(t, body, "Valid: 1 dataset, 3 KPIs, 1 scorecard template, 0 bonus plans, 4 targets.")

	changed := strings.Replace(apptest.SmallYAML, `filter: 'stage == "Won"'}`, `filter: 'stage == "Won" || stage == "Lost"'}`, 1)
	status, _, body = c.post("/admin/definitions", url.Values{"do": {"preview"}, "yaml": {changed}, "preview_from": {"2025-06-01"}, "preview_to": {"2025-06-30"}})
	if status != 200 {
		t.Fatalf("preview: %d %.500s", status, body)
	}
	// won for the company in 2025-06: 5 won, 6 with bob's lost one.
	mustContain(t, body, "update</span> kpi <strong>won</strong>", `<td>Co</td><td>2025-06</td><td class="num" data-value="5">5</td><td class="num" data-value="6">6</td><td class="num up" data-value="1">`)

	status, _, body = c.post("/admin/definitions", url.Values{"do": {"apply"}, "yaml": {changed}})
	if status != http.StatusBadRequest || !strings.Contains(body, `id="reason-error"`) {
		t.Errorf("apply without a reason: %d", status)
	}
	status, loc, _ := c.post("/admin/definitions", url.Values{"do": {"apply"}, "yaml": {changed}, "reason": {"count lost deals too"}})
	if status != http.StatusSeeOther || loc != "/admin/definitions?done=applied&item=1+change" {
		t.Fatalf("apply: %d %s", status, loc)
	}
	_, _, body = c.do("GET", loc, "", nil)
	mustContain(t, body, `<div class="flash ok" role="status">1 change applied.</div>`)
	_, _, body = c.do("GET", "/admin/definitions?done=Call+us+now&item=x", "", nil)
	if strings.Contains(body, "Call us") {
		t.Error("a link makes the page say what it likes")
	}
	entries, err := c.a.Audit(context.Background(), c.who, "kpi", "won", 1)
	if err != nil || len(entries) != 1 || entries[0].Reason != "count lost deals too" {
		t.Errorf("audit of the apply: %v %v", entries, err)
	}
}

// TestAdminAudit filters the audit log by entity, who and day, and pages
// through it.
func TestAdminAudit(t *testing.T) {
	c := newAdminClient(t)
	ctx := context.Background()
	for _, id := range []string{"x1", "x2", "x3"} {
		if err := c.a.CreateUnit(ctx, c.who, &kpi.OrgUnit{ID: id, Name: "Unit " + id, ParentID: "co"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.a.Audit(ctx, c.who, "org_unit", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, body := c.do("GET", "/admin/audit?entity=org_unit", "", nil)
	rows := regexp.MustCompile(`<tr data-id="(\d+)" data-entity="([a-z_]+)">`).FindAllStringSubmatch(body, -1)
	if len(rows) != len(all) {
		t.Fatalf("%d rows, want %d", len(rows), len(all))
	}
	for i, r := range rows {
		if r[2] != "org_unit" || r[1] != itoa(all[i].ID) {
			t.Errorf("row %d: %v, want %d", i, r, all[i].ID)
		}
	}
	_, _, body = c.do("GET", "/admin/audit?entity=org_unit&who="+url.QueryEscape(c.who.Name), "", nil)
	if n := strings.Count(body, `data-entity="org_unit"`); n != 3 {
		t.Errorf("by who: %d rows, want 3", n)
	}
	_, _, body = c.do("GET", "/admin/audit?from=2000-01-01&to=2000-01-31", "", nil)
	mustContain(t, body, "No entries match.")
	status, _, body := c.do("GET", "/admin/audit?from=2025-13-01", "", nil)
	if status != http.StatusBadRequest {
		t.Errorf("a bad day: %d", status)
	}
	mustContain(t, body, `id="from-error"`, `value="2025-13-01"`)

	// Paging: more than a page of entries.
	for i := 0; i < auditPage; i++ {
		if _, err := c.a.UpdateUnit(ctx, c.who, "x1", kpi.OrgUnitUpdate{Name: ptr("Unit x1 " + itoa(int64(i)))}); err != nil {
			t.Fatal(err)
		}
	}
	_, _, body = c.do("GET", "/admin/audit", "", nil)
	if n := strings.Count(body, "<tr data-id="); n != auditPage || !strings.Contains(body, `rel="next"`) {
		t.Errorf("first page: %d rows", n)
	}
	_, _, body = c.do("GET", "/admin/audit?page=2", "", nil)
	if !strings.Contains(body, `rel="prev"`) || strings.Count(body, "<tr data-id=") == 0 {
		t.Error("second page empty")
	}
}

// TestAdminOrgAndUsers adds a unit and an employee, keeps what was typed
// when a form fails, moves a person from a day, and creates a user and an
// integration token whose secret is shown once.
func TestAdminOrgAndUsers(t *testing.T) {
	c := newAdminClient(t)
	ctx := context.Background()
	status, _, body := c.post("/admin/org", url.Values{"form": {"unit"}, "id": {"t9"}, "name": {""}, "parent_id": {"sales"}})
	if status != http.StatusBadRequest {
		t.Errorf("a unit without a name: %d", status)
	}
	mustContain(t, body, `id="name-error"`, `value="t9"`, `<option value="sales" selected>`)
	status, loc, _ := c.post("/admin/org", url.Values{"form": {"unit"}, "id": {"t9"}, "name": {"Team 9"}, "parent_id": {"sales"}, "kind": {"team"}})
	if status != http.StatusSeeOther || loc != "/admin?done=unit&item=t9" {
		t.Fatalf("add a unit: %d %s", status, loc)
	}
	if u, err := c.a.Unit(ctx, c.who, "t9"); err != nil || u.ParentID != "sales" {
		t.Fatalf("unit t9: %v %v", u, err)
	}
	status, _, body = c.post("/admin/org", url.Values{"form": {"employee"}, "id": {"eve"}, "name": {"Eve"}, "unit_id": {"t9"}, "hired_on": {"2025-02-30"}})
	if status != http.StatusBadRequest {
		t.Errorf("a bad day: %d", status)
	}
	mustContain(t, body, `id="hired_on-error"`, `value="Eve"`, `value="2025-02-30"`)
	if status, _, body = c.post("/admin/org", url.Values{"form": {"employee"}, "id": {"eve"}, "name": {"Eve"}, "unit_id": {"t9"}, "position": {"rep"}}); status != http.StatusSeeOther {
		t.Fatalf("add an employee: %d %.300s", status, body)
	}
	_, _, body = c.do("GET", "/admin", "", nil)
	mustContain(t, body, `<tr data-unit="t9">`)
	if status, _, body = c.post("/admin/org", url.Values{"form": {"move"}, "employee": {"bob"}, "unit_id": {"t9"}, "from": {"2025-07-01"}}); status != http.StatusSeeOther {
		t.Fatalf("move: %d %.500s", status, body)
	}
	if e, err := c.a.Employee(ctx, c.who, "bob"); err != nil || e.UnitID != "t9" {
		t.Errorf("bob: %v %v", e, err)
	}

	status, _, body = c.post("/admin/users", url.Values{"do": {"create"}, "email": {"not-an-email"}, "role": {"finance"}})
	if status != http.StatusBadRequest {
		t.Errorf("a bad e-mail: %d", status)
	}
	mustContain(t, body, `id="email-error"`, `value="not-an-email"`, `<option selected>finance</option>`)
	if status, _, _ = c.post("/admin/users", url.Values{"do": {"create"}, "email": {"eve@small.example"}, "role": {"member"}, "employee_id": {"eve"}}); status != http.StatusSeeOther {
		t.Fatalf("add a user: %d", status)
	}
	if u, err := c.a.User(ctx, c.who, "eve@small.example"); err != nil || u.Name != "Eve" || u.EmployeeID != "eve" {
		t.Errorf("user: %v %v", u, err)
	}
	c.post("/admin/users", url.Values{"do": {"role"}, "email": {"eve@small.example"}, "role": {"auditor"}})
	c.post("/admin/users", url.Values{"do": {"disable"}, "email": {"eve@small.example"}})
	if u, _ := c.a.User(ctx, c.who, "eve@small.example"); u.Role != kpi.RoleAuditor || !u.Disabled {
		t.Errorf("after role and deactivate: %+v", u)
	}
	_, _, body = c.post("/admin/users", url.Values{"do": {"reset"}, "email": {"eve@small.example"}})
	mustContain(t, body, "A reset link for eve@small.example", "/reset?token=")
	status, _, body = c.post("/admin/users", url.Values{"do": {"token"}, "name": {"crm"}, "scopes": {"records:write:deals"}})
	if status != 200 {
		t.Fatalf("token: %d", status)
	}
	secret := regexp.MustCompile(`value="(atn_[^"]+)"`).FindStringSubmatch(body)
	if secret == nil {
		t.Fatal("the token's secret is not shown")
	}
	_, _, body = c.do("GET", "/admin/users", "", nil)
	if strings.Contains(body, secret[1]) {
		t.Error("the secret is shown again")
	}
	mustContain(t, squashed(body), "<td>crm</td><td>integration</td> <td>records:write:deals</td>")
	_, _, body = c.post("/admin/users", url.Values{"do": {"token"}, "name": {"x"}, "scopes": {"nonsense"}})
	mustContain(t, body, `id="scopes-error"`, `value="nonsense"`)
}

func squashed(s string) string { return strings.Join(strings.Fields(s), " ") }
