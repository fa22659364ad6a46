// Package mail sends e-mail through an SMTP server (net/smtp), using
// STARTTLS when the server offers it.
package mail

import (
	"context"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"attain/kpi"
)

// Config names the SMTP server and the sender.
type Config struct {
	Addr     string // host:port
	From     string // the sender's address
	Username string // "": no authentication
	Password string
}

// Mailer sends e-mail as Config says.
type Mailer struct{ cfg Config }

// New checks cfg and returns a mailer.
func New(cfg Config) (*Mailer, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, kpi.Errorf(kpi.EINVALID, "SMTP server %q: want host:port.", cfg.Addr)
	}
	if cfg.From == "" || strings.ContainsAny(cfg.From, "\r\n") {
		return nil, kpi.Errorf(kpi.EINVALID, "Give the address e-mail is sent from.")
	}
	return &Mailer{cfg: cfg}, nil
}

// Send sends a plain text e-mail to one address.
func (m *Mailer) Send(ctx context.Context, to, subject, body string) error {
	if strings.ContainsAny(to+subject, "\r\n") {
		return kpi.Errorf(kpi.EINVALID, "A line break in an e-mail's address or subject.")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
		m.cfg.From, to, mime.QEncoding.Encode("utf-8", subject), time.Now().Format(time.RFC1123Z))
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	var auth smtp.Auth
	if m.cfg.Username != "" {
		host, _, _ := net.SplitHostPort(m.cfg.Addr)
		auth = smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, host)
	}
	if err := smtp.SendMail(m.cfg.Addr, auth, m.cfg.From, []string{to}, []byte(b.String())); err != nil {
		return fmt.Errorf("%w: %w", kpi.Errorf(kpi.EUNAVAILABLE, "Cannot send e-mail through %s.", m.cfg.Addr), err)
	}
	return nil
}
