-- A running import job holds a lease instead of a flag: a server that
-- dies in the middle of an import leaves a lease that runs out, and the
-- file can be imported again. NULL: not running.
ALTER TABLE import_jobs ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE import_jobs DROP COLUMN running;
