package mail_test

import (
	"context"
	"strings"
	"testing"

	"attain/kpi"
	"attain/mail"
	"attain/mail/mailtest"
)

func TestSend(t *testing.T) {
	srv := mailtest.Start(t, "attain", "s3cret")
	m, err := mail.New(mail.Config{Addr: srv.Addr, From: "attain@example.com", Username: "attain", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), "ann@example.com", "Set a new password", "Line one\nLine two\n"); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	got := msgs[0]
	if got.From != "attain@example.com" || len(got.To) != 1 || got.To[0] != "ann@example.com" || got.User != "attain" {
		t.Errorf("envelope %+v", got)
	}
	for _, want := range []string{"Subject: Set a new password\r\n", "To: ann@example.com\r\n", "Content-Type: text/plain; charset=utf-8\r\n", "\r\n\r\nLine one\r\nLine two\r\n"} {
		if !strings.Contains(got.Data, want) {
			t.Errorf("message lacks %q:\n%s", want, got.Data)
		}
	}

	t.Run("ErrWrongPassword", func(t *testing.T) {
		m, _ := mail.New(mail.Config{Addr: srv.Addr, From: "attain@example.com", Username: "attain", Password: "wrong"})
		if err := m.Send(context.Background(), "ann@example.com", "x", "x"); kpi.ErrorCode(err) != kpi.EUNAVAILABLE {
			t.Errorf("err = %v, want unavailable", err)
		}
	})
	t.Run("ErrHeaderInjection", func(t *testing.T) {
		if err := m.Send(context.Background(), "ann@example.com\r\nBcc: eve@example.com", "x", "x"); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrConfig", func(t *testing.T) {
		if _, err := mail.New(mail.Config{Addr: "nohost", From: "a@b"}); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("err = %v", err)
		}
	})
}
