package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"time"

	"attain/kpi"
)

// NotifyService keeps inboxes, the outbox and webhooks.
type NotifyService struct{ db *DB }

// NewNotifyService returns the notification store.
func NewNotifyService(db *DB) *NotifyService { return &NotifyService{db: db} }

var _ kpi.NotifyService = (*NotifyService)(nil)

// nextNotifyID takes the next number of notify_seq; on PostgreSQL the
// update locks the counters row until tx ends.
func (tx *Tx) nextNotifyID(ctx context.Context, ws int64) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `UPDATE counters SET notify_seq = notify_seq + 1 WHERE workspace_id = $1 RETURNING notify_seq`, ws).Scan(&id)
	if isNoRows(err) {
		return 0, kpi.Errorf(kpi.ENOTFOUND, "Workspace %d not found.", ws)
	}
	return id, err
}

// Notify stores what is new of ns and ds, in one transaction.
func (s *NotifyService) Notify(ctx context.Context, ns []*kpi.Notification, ds []*kpi.Delivery) (int, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	err = s.db.write(ctx, func(tx *Tx) error {
		added = 0
		for _, n := range ns {
			var have int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE workspace_id = $1 AND event_key = $2 AND user_id = $3`,
				ws, n.Key, n.UserID).Scan(&have); err != nil {
				return err
			}
			if have > 0 {
				continue
			}
			id, err := tx.nextNotifyID(ctx, ws)
			if err != nil {
				return err
			}
			k, err := tx.exec(ctx, `INSERT INTO notifications (workspace_id, id, user_id, event_key, kind, title, body, link, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (workspace_id, event_key, user_id) DO NOTHING`,
				ws, id, n.UserID, n.Key, n.Kind, n.Title, n.Body, n.Link, tx.now)
			if err != nil {
				return err
			} else if k == 0 {
				continue
			}
			n.ID, n.CreatedAt = id, tx.now
			added++
		}
		for _, d := range ds {
			var have int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE workspace_id = $1 AND delivery_key = $2`, ws, d.Key).Scan(&have); err != nil {
				return err
			}
			if have > 0 {
				continue
			}
			id, err := tx.nextNotifyID(ctx, ws)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO outbox (workspace_id, id, delivery_key, channel, target, subject, body, next_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (workspace_id, delivery_key) DO NOTHING`,
				ws, id, d.Key, d.Channel, d.Target, d.Subject, d.Body, tx.now.UnixMicro(), tx.now); err != nil {
				return err
			}
			d.ID, d.Status, d.CreatedAt, d.NextAt = id, kpi.DeliveryPending, tx.now, tx.now
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("notify: %w", err)
	}
	return added, nil
}

const notificationColumns = `id, user_id, event_key, kind, title, body, link, created_at, read_at`

func scanNotification(r row) (*kpi.Notification, error) {
	var n kpi.Notification
	var read sql.NullTime
	if err := r.Scan(&n.ID, &n.UserID, &n.Key, &n.Kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &read); err != nil {
		return nil, err
	}
	n.CreatedAt = n.CreatedAt.UTC()
	n.ReadAt = nullTime(read)
	return &n, nil
}

// FindNotifications lists a user's notifications, newest first.
func (s *NotifyService) FindNotifications(ctx context.Context, userID int64, limit int) ([]*kpi.Notification, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Notification
	err = s.db.read(ctx, func(tx *Tx) error {
		rs, err := tx.query(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE workspace_id = $1 AND user_id = $2
			ORDER BY id DESC LIMIT $3`, ws, userID, limit)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			n, err := scanNotification(rs)
			if err != nil {
				return err
			}
			out = append(out, n)
		}
		return rs.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find notifications: %w", err)
	}
	return out, nil
}

// CountUnread counts a user's unread notifications.
func (s *NotifyService) CountUnread(ctx context.Context, userID int64) (int, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.read(ctx, func(tx *Tx) error {
		return tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL`, ws, userID).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count unread notifications: %w", err)
	}
	return n, nil
}

// MarkRead marks one of the user's notifications read; reading it again
// keeps the first time.
func (s *NotifyService) MarkRead(ctx context.Context, userID, id int64) (*kpi.Notification, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var n *kpi.Notification
	err = s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE notifications SET read_at = $4 WHERE workspace_id = $1 AND user_id = $2 AND id = $3 AND read_at IS NULL`,
			ws, userID, id, tx.now); err != nil {
			return err
		}
		var err error
		n, err = scanNotification(tx.queryRow(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE workspace_id = $1 AND user_id = $2 AND id = $3`, ws, userID, id))
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "Notification %d not found in your inbox.", id)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mark notification %d read: %w", id, err)
	}
	return n, nil
}

const deliveryColumns = `id, delivery_key, channel, target, subject, body, status, attempts, next_at, last_error, created_at, sent_at`

func scanDelivery(r row) (*kpi.Delivery, error) {
	var d kpi.Delivery
	var next int64
	var sent sql.NullTime
	if err := r.Scan(&d.ID, &d.Key, &d.Channel, &d.Target, &d.Subject, &d.Body, &d.Status, &d.Attempts, &next, &d.LastError, &d.CreatedAt, &sent); err != nil {
		return nil, err
	}
	d.NextAt, d.CreatedAt, d.SentAt = time.UnixMicro(next).UTC(), d.CreatedAt.UTC(), nullTime(sent)
	return &d, nil
}

// ClaimDeliveries claims due deliveries in one write transaction: on
// PostgreSQL the rows are locked (SKIP LOCKED) so that concurrent
// claimers take different rows; on SQLite the transaction holds the
// database's write lock.
func (s *NotifyService) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]*kpi.Delivery, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Delivery
	err = s.db.write(ctx, func(tx *Tx) error {
		out = nil
		now := tx.now.UnixMicro()
		q := `SELECT ` + deliveryColumns + ` FROM outbox WHERE workspace_id = $1 AND status = 'pending' AND next_at <= $2 AND claimed_until <= $2
			ORDER BY next_at, id LIMIT $3`
		if tx.pg != nil {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rs, err := tx.query(ctx, q, ws, now, limit)
		if err != nil {
			return err
		}
		for rs.Next() {
			d, err := scanDelivery(rs)
			if err != nil {
				rs.Close()
				return err
			}
			out = append(out, d)
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
		for _, d := range out {
			if _, err := tx.exec(ctx, `UPDATE outbox SET attempts = attempts + 1, claimed_until = $3 WHERE workspace_id = $1 AND id = $2`,
				ws, d.ID, now+lease.Microseconds()); err != nil {
				return err
			}
			d.Attempts++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// DeliverySent marks a delivery sent.
func (s *NotifyService) DeliverySent(ctx context.Context, id int64) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = $3, claimed_until = 0, last_error = '' WHERE workspace_id = $1 AND id = $2`, ws, id, tx.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark delivery %d sent: %w", id, err)
	}
	return nil
}

// DeliveryFailed keeps a delivery for another attempt after retryIn, or
// drops it.
func (s *NotifyService) DeliveryFailed(ctx context.Context, id int64, why string, retryIn time.Duration, drop bool) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	status := kpi.DeliveryPending
	if drop {
		status = kpi.DeliveryDropped
	}
	if len(why) > 500 {
		why = why[:500]
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE outbox SET status = $3, last_error = $4, next_at = $5, claimed_until = 0 WHERE workspace_id = $1 AND id = $2`,
			ws, id, status, why, tx.now.Add(retryIn).UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("mark delivery %d failed: %w", id, err)
	}
	return nil
}

// FindDeliveries lists the outbox, newest first.
func (s *NotifyService) FindDeliveries(ctx context.Context, limit int) ([]*kpi.Delivery, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Delivery
	err = s.db.read(ctx, func(tx *Tx) error {
		rs, err := tx.query(ctx, `SELECT `+deliveryColumns+` FROM outbox WHERE workspace_id = $1 ORDER BY id DESC LIMIT $2`, ws, limit)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			d, err := scanDelivery(rs)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rs.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find deliveries: %w", err)
	}
	return out, nil
}

const webhookSecretPrefix = "whsec_"

// CreateWebhook stores w with a new random secret, set in w.Secret.
func (s *NotifyService) CreateWebhook(ctx context.Context, w *kpi.Webhook) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return fmt.Errorf("create webhook: random: %w", err)
	}
	secret := webhookSecretPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	err = s.db.write(ctx, func(tx *Tx) error {
		id, err := tx.nextNotifyID(ctx, ws)
		if err != nil {
			return err
		}
		by := kpi.ActorFromContext(ctx)
		if _, err := tx.exec(ctx, `INSERT INTO webhooks (workspace_id, id, url, secret, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
			ws, id, w.URL, secret, tx.now, by); err != nil {
			return err
		}
		w.ID, w.CreatedAt, w.CreatedBy = id, tx.now, by
		return tx.audit(ctx, ws, "create", "webhook", fmt.Sprint(id), nil, map[string]any{"id": id, "url": w.URL})
	})
	if err != nil {
		return fmt.Errorf("create webhook %s: %w", w.URL, err)
	}
	w.Secret = secret
	return nil
}

// FindWebhooks lists the webhooks without their secrets.
func (s *NotifyService) FindWebhooks(ctx context.Context) ([]*kpi.Webhook, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kpi.Webhook
	err = s.db.read(ctx, func(tx *Tx) error {
		rs, err := tx.query(ctx, `SELECT id, url, created_at, created_by FROM webhooks WHERE workspace_id = $1 ORDER BY id`, ws)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var w kpi.Webhook
			if err := rs.Scan(&w.ID, &w.URL, &w.CreatedAt, &w.CreatedBy); err != nil {
				return err
			}
			w.CreatedAt = w.CreatedAt.UTC()
			out = append(out, &w)
		}
		return rs.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find webhooks: %w", err)
	}
	return out, nil
}

// FindWebhookSecret returns a webhook with its secret.
func (s *NotifyService) FindWebhookSecret(ctx context.Context, id int64) (*kpi.Webhook, error) {
	ws, err := workspaceID(ctx)
	if err != nil {
		return nil, err
	}
	var w kpi.Webhook
	err = s.db.read(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `SELECT id, url, secret, created_at, created_by FROM webhooks WHERE workspace_id = $1 AND id = $2`, ws, id).
			Scan(&w.ID, &w.URL, &w.Secret, &w.CreatedAt, &w.CreatedBy)
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "Webhook %d not found.", id)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find webhook %d: %w", id, err)
	}
	w.CreatedAt = w.CreatedAt.UTC()
	return &w, nil
}

// DeleteWebhook removes a webhook; what was still to be sent to it is
// dropped when its turn comes.
func (s *NotifyService) DeleteWebhook(ctx context.Context, id int64) error {
	ws, err := workspaceID(ctx)
	if err != nil {
		return err
	}
	err = s.db.write(ctx, func(tx *Tx) error {
		var url string
		err := tx.queryRow(ctx, `SELECT url FROM webhooks WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&url)
		if isNoRows(err) {
			return kpi.Errorf(kpi.ENOTFOUND, "Webhook %d not found.", id)
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM webhooks WHERE workspace_id = $1 AND id = $2`, ws, id); err != nil {
			return err
		}
		return tx.audit(ctx, ws, "delete", "webhook", fmt.Sprint(id), map[string]any{"id": id, "url": url}, nil)
	})
	if err != nil {
		return fmt.Errorf("delete webhook %d: %w", id, err)
	}
	return nil
}
