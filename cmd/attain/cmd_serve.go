package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
	"attain/web"
)

func (m *Main) serveCommand() *cobra.Command {
	var addr string
	var withDemo bool
	var af authFlags
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--demo]",
		Short: "Serve the JSON API (and, with --demo, load the demo workspace first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if m.Config.LogLevel == "" {
				m.Config.LogLevel = "info"
			}
			if err := m.open(ctx); err != nil {
				return err
			}
			workspace := m.Config.Workspace
			if withDemo {
				workspace = app.DemoWorkspace
				af.insecureCookies = af.insecureCookies || isLoopback(addr)
			}
			if af.insecureCookies && !isLoopback(addr) {
				return kpi.Errorf(kpi.EINVALID, "--insecure-cookies is only for plain http on a loopback address, not %s.", addr)
			}
			var token string
			var users *app.DemoUsers
			if withDemo {
				rep, err := m.loadDemo(ctx, 1)
				if err != nil {
					return err
				}
				tok, err := m.App.CreateToken(ctx, rep.Actor, app.TokenRequest{Name: "serve --demo " + time.Now().UTC().Format(time.RFC3339)})
				if err != nil {
					return err
				}
				token, users = tok.Secret, rep.Users
				if err := m.App.Refresh(ctx, rep.Actor); err != nil {
					return err
				}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return kpi.Errorf(kpi.EINVALID, "Cannot listen on %s: %s", addr, err)
			}
			url := "http://" + ln.Addr().String()
			auth, err := af.config(ctx, ln.Addr().String(), workspace)
			if err != nil {
				ln.Close()
				return err
			}
			m.App.Auth = auth
			fmt.Fprintf(m.Stdout, "Attain is serving on %s (API: %s/api/v1, OpenAPI: %s/api/v1/openapi.json)\n", url, url, url)
			if token != "" {
				fmt.Fprintf(m.Stdout, "Demo workspace API token: %s\nTry: curl -H 'Authorization: Bearer %s' '%s/api/v1/values?unit=sales&period=%s'\n",
					token, token, url, kpi.PeriodOf(kpi.Month, kpi.DateOf(time.Now(), time.UTC)).Label())
			}
			m.printDemoUsers(url, users)
			return m.serve(ctx, ln, af.insecureCookies)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "load (or refresh) the demo workspace and print an API token and who to sign in as")
	af.register(cmd.Flags())
	m.limitFlags(cmd)
	return cmd
}

// webServer is the API over the use cases.
func (m *Main) webServer() *web.Server {
	return &web.Server{App: m.App, Logger: m.Logger, Limits: m.Config.Limits}
}

// serve runs the HTTP server until ctx ends, then shuts it down gracefully.
func (m *Main) serve(ctx context.Context, ln net.Listener, insecureCookies bool) error {
	ws := m.webServer()
	ws.InsecureCookies = insecureCookies
	srv := httpServer(ws.Handler())
	m.Engine.Remap = true // a server answers from its saved states' files
	jobsCtx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() { defer close(jobsDone); m.jobRunner().Run(jobsCtx) }()
	defer func() { stopJobs(); <-jobsDone }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (m *Main) demoCommand() *cobra.Command {
	var seed int64
	cmd := &cobra.Command{
		Use:   "demo [--seed N]",
		Short: "Load the demo company into the \"demo\" workspace (idempotent)",
		Long: `Demo builds a deterministic demo company from a seed: a sales department
and an order-processing department with teams, about 40 employees, and 12
months of deals, contracts, shipments, payments and processed requests up to
this month. Running it again with the same seed changes nothing.

Then, for example:
  attain -w demo kpi values --unit sales --period 2026-Q3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := m.open(cmd.Context()); err != nil {
				return err
			}
			_, err := m.loadDemo(cmd.Context(), seed)
			return err
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed of the generator")
	return cmd
}

// loadDemo loads the demo and says what it holds.
func (m *Main) loadDemo(ctx context.Context, seed int64) (*app.DemoReport, error) {
	rep, err := m.App.LoadDemo(ctx, seed)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(m.Stdout, "Demo workspace %q: %d employees in %d units, %d records in %d datasets, %d KPIs, %d targets (%s to %s).\n",
		rep.Workspace.Slug, rep.Employees, rep.Units, rep.Records, rep.Datasets, rep.KPIs, rep.Targets, rep.From, rep.To)
	fmt.Fprintf(m.Stdout, "Bonus statements: %d locked before %s", rep.Locked, kpi.PeriodOf(kpi.Month, rep.To).Label())
	if rep.Failed > 0 {
		fmt.Fprintf(m.Stdout, ", %d that cannot be computed left as drafts", rep.Failed)
	}
	if l := rep.Lost; l != nil {
		fmt.Fprintf(m.Stdout, "; deal %s of %s, won in %s, was lost since: this month's statement claws it back", l.Key, l.Owner, l.Won.Label())
	}
	fmt.Fprintln(m.Stdout, ".")
	return rep, nil
}
