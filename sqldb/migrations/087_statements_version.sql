-- statements_version counts the writes of the workspace's statements
-- (approve, second approval, lock, pay): what a draft reads of them is
-- kept between requests for as long as it holds.
ALTER TABLE counters ADD COLUMN statements_version BIGINT NOT NULL DEFAULT 0;
