// Package mailtest runs a real SMTP server on localhost for tests
// (github.com/emersion/go-smtp), keeping the messages it receives.
package mailtest

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one e-mail the server received.
type Message struct {
	From string
	To   []string
	Data string
	User string // who authenticated, "" if nobody
}

// Server is an SMTP server on 127.0.0.1 that asks, if User is set, for
// PLAIN authentication with User and Password.
type Server struct {
	Addr           string
	User, Password string

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{}
}

// Start starts a server on a free port, stopped when tb ends.
func Start(tb testing.TB, user, password string) *Server {
	tb.Helper()
	s := &Server{User: user, Password: password, arrived: make(chan struct{}, 100)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return s
}

// Messages returns the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Arrived is signalled once per message received.
func (s *Server) Arrived() <-chan struct{} { return s.arrived }

type session struct {
	s   *Server
	msg Message
}

func (x *session) AuthMechanisms() []string {
	if x.s.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user != x.s.User || password != x.s.Password {
			return errors.New("invalid credentials")
		}
		x.msg.User = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.User != "" && x.msg.User == "" {
		return smtp.ErrAuthRequired
	}
	x.msg.From = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.msg.To = append(x.msg.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.msg.Data = string(b)
	x.s.mu.Lock()
	x.s.messages = append(x.s.messages, x.msg)
	x.s.mu.Unlock()
	x.s.arrived <- struct{}{}
	return nil
}

func (x *session) Reset()        { x.msg = Message{User: x.msg.User} }
func (x *session) Logout() error { return nil }
