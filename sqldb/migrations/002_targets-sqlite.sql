-- Targets (planned values) with their full history, and locked periods.
-- Dates are days since 1970-01-01, both ends included; values are exact
-- decimals as text, in their shortest form (12000.1, not 12000.10).

-- The current value of each target. The key is the dates: grain only says
-- how the period was named when it was last written.
CREATE TABLE targets (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	kpi          TEXT NOT NULL,
	subject_kind TEXT NOT NULL, -- employee, unit
	subject_id   TEXT NOT NULL,
	period_from  INTEGER NOT NULL,
	period_to    INTEGER NOT NULL,
	grain        TEXT NOT NULL,
	value        TEXT NOT NULL,
	version      INTEGER NOT NULL, -- 1 for the first value, +1 per change
	updated_at   TIMESTAMP NOT NULL,
	updated_by   TEXT NOT NULL,
	reason       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (workspace_id, kpi, subject_kind, subject_id, period_from, period_to)
) WITHOUT ROWID;
CREATE INDEX targets_subject ON targets (workspace_id, subject_kind, subject_id);

-- Every create, update and delete of a target, in order (id, per workspace).
CREATE TABLE target_history (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	id           INTEGER NOT NULL,
	kpi          TEXT NOT NULL,
	subject_kind TEXT NOT NULL,
	subject_id   TEXT NOT NULL,
	period_from  INTEGER NOT NULL,
	period_to    INTEGER NOT NULL,
	grain        TEXT NOT NULL,
	old_value    TEXT,            -- NULL: created
	new_value    TEXT,            -- NULL: deleted
	version      INTEGER NOT NULL, -- the target's version after the change
	at           TIMESTAMP NOT NULL,
	by_actor     TEXT NOT NULL,
	reason       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (workspace_id, id)
) WITHOUT ROWID;
CREATE INDEX target_history_target ON target_history (workspace_id, kpi, subject_kind, subject_id, period_from, period_to);

-- A closed period: targets of periods that overlap it cannot change.
CREATE TABLE period_locks (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	period_from  INTEGER NOT NULL,
	period_to    INTEGER NOT NULL,
	grain        TEXT NOT NULL,
	locked_at    TIMESTAMP NOT NULL,
	locked_by    TEXT NOT NULL,
	reason       TEXT NOT NULL,
	PRIMARY KEY (workspace_id, period_from, period_to)
) WITHOUT ROWID;
