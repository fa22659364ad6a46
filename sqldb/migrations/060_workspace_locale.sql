-- How numbers, money and dates are written for a workspace's people.
ALTER TABLE workspaces ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
