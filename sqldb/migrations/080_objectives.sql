-- Strategy objectives: what the company, a department or a team means to
-- achieve in a period, measured by KPIs with targets and weights. Each is
-- one JSON document (kpi.Objective), keyed by its id.
CREATE TABLE objectives (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	id           TEXT NOT NULL,
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, id)
);
