-- Rotation (Decision 1816/QĐ-BYT): plans of a period, the stations' demands, the
-- assignments that fill them, generator runs, stated preferences and calendar feeds.
-- Same logical schema in migrations/sqlite and migrations/postgres (a test compares them).

CREATE TABLE rotation_plans (
    id BIGSERIAL PRIMARY KEY,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    title TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    -- RuleSettings as JSON (share away, minimum posting months).
    settings TEXT NOT NULL,
    published_at TIMESTAMP,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX rotation_plans_facility ON rotation_plans(facility_id, start_date);

CREATE TABLE rotation_demands (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES rotation_plans(id),
    station_id BIGINT NOT NULL REFERENCES facilities(id),
    profession TEXT NOT NULL,
    specialty TEXT,
    count INTEGER NOT NULL,
    pattern TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    -- Bit 0 Monday … bit 6 Sunday.
    weekdays INTEGER NOT NULL,
    plan_activity_id BIGINT,
    note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX rotation_demands_plan ON rotation_demands(plan_id, station_id);

CREATE TABLE rotation_assignments (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES rotation_plans(id),
    demand_id BIGINT REFERENCES rotation_demands(id),
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    station_id BIGINT NOT NULL REFERENCES facilities(id),
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    weekdays INTEGER NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    -- Swaps (JSON list: from, to, reason, by, at) and the station's feedback (JSON).
    swaps TEXT NOT NULL DEFAULT '[]',
    feedback TEXT,
    attendance_note TEXT,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX rotation_assignments_plan ON rotation_assignments(plan_id, start_date);
CREATE INDEX rotation_assignments_staff ON rotation_assignments(staff_id, end_date);
CREATE INDEX rotation_assignments_station ON rotation_assignments(station_id, end_date);
CREATE INDEX rotation_assignments_demand ON rotation_assignments(demand_id);

CREATE TABLE rotation_preferences (
    id BIGSERIAL PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    station_id BIGINT NOT NULL REFERENCES facilities(id),
    UNIQUE (staff_id, station_id)
);

CREATE TABLE rotation_generations (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES rotation_plans(id),
    status TEXT NOT NULL,
    progress INTEGER NOT NULL,
    seed BIGINT NOT NULL,
    replan_published BOOLEAN NOT NULL,
    result TEXT,
    error TEXT,
    started_by TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX rotation_generations_plan ON rotation_generations(plan_id);

-- Subscription addresses for phone calendars: only the hash of the secret is kept.
CREATE TABLE calendar_feeds (
    id BIGSERIAL PRIMARY KEY,
    subject TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX calendar_feeds_subject ON calendar_feeds(subject, subject_id);
