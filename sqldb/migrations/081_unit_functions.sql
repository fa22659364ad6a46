-- What an org unit does (sales, order processing, production, service):
-- the KPI library proposes definitions by function.
CREATE TABLE unit_functions (
	workspace_id  BIGINT NOT NULL REFERENCES workspaces (id),
	unit_id       TEXT NOT NULL,
	unit_function TEXT NOT NULL,
	PRIMARY KEY (workspace_id, unit_id)
);
