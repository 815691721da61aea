DROP TABLE plan_facilities;
DROP INDEX idempotency_keys_created_at;
DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys DROP COLUMN location;
ALTER TABLE idempotency_keys DROP COLUMN record_id;
ALTER TABLE idempotency_keys ALTER COLUMN response SET NOT NULL;
