-- Awards of locked periods, kept with the numbers that earned them. A row
-- in award_periods says a period's awards were frozen (even when it earned
-- none); awards holds each award as JSON (kpi.Award).
CREATE TABLE award_periods (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	grain        TEXT NOT NULL,
	period_from  BIGINT NOT NULL,
	period_to    BIGINT NOT NULL,
	frozen_at    TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (workspace_id, grain, period_from, period_to)
);

CREATE TABLE awards (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	grain        TEXT NOT NULL,
	period_from  BIGINT NOT NULL,
	period_to    BIGINT NOT NULL,
	position     INTEGER NOT NULL,
	rule         TEXT NOT NULL,
	subject_kind TEXT NOT NULL,
	subject_id   TEXT NOT NULL,
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, grain, period_from, period_to, position)
);

CREATE INDEX awards_subject ON awards (workspace_id, subject_kind, subject_id, period_from);
