package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"attain/app"
	"attain/kpi"
)

// Limits keep one request, or one client, from sinking the server. The
// zero value of a field means its default.
type Limits struct {
	// MaxBodyBytes caps a request body (JSON, attain.yaml); default 16 MiB.
	MaxBodyBytes int64
	// MaxImportBytes caps the body of a record import; default 256 MiB.
	MaxImportBytes int64
	// MaxFieldBytes caps one cell of an imported record; default
	// app.DefaultMaxFieldBytes (64 KiB).
	MaxFieldBytes int
	// MaxInFlight caps the requests one API token has in flight; one more
	// is refused at once with 429 Too Many Requests, so a client cannot
	// keep the others waiting. Default 8.
	MaxInFlight int
}

// Defaults of Limits.
const (
	DefaultMaxBodyBytes   = 16 << 20
	DefaultMaxImportBytes = 256 << 20
	DefaultMaxInFlight    = 8
)

func (l Limits) body() int64 {
	if l.MaxBodyBytes > 0 {
		return l.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

func (l Limits) importBody() int64 {
	if l.MaxImportBytes > 0 {
		return l.MaxImportBytes
	}
	return DefaultMaxImportBytes
}

func (l Limits) field() int {
	if l.MaxFieldBytes > 0 {
		return l.MaxFieldBytes
	}
	return app.DefaultMaxFieldBytes
}

func (l Limits) maxInFlight() int {
	if l.MaxInFlight > 0 {
		return l.MaxInFlight
	}
	return DefaultMaxInFlight
}

// bodyLimit is the most the body of a route may hold: MaxImportBytes for
// the record import, MaxBodyBytes for any other.
func (l Limits) bodyLimit(rt route) int64 {
	if rt.method == http.MethodPost && strings.HasPrefix(rt.path, "/api/v1/datasets/") && strings.HasSuffix(rt.path, "/records") {
		return l.importBody()
	}
	return l.body()
}

// limitBody caps the request body of next at max bytes: reading past it
// fails, and the API answers 400 saying so.
func limitBody(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeError(w, http.StatusBadRequest, kpi.EINVALID, tooLarge(max))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

func tooLarge(max int64) string {
	return "The request body is larger than " + itoa(max) + " bytes."
}

// inFlight counts the requests each client (an API token) has in flight.
type inFlight struct {
	mu   sync.Mutex
	busy map[string]int
}

// serve runs serve unless client already has max requests in flight; then
// it answers 429 Too Many Requests with Retry-After at once.
func (f *inFlight) serve(w http.ResponseWriter, client string, max int, serve func()) {
	f.mu.Lock()
	if f.busy == nil {
		f.busy = map[string]int{}
	}
	if f.busy[client] >= max {
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, kpi.EBUSY,
			"This API token already has "+itoa(int64(max))+" requests in flight; wait for one to finish.")
		return
	}
	f.busy[client]++
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		if f.busy[client]--; f.busy[client] == 0 {
			delete(f.busy, client)
		}
		f.mu.Unlock()
	}()
	serve()
}

// writeError writes an error body the way the error adapter does.
func writeError(w http.ResponseWriter, status int, code, message string) {
	var body errorBody
	body.Error.Code, body.Error.Message = code, message
	writeJSON(w, status, body)
}

// writeJSONArray writes items as a JSON array one element at a time, each
// first passed to each (nil: as they are): a large answer is never held in
// memory twice, as values and as their JSON.
func writeJSONArray[T any](w http.ResponseWriter, items []T, each func(*T)) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	sep := "[\n  "
	for i := range items {
		it := items[i]
		if each != nil {
			each(&it)
		}
		buf.Reset()
		buf.WriteString(sep)
		if err := enc.Encode(it); err != nil {
			return
		}
		buf.Truncate(buf.Len() - 1) // the encoder's newline
		if _, err := w.Write(buf.Bytes()); err != nil {
			return // the client went away
		}
		sep = ",\n  "
	}
	if len(items) == 0 {
		w.Write([]byte("[]\n"))
		return
	}
	w.Write([]byte("\n]\n"))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
