-- Notifications: each user's inbox, and the outbox of what goes out by
-- e-mail and webhook, kept until sent. notify_seq numbers the rows of
-- notifications, outbox and webhooks (074).
ALTER TABLE counters ADD COLUMN notify_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE notifications (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	id           BIGINT NOT NULL,
	user_id      BIGINT NOT NULL,
	event_key    TEXT NOT NULL, -- kind, subject, period, day: one per user
	kind         TEXT NOT NULL,
	title        TEXT NOT NULL,
	body         TEXT NOT NULL DEFAULT '',
	link         TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMPTZ NOT NULL,
	read_at      TIMESTAMPTZ,
	PRIMARY KEY (workspace_id, id),
	FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE UNIQUE INDEX notifications_key ON notifications (workspace_id, event_key, user_id);
CREATE INDEX notifications_user ON notifications (workspace_id, user_id, id);

-- next_at and claimed_until are microseconds since 1970-01-01 UTC, so the
-- due rows are found by comparing integers.
CREATE TABLE outbox (
	workspace_id  BIGINT NOT NULL REFERENCES workspaces (id),
	id            BIGINT NOT NULL,
	delivery_key  TEXT NOT NULL, -- the event's key, channel and target
	channel       TEXT NOT NULL, -- email or webhook
	target        TEXT NOT NULL, -- an e-mail address or a webhook's id
	subject       TEXT NOT NULL DEFAULT '',
	body          TEXT NOT NULL,
	status        TEXT NOT NULL DEFAULT 'pending', -- pending, sent, dropped
	attempts      BIGINT NOT NULL DEFAULT 0,
	next_at       BIGINT NOT NULL,
	claimed_until BIGINT NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	created_at    TIMESTAMPTZ NOT NULL,
	sent_at       TIMESTAMPTZ,
	PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX outbox_key ON outbox (workspace_id, delivery_key);
CREATE INDEX outbox_due ON outbox (workspace_id, status, next_at);
