-- Review-meeting comments on a KPI of a person or unit in a period; a reply
-- names its parent. doc is the whole comment as JSON.
CREATE TABLE meeting_comments (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	id           BIGINT NOT NULL,
	parent       BIGINT NOT NULL DEFAULT 0,
	subject_kind TEXT NOT NULL,
	subject_id   TEXT NOT NULL,
	kpi          TEXT NOT NULL DEFAULT '',
	period_from  BIGINT NOT NULL,
	period_to    BIGINT NOT NULL,
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, id)
);
