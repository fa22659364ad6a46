-- Every table's key begins with workspace_id; no query reads across workspaces.

CREATE TABLE workspaces (
	id         INTEGER PRIMARY KEY,
	slug       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	time_zone  TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);

-- One row per workspace; locked by every writing transaction so sequence
-- numbers and ids are handed out in commit order.
CREATE TABLE counters (
	workspace_id        INTEGER PRIMARY KEY REFERENCES workspaces (id),
	records_seq         INTEGER NOT NULL DEFAULT 0,
	definitions_version INTEGER NOT NULL DEFAULT 0,
	org_version         INTEGER NOT NULL DEFAULT 0,
	audit_seq           INTEGER NOT NULL DEFAULT 0,
	token_seq           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE api_tokens (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	id           INTEGER NOT NULL,
	name         TEXT NOT NULL,
	secret_hash  BLOB NOT NULL, -- SHA-256 of the secret; the secret is never stored
	created_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX api_tokens_secret_hash ON api_tokens (secret_hash);

CREATE TABLE org_units (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	id           TEXT NOT NULL,
	name         TEXT NOT NULL,
	kind         TEXT NOT NULL DEFAULT '',
	parent_id    TEXT,
	updated_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (workspace_id, id),
	FOREIGN KEY (workspace_id, parent_id) REFERENCES org_units (workspace_id, id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX org_units_parent ON org_units (workspace_id, parent_id);

CREATE TABLE employees (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	id           TEXT NOT NULL,
	name         TEXT NOT NULL,
	email        TEXT NOT NULL DEFAULT '',
	unit_id      TEXT NOT NULL,
	manager_id   TEXT,
	position     TEXT NOT NULL DEFAULT '',
	hired_on     INTEGER, -- days since 1970-01-01
	left_on      INTEGER,
	updated_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (workspace_id, id),
	FOREIGN KEY (workspace_id, unit_id) REFERENCES org_units (workspace_id, id) DEFERRABLE INITIALLY DEFERRED,
	FOREIGN KEY (workspace_id, manager_id) REFERENCES employees (workspace_id, id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX employees_unit ON employees (workspace_id, unit_id);
CREATE INDEX employees_manager ON employees (workspace_id, manager_id);

-- Datasets and KPIs, one JSON document each.
CREATE TABLE definitions (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	kind         TEXT NOT NULL, -- dataset, kpi
	name         TEXT NOT NULL,
	position     INTEGER NOT NULL,
	doc          TEXT NOT NULL,
	updated_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (workspace_id, kind, name)
);

-- vals is a JSON array in the dataset's column order: null, "string", or
-- the integer N of every other type.
CREATE TABLE records (
	workspace_id INTEGER NOT NULL,
	dataset      TEXT NOT NULL,
	key          TEXT NOT NULL,
	owner        TEXT NOT NULL,
	seq          INTEGER NOT NULL,
	vals         TEXT NOT NULL,
	PRIMARY KEY (workspace_id, dataset, key)
) WITHOUT ROWID;
CREATE INDEX records_seq ON records (workspace_id, seq);

CREATE TABLE record_tombstones (
	workspace_id INTEGER NOT NULL,
	seq          INTEGER NOT NULL,
	dataset      TEXT NOT NULL,
	key          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, seq)
) WITHOUT ROWID;

CREATE TABLE audit_entries (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	id           INTEGER NOT NULL,
	at           TIMESTAMP NOT NULL,
	actor        TEXT NOT NULL,
	action       TEXT NOT NULL,
	entity       TEXT NOT NULL,
	entity_id    TEXT NOT NULL,
	old          TEXT NOT NULL DEFAULT '',
	new          TEXT NOT NULL DEFAULT '',
	reason       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (workspace_id, id)
);
CREATE INDEX audit_entries_entity ON audit_entries (workspace_id, entity, entity_id, id);
