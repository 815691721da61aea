ALTER TABLE rotation_demands DROP COLUMN decline_reason;
ALTER TABLE rotation_demands DROP COLUMN decided_by;
ALTER TABLE rotation_demands DROP COLUMN proposed_at;
ALTER TABLE rotation_demands DROP COLUMN proposed_by;
ALTER TABLE rotation_demands DROP COLUMN status;
