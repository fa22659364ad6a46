-- Earlier versions of scorecard templates, each in effect up to and
-- including until_on (days since 1970-01-01), like kpi_revisions.

-- A template as it was before a change applied from until_on + 1.
CREATE TABLE scorecard_revisions (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	template     TEXT NOT NULL,
	until_on     INTEGER NOT NULL,
	doc          TEXT NOT NULL,      -- the template as JSON
	updated_at   TIMESTAMP NOT NULL, -- when that version was applied
	PRIMARY KEY (workspace_id, template, until_on)
);
