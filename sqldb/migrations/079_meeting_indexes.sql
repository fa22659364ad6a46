-- A meeting reads the comments and proposals of a period.
CREATE INDEX meeting_comments_period ON meeting_comments (workspace_id, period_from, period_to);
CREATE INDEX meeting_proposals_period ON meeting_proposals (workspace_id, period_from, period_to);
