package kpi

import (
	"context"
	"time"
)

// Notification is one message in a user's inbox: an event (an award, a
// rep behind pace, a statement to approve, a digest) addressed to them.
// Key is the event's idempotency key (kind, subject, period, day): a user
// gets one notification per key, however often the event is raised.
type Notification struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Key       string     `json:"key"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body,omitempty"`
	Link      string     `json:"link,omitempty"` // a page of the web app: /statements/bob/2026-03
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// Channels a Delivery goes out on.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Delivery statuses: waiting to be sent (again), sent, or given up because
// where it went is gone (a webhook removed).
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryDropped = "dropped"
)

// Delivery is one message to send outside the app, kept in the outbox
// until it is sent: an e-mail to an address, or a call of a webhook (its
// id in Target). Key is unique in the workspace: the event's key, the
// channel and the target.
type Delivery struct {
	ID        int64      `json:"id"`
	Key       string     `json:"key"`
	Channel   string     `json:"channel"`
	Target    string     `json:"target"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Status    string     `json:"status"`
	Attempts  int        `json:"attempts"`
	NextAt    time.Time  `json:"next_at"` // not before then
	LastError string     `json:"last_error,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

// Webhook is an outgoing webhook: notifications are posted to URL as JSON,
// signed with Secret (HMAC-SHA256). The secret is in the answer that
// creates it, and never again.
type Webhook struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// NotifyService keeps the context's workspace's inboxes, its outbox and
// its webhooks.
type NotifyService interface {
	// Notify stores an event's notifications and deliveries in one
	// transaction, leaving those whose key (per user, for notifications)
	// is there already; it returns how many notifications were new.
	Notify(ctx context.Context, ns []*Notification, ds []*Delivery) (int, error)
	// FindNotifications lists a user's notifications, newest first.
	FindNotifications(ctx context.Context, userID int64, limit int) ([]*Notification, error)
	CountUnread(ctx context.Context, userID int64) (int, error)
	// MarkRead marks one of the user's notifications read (ENOTFOUND if
	// it is not theirs).
	MarkRead(ctx context.Context, userID, id int64) (*Notification, error)

	// ClaimDeliveries takes up to limit pending deliveries that are due,
	// counts an attempt on each and holds them for lease: no other caller
	// gets them until they are marked or the lease runs out (a process
	// that stopped mid-way).
	ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]*Delivery, error)
	// DeliverySent marks a claimed delivery sent; DeliveryFailed keeps it
	// for another attempt after retryIn, or drops it for good.
	DeliverySent(ctx context.Context, id int64) error
	DeliveryFailed(ctx context.Context, id int64, why string, retryIn time.Duration, drop bool) error
	// FindDeliveries lists the outbox, newest first.
	FindDeliveries(ctx context.Context, limit int) ([]*Delivery, error)

	// CreateWebhook stores w with a new secret (set in w, once).
	CreateWebhook(ctx context.Context, w *Webhook) error
	// FindWebhooks lists the webhooks without their secrets.
	FindWebhooks(ctx context.Context) ([]*Webhook, error)
	// FindWebhookSecret returns a webhook with its secret, to sign with.
	FindWebhookSecret(ctx context.Context, id int64) (*Webhook, error)
	DeleteWebhook(ctx context.Context, id int64) error
}
