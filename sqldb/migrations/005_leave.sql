-- Leave of employees: the periods they are away, as a JSON array of
-- {"from": "2026-06-01", "to": "2026-06-14"} (both days included), in date
-- order and not overlapping; [] for none.

ALTER TABLE employees ADD COLUMN leave_periods TEXT NOT NULL DEFAULT '[]';
