-- Files uploaded from the admin pages to be imported into a dataset, kept
-- in the store so that every server shows their progress and result: the
-- job, and the file in chunks of up to 1 MiB. A job expires (expires_at)
-- and is deleted by a later upload.
CREATE TABLE import_jobs (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
	id           TEXT NOT NULL,
	owner        TEXT NOT NULL, -- the actor who uploaded it
	dataset      TEXT NOT NULL,
	file         TEXT NOT NULL,
	size         BIGINT NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	expires_at   TIMESTAMP NOT NULL,
	header       TEXT NOT NULL, -- JSON: the file's header and the guessed mapping
	running      INTEGER NOT NULL DEFAULT 0,
	read_bytes   BIGINT NOT NULL DEFAULT 0,
	result       TEXT NOT NULL DEFAULT '', -- JSON: kpi.ImportJobResult; '': not run
	PRIMARY KEY (workspace_id, id)
);
CREATE INDEX import_jobs_owner ON import_jobs (workspace_id, owner, created_at);

CREATE TABLE import_job_chunks (
	workspace_id BIGINT NOT NULL,
	job_id       TEXT NOT NULL,
	n            INTEGER NOT NULL,
	data         BLOB NOT NULL,
	PRIMARY KEY (workspace_id, job_id, n),
	FOREIGN KEY (workspace_id, job_id) REFERENCES import_jobs (workspace_id, id) ON DELETE CASCADE
);
