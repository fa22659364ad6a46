-- Compensation of employees and the lifecycle of bonus statements. Money is
-- exact decimal text; periods are their first and last day (days since
-- 1970-01-01) with their grain.

ALTER TABLE employees ADD COLUMN currency TEXT NOT NULL DEFAULT '';
ALTER TABLE employees ADD COLUMN salary TEXT; -- base pay per month, NULL: not known

-- A statement that was approved, locked or paid (drafts are not stored).
-- doc is the whole statement as JSON; once locked it never changes.
CREATE TABLE statements (
	workspace_id     INTEGER NOT NULL REFERENCES workspaces (id),
	employee_id      TEXT NOT NULL,
	period_from      INTEGER NOT NULL,
	period_to        INTEGER NOT NULL,
	grain            TEXT NOT NULL,
	status           TEXT NOT NULL, -- approved, locked, paid
	plan             TEXT NOT NULL,
	currency         TEXT NOT NULL,
	payout           TEXT NOT NULL,
	draw_balance     TEXT NOT NULL,
	clawback_balance TEXT NOT NULL,
	adjustments      TEXT NOT NULL DEFAULT '[]', -- JSON: corrections of earlier statements it carries
	doc              TEXT NOT NULL,
	approved_by      TEXT NOT NULL DEFAULT '',
	approved_at      TIMESTAMP,
	locked_by        TEXT NOT NULL DEFAULT '',
	locked_at        TIMESTAMP,
	paid_by          TEXT NOT NULL DEFAULT '',
	paid_at          TIMESTAMP,
	PRIMARY KEY (workspace_id, employee_id, period_from, period_to)
);

-- The records behind the commissions of a locked statement, with the part
-- of the commission paid on each; reversed_* name the locked statement that
-- clawed it back.
CREATE TABLE statement_records (
	workspace_id  INTEGER NOT NULL,
	employee_id   TEXT NOT NULL,
	period_from   INTEGER NOT NULL,
	period_to     INTEGER NOT NULL,
	kpi           TEXT NOT NULL,
	record_key    TEXT NOT NULL,
	record_date   INTEGER NOT NULL,
	value         TEXT NOT NULL,
	paid          TEXT NOT NULL,
	reversed_from INTEGER,
	reversed_to   INTEGER,
	reversed_grain TEXT,
	PRIMARY KEY (workspace_id, employee_id, period_from, period_to, kpi, record_key),
	FOREIGN KEY (workspace_id, employee_id, period_from, period_to) REFERENCES statements (workspace_id, employee_id, period_from, period_to)
);

-- Questions on statement lines and their answers; kept for drafts too.
CREATE TABLE statement_inquiries (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	id           INTEGER NOT NULL,
	employee_id  TEXT NOT NULL,
	period_from  INTEGER NOT NULL,
	period_to    INTEGER NOT NULL,
	grain        TEXT NOT NULL,
	line         TEXT NOT NULL,
	text         TEXT NOT NULL,
	asked_by     TEXT NOT NULL,
	asked_at     TIMESTAMP NOT NULL,
	answer       TEXT NOT NULL DEFAULT '',
	answered_by  TEXT NOT NULL DEFAULT '',
	answered_at  TIMESTAMP,
	PRIMARY KEY (workspace_id, id)
);
CREATE INDEX statement_inquiries_statement ON statement_inquiries (workspace_id, employee_id, period_from, period_to);
