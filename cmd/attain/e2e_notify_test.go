package main_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestWebhookCLI adds a webhook with the binary: its secret is printed
// once, never by the list; removing it twice fails the second time.
func TestWebhookCLI(t *testing.T) {
	db := t.TempDir()
	out, stderr, err := attainIn(t, db, "", "webhook", "add", "https://chat.example/hooks/sales")
	m := regexp.MustCompile(`Added webhook (\d+): https://chat.example/hooks/sales\nSigning secret \(shown once\): (whsec_\S+)\n`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("webhook add: %v\n%s\n%s", err, out, stderr)
	}
	id, secret := m[1], m[2]
	list, _, err := attainIn(t, db, "", "webhook", "list")
	if err != nil || !strings.Contains(list, "https://chat.example/hooks/sales") || strings.Contains(list, secret) {
		t.Errorf("webhook list (%v) shows no URL or the secret:\n%s", err, list)
	}
	if _, _, err := attainIn(t, db, "", "webhook", "add", "chat.example"); exitCode(err) != 2 {
		t.Errorf("a URL without scheme: exit %d, want 2 (invalid)", exitCode(err))
	}
	if out, _, err := attainIn(t, db, "", "notify", "deliver"); err != nil || out != "Sent 0, 0 to try again later, 0 dropped.\n" {
		t.Errorf("notify deliver: %v %q", err, out)
	}
	if out, _, err := attainIn(t, db, "", "webhook", "remove", id); err != nil || out != "Removed webhook "+id+".\n" {
		t.Errorf("webhook remove: %v %q", err, out)
	}
	if _, _, err := attainIn(t, db, "", "webhook", "remove", id); exitCode(err) != 3 {
		t.Errorf("removing it again: exit %d, want 3 (not found)", exitCode(err))
	}
}
