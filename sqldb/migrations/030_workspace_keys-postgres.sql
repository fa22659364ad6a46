-- Every primary key and unique index starts with workspace_id, so the
-- schema can be distributed by workspace. The token hash was unique on its
-- own: it is unique per workspace now, and a plain index serves the lookup
-- of a secret, which does not know its workspace.
DROP INDEX api_tokens_secret_hash;
CREATE UNIQUE INDEX api_tokens_secret_hash ON api_tokens (workspace_id, secret_hash);
CREATE INDEX api_tokens_secret_lookup ON api_tokens (secret_hash);

-- Background jobs: the last tick each job ran for, so that of several
-- servers ticking together only one runs it. workspace_id 0 is a job over
-- all workspaces.
CREATE TABLE job_runs (
	workspace_id BIGINT NOT NULL,
	job          TEXT NOT NULL,
	tick         BIGINT NOT NULL, -- microseconds since 1970-01-01 UTC
	started_at   TIMESTAMPTZ NOT NULL,
	runner       TEXT NOT NULL,
	PRIMARY KEY (workspace_id, job)
);
