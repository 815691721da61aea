-- Generator runs become a job queue any server's workers serve: a run waits as
-- 'queued' until a worker claims it; the claiming server holds a lease (owner, expiry)
-- that it renews while solving; progress and a cancel request live in the row, so any
-- server shows and stops any run. `attempts` counts claims: a run whose server died is
-- queued again once, then failed. All public metadata (no patient data).
ALTER TABLE rotation_generations ADD COLUMN lease_owner TEXT;
ALTER TABLE rotation_generations ADD COLUMN lease_expires_at TIMESTAMP;
ALTER TABLE rotation_generations ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE rotation_generations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
-- Who asked, for the audit event the worker writes (the label is `started_by`).
ALTER TABLE rotation_generations ADD COLUMN started_by_user_id BIGINT;
ALTER TABLE rotation_generations ADD COLUMN started_by_client_id BIGINT;
-- Runs of earlier versions lived in one process's memory: none survives the upgrade.
UPDATE rotation_generations SET status = 'failed', error = 'interrupted', finished_at = CURRENT_TIMESTAMP
    WHERE status = 'running';
-- One open run per plan, whichever server takes the request.
CREATE UNIQUE INDEX rotation_generations_open_per_plan ON rotation_generations(plan_id)
    WHERE status IN ('queued', 'running');
CREATE INDEX rotation_generations_status ON rotation_generations(status);
