-- Pilots: a scheme (scorecard template and/or bonus plan) tried on one unit
-- for a few weeks, in shadow mode or live. doc is the whole pilot as JSON;
-- status is kept beside it to list pilots by it.
CREATE TABLE pilots (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	id           BIGINT NOT NULL,
	name         TEXT NOT NULL,
	status       TEXT NOT NULL, -- running, ended, rolled_out
	doc          TEXT NOT NULL,
	PRIMARY KEY (workspace_id, id)
);
