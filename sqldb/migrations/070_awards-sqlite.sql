-- Awards of locked periods, kept with the numbers that earned them. A row
-- in award_periods says a period's awards were frozen (even when it earned
-- none); awards holds each award as JSON (kpi.Award).
CREATE TABLE award_periods (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	grain        TEXT NOT NULL,
	period_from  INTEGER NOT NULL,
	period_to    INTEGER NOT NULL,
	frozen_at    TIMESTAMP NOT NULL,
	PRIMARY KEY (workspace_id, grain, period_from, period_to)
) WITHOUT ROWID;

CREATE TABLE awards (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	grain        TEXT NOT NULL,
	period_from  INTEGER NOT NULL,
	period_to    INTEGER NOT NULL,
	position     INTEGER NOT NULL,
	rule         TEXT NOT NULL,
	subject_kind TEXT NOT NULL,
	subject_id   TEXT NOT NULL,
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, grain, period_from, period_to, position)
) WITHOUT ROWID;

CREATE INDEX awards_subject ON awards (workspace_id, subject_kind, subject_id, period_from);
