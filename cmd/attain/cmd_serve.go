package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"attain/kpi"
	"attain/web"
)

// demoSlug is the workspace `attain demo` and `serve --demo` fill.
const demoSlug = "demo"

func (m *Main) serveCommand() *cobra.Command {
	var addr string
	var withDemo bool
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
			var token string
			if withDemo {
				m.Config.Workspace = demoSlug
				if err := m.loadDemo(ctx, 1); err != nil {
					return err
				}
				wctx, _, err := m.workspaceContext(ctx)
				if err != nil {
					return err
				}
				tok := kpi.APIToken{Name: "serve --demo " + time.Now().UTC().Format(time.RFC3339)}
				if err := m.Svc.Tokens.CreateAPIToken(wctx, &tok); err != nil {
					return err
				}
				token = tok.Secret
				if err := m.Svc.Values.Refresh(wctx); err != nil {
					return err
				}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return kpi.Errorf(kpi.EINVALID, "Cannot listen on %s: %s", addr, err)
			}
			url := "http://" + ln.Addr().String()
			fmt.Fprintf(m.Stdout, "Attain is serving on %s (API: %s/api/v1, OpenAPI: %s/api/v1/openapi.json)\n", url, url, url)
			if token != "" {
				fmt.Fprintf(m.Stdout, "Demo workspace API token: %s\nTry: curl -H 'Authorization: Bearer %s' '%s/api/v1/values?unit=sales&period=%s'\n",
					token, token, url, kpi.PeriodOf(kpi.Month, kpi.DateOf(time.Now(), time.UTC)).Label())
			}
			return m.serve(ctx, ln)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "load (or refresh) the demo workspace and print an API token for it")
	return cmd
}

// webServer is the API over the open services.
func (m *Main) webServer() *web.Server {
	return &web.Server{
		Workspaces: m.Svc.Workspaces, Tokens: m.Svc.Tokens, Org: m.Svc.Org, Definitions: m.Svc.Definitions,
		Records: m.Svc.Records, Values: m.Svc.Values, Audit: m.Svc.Audit, Targets: m.Svc.Targets, Review: m.Svc.Review,
		Payroll: m.Svc.Payroll, Preview: m.Svc.Preview, Logger: m.Logger,
	}
}

// serve runs the HTTP server until ctx ends, then shuts it down gracefully.
func (m *Main) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: m.webServer().Handler(), ReadHeaderTimeout: 10 * time.Second}
	m.Svc.Values.Remap = true // a server answers from its saved states' files
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
			m.Config.Workspace = demoSlug
			return m.loadDemo(cmd.Context(), seed)
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed of the generator")
	return cmd
}
