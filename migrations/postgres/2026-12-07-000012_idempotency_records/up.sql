-- Idempotency keys keep what a replay needs: the status, the created record's id and
-- its location. A replay re-reads the record (with the caller's current rights, and the
-- audit of a patient read); answers with patient data are no longer stored. `response`
-- stays only for answers that are not one record and hold no patient data (a session
-- series, an import report). Keys expire after 24 hours. Earlier keys are dropped: they
-- held whole answers.
DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys ALTER COLUMN response DROP NOT NULL;
ALTER TABLE idempotency_keys ADD COLUMN record_id BIGINT;
ALTER TABLE idempotency_keys ADD COLUMN location TEXT;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys(created_at);

-- The facilities a plan supports, as rows, so that the plan list filters and pages in
-- SQL (`plans.supported_facility_ids` keeps the order the author wrote).
CREATE TABLE plan_facilities (
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    PRIMARY KEY (plan_id, facility_id)
);
CREATE INDEX plan_facilities_facility ON plan_facilities(facility_id);
INSERT INTO plan_facilities (plan_id, facility_id)
    SELECT DISTINCT plans.id, ids.value::BIGINT
    FROM plans, json_array_elements_text(plans.supported_facility_ids::json) AS ids(value)
    ON CONFLICT DO NOTHING;
