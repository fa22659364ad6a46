-- People who sign in, their sessions, failed sign-ins, password reset
-- links, and what an API token may do. Secrets are stored as hashes only:
-- passwords as argon2id PHC strings, session, reset and token secrets as
-- SHA-256.

ALTER TABLE counters ADD COLUMN user_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE users (
	workspace_id  INTEGER NOT NULL REFERENCES workspaces (id),
	id            INTEGER NOT NULL,
	email         TEXT NOT NULL, -- lower case
	name          TEXT NOT NULL DEFAULT '',
	employee_id   TEXT,          -- NULL: no employee (an admin, an auditor)
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '', -- '': single sign-on only
	disabled_at   TIMESTAMP,
	created_at    TIMESTAMP NOT NULL,
	last_sign_in  TIMESTAMP,
	PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX users_email ON users (workspace_id, email);
CREATE UNIQUE INDEX users_employee ON users (workspace_id, employee_id);

-- A signed-in browser: the cookie holds the secret, this its SHA-256.
CREATE TABLE sessions (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	secret_hash  BLOB NOT NULL,
	user_id      INTEGER NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	last_seen    TIMESTAMP NOT NULL,
	expires_at   TIMESTAMP NOT NULL,
	addr         TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (workspace_id, secret_hash),
	FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX sessions_user ON sessions (workspace_id, user_id);

-- Failed sign-ins per account ("account:EMAIL") and per client address
-- ("addr:IP"), so the slow-down holds across servers.
CREATE TABLE signin_failures (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	key          TEXT NOT NULL,
	failures     INTEGER NOT NULL,
	last_at      TIMESTAMP NOT NULL,
	PRIMARY KEY (workspace_id, key)
);

-- One-time links to set a new password.
CREATE TABLE reset_links (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	secret_hash  BLOB NOT NULL,
	user_id      INTEGER NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	expires_at   TIMESTAMP NOT NULL,
	used_at      TIMESTAMP,
	PRIMARY KEY (workspace_id, secret_hash),
	FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX reset_links_user ON reset_links (workspace_id, user_id);

-- A token acts as its user (user_id) or, without one, as an integration
-- with the scopes an admin gave it (NULL: every action, as tokens made
-- before users existed).
ALTER TABLE api_tokens ADD COLUMN user_id INTEGER;
ALTER TABLE api_tokens ADD COLUMN scopes TEXT; -- JSON array
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN revoked_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

-- Where a change came from; and no change or removal of the trail.
ALTER TABLE audit_entries ADD COLUMN addr TEXT NOT NULL DEFAULT '';
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
	SELECT RAISE(ABORT, 'audit entries are append-only');
END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
	SELECT RAISE(ABORT, 'audit entries are append-only');
END;
