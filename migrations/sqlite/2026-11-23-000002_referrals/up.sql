-- Referrals: slips with their patient and clinical summary, the timeline of transitions,
-- follow-ups after a back-referral, per-facility slip counters, configurable rules.
-- Same logical schema in migrations/sqlite and migrations/postgres (a test compares them).

-- One counter per issuing facility and year: bumped in the transaction that inserts the
-- referral, so numbers have no gaps even under concurrent creates.
CREATE TABLE slip_counters (
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    year INTEGER NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (facility_id, year)
);

CREATE TABLE referrals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slip_number TEXT NOT NULL UNIQUE,
    slip_year INTEGER NOT NULL,
    slip_seq BIGINT NOT NULL,
    status TEXT NOT NULL,
    from_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    to_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    direction TEXT NOT NULL,
    urgency TEXT NOT NULL,
    reason TEXT NOT NULL,
    reason_text TEXT,
    -- The patient's name, for text search by the two facilities; the full identity,
    -- the clinical summary and the rest of the slip (transport, signatories,
    -- attachments) are JSON documents validated by the shared crate.
    patient_name TEXT NOT NULL,
    patient TEXT NOT NULL,
    clinical TEXT NOT NULL,
    details TEXT NOT NULL,
    signed_on DATE,
    valid_until DATE,
    long_validity BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    answer_due_at TIMESTAMP,
    answered_at TIMESTAMP,
    arrived_at TIMESTAMP,
    closed_at TIMESTAMP,
    status_reason TEXT,
    outcome TEXT,
    -- Discharge summary and diagnoses (JSON), written on completion.
    discharge TEXT,
    origin_id BIGINT REFERENCES referrals(id),
    origin_kind TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (from_facility_id, slip_year, slip_seq)
);
CREATE INDEX referrals_from ON referrals(from_facility_id, id);
CREATE INDEX referrals_to ON referrals(to_facility_id, id);
CREATE INDEX referrals_status ON referrals(status, answer_due_at);
CREATE INDEX referrals_origin ON referrals(origin_id);

CREATE TABLE referral_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    referral_id BIGINT NOT NULL REFERENCES referrals(id),
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_user_id BIGINT,
    actor_role TEXT,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    at TIMESTAMP NOT NULL,
    note TEXT
);
CREATE INDEX referral_events_referral ON referral_events(referral_id, id);

CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    referral_id BIGINT NOT NULL REFERENCES referrals(id),
    back_referral_id BIGINT REFERENCES referrals(id),
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    due_on DATE NOT NULL,
    instructions TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    closed_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX follow_ups_facility ON follow_ups(facility_id, status, due_on);
CREATE INDEX follow_ups_referral ON follow_ups(referral_id);

CREATE TABLE follow_up_visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    follow_up_id BIGINT NOT NULL REFERENCES follow_ups(id),
    visited_on DATE NOT NULL,
    notes TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX follow_up_visits_follow_up ON follow_up_visits(follow_up_id);

-- Settings an administrator changes at run time (e.g. `referral_rules`: answer windows,
-- public holidays, ICD-10 codes with one-year slip validity), as JSON documents.
CREATE TABLE app_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
