package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
	"attain/kpitest"
	"attain/mail"
	"attain/mail/mailtest"
	"attain/sqldb"
)

// notifyPlan pays reps 10 % of their won value, so statements exist.
const notifyPlan = `
bonus_plans:
  - name: reps
    plan:
      currency: EUR
      components:
        - {id: commission, kind: commission, kpi: won_value, rate: 10}
    assign:
      - {position: rep}
`

// clock is a settable time for the store and the use cases.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// notifyWorld is the small workspace with its people as users, the
// reps' plan, and a clock.
type notifyWorld struct {
	a      *app.App
	db     *sqldb.DB
	root   kpi.Actor
	system kpi.Actor
	users  map[string]kpi.Actor // by name: admin, bob, cy, ann, dan
	clk    *clock
}

func newNotifyWorld(t *testing.T, db *sqldb.DB, at time.Time) *notifyWorld {
	t.Helper()
	clk := &clock{t: at}
	a, root := apptest.SmallOn(t, db)
	ctx := context.Background()
	if _, err := a.Apply(ctx, root, app.ApplyRequest{Source: "small.yaml", YAML: []byte(apptest.SmallYAML + notifyPlan)}); err != nil {
		t.Fatal(err)
	}
	apptest.People(t, a, root)
	db.Now, a.Now = clk.Now, clk.Now
	w := &notifyWorld{a: a, db: db, root: root, clk: clk, users: map[string]kpi.Actor{},
		system: kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "job:notify", System: true}}
	us, err := a.Users(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		name, _, _ := strings.Cut(u.Email, "@")
		w.users[name] = kpi.Actor{WorkspaceID: root.WorkspaceID, Name: "user:" + u.Email, UserID: u.ID, EmployeeID: u.EmployeeID, Role: u.Role}
	}
	return w
}

func (w *notifyWorld) inbox(t *testing.T, name string) *app.Inbox {
	t.Helper()
	in, err := w.a.Inbox(context.Background(), w.users[name])
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// receiver is a webhook endpoint on localhost that checks each call's
// signature with the secret and fails the first failFirst calls.
type receiver struct {
	srv       *httptest.Server
	secret    string
	failFirst int

	mu    sync.Mutex
	calls []receivedCall
}

type receivedCall struct {
	at       time.Time
	delivery string
	verified error
	body     app.WebhookMessage
	status   int
}

func startReceiver(t *testing.T, failFirst int, now func() time.Time) *receiver {
	r := &receiver{failFirst: failFirst}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		c := receivedCall{at: now(), delivery: req.Header.Get(app.HeaderDelivery),
			verified: app.VerifyWebhook(r.secret, req.Header.Get(app.HeaderTimestamp), req.Header.Get(app.HeaderSignature), body, now(), 5*time.Minute)}
		json.Unmarshal(body, &c.body)
		c.status = http.StatusOK
		if len(r.calls) < r.failFirst {
			c.status = http.StatusInternalServerError
		}
		r.calls = append(r.calls, c)
		w.WriteHeader(c.status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() []receivedCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receivedCall(nil), r.calls...)
}

// TestNotifyDelivery raises an approval and an award, and delivers them
// through a real SMTP server and a webhook receiver on localhost that
// fails twice: the e-mail goes at once, the webhook call is tried again
// after 30 s and then 60 s, and the receiver verifies every signature.
func TestNotifyDelivery(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		t0 := time.Date(2025, 7, 2, 9, 0, 0, 0, time.UTC)
		w := newNotifyWorld(t, db, t0)
		ctx := context.Background()
		smtp := mailtest.Start(t, "attain", "s3cret")
		m, err := mail.New(mail.Config{Addr: smtp.Addr, From: "attain@small.example", Username: "attain", Password: "s3cret"})
		if err != nil {
			t.Fatal(err)
		}
		w.a.Auth.Mailer = m
		rcv := startReceiver(t, 2, w.clk.Now)
		hook, err := w.a.AddWebhook(ctx, w.users["admin"], rcv.srv.URL+"/hook")
		if err != nil {
			t.Fatal(err)
		}
		rcv.secret = hook.Secret
		if !strings.HasPrefix(hook.Secret, "whsec_") {
			t.Fatalf("secret %q", hook.Secret)
		}
		hooks, err := w.a.Webhooks(ctx, w.users["admin"])
		if err != nil || len(hooks) != 1 || hooks[0].Secret != "" || hooks[0].URL != rcv.srv.URL+"/hook" {
			t.Fatalf("webhooks %+v, %v: want one, without its secret", hooks, err)
		}
		if _, err := w.a.AddWebhook(ctx, w.users["ann"], "http://x.example"); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("ann adds a webhook: %v, want forbidden", err)
		}
		if _, err := w.a.AddWebhook(ctx, w.users["admin"], "ftp://x.example"); kpi.ErrorCode(err) != kpi.EINVALID {
			t.Errorf("ftp webhook: %v, want invalid", err)
		}

		// ann approves bob's June statement: bob is told, in the inbox and
		// by e-mail (not on the webhook: pay is personal).
		if _, err := w.a.StepStatement(ctx, w.users["ann"], app.StatementRef{Employee: "bob", Period: "2025-06"}, app.Approve); err != nil {
			t.Fatal(err)
		}
		// bob wins an award: he and ann are told, and the webhook.
		award := app.AwardNotice{Rule: "top1", Employee: "bob", Period: "2025-06", Text: "Most deals won in 2025-06"}
		for range 2 { // raised twice, kept once
			if err := w.a.NotifyAward(ctx, w.system, award); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.a.NotifyAward(ctx, w.users["admin"], award); kpi.ErrorCode(err) != kpi.EFORBIDDEN {
			t.Errorf("an admin raises an award by hand: %v, want forbidden (the system only)", err)
		}
		in := w.inbox(t, "bob")
		if in.Unread != 2 || len(in.Notifications) != 2 {
			t.Fatalf("bob's inbox: %d unread, %+v", in.Unread, in.Notifications)
		}
		approved := in.Notifications[1]
		if approved.Kind != app.EventStatementApproved || approved.Title != "Your bonus statement for 2025-06 is approved" ||
			approved.Body != "Payout 30.00 EUR, approved by ann@small.example." || approved.Link != "/people/bob?period=2025-06" {
			t.Errorf("approval notification %+v", approved)
		}
		if got := w.inbox(t, "ann"); len(got.Notifications) != 1 || got.Notifications[0].Title != "Award for Bob: Most deals won in 2025-06" {
			t.Errorf("ann's inbox %+v", got.Notifications)
		}
		if got := w.inbox(t, "cy"); len(got.Notifications) != 0 {
			t.Errorf("cy's inbox %+v", got.Notifications)
		}

		// t0: the e-mails go (bob twice, ann once); the webhook fails.
		rep, err := w.a.DeliverNotifications(ctx, w.system)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Sent != 3 || rep.Failed != 1 {
			t.Errorf("first run %+v, want 3 sent, 1 failed", rep)
		}
		msgs := smtp.Messages()
		if len(msgs) != 3 {
			t.Fatalf("%d e-mails, want 3", len(msgs))
		}
		var toBob []string
		for _, m := range msgs {
			if m.To[0] == "bob@small.example" {
				toBob = append(toBob, m.Data)
			}
		}
		if len(toBob) != 2 || !strings.Contains(strings.Join(toBob, ""), "Payout 30.00 EUR, approved by ann@small.example.\r\n") ||
			!strings.Contains(strings.Join(toBob, ""), "/people/bob?period=2025-06") {
			t.Errorf("e-mails to bob:\n%s", strings.Join(toBob, "\n----\n"))
		}
		// Not due yet: nothing happens 29 s later.
		w.clk.Add(29 * time.Second)
		if rep, _ := w.a.DeliverNotifications(ctx, w.system); rep.Sent+rep.Failed != 0 {
			t.Errorf("at +29s %+v, want nothing due", rep)
		}
		w.clk.Add(time.Second) // +30 s: the second attempt, which fails
		if rep, _ := w.a.DeliverNotifications(ctx, w.system); rep.Failed != 1 {
			t.Errorf("at +30s %+v, want one failed", rep)
		}
		w.clk.Add(59 * time.Second) // +89 s: the back-off doubled to 60 s
		if rep, _ := w.a.DeliverNotifications(ctx, w.system); rep.Sent+rep.Failed != 0 {
			t.Errorf("at +89s %+v, want nothing due", rep)
		}
		w.clk.Add(time.Second) // +90 s: the third attempt succeeds
		if rep, _ := w.a.DeliverNotifications(ctx, w.system); rep.Sent != 1 {
			t.Errorf("at +90s %+v, want one sent", rep)
		}
		w.clk.Add(time.Hour)
		if rep, _ := w.a.DeliverNotifications(ctx, w.system); rep.Sent+rep.Failed != 0 {
			t.Errorf("an hour later %+v, want nothing left", rep)
		}
		calls := rcv.received()
		if len(calls) != 3 {
			t.Fatalf("%d webhook calls, want 3", len(calls))
		}
		for i, c := range calls {
			if c.verified != nil {
				t.Errorf("call %d: %v", i, c.verified)
			}
			if c.delivery != calls[0].delivery || !strings.HasPrefix(c.delivery, "award/bob:top1/2025-06/2025-06-30|webhook|") {
				t.Errorf("call %d: delivery %q", i, c.delivery)
			}
			if c.body.Text != "*Award for Bob: Most deals won in 2025-06*\n"+app.DefaultBaseURL+"/people/bob?period=2025-06" || c.body.Kind != "award" {
				t.Errorf("call %d: body %+v", i, c.body)
			}
		}
		if got := []time.Duration{calls[1].at.Sub(calls[0].at), calls[2].at.Sub(calls[1].at)}; got[0] != 30*time.Second || got[1] != 60*time.Second {
			t.Errorf("back-off %v, want 30s then 60s", got)
		}
		out, err := w.a.Outbox(ctx, w.users["admin"], 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out {
			if d.Status != kpi.DeliverySent || (d.Channel == kpi.ChannelWebhook && d.Attempts != 3) {
				t.Errorf("outbox %+v", d)
			}
		}

		// A wrong secret does not verify; a stale timestamp neither.
		body := []byte(`{"text":"x"}`)
		ts := "1751446800"
		sig := app.SignWebhook(hook.Secret, ts, body)
		if err := app.VerifyWebhook("whsec_other", ts, sig, body, time.Unix(1751446800, 0), time.Minute); err == nil {
			t.Error("a wrong secret verified")
		}
		if err := app.VerifyWebhook(hook.Secret, ts, sig, body, time.Unix(1751446800+3600, 0), time.Minute); err == nil {
			t.Error("an hour-old call verified")
		}
		if err := app.VerifyWebhook(hook.Secret, ts, sig, []byte(`{"text":"y"}`), time.Unix(1751446800, 0), time.Minute); err == nil {
			t.Error("a changed body verified")
		}

		// Mark read: one's own only.
		// bob asks about a line, ann answers: bob is told.
		q, err := w.a.Inquire(ctx, w.users["bob"], app.StatementRef{Employee: "bob", Period: "2025-06"}, "commission.amount", "Why 30?")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Answer(ctx, w.users["ann"], app.StatementRef{Employee: "bob", Period: "2025-06"}, q.ID, "10 % of 300.00 EUR won."); err != nil {
			t.Fatal(err)
		}
		if got := w.inbox(t, "bob").Notifications[0]; got.Kind != app.EventInquiryAnswered || got.Title != "Your question on commission.amount (2025-06) is answered" ||
			got.Body != "10 % of 300.00 EUR won." {
			t.Errorf("answer notification %+v", got)
		}
		if rep, _ := w.a.DeliverNotifications(ctx, w.system); rep.Sent != 1 || !strings.Contains(smtp.Messages()[3].Data, "10 % of 300.00 EUR won.") {
			t.Errorf("the answer's e-mail: %+v", rep)
		}

		if _, err := w.a.MarkRead(ctx, w.users["cy"], approved.ID); kpi.ErrorCode(err) != kpi.ENOTFOUND {
			t.Errorf("cy marks bob's notification: %v, want not found", err)
		}
		n, err := w.a.MarkRead(ctx, w.users["bob"], approved.ID)
		if err != nil || n.ReadAt == nil {
			t.Fatalf("mark read: %+v, %v", n, err)
		}
		if in := w.inbox(t, "bob"); in.Unread != 2 {
			t.Errorf("unread %d after reading one, want 2", in.Unread)
		}
		if me, err := w.a.Me(ctx, w.users["bob"]); err != nil || me.Unread != 2 {
			t.Errorf("me.Unread %v, %v", me, err)
		}

		// A removed webhook's pending calls are dropped.
		if err := w.a.NotifyAward(ctx, w.system, app.AwardNotice{Rule: "top1", Employee: "cy", Period: "2025-06", Text: "x"}); err != nil {
			t.Fatal(err)
		}
		if err := w.a.RemoveWebhook(ctx, w.users["admin"], hook.ID); err != nil {
			t.Fatal(err)
		}
		if rep, _ := w.a.DeliverNotifications(ctx, w.system); rep.Dropped != 1 {
			t.Errorf("after removing the webhook %+v, want one dropped", rep)
		}
	})
}

// TestNotifyRestart claims deliveries and stops (a server that died
// mid-way), then re-opens the store: the deliveries are sent once their
// claim runs out, exactly once, and two runners at once on one store send
// each delivery once. On a SQLite file and, with ATTAIN_TEST_POSTGRES, on
// PostgreSQL.
func TestNotifyRestart(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testNotifyRestart(t, filepath.Join(t.TempDir(), "attain.db")) })
	t.Run("postgres", func(t *testing.T) { testNotifyRestart(t, kpitest.PostgresDSN(t)) })
}

func testNotifyRestart(t *testing.T, path string) {
	ctx := context.Background()
	db1, err := sqldb.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 7, 2, 9, 0, 0, 0, time.UTC)
	w := newNotifyWorld(t, db1, t0)
	rcv := startReceiver(t, 0, w.clk.Now)
	hook, err := w.a.AddWebhook(ctx, w.users["admin"], rcv.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	rcv.secret = hook.Secret
	const n = 12
	for i := range n {
		ev := app.AwardNotice{Rule: "r" + string(rune('a'+i)), Employee: "bob", Period: "2025-06", Text: "award"}
		if err := w.a.NotifyAward(ctx, w.system, ev); err != nil {
			t.Fatal(err)
		}
	}
	// The first server claims 5 and stops before sending them.
	ws := kpi.NewContextWithWorkspace(ctx, w.root.WorkspaceID)
	claimed, err := sqldb.NewNotifyService(db1).ClaimDeliveries(ws, 5, 5*time.Minute)
	if err != nil || len(claimed) != 5 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	db1.Close()

	// Two servers start on the same file and deliver at once.
	runners := make([]*app.App, 2)
	for i := range runners {
		db, err := sqldb.Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now = w.clk.Now
		runners[i] = apptest.New(db)
		runners[i].Now = w.clk.Now
	}
	deliverAll := func() int {
		var wg sync.WaitGroup
		sent := make([]int, len(runners))
		for i, a := range runners {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rep, err := a.DeliverNotifications(ctx, w.system)
				if err != nil {
					t.Error(err)
					return
				}
				sent[i] = rep.Sent
			}()
		}
		wg.Wait()
		return sent[0] + sent[1]
	}
	if got := deliverAll(); got != n-5 {
		t.Errorf("sent %d while the claims hold, want %d", got, n-5)
	}
	w.clk.Add(5 * time.Minute) // the dead server's claims run out
	if got := deliverAll(); got != 5 {
		t.Errorf("sent %d after the claims ran out, want 5", got)
	}
	if got := deliverAll(); got != 0 {
		t.Errorf("sent %d more, want 0", got)
	}
	seen := map[string]int{}
	for _, c := range rcv.received() {
		if c.verified != nil {
			t.Error(c.verified)
		}
		seen[c.delivery]++
	}
	if len(seen) != n {
		t.Errorf("%d distinct deliveries, want %d", len(seen), n)
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("%s received %d times", k, c)
		}
	}
	// The event raised again by a restarted server is not raised twice.
	if err := runners[0].NotifyAward(ctx, w.system, app.AwardNotice{Rule: "ra", Employee: "bob", Period: "2025-06", Text: "award"}); err != nil {
		t.Fatal(err)
	}
	if in, _ := runners[1].Inbox(ctx, w.users["bob"]); len(in.Notifications) != n {
		t.Errorf("bob has %d notifications, want %d", len(in.Notifications), n)
	}
}

// TestNotifyDaily runs the daily job on the first of July: last month's
// draft statements go to their manager, the monthly digests to everyone;
// a second run on the same day raises nothing new.
func TestNotifyDaily(t *testing.T) {
	w := newNotifyWorld(t, kpitest.MustOpenDB(t), time.Date(2025, 7, 1, 6, 0, 0, 0, time.UTC))
	ctx := context.Background()
	if err := w.a.NotifyAward(ctx, w.system, app.AwardNotice{Rule: "top1", Employee: "cy", Period: "2025-06", Text: "Highest won value in 2025-06"}); err != nil {
		t.Fatal(err)
	}
	rep, err := w.a.NotifyDaily(ctx, w.system)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events[app.EventStatementReady] != 2 || rep.Events[app.EventDigest] != 4 {
		t.Errorf("daily %+v, want 2 statements ready (bob, cy) and 4 digests (bob, cy, ann, dan)", rep)
	}
	again, err := w.a.NotifyDaily(ctx, w.system)
	if err != nil {
		t.Fatal(err)
	}
	if again.Notified != 0 {
		t.Errorf("second run reached %d inboxes, want 0", again.Notified)
	}
	titles := map[string]*kpi.Notification{}
	for _, n := range w.inbox(t, "ann").Notifications {
		titles[n.Title] = n
	}
	ready := titles["Bob's bonus statement for 2025-06 is ready for your approval"]
	if ready == nil || ready.Body != "Draft payout 30.00 EUR (plan reps)." {
		t.Errorf("ann's inbox %v", titles)
	}
	if cy := titles["Cy's bonus statement for 2025-06 is ready for your approval"]; cy == nil || cy.Body != "Draft payout 50.00 EUR (plan reps)." {
		t.Errorf("cy's statement: %+v", cy)
	}
	var digest *kpi.Notification
	for _, n := range w.inbox(t, "bob").Notifications {
		if n.Kind == app.EventDigest {
			digest = n
		}
	}
	if digest == nil {
		t.Fatal("bob has no digest")
	}
	t.Logf("bob's digest:\n%s", digest.Body)
	for _, want := range []string{"- won: 3 of 4 (75.0 %)", "Bonus for 2025-06: 30.00 EUR (draft)."} {
		if !strings.Contains(digest.Body, want) {
			t.Errorf("bob's digest lacks %q:\n%s", want, digest.Body)
		}
	}
	if digest.Title != "Your monthly digest: 2025-06" {
		t.Errorf("title %q", digest.Title)
	}
	// ann's: her team (t1, which has no targets of its own), who is
	// ahead (cy, with the score of her scorecard), who needs attention
	// (bob, below the thresholds), and cy's award.
	cy, err := w.a.Scorecard(ctx, w.root, app.ScorecardRequest{Employee: "cy", Period: "2025-06"})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range w.inbox(t, "ann").Notifications {
		if n.Kind == app.EventDigest {
			t.Logf("ann's digest:\n%s", n.Body)
			for _, want := range []string{"Team Team 1, plan vs actual:\n- won: 3, no target\n", "Ahead (score 100 or more): Cy (score " + cy.Total.StringFixed(1) + ")\n",
				"Needs attention: Bob: won: 3 is below the threshold of 3.2 (target 4); ", "Awards: Cy: Highest won value in 2025-06"} {
				if !strings.Contains(n.Body, want) {
					t.Errorf("ann's digest lacks %q", want)
				}
			}
		}
	}
}

// TestNotifyWeeklyDigest is bob's weekly digest on Monday 16 June 2025:
// 11 of June's 21 working days gone, 10 left.
func TestNotifyWeeklyDigest(t *testing.T) {
	w := newNotifyWorld(t, kpitest.MustOpenDB(t), time.Date(2025, 6, 16, 6, 0, 0, 0, time.UTC))
	ctx := context.Background()
	if _, err := w.a.NotifyDaily(ctx, w.system); err != nil {
		t.Fatal(err)
	}
	var digest *kpi.Notification
	for _, n := range w.inbox(t, "bob").Notifications {
		if n.Kind == app.EventDigest {
			digest = n
		}
	}
	if digest == nil {
		t.Fatal("bob has no weekly digest")
	}
	t.Logf("bob's digest:\n%s", digest.Body)
	// The store holds all of June's deals: 3 won, against 4 for the month,
	// 4 × 11 / 21 = 2.1 expected by now (400 × 11 / 21 = 209.52 EUR), 1
	// more (100 EUR) over the 10 days left.
	if !strings.Contains(digest.Body, "- won: 3 of 4, expected 2.1 by now: ahead; needs 0.1 per working day for the 10 left.\n") ||
		!strings.Contains(digest.Body, "- won_value: 300.00 EUR of 400.00 EUR, expected 209.52 EUR by now: ahead; needs 10.00 EUR per working day for the 10 left.\n") {
		t.Errorf("digest:\n%s", digest.Body)
	}
	if got := app.NeededPerDay(decimal.NewFromInt(4), decimal.NewFromInt(2), 10); got.String() != "0.2" {
		t.Errorf("needed per day %s, want 0.2", got)
	}
	if got := app.NeededPerDay(decimal.NewFromInt(20), decimal.NewFromInt(12), 3); got.String() != "2.67" {
		t.Errorf("needed per day %s, want 2.67", got)
	}
}

// TestNotifyPace raises the daily events in the middle of July 2025,
// when bob and cy have July targets and no deal yet: each is behind pace,
// told to them and to ann, their manager, once however often it runs.
// Both were above the threshold at the same point of June (bob 2 deals,
// 200 EUR; cy 1 deal, 200 EUR, by the 17th) and are below it now: a
// regression of each KPI, told to ann.
func TestNotifyPace(t *testing.T) {
	w := newNotifyWorld(t, kpitest.MustOpenDB(t), time.Date(2025, 7, 16, 6, 0, 0, 0, time.UTC))
	ctx := context.Background()
	july, _ := kpi.ParsePeriod("2025-07")
	var in []kpi.TargetInput
	for _, p := range []struct {
		who, kpi string
		v        int64
	}{{"bob", "won", 10}, {"bob", "won_value", 1000}, {"cy", "won", 10}, {"cy", "won_value", 1000}} {
		in = append(in, kpi.TargetInput{KPI: p.kpi, Subject: kpi.Subject{Kind: kpi.SubjectEmployee, ID: p.who}, Period: july, Value: ptr(decimal.NewFromInt(p.v))})
	}
	if _, err := w.a.SetTargets(ctx, w.root, in, "pace test"); err != nil {
		t.Fatal(err)
	}
	rep, err := w.a.NotifyDaily(ctx, w.system)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", rep)
	if rep.Events[app.EventBehindPace] != 4 {
		t.Errorf("behind pace %d, want 4 (bob and cy, won and won value)", rep.Events[app.EventBehindPace])
	}
	got := map[string]string{}
	for _, n := range w.inbox(t, "bob").Notifications {
		got[n.Title] = n.Body
	}
	if body, ok := got["Bob is behind pace on won"]; !ok || body == "" {
		t.Errorf("bob's inbox %v", got)
	}
	ann := w.inbox(t, "ann")
	kinds := map[string]int{}
	for _, n := range ann.Notifications {
		kinds[n.Kind]++
		if n.Title == "Cy: won regressed" && !strings.HasPrefix(n.Body, "won: fell below the threshold expected by 2025-07-16") {
			t.Errorf("cy's regression: %q", n.Body)
		}
	}
	if kinds[app.EventBehindPace] != 4 || kinds[app.EventRegression] != 4 {
		t.Errorf("ann has %v, want 4 behind pace and 4 regressions (bob's and cy's)", kinds)
	}
	if again, _ := w.a.NotifyDaily(ctx, w.system); again.Notified != 0 {
		t.Errorf("the second run of the day reached %d inboxes", again.Notified)
	}
	w.clk.Add(24 * time.Hour) // the next day: told again
	if next, _ := w.a.NotifyDaily(ctx, w.system); next.Notified == 0 {
		t.Errorf("the next day told nobody: %+v", next)
	}
}

func ptr[T any](v T) *T { return &v }

// TestNotifyAwardsOnLock locks June: its awards freeze and the winner and
// her manager are told, once, even when June is reopened and locked again.
func TestNotifyAwardsOnLock(t *testing.T) {
	w := newNotifyWorld(t, kpitest.MustOpenDB(t), time.Date(2025, 7, 2, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	if _, err := w.a.SetAwardRules(ctx, w.root, &kpi.Awards{Rules: []*kpi.AwardRule{{Name: "top", Title: "Top score", Kind: kpi.AwardTop, N: 1}}}, "test"); err != nil {
		t.Fatal(err)
	}
	list, err := w.a.Awards(ctx, w.root, "2025-06")
	if err != nil || len(list.Awards) != 1 {
		t.Fatalf("awards %+v, %v", list, err)
	}
	winner := list.Awards[0].Subject.ID // cy, on the scores
	if n := len(w.inbox(t, winner).Notifications); n != 0 {
		t.Fatalf("%s told of a provisional award: %d notifications", winner, n)
	}
	for i, lock := range []bool{true, false, true} {
		if _, err := w.a.LockPeriod(ctx, w.root, "2025-06", fmt.Sprint("step ", i), lock); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{winner, "ann"} {
		var awards []*kpi.Notification
		for _, n := range w.inbox(t, name).Notifications {
			if n.Kind == app.EventAward {
				awards = append(awards, n)
			}
		}
		if len(awards) != 1 || !strings.Contains(awards[0].Title, "Top score") || !strings.HasPrefix(awards[0].Key, "award/"+winner+":top/2025-06/") {
			t.Errorf("%s's award notifications: %+v", name, awards)
		}
	}
}
