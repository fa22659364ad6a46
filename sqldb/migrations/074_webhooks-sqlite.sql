-- Outgoing webhooks. The secret signs each call (HMAC-SHA256), so it is
-- kept as given, not hashed; the API shows it once, when it is created.
CREATE TABLE webhooks (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	id           INTEGER NOT NULL,
	url          TEXT NOT NULL,
	secret       TEXT NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	created_by   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (workspace_id, id)
);
