-- Idempotency keys keep what a replay needs: the status, the created record's id and
-- its location. A replay re-reads the record (with the caller's current rights, and the
-- audit of a patient read); answers with patient data are no longer stored. `response`
-- stays only for answers that are not one record and hold no patient data (a session
-- series, an import report). Keys expire after 24 hours. Earlier keys are dropped: they
-- held whole answers.
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    principal TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT,
    created_at TIMESTAMP NOT NULL,
    record_id BIGINT,
    location TEXT,
    UNIQUE (principal, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys(created_at);

-- The facilities a plan supports, as rows, so that the plan list filters and pages in
-- SQL (`plans.supported_facility_ids` keeps the order the author wrote).
CREATE TABLE plan_facilities (
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    PRIMARY KEY (plan_id, facility_id)
);
CREATE INDEX plan_facilities_facility ON plan_facilities(facility_id);
INSERT OR IGNORE INTO plan_facilities (plan_id, facility_id)
    SELECT plans.id, CAST(ids.value AS BIGINT)
    FROM plans, json_each(plans.supported_facility_ids) AS ids;
