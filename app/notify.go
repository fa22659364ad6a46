package app

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"attain/kpi"
)

// The kinds of event people are told about.
const (
	EventAward             = "award"              // someone earned an award (raised by the awards, see NotifyAward)
	EventBehindPace        = "behind_pace"        // a rep is behind the pace of an open period
	EventRegression        = "regression"         // a KPI fell below threshold or declined 3 periods in a row
	EventStatementReady    = "statement_ready"    // a closed period's statement waits for its manager's approval
	EventStatementApproved = "statement_approved" // to the person whose statement it is
	EventInquiryAnswered   = "inquiry_answered"   // to whoever asked
	EventDigest            = "digest"             // the weekly or monthly digest
)

// webhookKinds are the events posted to the workspace's webhooks (a team's
// chat): those about performance. Pay and personal answers stay in the
// inbox and the person's e-mail.
var webhookKinds = map[string]bool{EventAward: true, EventBehindPace: true, EventRegression: true}

// Event is something to tell people: in their inbox, by e-mail when the
// server sends e-mail, and, for some kinds, to the webhooks. Its key —
// kind, subject, period and day — makes it happen once: raising it again
// changes nothing.
type Event struct {
	Kind    string
	Subject string   // whom or what it is about: an employee id, "unit:t1"
	Period  string   // the period it is about, "" if none
	Day     kpi.Date // the day it is for; zero: today
	// Employees and Users are who is told: employees through their users.
	Employees []string
	Users     []int64
	Title     string
	Body      string
	Link      string // a page of the web app
}

// Key is the event's idempotency key.
func (e Event) Key() string {
	return strings.Join([]string{e.Kind, e.Subject, e.Period, e.Day.String()}, "/")
}

// NotifyConfig is how notifications go out. The zero value works: no
// webhook call takes longer than 10 s, and a failed delivery is tried
// again after 30 s, 1 min, 2 min, ... up to once an hour, until it is sent.
type NotifyConfig struct {
	Client     *http.Client
	Backoff    time.Duration
	MaxBackoff time.Duration
}

// Defaults of NotifyConfig.
const (
	DefaultNotifyBackoff    = 30 * time.Second
	DefaultNotifyMaxBackoff = time.Hour
	webhookTimeout          = 10 * time.Second
	deliveryLease           = 5 * time.Minute // a claim not marked by then is taken again
	deliveryBatch           = 100
	MaxInbox                = 200 // notifications an inbox lists
)

// retryIn is the back-off after the attempts-th failed attempt: Backoff,
// doubled each time, at most MaxBackoff.
func (c NotifyConfig) retryIn(attempts int) time.Duration {
	base, most := c.Backoff, c.MaxBackoff
	if base <= 0 {
		base = DefaultNotifyBackoff
	}
	if most <= 0 {
		most = DefaultNotifyMaxBackoff
	}
	d := base
	for i := 1; i < attempts && d < most; i++ {
		d *= 2
	}
	return min(d, most)
}

func (c NotifyConfig) client() *http.Client {
	if c.Client != nil {
		return c.Client
	}
	return &http.Client{Timeout: webhookTimeout}
}

// notify stores an event for its recipients and the webhooks, in the
// context's workspace; it returns how many inboxes it reached for the
// first time. Without a notification store it does nothing.
func (a *App) notify(ctx context.Context, ev Event) (int, error) {
	if a.svc.Notify == nil {
		return 0, nil
	}
	if ev.Day == 0 {
		d, err := a.today(ctx)
		if err != nil {
			return 0, err
		}
		ev.Day = d
	}
	users, err := a.svc.Users.FindUsers(ctx)
	if err != nil {
		return 0, err
	}
	byEmployee, byID := map[string]*kpi.User{}, map[int64]*kpi.User{}
	for _, u := range users {
		byID[u.ID] = u
		if u.EmployeeID != "" {
			byEmployee[u.EmployeeID] = u
		}
	}
	var to []*kpi.User
	seen := map[int64]bool{}
	add := func(u *kpi.User) {
		if u != nil && !u.Disabled && !seen[u.ID] {
			seen[u.ID] = true
			to = append(to, u)
		}
	}
	for _, e := range ev.Employees {
		add(byEmployee[e])
	}
	for _, id := range ev.Users {
		add(byID[id])
	}
	key := ev.Key()
	var ns []*kpi.Notification
	var ds []*kpi.Delivery
	for _, u := range to {
		ns = append(ns, &kpi.Notification{UserID: u.ID, Key: key, Kind: ev.Kind, Title: ev.Title, Body: ev.Body, Link: ev.Link})
		if a.Auth.Mailer != nil && u.Email != "" {
			ds = append(ds, &kpi.Delivery{Key: key + "|email|" + u.Email, Channel: kpi.ChannelEmail, Target: u.Email,
				Subject: ev.Title, Body: a.mailBody(ev)})
		}
	}
	if webhookKinds[ev.Kind] {
		hooks, err := a.svc.Notify.FindWebhooks(ctx)
		if err != nil {
			return 0, err
		}
		for _, h := range hooks {
			body, err := json.Marshal(a.webhookBody(ev, key))
			if err != nil {
				return 0, err
			}
			id := strconv.FormatInt(h.ID, 10)
			ds = append(ds, &kpi.Delivery{Key: key + "|webhook|" + id, Channel: kpi.ChannelWebhook, Target: id, Subject: ev.Title, Body: string(body)})
		}
	}
	if len(ns) == 0 && len(ds) == 0 {
		return 0, nil
	}
	return a.svc.Notify.Notify(ctx, ns, ds)
}

// emit raises an event from a use case that has already done its work:
// a failure to store it is logged, never the use case's failure.
func (a *App) emit(ctx context.Context, ev Event) {
	if _, err := a.notify(ctx, ev); err != nil {
		a.Logger.Error("notify", "event", ev.Key(), "err", err)
	}
}

func (a *App) mailBody(ev Event) string {
	var b strings.Builder
	b.WriteString(ev.Title + "\n")
	if ev.Body != "" {
		b.WriteString("\n" + ev.Body + "\n")
	}
	if ev.Link != "" {
		b.WriteString("\n" + a.baseURL() + ev.Link + "\n")
	}
	b.WriteString("\n-- \nAttain. Your inbox: " + a.baseURL() + "/inbox\n")
	return b.String()
}

// WebhookMessage is the JSON body posted to a webhook: "text" is what
// chat tools (Slack, Mattermost, Rocket.Chat, Teams' incoming webhooks)
// show; the other fields are for programs.
type WebhookMessage struct {
	Text    string `json:"text"`
	Kind    string `json:"kind"`
	Key     string `json:"key"`
	Subject string `json:"subject,omitempty"`
	Period  string `json:"period,omitempty"`
	Title   string `json:"title"`
	Body    string `json:"body,omitempty"`
	URL     string `json:"url,omitempty"`
}

func (a *App) webhookBody(ev Event, key string) WebhookMessage {
	text := "*" + ev.Title + "*"
	if ev.Body != "" {
		text += "\n" + ev.Body
	}
	m := WebhookMessage{Kind: ev.Kind, Key: key, Subject: ev.Subject, Period: ev.Period, Title: ev.Title, Body: ev.Body}
	if ev.Link != "" {
		m.URL = a.baseURL() + ev.Link
		text += "\n" + m.URL
	}
	m.Text = text
	return m
}

// The headers of a webhook call: when it was signed (Unix seconds), the
// signature, and the delivery's key, the same on every attempt, for a
// receiver to drop a repeat.
const (
	HeaderTimestamp = "X-Attain-Timestamp"
	HeaderSignature = "X-Attain-Signature"
	HeaderDelivery  = "X-Attain-Delivery"
)

// SignWebhook is the signature of a webhook call: "sha256=" and the hex
// HMAC-SHA256, keyed with the webhook's secret, of the timestamp, a dot
// and the body.
func SignWebhook(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhook checks a webhook call's signature and that its timestamp
// is within tolerance of now: what a receiver does.
func VerifyWebhook(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return kpi.Errorf(kpi.EUNAUTHORIZED, "Webhook timestamp %q is not a number of seconds.", timestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return kpi.Errorf(kpi.EUNAUTHORIZED, "Webhook timestamp %s is too far from now.", timestamp)
	}
	if !hmac.Equal([]byte(signature), []byte(SignWebhook(secret, timestamp, body))) {
		return kpi.Errorf(kpi.EUNAUTHORIZED, "Webhook signature does not match.")
	}
	return nil
}

// DeliveryReport is what one delivery run did.
type DeliveryReport struct {
	Sent    int `json:"sent"`
	Failed  int `json:"failed"`  // to be tried again
	Dropped int `json:"dropped"` // their webhook is gone
}

// DeliverNotifications sends what is due in the outbox of who's
// workspace: claimed in a transaction, so that of several servers (or a
// server restarted mid-way) each delivery is sent by one; a failure is
// tried again later, with back-off, until it is sent.
func (a *App) DeliverNotifications(ctx context.Context, who kpi.Actor) (*DeliveryReport, error) {
	ctx, err := a.begin(ctx, who, RunNotifications, on{})
	if err != nil {
		return nil, err
	}
	rep := &DeliveryReport{}
	if a.svc.Notify == nil {
		return rep, nil
	}
	for {
		ds, err := a.svc.Notify.ClaimDeliveries(ctx, deliveryBatch, deliveryLease)
		if err != nil {
			return rep, err
		}
		for _, d := range ds {
			err := a.send(ctx, d)
			switch {
			case err == nil:
				if err := a.svc.Notify.DeliverySent(ctx, d.ID); err != nil {
					return rep, err
				}
				rep.Sent++
			case kpi.ErrorCode(err) == kpi.ENOTFOUND:
				if err := a.svc.Notify.DeliveryFailed(ctx, d.ID, kpi.ErrorMessage(err), 0, true); err != nil {
					return rep, err
				}
				rep.Dropped++
			default:
				a.Logger.Warn("notification not delivered", "delivery", d.Key, "attempt", d.Attempts, "err", err)
				if err := a.svc.Notify.DeliveryFailed(ctx, d.ID, err.Error(), a.Notify.retryIn(d.Attempts), false); err != nil {
					return rep, err
				}
				rep.Failed++
			}
		}
		if len(ds) < deliveryBatch {
			return rep, nil
		}
	}
}

// send sends one delivery; ENOTFOUND: where it goes is gone.
func (a *App) send(ctx context.Context, d *kpi.Delivery) error {
	switch d.Channel {
	case kpi.ChannelEmail:
		if a.Auth.Mailer == nil {
			return kpi.Errorf(kpi.EUNAVAILABLE, "This server sends no e-mail (no SMTP server set).")
		}
		return a.Auth.Mailer.Send(ctx, d.Target, d.Subject, d.Body)
	case kpi.ChannelWebhook:
		id, err := strconv.ParseInt(d.Target, 10, 64)
		if err != nil {
			return kpi.Errorf(kpi.ENOTFOUND, "Webhook %q is not a webhook id.", d.Target)
		}
		h, err := a.svc.Notify.FindWebhookSecret(ctx, id)
		if err != nil {
			return err
		}
		return a.callWebhook(ctx, h, d)
	}
	return kpi.Errorf(kpi.ENOTFOUND, "Unknown channel %q.", d.Channel)
}

func (a *App) callWebhook(ctx context.Context, h *kpi.Webhook, d *kpi.Delivery) error {
	body := []byte(d.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %d: %w", h.ID, err)
	}
	ts := strconv.FormatInt(a.now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Attain-Webhook/1")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, SignWebhook(h.Secret, ts, body))
	req.Header.Set(HeaderDelivery, d.Key)
	res, err := a.Notify.client().Do(req)
	if err != nil {
		return fmt.Errorf("webhook %d: %w", h.ID, err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %d: %s answered %s", h.ID, h.URL, res.Status)
	}
	return nil
}

// Outbox lists the workspace's outbox, newest first (admins).
func (a *App) Outbox(ctx context.Context, who kpi.Actor, limit int) ([]*kpi.Delivery, error) {
	ctx, err := a.begin(ctx, who, WriteWebhooks, on{})
	if err != nil {
		return nil, err
	}
	if a.svc.Notify == nil {
		return []*kpi.Delivery{}, nil
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	ds, err := a.svc.Notify.FindDeliveries(ctx, limit)
	return nonNil(ds), err
}

// Webhooks lists the workspace's webhooks, without their secrets.
func (a *App) Webhooks(ctx context.Context, who kpi.Actor) ([]*kpi.Webhook, error) {
	ctx, err := a.begin(ctx, who, WriteWebhooks, on{})
	if err != nil {
		return nil, err
	}
	if a.svc.Notify == nil {
		return []*kpi.Webhook{}, nil
	}
	hs, err := a.svc.Notify.FindWebhooks(ctx)
	return nonNil(hs), err
}

// MaxWebhooks caps the webhooks of a workspace.
const MaxWebhooks = 20

// AddWebhook adds a webhook; its secret is in the answer, once.
func (a *App) AddWebhook(ctx context.Context, who kpi.Actor, rawURL string) (*kpi.Webhook, error) {
	ctx, err := a.begin(ctx, who, WriteWebhooks, on{})
	if err != nil {
		return nil, err
	}
	rawURL = strings.TrimSpace(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(rawURL) > 2000 {
		return nil, kpi.Errorf(kpi.EINVALID, "Webhook URL %q: want an http:// or https:// address.", rawURL)
	}
	if a.svc.Notify == nil {
		return nil, kpi.Errorf(kpi.EUNAVAILABLE, "Notifications are not set up on this server.")
	}
	hs, err := a.svc.Notify.FindWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	if len(hs) >= MaxWebhooks {
		return nil, kpi.Errorf(kpi.EINVALID, "A workspace has at most %d webhooks; remove one first.", MaxWebhooks)
	}
	w := &kpi.Webhook{URL: rawURL}
	return w, a.svc.Notify.CreateWebhook(ctx, w)
}

// RemoveWebhook removes a webhook; what was still to be sent to it is
// dropped.
func (a *App) RemoveWebhook(ctx context.Context, who kpi.Actor, id int64) error {
	ctx, err := a.begin(ctx, who, WriteWebhooks, on{})
	if err != nil {
		return err
	}
	if a.svc.Notify == nil {
		return kpi.Errorf(kpi.ENOTFOUND, "Webhook %d not found.", id)
	}
	return a.svc.Notify.DeleteWebhook(ctx, id)
}

// Inbox is the signed-in user's notifications, newest first.
type Inbox struct {
	Unread        int                 `json:"unread"`
	Notifications []*kpi.Notification `json:"notifications"`
}

// Inbox returns who's own notifications: a user's (a token acts for its
// user); an integration or the command line has none.
func (a *App) Inbox(ctx context.Context, who kpi.Actor) (*Inbox, error) {
	ctx, err := a.begin(ctx, who, ReadInbox, on{})
	if err != nil {
		return nil, err
	}
	in := &Inbox{Notifications: []*kpi.Notification{}}
	if a.svc.Notify == nil || who.UserID == 0 {
		return in, nil
	}
	ns, err := a.svc.Notify.FindNotifications(ctx, who.UserID, MaxInbox)
	if err != nil {
		return nil, err
	}
	in.Notifications = nonNil(ns)
	in.Unread, err = a.svc.Notify.CountUnread(ctx, who.UserID)
	return in, err
}

// unread counts who's unread notifications, for the navigation; 0 when
// there is no store or no user.
func (a *App) unread(ctx context.Context, who kpi.Actor) int {
	if a.svc.Notify == nil || who.UserID == 0 {
		return 0
	}
	n, err := a.svc.Notify.CountUnread(kpi.NewContextWithWorkspace(ctx, who.WorkspaceID), who.UserID)
	if err != nil {
		a.Logger.Warn("count unread notifications", "err", err)
	}
	return n
}

// MarkRead marks one of who's notifications read.
func (a *App) MarkRead(ctx context.Context, who kpi.Actor, id int64) (*kpi.Notification, error) {
	ctx, err := a.begin(ctx, who, ReadInbox, on{})
	if err != nil {
		return nil, err
	}
	if a.svc.Notify == nil || who.UserID == 0 {
		return nil, kpi.Errorf(kpi.ENOTFOUND, "Notification %d not found in your inbox.", id)
	}
	return a.svc.Notify.MarkRead(ctx, who.UserID, id)
}

// How often `attain serve` delivers notifications and raises the daily
// ones (each day's once, whenever in the day the job runs first).
const (
	DeliverEvery = 30 * time.Second
	DailyEvery   = 6 * time.Hour
)

// DeliverAll delivers what is due in every workspace's outbox: the
// delivery job. A workspace that fails does not stop the others.
func (a *App) DeliverAll(ctx context.Context) error {
	return a.everyWorkspace(ctx, "notify-deliver", func(who kpi.Actor) error {
		_, err := a.DeliverNotifications(ctx, who)
		return err
	})
}

// NotifyDailyAll raises the daily events in every workspace: the daily
// job.
func (a *App) NotifyDailyAll(ctx context.Context) error {
	return a.everyWorkspace(ctx, "notify-daily", func(who kpi.Actor) error {
		_, err := a.NotifyDaily(ctx, who)
		return err
	})
}

func (a *App) everyWorkspace(ctx context.Context, job string, fn func(who kpi.Actor) error) error {
	wss, err := a.svc.Workspaces.FindWorkspaces(ctx)
	if err != nil {
		return err
	}
	var first error
	for _, ws := range wss {
		if err := fn(kpi.Actor{WorkspaceID: ws.ID, Name: "job:" + job, System: true}); err != nil {
			a.Logger.Error("job failed in a workspace", "job", job, "workspace", ws.Slug, "err", err)
			if first == nil {
				first = fmt.Errorf("%s in workspace %s: %w", job, ws.Slug, err)
			}
		}
	}
	return first
}
