-- People who sign in, their sessions, failed sign-ins, password reset
-- links, and what an API token may do. Secrets are stored as hashes only:
-- passwords as argon2id PHC strings, session, reset and token secrets as
-- SHA-256.

ALTER TABLE counters ADD COLUMN user_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE users (
	workspace_id  BIGINT NOT NULL REFERENCES workspaces (id),
	id            BIGINT NOT NULL,
	email         TEXT NOT NULL, -- lower case
	name          TEXT NOT NULL DEFAULT '',
	employee_id   TEXT,          -- NULL: no employee (an admin, an auditor)
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '', -- '': single sign-on only
	disabled_at   TIMESTAMPTZ,
	created_at    TIMESTAMPTZ NOT NULL,
	last_sign_in  TIMESTAMPTZ,
	PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX users_email ON users (workspace_id, email);
CREATE UNIQUE INDEX users_employee ON users (workspace_id, employee_id);

-- A signed-in browser: the cookie holds the secret, this its SHA-256.
CREATE TABLE sessions (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	secret_hash  BYTEA NOT NULL,
	user_id      BIGINT NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL,
	last_seen    TIMESTAMPTZ NOT NULL,
	expires_at   TIMESTAMPTZ NOT NULL,
	addr         TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (workspace_id, secret_hash),
	FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX sessions_user ON sessions (workspace_id, user_id);

-- Failed sign-ins per account ("account:EMAIL") and per client address
-- ("addr:IP"), so the slow-down holds across servers.
CREATE TABLE signin_failures (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	key          TEXT NOT NULL,
	failures     BIGINT NOT NULL,
	last_at      TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (workspace_id, key)
);

-- One-time links to set a new password.
CREATE TABLE reset_links (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	secret_hash  BYTEA NOT NULL,
	user_id      BIGINT NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL,
	expires_at   TIMESTAMPTZ NOT NULL,
	used_at      TIMESTAMPTZ,
	PRIMARY KEY (workspace_id, secret_hash),
	FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX reset_links_user ON reset_links (workspace_id, user_id);

-- A token acts as its user (user_id) or, without one, as an integration
-- with the scopes an admin gave it (NULL: every action, as tokens made
-- before users existed).
ALTER TABLE api_tokens ADD COLUMN user_id BIGINT;
ALTER TABLE api_tokens ADD COLUMN scopes TEXT; -- JSON array
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN revoked_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

-- Where a change came from; and no change or removal of the trail.
ALTER TABLE audit_entries ADD COLUMN addr TEXT NOT NULL DEFAULT '';
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
	FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
	FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
