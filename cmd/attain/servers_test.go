package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"attain/app"
	"attain/jobs"
	"attain/kpi"
	"attain/kpitest"
)

// server is one `attain serve` in-process: its own store connections,
// engine, HTTP server and job runner.
type server struct {
	m      *Main
	url    string
	runner *jobs.Runner
}

func startServer(t *testing.T, dsn string) *server {
	t.Helper()
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Config.DB = dsn
	if err := m.open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	m.Engine.StateDir = t.TempDir()
	srv := httptest.NewServer(m.webServer().Handler())
	t.Cleanup(srv.Close)
	return &server{m: m, url: srv.URL, runner: m.jobRunner()}
}

// TestServers starts two servers on one PostgreSQL database: a record
// written through one is in the next answer of the other, within 100 ms,
// and a background job both run ticks of runs once per tick.
func TestServers(t *testing.T) {
	dsn := kpitest.PostgresDSN(t)
	a, b := startServer(t, dsn), startServer(t, dsn)
	ctx := context.Background()
	ws := kpi.Workspace{Slug: "acme", Name: "Acme", TimeZone: "UTC"}
	if err := a.m.App.CreateWorkspace(ctx, &ws); err != nil {
		t.Fatal(err)
	}
	tok, err := a.m.App.CreateToken(ctx, kpi.Actor{WorkspaceID: ws.ID, Name: "test", Role: kpi.RoleAdmin, System: true}, app.TokenRequest{Name: "test", Integration: true})
	if err != nil {
		t.Fatal(err)
	}
	ca := apiClient{t: t, url: a.url, token: tok.Secret}
	cb := apiClient{t: t, url: b.url, token: tok.Secret}

	// The job: each server runs it on 50 ms ticks; every run notes its tick.
	var mu sync.Mutex
	runs := map[time.Time][]string{}
	for name, s := range map[string]*server{"a": a, "b": b} {
		err := s.runner.Add(jobs.Job{Name: "test-close", Every: 50 * time.Millisecond, Run: func(ctx context.Context) error {
			tick, _ := jobs.TickFromContext(ctx)
			mu.Lock()
			runs[tick] = append(runs[tick], name)
			mu.Unlock()
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	jctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, s := range []*server{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); s.runner.Run(jctx) }()
	}

	ca.must("PUT", "/api/v1/definitions", "application/yaml", testYAML, 200)
	ca.must("POST", "/api/v1/org/import", "", `{
		"units": [{"id": "co", "name": "Acme"}],
		"employees": [{"id": "ann", "name": "Ann", "unit_id": "co"}]
	}`, 200)
	const query = "/api/v1/values?kpi=won&employee=ann&period=2017-06"
	var vals []kpi.KPIValue
	decode(t, cb.must("GET", query, "", "", 200), &vals) // b's engine is loaded
	if vals[0].Value.String() != "0" {
		t.Fatalf("won before any record = %s", vals[0].Value)
	}
	// A read that starts more than 100 ms after a write must see it. What
	// counts is when the read started: on a busy machine a request may
	// itself take longer than that, which says nothing of freshness.
	var stalest time.Duration // the latest start of a read that missed a write
	for i := 1; i <= 20; i++ {
		body := fmt.Sprintf(`[{"id": "d%d", "rep": "ann", "stage": "Won", "amount": "10", "closed_on": "2017-06-02"}]`, i)
		ca.must("POST", "/api/v1/datasets/deals/records", "application/json", body, 200)
		written := time.Now()
		for {
			started := time.Since(written)
			decode(t, cb.must("GET", query, "", "", 200), &vals)
			if vals[0].Value.String() == fmt.Sprint(i) {
				break
			}
			stalest = max(stalest, started)
			if started > 5*time.Second {
				t.Fatalf("record %d never showed through the other server: won = %s", i, vals[0].Value)
			}
		}
	}
	if stalest > 100*time.Millisecond {
		t.Errorf("a read started %s after a write through the other server did not show it, want at most 100 ms", stalest)
	}
	t.Logf("the latest read that missed a write started %s after it", stalest)

	// Enough ticks to see both servers try each: a busy machine may miss
	// some, so wait for them rather than for a time.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(runs)
		mu.Unlock()
		if n >= 6 || time.Now().After(deadline) {
			break
		}
	}
	stop()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(runs) < 6 {
		t.Fatalf("the job ran %d ticks in 20 s", len(runs))
	}
	by := map[string]int{}
	for tick, who := range runs {
		if len(who) != 1 {
			t.Errorf("tick %s ran on %v", tick.Format("15:04:05.000"), who)
		}
		by[who[0]]++
	}
	t.Logf("%d ticks ran once each: %v", len(runs), by)
}
