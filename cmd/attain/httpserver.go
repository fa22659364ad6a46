package main

import (
	"net/http"
	"time"
)

// Limits of the HTTP server that attain serve runs.
//
//   - ReadHeaderTimeout: a client has 10 s to send its request line and
//     headers (no slow-loris holding connections open a byte at a time),
//     and MaxHeaderBytes keeps the headers to 64 KiB (Go's default is 1 MiB;
//     a token or a session cookie needs well under 1 KiB).
//   - ReadTimeout: a minute for the whole request, headers and body, unless
//     the handler reads the body: web gives each read of a body its own
//     deadline a minute ahead (web.DefaultStallTimeout), so an import of
//     hundreds of megabytes over a slow line goes on while bytes keep
//     arriving, and one that stops arriving for a minute is cut.
//   - WriteTimeout: none. Go's WriteTimeout is one deadline for the whole
//     response, counted from the end of the request's headers: any value
//     that lets a large export download over a slow line, or a stream of
//     server-sent events stay open for a working day, protects nothing.
//     Instead web gives each write its own deadline a minute ahead, so a
//     client that stops taking the response is cut after a minute, and a
//     transfer that keeps moving lives as long as it needs (an event
//     stream writes a heartbeat more often than once a minute).
//   - IdleTimeout: a kept-alive connection with no request is closed after
//     two minutes.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = time.Minute
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

// httpServer is the server of h with the limits above.
func httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}
