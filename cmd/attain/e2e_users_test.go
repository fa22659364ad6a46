package main_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// attainIn runs the binary with stdin.
func attainIn(t *testing.T, db, stdin string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--db", db, "--log-level", "warn"}, args...)...)
	var o, e bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &o, &e
	cmd.Env = append(os.Environ(), "ATTAIN_DB=", "ATTAIN_WORKSPACE=", "ATTAIN_BASE_URL=https://attain.example")
	err := cmd.Run()
	return o.String(), e.String(), err
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return 0
}

// TestUsersCLI makes the first admin, users and an integration's token with
// the binary, changes roles, and exports the audit trail.
func TestUsersCLI(t *testing.T) {
	db := t.TempDir()
	out, stderr, err := attainIn(t, db, "", "user", "create", "root@example.com", "--admin")
	if err != nil || !strings.Contains(out, "Created user root@example.com (admin)") ||
		!strings.Contains(out, "https://attain.example/reset?token=") || !strings.Contains(stderr, "One-time link") {
		t.Fatalf("create admin: %v\n%s\n%s", err, out, stderr)
	}
	if _, stderr, err := attainIn(t, db, "admin's password\n", "user", "reset-password", "root@example.com", "--password-stdin"); err != nil {
		t.Fatalf("set password: %v %s", err, stderr)
	}
	if _, _, err := attainIn(t, db, "ann's password\n", "user", "create", "ann@example.com", "--role", "finance", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := attainIn(t, db, "", "user", "create", "bad@example.com", "--role", "boss"); exitCode(err) != 2 {
		t.Errorf("unknown role: exit %d", exitCode(err))
	}
	if _, _, err := attainIn(t, db, "", "user", "create", "root@example.com"); exitCode(err) != 4 {
		t.Errorf("a second root: exit %d", exitCode(err))
	}
	if _, _, err := attainIn(t, db, "", "user", "set-role", "root@example.com", "member"); exitCode(err) != 4 {
		t.Errorf("demoting the last admin: exit %d", exitCode(err))
	}
	attain(t, db, "user", "set-role", "ann@example.com", "auditor")
	attain(t, db, "user", "disable", "ann@example.com")
	var users []struct {
		Email    string
		Role     string
		Disabled bool
	}
	mustJSON(t, attain(t, db, "user", "list", "--format", "json"), &users)
	if len(users) != 2 || users[0].Email != "ann@example.com" || users[0].Role != "auditor" || !users[0].Disabled || users[1].Role != "admin" {
		t.Errorf("users = %+v", users)
	}
	attain(t, db, "user", "enable", "ann@example.com")

	secret := strings.TrimSpace(attain(t, db, "token", "create", "crm", "--scope", "records:write:deals", "--expires", "30d"))
	if !strings.HasPrefix(secret, "atn_") {
		t.Fatalf("secret %q", secret)
	}
	var toks []struct {
		ID        int64
		Name      string
		Scopes    []string
		ExpiresAt *time.Time `json:"expires_at"`
	}
	mustJSON(t, attain(t, db, "token", "list", "--format", "json"), &toks)
	if len(toks) != 1 || toks[0].Name != "crm" || len(toks[0].Scopes) != 1 || toks[0].ExpiresAt == nil {
		t.Fatalf("tokens = %+v", toks)
	}
	if out := attain(t, db, "token", "list"); strings.Contains(out, secret) {
		t.Error("the list shows the secret")
	}
	attain(t, db, "token", "revoke", "1")
	if _, _, err := attainIn(t, db, "", "token", "create", "x", "--scope", "nope"); exitCode(err) != 2 {
		t.Errorf("unknown scope: exit %d", exitCode(err))
	}

	out = attain(t, db, "audit", "list", "--entity", "user", "--id", "ann@example.com")
	if !strings.Contains(out, "cli:") || !strings.Contains(out, "update") {
		t.Errorf("audit list:\n%s", out)
	}
	rows, err := csv.NewReader(strings.NewReader(attain(t, db, "audit", "export"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, r := range rows[1:] {
		actions[r[5]+" "+r[4]] = true
		if strings.Contains(strings.Join(r, ","), "argon2id") {
			t.Errorf("a password hash in the trail: %v", r)
		}
	}
	for _, want := range []string{"user create", "user update", "user set_password", "user create_reset_link", "api_token create", "api_token revoke"} {
		if !actions[want] {
			t.Errorf("the export lacks %q: %v", want, actions)
		}
	}
}

// TestServeSignIn serves a database with a user, signs in over HTTP and
// reads /api/v1/me with the session cookie.
func TestServeSignIn(t *testing.T) {
	db := t.TempDir()
	if _, _, err := attainIn(t, db, "a good password\n", "user", "create", "root@example.com", "--admin", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := attainIn(t, db, "", "serve", "--addr", "0.0.0.0:0", "--insecure-cookies"); exitCode(err) != 2 || !strings.Contains(stderr, "loopback") {
		t.Errorf("insecure cookies on 0.0.0.0: exit %d %s", exitCode(err), stderr)
	}
	cmd := exec.Command(binary, "--db", db, "--log-level", "warn", "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "ATTAIN_DB=", "ATTAIN_WORKSPACE=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	base := strings.Fields(strings.TrimPrefix(line, "Attain is serving on "))[0]
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(base+"/signin", url.Values{"email": {"root@example.com"}, "password": {"a good password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-attain_session" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil || !session.Secure || !session.HttpOnly {
		t.Fatalf("sign-in = %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.AddCookie(session)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var me struct{ Name, Role string }
	if err := json.Unmarshal(body, &me); err != nil || me.Name != "user:root@example.com" || me.Role != "admin" {
		t.Errorf("me = %s (%v)", body, err)
	}
}
