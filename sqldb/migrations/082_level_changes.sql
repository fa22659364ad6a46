-- Department ownership: the guardrails a unit head's target changes must
-- keep (by KPI, '' for the default), and each change a head made, applied
-- at once or waiting for the next level up. Both are JSON documents.
CREATE TABLE guardrails (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	kpi          TEXT NOT NULL,
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, kpi)
);
CREATE TABLE level_changes (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	id           BIGINT NOT NULL,
	status       TEXT NOT NULL,
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, id)
);
