-- Consultations (hội chẩn / tư vấn từ xa): the sessions a consulting facility holds
-- (weekly series share a series_id) and the case requests stations send about patients,
-- with the conclusion, the referral a `refer` conclusion opened and the outcome reported
-- back. Same logical schema in migrations/sqlite and migrations/postgres.

CREATE TABLE consultation_sessions (
    id BIGSERIAL PRIMARY KEY,
    -- The weekly series the session was created in (a UUID), none for a single session.
    series_id TEXT,
    host_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    title TEXT NOT NULL,
    specialty TEXT,
    mode TEXT NOT NULL,
    meeting_url TEXT,
    location_facility_id BIGINT REFERENCES facilities(id),
    starts_at TIMESTAMP NOT NULL,
    duration_minutes INTEGER NOT NULL,
    -- Staff ids of the participants, as a JSON list of numbers (e.g. [12,31]).
    participants TEXT NOT NULL,
    note TEXT,
    status TEXT NOT NULL,
    status_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX consultation_sessions_host ON consultation_sessions(host_facility_id, starts_at);
CREATE INDEX consultation_sessions_location ON consultation_sessions(location_facility_id, starts_at);
CREATE INDEX consultation_sessions_starts ON consultation_sessions(starts_at, id);
CREATE INDEX consultation_sessions_series ON consultation_sessions(series_id);

CREATE TABLE consultation_cases (
    id BIGSERIAL PRIMARY KEY,
    session_id BIGINT REFERENCES consultation_sessions(id),
    requesting_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    consulting_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    -- The patient (the referral slip's patient document) as JSON; shown only to the
    -- two facilities.
    patient TEXT NOT NULL,
    summary TEXT NOT NULL,
    question TEXT NOT NULL,
    specialty TEXT,
    urgency TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    conclusion TEXT,
    conclusion_note TEXT,
    concluded_by TEXT,
    concluded_at TIMESTAMP,
    referral_id BIGINT REFERENCES referrals(id),
    outcome TEXT,
    outcome_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX consultation_cases_requesting ON consultation_cases(requesting_facility_id, id);
CREATE INDEX consultation_cases_consulting ON consultation_cases(consulting_facility_id, id);
CREATE INDEX consultation_cases_session ON consultation_cases(session_id);
CREATE INDEX consultation_cases_status ON consultation_cases(status, id);
