package browser

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium is Debian's Chromium, which .ci/run installs.
const chromium = "/usr/bin/chromium"

// demo is the one server every test of the package uses: the real binary
// serving the demo company.
var demo struct {
	url, token string
	// users are who serve --demo says to sign in as: admin, finance,
	// head (of sales), lead (a sales team lead), member (a sales manager).
	users    map[string]string
	password string
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	if _, err := os.Stat(chromium); err != nil || testing.Short() {
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "CI needs Chromium at %s for the browser tests: %v\n", chromium, err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "browser tests skipped: no %s (apt-get install chromium), or -short\n", chromium)
		return 0
	}
	dir, err := os.MkdirTemp("", "attain-browser")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "attain")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/attain").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build attain: %v\n%s", err, out)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--demo", "--db", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--log-level", "warn")
	cmd.Env = append(os.Environ(), "ATTAIN_DB=", "ATTAIN_WORKSPACE=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		panic(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "start attain: %v\n", err)
		return 1
	}
	defer func() {
		cancel() // stops the server; then wait for it
		cmd.Wait()
	}()
	if err := readBanner(out); err != nil {
		fmt.Fprintf(os.Stderr, "attain serve --demo: %v\n", err)
		return 1
	}
	go io.Copy(io.Discard, out)
	return m.Run()
}

// readBanner reads what serve --demo prints until it names its URL and
// token.
func readBanner(r io.Reader) error {
	urlRe := regexp.MustCompile(`serving on (http://\S+)`)
	tokRe := regexp.MustCompile(`(atn_[A-Za-z0-9_-]+)`)
	pwRe := regexp.MustCompile(`password "([^"]+)"`)
	userRe := regexp.MustCompile(`^\s+(\S+@\S+)\s+(admin|finance|head of sales|a sales team lead|a sales manager)`)
	roles := map[string]string{"admin": "admin", "finance": "finance", "head of sales": "head", "a sales team lead": "lead", "a sales manager": "member"}
	demo.users = map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if m := pwRe.FindStringSubmatch(line); m != nil {
			demo.password = m[1]
		}
		if m := userRe.FindStringSubmatch(line); m != nil {
			demo.users[roles[m[2]]] = m[1]
		}
		if m := urlRe.FindStringSubmatch(line); m != nil {
			demo.url = m[1]
		}
		if m := tokRe.FindStringSubmatch(line); m != nil && demo.token == "" {
			demo.token = m[1]
		}
		if demo.url != "" && demo.token != "" && len(demo.users) == len(roles) {
			return nil
		}
	}
	return fmt.Errorf("no URL and token in its output (%v)", sc.Err())
}

// browser starts a headless Chromium and signs in as the demo's user of
// role as (admin, finance, head, lead, member) through the sign-in page;
// it is closed when t ends.
func browser(t *testing.T, as string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1360, 900))
	ctx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel = chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	email := demo.users[as]
	if email == "" {
		t.Fatalf("no demo user %q", as)
	}
	err := chromedp.Do(ctx, chromedp.Navigate(demo.url+"/signin"),
		chromedp.SetValue(chromedp.CSS(`input[name=workspace]`), "demo"),
		chromedp.SetValue(chromedp.CSS(`input[name=email]`), email),
		chromedp.SetValue(chromedp.CSS(`input[name=password]`), demo.password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("nav")))
	if err != nil {
		t.Fatalf("sign in as %s (%s): %v", as, email, err)
	}
	return ctx
}

// open navigates to path and waits for the page's main element.
func open(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(demo.url+path), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
}

// texts returns the text of every element sel matches.
func texts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%q)).map(e => e.textContent.trim().replace(/\s+/g, " "))`, sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return out
}

// screenshot keeps a full-page PNG of the current page as NAME.png in
// $ATTAIN_SCREENSHOTS, if set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("ATTAIN_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// api calls the JSON API as the demo's token and decodes the answer.
func api(t *testing.T, path string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", demo.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+demo.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s = %d: %s", path, res.StatusCode, b)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// thisMonth is the current month in the demo's zone.
func thisMonth() string {
	loc, _ := time.LoadLocation("Europe/Berlin")
	return time.Now().In(loc).Format("2006-01")
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
