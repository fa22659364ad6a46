package web

import (
	"io"
	"net/http"
	"time"
)

// DefaultStallTimeout is how long a request body may stop arriving, or a
// client stop taking the response, before the connection is dropped.
const DefaultStallTimeout = time.Minute

// withStallDeadlines gives every read of a request body and every write of
// a response its own deadline, stall from now, through the connection's
// http.ResponseController. A transfer that keeps moving may take as long
// as it needs (a large import or export over a slow line, a stream of
// server-sent events that writes more often than stall); one that stops
// is cut after stall. This is why the server's WriteTimeout, a deadline
// for a whole response, is not set (see cmd/attain serve).
func withStallDeadlines(stall time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := &deadlines{rc: http.NewResponseController(w), stall: stall}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &stallBody{ReadCloser: r.Body, d: d}
		}
		next.ServeHTTP(&stallWriter{ResponseWriter: w, d: d}, r)
		d.write(true) // the server flushes what is buffered after the handler returns
	})
}

// deadlines moves a connection's deadlines forward: not on every small
// read or write, but once a quarter of stall (at most a second) has passed
// since it last did.
type deadlines struct {
	rc                *http.ResponseController
	stall             time.Duration
	readSet, writeSet time.Time
}

func (d *deadlines) every() time.Duration { return min(d.stall/4, time.Second) }

func (d *deadlines) read() {
	if now := time.Now(); now.Sub(d.readSet) >= d.every() {
		d.readSet = now
		d.rc.SetReadDeadline(now.Add(d.stall)) // ErrNotSupported (a test recorder): no deadline to keep
	}
}

func (d *deadlines) write(force bool) {
	if now := time.Now(); force || now.Sub(d.writeSet) >= d.every() {
		d.writeSet = now
		d.rc.SetWriteDeadline(now.Add(d.stall))
	}
}

type stallBody struct {
	io.ReadCloser
	d *deadlines
}

func (b *stallBody) Read(p []byte) (int, error) {
	b.d.read()
	return b.ReadCloser.Read(p)
}

// stallWriter moves the write deadline before each write. Unwrap lets a
// handler reach the connection's own writer through
// http.NewResponseController (to flush events, or to lift the deadline).
type stallWriter struct {
	http.ResponseWriter
	d *deadlines
}

func (w *stallWriter) Write(p []byte) (int, error) {
	w.d.write(false)
	return w.ResponseWriter.Write(p)
}

func (w *stallWriter) Flush() {
	w.d.write(false)
	w.d.rc.Flush()
}

func (w *stallWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Unwrap lets http.NewResponseController reach through the request log's
// writer too.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
