package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"attain/app"
	"attain/app/apptest"
	"attain/engine"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
	"attain/web"
)

const limitsYAML = `
datasets:
  - name: deals
    key: id
    owner: rep
    time_columns: [closed_on]
    columns:
      - {name: id, type: string, required: true}
      - {name: rep, type: string, required: true}
      - {name: stage, type: string, values: [Won, Lost]}
      - {name: note, type: string}
      - {name: amount, type: money, non_negative: true}
      - {name: closed_on, type: date}
kpis:
  - {name: won, unit: count, direction: higher, dataset: deals, aggregation: count, filter: 'stage == "Won"'}
  - {name: won_value, unit: money, currency: EUR, direction: higher, dataset: deals, aggregation: sum, expr: amount, filter: 'stage == "Won"'}
`

// server is the real API over a SQLite file, with limits small enough to
// reach in a test, and two tokens of one workspace.
type server struct {
	t      *testing.T
	url    string
	tokenA string
	tokenB string
}

func newServer(t *testing.T, limits web.Limits, maxCells int64) *server {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, filepath.Join(t.TempDir(), "attain.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := apptest.New(db, func(e *engine.Engine) { e.MaxCells = maxCells })
	srv := &web.Server{App: a, Logger: slog.New(slog.DiscardHandler), Limits: limits}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	ws := kpi.Workspace{Slug: "acme", Name: "Acme", TimeZone: "UTC"}
	if err := a.CreateWorkspace(ctx, &ws); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, url: hs.URL}
	for i, secret := range []*string{&s.tokenA, &s.tokenB} {
		tok, err := a.CreateToken(ctx, kpi.Actor{WorkspaceID: ws.ID, Name: "test", Role: kpi.RoleAdmin, System: true}, app.TokenRequest{Name: fmt.Sprintf("t%d", i), Integration: true})
		if err != nil {
			t.Fatal(err)
		}
		*secret = tok.Secret
	}
	s.must(s.tokenA, "PUT", "/api/v1/definitions", "application/yaml", strings.NewReader(limitsYAML), 200)
	s.must(s.tokenA, "POST", "/api/v1/org/import", "", strings.NewReader(`{"units": [{"id": "co", "name": "Acme"}],
		"employees": [{"id": "ann", "name": "Ann", "unit_id": "co"}, {"id": "bob", "name": "Bob", "unit_id": "co"}]}`), 200)
	s.must(s.tokenA, "POST", "/api/v1/datasets/deals/records", "text/csv",
		strings.NewReader("id,rep,stage,note,amount,closed_on\nd1,ann,Won,,1234.5,2026-06-01\nd2,bob,Lost,,99,2026-06-02\n"), 200)
	return s
}

func (s *server) do(token, method, path, contentType string, body io.Reader) (int, http.Header, string, error) {
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b), nil
}

func (s *server) must(token, method, path, contentType string, body io.Reader, want int) string {
	s.t.Helper()
	status, _, out, err := s.do(token, method, path, contentType, body)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	if status != want {
		s.t.Fatalf("%s %s = %d, want %d: %s", method, path, status, want, out)
	}
	return out
}

// measure runs f and returns the bytes the whole process allocated
// meanwhile (the server runs in it) and how long it took.
func measure(f func()) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, d
}

func errorOf(t *testing.T, body string) (code, message string, details []kpi.Problem) {
	t.Helper()
	var e struct {
		Error struct {
			Code    string        `json:"code"`
			Message string        `json:"message"`
			Details []kpi.Problem `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not an error body: %v\n%.500s", err, body)
	}
	return e.Error.Code, e.Error.Message, e.Error.Details
}

// TestOversizedQuery: a value query of more cells than the engine's cap
// (100,000 here) is refused with 400 before anything is computed, saying
// how to narrow it, in bounded time and memory; one from year 1 to 9999
// is refused for its dates. A query within the cap is answered, streamed,
// with display fields.
func TestOversizedQuery(t *testing.T) {
	s := newServer(t, web.Limits{}, 100_000)
	for _, tt := range []struct {
		query, want string
	}{
		{"kpi=won&employee=ann&grain=day&from=1900-01-01&to=2199-12-31",
			"The query asks for 109573 values (1 KPIs × 1 subjects × 109573 periods of a day), more than the 100000 one query may compute: ask for a coarser grain (week, month, quarter, year) or a shorter range, or fewer KPIs or subjects."},
		{"grain=day&from=2000-01-01&to=2199-12-31",
			"The query asks for 438294 values (2 KPIs × 3 subjects × 73049 periods of a day), more than the 100000 one query may compute: ask for a coarser grain (week, month, quarter, year) or a shorter range, or fewer KPIs or subjects."},
		{"kpi=won&employee=ann&grain=day&from=0001-01-01&to=9999-12-31",
			"0001-01-01 is outside the dates Attain accepts, 1900-01-01 to 2199-12-31."},
	} {
		var status int
		var body string
		alloc, took := measure(func() {
			var err error
			if status, _, body, err = s.do(s.tokenA, "GET", "/api/v1/values?"+tt.query, "", nil); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%s: %d in %s, %d bytes allocated", tt.query, status, took, alloc)
		if code, msg, _ := errorOf(t, body); status != 400 || code != kpi.EINVALID || msg != tt.want {
			t.Errorf("%s: %d %s %q, want 400: %s", tt.query, status, code, msg, tt.want)
		}
		if alloc > 16<<20 || took > 5*time.Second {
			t.Errorf("%s: refused after allocating %d bytes in %s", tt.query, alloc, took)
		}
	}

	// Within the cap: every value, with its display, streamed.
	var vals []kpi.KPIValue
	out := s.must(s.tokenA, "GET", "/api/v1/values?grain=month&from=2026-01-01&to=2026-12-31", "", nil, 200)
	if err := json.Unmarshal([]byte(out), &vals); err != nil {
		t.Fatalf("%v\n%.300s", err, out)
	}
	if len(vals) != 2*3*12 {
		t.Errorf("%d values, want 72", len(vals))
	}
	found := false
	for _, v := range vals {
		if v.KPI == "won_value" && v.Subject.ID == "ann" && v.Period.Label() == "2026-06" {
			found = v.Display == "1,234.50 EUR" && v.Value.String() == "1234.5"
		}
	}
	if !found {
		t.Error("ann's won_value of 2026-06 is not 1234.5, displayed 1,234.50 EUR")
	}
	if got := s.must(s.tokenA, "GET", "/api/v1/values?kpi=won&unit=co&period=2026-07", "", nil, 200); got != "[\n  "+
		`{"kpi":"won","subject":{"kind":"unit","id":"co"},"period":{"grain":"month","from":"2026-07-01","to":"2026-07-31"},"value":"0","records":0,"display":"0"}`+"\n]\n" {
		t.Errorf("answer = %q", got)
	}
}

// TestOversizedUpload: an import with a 200 MB cell is refused with 400
// naming the line, after reading a few hundred kilobytes, in bounded time
// and memory; a body over the import limit, and any other body over the
// body limit, are refused too, and nothing was imported.
func TestOversizedUpload(t *testing.T) {
	s := newServer(t, web.Limits{MaxImportBytes: 8 << 20, MaxBodyBytes: 1 << 20, MaxFieldBytes: 4096}, 0)
	const head = "id,rep,stage,note,amount,closed_on\nd3,ann,Won,ok,1,2026-06-03\nd4,ann,Won,\""
	for _, tt := range []struct {
		name, path, contentType string
		body                    io.Reader
		want                    string
	}{
		{"HugeCell", "/api/v1/datasets/deals/records", "text/csv",
			kpitest.Filler(head, 200<<20, 'x', "\",1,2026-06-04\n"),
			"request body: a record runs on for more than 90112 bytes; nothing was imported"},
		{"HugeBody", "/api/v1/datasets/deals/records", "text/csv",
			kpitest.Filler("id,rep,stage,note,amount,closed_on\n", 20<<20, '\n', ""),
			"The request body is larger than 8388608 bytes."},
		{"HugeJSON", "/api/v1/org/import", "application/json",
			kpitest.Filler(`{"units": [], "employees": [{"id": "x", "name": "`, 200<<20, 'x', `"}]}`),
			"The request body is larger than 1048576 bytes."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var status int
			var body string
			alloc, took := measure(func() {
				var err error
				status, _, body, err = s.do(s.tokenA, "POST", tt.path, tt.contentType, tt.body)
				if err != nil {
					t.Fatal(err)
				}
			})
			t.Logf("%d in %s, %d bytes allocated", status, took, alloc)
			code, msg, details := errorOf(t, body)
			if status != 400 || code != kpi.EINVALID || msg != tt.want {
				t.Errorf("%d %s %q, want 400: %s", status, code, msg, tt.want)
			}
			if tt.name == "HugeCell" && (len(details) != 1 || details[0].Line != 3) {
				t.Errorf("details = %+v, want line 3", details)
			}
			if alloc > 64<<20 || took > 10*time.Second {
				t.Errorf("refused after allocating %d bytes in %s", alloc, took)
			}
		})
	}
	out := s.must(s.tokenB, "GET", "/api/v1/datasets/deals/records", "", nil, 200)
	if strings.Contains(out, `"d3"`) || !strings.Contains(out, `"d1"`) {
		t.Errorf("records after the refused imports: %s", out)
	}
}

// TestTokenInFlight: with two requests of token A in flight (their bodies
// still coming), a third of A is refused at once with 429 and Retry-After,
// while token B is answered; once A's requests end, A is answered again.
func TestTokenInFlight(t *testing.T) {
	s := newServer(t, web.Limits{MaxInFlight: 2}, 0)
	type held struct {
		w    *io.PipeWriter
		done chan int
	}
	// send starts a request of A whose body keeps coming: the handler sits
	// reading it until the test writes the rest.
	send := func() held {
		r, w := io.Pipe()
		t.Cleanup(func() { w.Close() })
		h := held{w: w, done: make(chan int, 1)}
		go func() {
			status, _, out, err := s.do(s.tokenA, "POST", "/api/v1/bonus/eval", "application/json", r)
			if err != nil || status != 400 && status != http.StatusTooManyRequests {
				t.Logf("held request: %d %v %.200s", status, err, out)
			}
			h.done <- status
		}()
		// Enough of the body (JSON white space) that the client sends it
		// on, and the handler sits reading the rest.
		if _, err := w.Write([]byte("{" + strings.Repeat(" ", 64<<10))); err != nil {
			t.Fatal(err)
		}
		return h
	}
	hold := []held{send(), send()}
	// Once both are in their handlers, A's next request is refused; till
	// then it may still get through. A held request that arrived while a
	// probe was in flight was itself refused: it is sent again.
	var status int
	var header http.Header
	var body string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for i, h := range hold {
			select {
			case st := <-h.done:
				if st != http.StatusTooManyRequests {
					t.Fatalf("held request ended with %d before its body did", st)
				}
				hold[i] = send()
			default:
			}
		}
		var err error
		if status, header, body, err = s.do(s.tokenA, "GET", "/api/v1/kpis", "", nil); err != nil {
			t.Fatal(err)
		}
		if status != http.StatusOK {
			break
		}
	}
	if status != http.StatusTooManyRequests || header.Get("Retry-After") != "1" {
		t.Fatalf("third request of A: %d, Retry-After %q", status, header.Get("Retry-After"))
	}
	if code, msg, _ := errorOf(t, body); code != kpi.EBUSY || msg != "This API token already has 2 requests in flight; wait for one to finish." {
		t.Errorf("429 body: %s", body)
	}
	start := time.Now()
	s.must(s.tokenB, "GET", "/api/v1/kpis", "", nil, 200)
	s.must(s.tokenB, "GET", "/api/v1/values?kpi=won&unit=co&period=2026-06", "", nil, 200)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("B waited %s", d)
	}
	for _, h := range hold {
		h.w.Write([]byte(`"plan": 1}`))
		h.w.Close()
		if st := <-h.done; st != 400 {
			t.Errorf("held request ended with %d, want 400 (a bad plan)", st)
		}
	}
	s.must(s.tokenA, "GET", "/api/v1/kpis", "", nil, 200)
}
