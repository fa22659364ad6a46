package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"attain/app"
	"attain/kpi"
)

const testYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Open, Won, Lost]}
      - {name: amount, type: money, non_negative: true}
      - {name: closed_on, type: date}
kpis:
  - {name: won, title: Won deals, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: lost, title: Lost deals, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Lost"'}
  - {name: won_value, title: Won value, unit: money, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
  - {name: win_rate, title: Win rate, unit: percent, direction: higher, formula: won / (won + lost)}
`

// apiClient calls the API of a test server with one workspace's token.
type apiClient struct {
	t     *testing.T
	url   string
	token string
}

func (c apiClient) do(method, path, contentType, body string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (c apiClient) must(method, path, contentType, body string, wantStatus int) string {
	c.t.Helper()
	status, out := c.do(method, path, contentType, body)
	if status != wantStatus {
		c.t.Fatalf("%s %s = %d, want %d: %s", method, path, status, wantStatus, out)
	}
	return out
}

// another is a client of the same workspace with a token of its own, for
// what the first may not do itself: approve the statements its targets
// and plans pay (separation of duties).
func (c apiClient) another(name string) apiClient {
	c.t.Helper()
	var tok struct{ Secret string }
	if err := json.Unmarshal([]byte(c.must("POST", "/api/v1/tokens", "", `{"name": "`+name+`", "integration": true}`, 201)), &tok); err != nil {
		c.t.Fatal(err)
	}
	return apiClient{t: c.t, url: c.url, token: tok.Secret}
}

// serveMain serves the API of m and returns a client with a token of the
// default workspace.
func serveMain(t *testing.T, m *Main) apiClient {
	t.Helper()
	srv := httptest.NewServer(m.webServer().Handler())
	t.Cleanup(srv.Close)
	who, _, err := m.actor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := m.App.CreateToken(context.Background(), who, app.TokenRequest{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return apiClient{t: t, url: srv.URL, token: tok.Secret}
}

// newTestAPI serves the real API over a fresh SQLite database with two
// workspaces, and returns a client for each.
func newTestAPI(t *testing.T) (a, b apiClient) {
	t.Helper()
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Config.DB = filepath.Join(t.TempDir(), "test.db")
	ctx := context.Background()
	if err := m.open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	srv := httptest.NewServer(m.webServer().Handler())
	t.Cleanup(srv.Close)
	var clients []apiClient
	for _, slug := range []string{"acme", "globex"} {
		ws := kpi.Workspace{Slug: slug, Name: slug, TimeZone: "Europe/Berlin"}
		if err := m.App.CreateWorkspace(ctx, &ws); err != nil {
			t.Fatal(err)
		}
		tok, err := m.App.CreateToken(ctx, kpi.Actor{WorkspaceID: ws.ID, Name: "test", Role: kpi.RoleAdmin}, app.TokenRequest{Name: "test"})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, apiClient{t: t, url: srv.URL, token: tok.Secret})
	}
	return clients[0], clients[1]
}

func TestAPI(t *testing.T) {
	acme, globex := newTestAPI(t)

	acme.must("PUT", "/api/v1/definitions", "application/yaml", testYAML, 200)
	acme.must("POST", "/api/v1/org/import", "", `{
		"units": [{"id": "co", "name": "Acme"}, {"id": "east", "name": "East", "parent_id": "co"}, {"id": "west", "name": "West", "parent_id": "co"}],
		"employees": [{"id": "ann", "name": "Ann", "unit_id": "east"}, {"id": "bob", "name": "Bob", "unit_id": "east"}, {"id": "cy", "name": "Cy", "unit_id": "west"}]
	}`, 200)

	csvBody := "id;rep;stage;amount;closed_on\nd1;ann;Won;100.50;2017-06-01\nd2;ann;Lost;;2017-06-02\nd3;bob;Won;200;2017-06-30\nd4;cy;Won;50;2017-07-01\n"
	out := acme.must("POST", "/api/v1/datasets/deals/records", "text/csv", csvBody, 200)
	if !strings.Contains(out, `"created": 4`) {
		t.Fatalf("import: %s", out)
	}

	t.Run("Values", func(t *testing.T) {
		var vals []kpi.KPIValue
		decode(t, acme.must("GET", "/api/v1/values?kpi=won,won_value,win_rate&unit=east&period=2017-06", "", "", 200), &vals)
		got := map[string]string{}
		for _, v := range vals {
			got[v.KPI] = v.Value.String()
		}
		want := map[string]string{"won": "2", "won_value": "300.5", "win_rate": "0.6666666667"}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s = %s, want %s", k, got[k], w)
			}
		}
	})

	t.Run("UpsertIsReflected", func(t *testing.T) {
		acme.must("POST", "/api/v1/datasets/deals/records", "application/json", `[{"id": "d2", "rep": "ann", "stage": "Won", "amount": "10", "closed_on": "2017-06-02"}]`, 200)
		var vals []kpi.KPIValue
		decode(t, acme.must("GET", "/api/v1/values?kpi=won,win_rate&employee=ann&period=2017-06", "", "", 200), &vals)
		if len(vals) != 2 || vals[0].Value.String() != "2" || vals[1].Value.String() != "1" {
			t.Errorf("after d2 was won: %+v", vals)
		}
		acme.must("DELETE", "/api/v1/datasets/deals/records", "", `{"keys": ["d2"]}`, 200)
		decode(t, acme.must("GET", "/api/v1/values?kpi=won&employee=ann&period=2017-06", "", "", 200), &vals)
		if vals[0].Value.String() != "1" {
			t.Errorf("after delete: %+v", vals)
		}
	})

	t.Run("Explain", func(t *testing.T) {
		var ex kpi.Explanation
		decode(t, acme.must("GET", "/api/v1/explain?kpi=won_value&unit=east&period=2017-06", "", "", 200), &ex)
		if len(ex.Records) != 2 || ex.Records[0].Key != "d1" || ex.Records[0].Fields["amount"] != "100.50" {
			t.Errorf("explain: %+v", ex)
		}
	})

	t.Run("ErrBadRecordsNothingWritten", func(t *testing.T) {
		status, out := acme.do("POST", "/api/v1/datasets/deals/records", "text/csv", "id,rep,stage,amount,closed_on\nd9,ann,Won,12,2017-06-01\nd10,zed,Won,-5,2017-13-01\n")
		if status != 400 || !strings.Contains(out, `"line": 3`) || !strings.Contains(out, "zed") {
			t.Errorf("bad import = %d %s", status, out)
		}
		_, out = acme.do("GET", "/api/v1/datasets/deals/records?key=d9", "", "")
		if strings.Contains(out, "d9") {
			t.Errorf("a record of a rejected file was written: %s", out)
		}
	})

	t.Run("ErrRepeatedKey", func(t *testing.T) {
		// The store finds the repeated key: strict, nothing is written;
		// with skip_invalid the later record is rejected.
		body := `[{"id": "r1", "rep": "ann", "stage": "Won", "amount": "1", "closed_on": "2017-06-01"},
			{"id": "r2", "rep": "ann", "stage": "Won", "amount": "2", "closed_on": "2017-06-01"},
			{"id": "r1", "rep": "bob", "stage": "Lost", "amount": "3", "closed_on": "2017-06-01"}]`
		status, out := acme.do("POST", "/api/v1/datasets/deals/records", "application/json", body)
		if status != 400 || !strings.Contains(out, "duplicate key, first on line 1") {
			t.Errorf("repeated key = %d %s", status, out)
		}
		if _, out := acme.do("GET", "/api/v1/datasets/deals/records?key=r2", "", ""); strings.Contains(out, "r2") {
			t.Errorf("a record of a rejected import was written: %s", out)
		}
		out = acme.must("POST", "/api/v1/datasets/deals/records?skip_invalid=true", "application/json", body, 200)
		if !strings.Contains(out, `"created": 2`) || !strings.Contains(out, `"rejected": 1`) || !strings.Contains(out, `"line": 3`) {
			t.Errorf("repeated key, skip_invalid = %s", out)
		}
	})

	t.Run("ErrInvalidDefinitionsNamesLine", func(t *testing.T) {
		status, out := acme.do("PUT", "/api/v1/definitions", "application/yaml", strings.Replace(testYAML, `stage == "Won"`, `stag == "Won"`, 1))
		if status != 400 || !strings.Contains(out, `"line"`) || !strings.Contains(out, "stag") {
			t.Errorf("invalid definitions = %d %s", status, out)
		}
	})

	t.Run("ErrUnauthorized", func(t *testing.T) {
		for _, tok := range []string{"", "atn_wrong"} {
			c := acme
			c.token = tok
			if status, out := c.do("GET", "/api/v1/units", "", ""); status != 401 || !strings.Contains(out, `"unauthorized"`) {
				t.Errorf("token %q: %d %s", tok, status, out)
			}
		}
	})

	t.Run("WorkspacesIsolated", func(t *testing.T) {
		for _, path := range []string{"/api/v1/units", "/api/v1/employees", "/api/v1/kpis", "/api/v1/datasets"} {
			if out := globex.must("GET", path, "", "", 200); strings.TrimSpace(out) != "[]" {
				t.Errorf("globex sees %s: %s", path, out)
			}
		}
		globex.must("GET", "/api/v1/datasets/deals/records", "", "", 404)
		globex.must("GET", "/api/v1/employees/ann", "", "", 404)
	})

	t.Run("NotFound", func(t *testing.T) {
		status, out := acme.do("GET", "/api/v1/values?kpi=nope&period=2017-06", "", "")
		if status != 404 && status != 400 {
			t.Errorf("unknown KPI = %d %s", status, out)
		}
	})
}

// TestOpenAPIMatchesRoutes checks the published document lists every
// route the server answers, and nothing else.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	acme, _ := newTestAPI(t)
	var doc struct {
		Paths map[string]map[string]any
	}
	decode(t, acme.must("GET", "/api/v1/openapi.json", "", "", 200), &doc)
	n := 0
	for path, ops := range doc.Paths {
		for method := range ops {
			n++
			p := strings.NewReplacer("{id}", "x", "{name}", "deals").Replace(path)
			status, _ := acme.do(strings.ToUpper(method), p, "", "")
			if status == http.StatusMethodNotAllowed || (status == 404 && !strings.Contains(path, "{")) {
				t.Errorf("%s %s is documented but not served (%d)", method, path, status)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d operations documented", n)
	}
	if status, _ := acme.do("GET", "/api/v1/not-a-route", "", ""); status != 404 {
		t.Errorf("unknown route = %d", status)
	}
}

func decode(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
}

func TestAPIBonusEval(t *testing.T) {
	acme, _ := newTestAPI(t)
	plan := `{name: flat, currency: EUR, components: [{id: commission, kind: commission, kpi: won_value, rate: 10}]}`
	inputs := `{employee: {id: ann, currency: EUR}, period: 2017-06, kpis: [{kpi: won_value, actual: 1234.56}]}`
	body, _ := json.Marshal(map[string]any{"plan": plan, "inputs": inputs, "changes": []map[string]string{{"kpi": "won_value", "add": "1000"}}})
	var got struct {
		Statement struct{ Payout string }
		WhatIf    struct{ Payout string } `json:"what_if"`
	}
	out := acme.must("POST", "/api/v1/bonus/eval", "", string(body), 200)
	decode(t, out, &got)
	if got.Statement.Payout != "123.46" || got.WhatIf.Payout != "223.46" {
		t.Errorf("payouts = %s, what-if %s; want 123.46 and 223.46:\n%s", got.Statement.Payout, got.WhatIf.Payout, out)
	}
	if status, out := acme.do("POST", "/api/v1/bonus/eval", "", `{"plan": "{name: x, components: [{kind: nope}]}", "inputs": ""}`); status != 400 {
		t.Errorf("bad plan = %d %s", status, out)
	}
}
