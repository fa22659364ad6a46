-- Tasks a manager sets a person, perhaps for an objective; the document is
-- a kpi.Task.
CREATE TABLE tasks (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	id           BIGINT NOT NULL,
	employee_id  TEXT NOT NULL,
	objective_id TEXT NOT NULL DEFAULT '',
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, id)
);
CREATE INDEX tasks_employee ON tasks (workspace_id, employee_id);
