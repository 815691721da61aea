-- Technique transfer (chuyển giao kỹ thuật): responsibility agreements between a
-- transferring and a receiving facility, their trainees, training sessions with
-- attendance, the receiving facility's readiness checklist, and the six-monthly
-- reviews. Network metadata, not patient data. Same logical schema in migrations/sqlite
-- and migrations/postgres.

CREATE TABLE transfer_agreements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    giving_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    receiving_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    -- Catalogue codes of the techniques, as a JSON list of strings.
    techniques TEXT NOT NULL,
    giving_lead_id BIGINT NOT NULL REFERENCES staff(id),
    receiving_lead_id BIGINT NOT NULL REFERENCES staff(id),
    starts_on DATE NOT NULL,
    ends_on DATE,
    note TEXT,
    status TEXT NOT NULL,
    status_reason TEXT,
    giving_signed_by TEXT,
    giving_signed_at TIMESTAMP,
    receiving_signed_by TEXT,
    receiving_signed_at TIMESTAMP,
    giving_signed_off_by TEXT,
    giving_signed_off_at TIMESTAMP,
    receiving_signed_off_by TEXT,
    receiving_signed_off_at TIMESTAMP,
    signed_off_on DATE,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX transfer_agreements_giving ON transfer_agreements(giving_facility_id, id);
CREATE INDEX transfer_agreements_receiving ON transfer_agreements(receiving_facility_id, id);

CREATE TABLE transfer_trainees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agreement_id BIGINT NOT NULL REFERENCES transfer_agreements(id),
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    certified BOOLEAN NOT NULL DEFAULT FALSE,
    left_on DATE,
    departure_kind TEXT,
    departure_note TEXT,
    departure_recorded_by TEXT,
    UNIQUE (agreement_id, staff_id)
);
CREATE INDEX transfer_trainees_staff ON transfer_trainees(staff_id);

CREATE TABLE transfer_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agreement_id BIGINT NOT NULL REFERENCES transfer_agreements(id),
    held_on DATE NOT NULL,
    topic TEXT NOT NULL,
    hours INTEGER NOT NULL,
    -- Staff ids of the trainees present, as a JSON list of numbers.
    attended TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX transfer_sessions_agreement ON transfer_sessions(agreement_id, held_on);

CREATE TABLE transfer_readiness (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agreement_id BIGINT NOT NULL REFERENCES transfer_agreements(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    evidence TEXT,
    confirmed_by TEXT,
    confirmed_side TEXT,
    confirmed_at TIMESTAMP,
    UNIQUE (agreement_id, kind)
);

CREATE TABLE transfer_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agreement_id BIGINT NOT NULL REFERENCES transfer_agreements(id),
    reviewed_on DATE NOT NULL,
    cases_performed INTEGER NOT NULL,
    issues TEXT,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX transfer_reviews_agreement ON transfer_reviews(agreement_id, reviewed_on);
