-- Effective-dated history: earlier definitions of KPIs and earlier units of
-- employees, each in effect up to and including a day (days since
-- 1970-01-01).

-- A KPI's definition as it was before a change applied from until_on + 1.
CREATE TABLE kpi_revisions (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	kpi          TEXT NOT NULL,
	until_on     INTEGER NOT NULL,
	doc          TEXT NOT NULL,      -- the KPI as JSON, UpdatedAt zero
	updated_at   TIMESTAMP NOT NULL, -- when that definition was applied
	PRIMARY KEY (workspace_id, kpi, until_on)
);

-- The unit an employee belonged to up to and including until_on.
CREATE TABLE memberships (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
	employee_id  TEXT NOT NULL,
	until_on     INTEGER NOT NULL,
	unit_id      TEXT NOT NULL,
	PRIMARY KEY (workspace_id, employee_id, until_on),
	FOREIGN KEY (workspace_id, employee_id) REFERENCES employees (workspace_id, id) DEFERRABLE INITIALLY DEFERRED,
	FOREIGN KEY (workspace_id, unit_id) REFERENCES org_units (workspace_id, id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX memberships_unit ON memberships (workspace_id, unit_id);
