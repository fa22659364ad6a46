-- The employee who heads an org unit: they manage everyone in it and in
-- the units below it.
ALTER TABLE org_units ADD COLUMN head_id TEXT;
