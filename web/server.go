// Package web serves Attain's JSON API under /api/v1, its OpenAPI document
// and /healthz. Handlers return errors; one adapter turns an error into a
// status and a JSON body through a single code → status table.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"attain/app"
	"attain/kpi"
)

// Server serves the use cases of App over HTTP. App and Logger must be set.
type Server struct {
	App    *app.App
	Logger *slog.Logger

	// Limits guard the server against requests and clients that would
	// sink it (limits.go).
	Limits Limits

	inFlight inFlight // requests in flight per API token

	// InsecureCookies sends cookies without Secure, for plain HTTP: only
	// for the demo on localhost.
	InsecureCookies bool
}

// route is one API endpoint. The mux and the OpenAPI document are both made
// from the one table in routes(), so they cannot disagree.
type route struct {
	method, path string
	public       bool // no token needed
	handler      func(http.ResponseWriter, *http.Request) error
	doc          opDoc
}

// Handler returns the HTTP handler of the API and the pages.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		h := s.wrap(rt.handler)
		if !rt.public {
			h = s.authenticate(h)
		}
		mux.Handle(rt.method+" "+rt.path, limitBody(h, s.Limits.bodyLimit(rt)))
	}
	for _, pg := range s.pageRoutes() {
		h := pg.handler
		if !pg.public {
			h = s.signedIn(h)
		}
		mux.Handle(pg.method+" "+pg.path, s.pageWrap(s.capPage(h, pg)))
	}
	for _, pg := range s.pages() {
		h := s.wrap(pg.handler)
		if !pg.public {
			h = s.pageAuth(h)
		}
		mux.Handle(pg.method+" "+pg.path, h)
	}
	return withSecurityHeaders(withStallDeadlines(DefaultStallTimeout, s.logRequests(mux)))
}

// codes maps error codes to HTTP statuses.
var codes = map[string]int{
	kpi.ECONFLICT:     http.StatusConflict,
	kpi.EINVALID:      http.StatusBadRequest,
	kpi.ENOTFOUND:     http.StatusNotFound,
	kpi.EUNAUTHORIZED: http.StatusUnauthorized,
	kpi.EFORBIDDEN:    http.StatusForbidden,
	kpi.EUNAVAILABLE:  http.StatusServiceUnavailable,
	kpi.EBUSY:         http.StatusTooManyRequests,
	kpi.EINTERNAL:     http.StatusInternalServerError,
}

// errorStatus is the HTTP status of err; an internal error is logged.
func (s *Server) errorStatus(r *http.Request, err error) int {
	code := kpi.ErrorCode(err)
	if code == kpi.EINTERNAL {
		s.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status, ok := codes[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// errorBody is how every error leaves the API.
type errorBody struct {
	Error struct {
		Code    string        `json:"code"`
		Message string        `json:"message"`
		Details []kpi.Problem `json:"details,omitempty"`
	} `json:"error"`
}

func (s *Server) wrap(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			err = kpi.Errorf(kpi.EINVALID, "The request body is larger than %d bytes.", maxErr.Limit)
		}
		status := s.errorStatus(r, err)
		var body errorBody
		body.Error.Code = kpi.ErrorCode(err)
		body.Error.Message = kpi.ErrorMessage(err)
		body.Error.Details = kpi.ErrorDetails(err)
		writeJSON(w, status, body)
	})
}

type actorKey struct{}

func withActor(ctx context.Context, who kpi.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, who)
}

// who is the actor authenticate found.
func who(r *http.Request) kpi.Actor {
	a, _ := r.Context().Value(actorKey{}).(kpi.Actor)
	return a
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				s.Logger.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeJSON(sw, http.StatusInternalServerError, map[string]any{"error": map[string]string{"code": kpi.EINTERNAL, "message": "Internal error."}})
			}
			s.Logger.Info("http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// readJSON decodes a JSON body strictly: unknown fields are errors.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return err
		}
		return kpi.Errorf(kpi.EINVALID, "Cannot read the JSON body: %s.", err)
	}
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.App.Health(r.Context()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}
