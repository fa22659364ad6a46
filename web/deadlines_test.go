package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// stallServer serves h as Handler serves a route, behind
// withStallDeadlines(stall) and the request log, with a ReadTimeout shorter
// than the transfers below take, as cmd/attain serves the API.
func stallServer(t *testing.T, stall time.Duration, h http.HandlerFunc) *httptest.Server {
	s := &Server{Logger: slog.New(slog.DiscardHandler)}
	srv := httptest.NewUnstartedServer(withStallDeadlines(stall, s.logRequests(h)))
	srv.Config.ReadTimeout = 2 * stall
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// slowBody sends n chunks, pause apart, then ends.
func slowBody(n int, pause time.Duration) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < n; i++ {
			time.Sleep(pause)
			if _, err := pw.Write(bytes.Repeat([]byte("x"), 1000)); err != nil {
				return
			}
		}
		pw.Close()
	}()
	return pr
}

// TestStallDeadlines_SlowTransfersLive: an upload and a download that take
// many times the stall timeout (and the server's ReadTimeout) go through,
// because each keeps moving.
func TestStallDeadlines_SlowTransfersLive(t *testing.T) {
	const stall = 400 * time.Millisecond
	srv := stallServer(t, stall, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			n, err := io.Copy(io.Discard, r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			fmt.Fprint(w, n)
			return
		}
		rc := http.NewResponseController(w)
		for i := 0; i < 10; i++ {
			fmt.Fprintf(w, "event %d\n", i)
			if err := rc.Flush(); err != nil {
				t.Errorf("flush through the middleware: %v", err)
				return
			}
			time.Sleep(stall / 4)
		}
	})
	res, err := http.Post(srv.URL, "text/plain", slowBody(10, stall/4))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "10000" {
		t.Errorf("slow upload = %d %q, want 200 10000", res.StatusCode, body)
	}
	res, err = http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err = io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || !bytes.HasSuffix(body, []byte("event 9\n")) {
		t.Errorf("slow download = %q (%v), want 10 events", body, err)
	}
}

// TestStallDeadlines_StalledTransfersCut: an upload that stops arriving and
// a client that stops taking the response are cut after the stall timeout.
func TestStallDeadlines_StalledTransfersCut(t *testing.T) {
	const stall = 200 * time.Millisecond
	errs := make(chan error, 1)
	srv := stallServer(t, stall, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			_, err := io.Copy(io.Discard, r.Body)
			errs <- err
			return
		}
		chunk := bytes.Repeat([]byte("x"), 32<<10)
		for i := 0; i < 1<<14; i++ { // 512 MiB, far more than the socket buffers hold
			if _, err := w.Write(chunk); err != nil {
				errs <- err
				return
			}
		}
		errs <- nil
	})
	wait := func(what string) {
		t.Helper()
		select {
		case err := <-errs:
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				var ne net.Error
				if !errors.As(err, &ne) || !ne.Timeout() {
					t.Errorf("%s: the handler got %v, want a timeout", what, err)
				}
			}
		case <-time.After(20 * stall):
			t.Errorf("%s: not cut after %v", what, 20*stall)
		}
	}

	// An upload that sends a little, then nothing.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", 100000, bytes.Repeat([]byte("x"), 1000))
	wait("stalled upload")

	// A download nobody reads.
	conn2, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	fmt.Fprint(conn2, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	wait("unread download")
}
