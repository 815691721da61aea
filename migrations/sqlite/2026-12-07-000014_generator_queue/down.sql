DROP INDEX rotation_generations_status;
DROP INDEX rotation_generations_open_per_plan;
ALTER TABLE rotation_generations DROP COLUMN started_by_client_id;
ALTER TABLE rotation_generations DROP COLUMN started_by_user_id;
ALTER TABLE rotation_generations DROP COLUMN attempts;
ALTER TABLE rotation_generations DROP COLUMN cancel_requested;
ALTER TABLE rotation_generations DROP COLUMN lease_expires_at;
ALTER TABLE rotation_generations DROP COLUMN lease_owner;
