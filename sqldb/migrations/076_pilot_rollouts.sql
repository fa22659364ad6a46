-- A pilot's scheme made live for more units from a day: who did it, when,
-- why, and whom it changed (doc, JSON).
CREATE TABLE pilot_rollouts (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	pilot_id     BIGINT NOT NULL,
	id           BIGINT NOT NULL,
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, pilot_id, id)
);
