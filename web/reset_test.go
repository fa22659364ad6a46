package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"attain/mail"
	"attain/mail/mailtest"
)

// TestResetByEmail asks for a reset link on the page, receives it from a
// real SMTP server on localhost, sets a new password with it once, and
// signs in with it.
func TestResetByEmail(t *testing.T) {
	w := newAuthWorld(t)
	smtpd := mailtest.Start(t, "", "")
	m, err := mail.New(mail.Config{Addr: smtpd.Addr, From: "attain@small.example"})
	if err != nil {
		t.Fatal(err)
	}
	w.app.Auth.Mailer = m
	w.app.Auth.BaseURL = w.srv.URL
	b := w.browser()
	if resp, body := b.do("GET", "/signin", "", ""); !strings.Contains(body, `href="/reset/request"`) {
		t.Errorf("sign-in page without the reset link: %d %s", resp.StatusCode, body)
	}
	ask := func(email string) string {
		t.Helper()
		resp, body := b.do("POST", "/reset/request", form, url.Values{"workspace": {"small"}, "email": {email}}.Encode())
		if resp.StatusCode != 200 || !strings.Contains(body, "is on its way") {
			t.Fatalf("request = %d %s", resp.StatusCode, body)
		}
		return body
	}
	// Someone unknown gets the same answer, and no mail.
	unknown := ask("nobody@small.example")
	known := ask("bob@small.example")
	if strings.ReplaceAll(unknown, "nobody", "bob") != known {
		t.Errorf("the answers tell who has a user:\n%s\n%s", unknown, known)
	}
	select {
	case <-smtpd.Arrived():
	case <-time.After(5 * time.Second):
		t.Fatal("no mail arrived")
	}
	msgs := smtpd.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "bob@small.example" {
		t.Fatalf("messages %+v", msgs)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(w.srv.URL) + `/reset\?token=[0-9]+\.[A-Za-z0-9_-]{43}`).FindString(msgs[0].Data)
	if link == "" {
		t.Fatalf("no link in\n%s", msgs[0].Data)
	}
	token := strings.SplitN(link, "token=", 2)[1]
	resp, body := b.do("GET", strings.TrimPrefix(link, w.srv.URL), "", "")
	if resp.StatusCode != 200 || !strings.Contains(body, token) {
		t.Fatalf("link page = %d %s", resp.StatusCode, body)
	}
	resp, body = b.do("POST", "/reset", form, url.Values{"token": {token}, "password": {"mailed new password"}}.Encode())
	if resp.StatusCode != 200 || !strings.Contains(body, "Your password is set") {
		t.Fatalf("set = %d %s", resp.StatusCode, body)
	}
	if resp, _ := b.do("POST", "/reset", form, url.Values{"token": {token}, "password": {"another password"}}.Encode()); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the link worked twice: %d", resp.StatusCode)
	}
	if resp := b.signIn("bob@small.example", testPassword); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password = %d", resp.StatusCode)
	}
	if resp := b.signIn("bob@small.example", "mailed new password"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the new password = %d", resp.StatusCode)
	}
}
