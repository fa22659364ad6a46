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
	"strings"
	"time"

	"attain/app"
	"attain/kpi"
)

// Server serves the use cases of App over HTTP. App and Logger must be set.
type Server struct {
	App    *app.App
	Logger *slog.Logger

	// MaxBodyBytes limits a request body (imports); default 256 MiB.
	MaxBodyBytes int64
}

// route is one API endpoint. The mux and the OpenAPI document are both made
// from the one table in routes(), so they cannot disagree.
type route struct {
	method, path string
	public       bool // no token needed
	handler      func(http.ResponseWriter, *http.Request) error
	doc          opDoc
}

// Handler returns the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		h := s.wrap(rt.handler)
		if !rt.public {
			h = s.authenticate(h)
		}
		mux.Handle(rt.method+" "+rt.path, h)
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
	kpi.EINTERNAL:     http.StatusInternalServerError,
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
		code := kpi.ErrorCode(err)
		if code == kpi.EINTERNAL {
			s.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		status, ok := codes[code]
		if !ok {
			status = http.StatusInternalServerError
		}
		var body errorBody
		body.Error.Code = code
		body.Error.Message = kpi.ErrorMessage(err)
		body.Error.Details = kpi.ErrorDetails(err)
		writeJSON(w, status, body)
	})
}

// authenticate lets a request through only with a valid API token and
// tells the handlers who acts; what that actor may do is decided by the
// use cases (package app).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		secret, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		who, err := s.App.Authenticate(r.Context(), secret)
		if err != nil {
			return err
		}
		next.ServeHTTP(w, r.WithContext(withActor(r.Context(), who)))
		return nil
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
