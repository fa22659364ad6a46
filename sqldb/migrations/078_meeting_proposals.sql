-- Review-meeting proposals: a target or a KPI definition to change, open
-- until accepted (applied) or rejected. doc is the whole proposal as JSON.
CREATE TABLE meeting_proposals (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	id           BIGINT NOT NULL,
	status       TEXT NOT NULL, -- open, accepted, rejected
	period_from  BIGINT NOT NULL,
	period_to    BIGINT NOT NULL,
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, id)
);
