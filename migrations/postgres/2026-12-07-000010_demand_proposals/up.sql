-- A station head proposes a demand for their station; planning accepts or declines it.
-- Existing demands (the planners' own) are accepted. Public data.
ALTER TABLE rotation_demands ADD COLUMN status TEXT NOT NULL DEFAULT 'accepted';
ALTER TABLE rotation_demands ADD COLUMN proposed_by TEXT;
ALTER TABLE rotation_demands ADD COLUMN proposed_at TIMESTAMP;
ALTER TABLE rotation_demands ADD COLUMN decided_by TEXT;
ALTER TABLE rotation_demands ADD COLUMN decline_reason TEXT;
