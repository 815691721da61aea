-- Support plans (kế hoạch hỗ trợ chuyên môn): every version of a plan is a row (one
-- series_id per plan), with its document text as JSON, its activities and indicators;
-- indicator values and their approval are kept per plan series, append-only (the latest
-- row wins, every earlier one is the history); evaluations; stations' support requests
-- and their ratings of activities. Same logical schema in migrations/sqlite and
-- migrations/postgres.

CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The same UUID for every version of one plan.
    series_id TEXT NOT NULL,
    version_number INTEGER NOT NULL,
    previous_version_id BIGINT REFERENCES plans(id),
    superseded_by_id BIGINT REFERENCES plans(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    issuing_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    -- A network plan is approved by the Department of Health.
    network BOOLEAN NOT NULL DEFAULT FALSE,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    -- JSON: the phases [{code, name, start_date, end_date}].
    phases TEXT NOT NULL,
    -- JSON list of facility ids.
    supported_facility_ids TEXT NOT NULL,
    -- JSON: the document's text (legal bases, sections I–V, recipients, signer).
    document TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    submitted_at TIMESTAMP,
    approved_at TIMESTAMP,
    approved_by TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX plans_issuer ON plans(issuing_facility_id, id);
CREATE UNIQUE INDEX plans_series_version ON plans(series_id, version_number);

CREATE TABLE plan_activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    group_position INTEGER NOT NULL,
    group_title TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    responsible_department_id BIGINT REFERENCES departments(id),
    responsible_unit TEXT NOT NULL,
    -- JSON list of facility ids.
    facility_ids TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    progress_note TEXT,
    delivered_on DATE,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_activities_plan ON plan_activities(plan_id, group_position, position);

CREATE TABLE activity_feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id BIGINT NOT NULL REFERENCES plan_activities(id),
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    rating INTEGER NOT NULL,
    comment TEXT,
    rated_by TEXT NOT NULL,
    rated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX activity_feedback_once ON activity_feedback(activity_id, facility_id);

CREATE TABLE plan_indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    direction TEXT NOT NULL,
    source TEXT NOT NULL,
    metric TEXT,
    basis_code TEXT,
    threshold DOUBLE,
    -- JSON: the targets [{facility_id, period, value}].
    targets TEXT NOT NULL
);
CREATE UNIQUE INDEX plan_indicators_code ON plan_indicators(plan_id, code);

-- Every value a station ever reported; the latest per (series, indicator, facility,
-- period) is the current one.
CREATE TABLE indicator_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    series_id TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    period TEXT NOT NULL,
    value DOUBLE NOT NULL,
    note TEXT,
    reported_by TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL
);
CREATE INDEX indicator_values_lookup ON indicator_values(series_id, period, facility_id, id);

-- Approvals and un-approvals of a facility's values for a period; the latest row is
-- the state. An approval keeps the values as they were (JSON code → value).
CREATE TABLE value_approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    series_id TEXT NOT NULL,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    period TEXT NOT NULL,
    approved BOOLEAN NOT NULL,
    reason TEXT,
    snapshot TEXT,
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL
);
CREATE INDEX value_approvals_lookup ON value_approvals(series_id, period, facility_id, id);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL,
    summary TEXT NOT NULL,
    -- JSON: the lines [{indicator_code, facility, target, actual, …, narrative, adjustment}].
    rows TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX evaluations_plan ON evaluations(plan_id, id);

CREATE TABLE support_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    station_id BIGINT NOT NULL REFERENCES facilities(id),
    topic TEXT NOT NULL,
    specialty TEXT,
    urgency TEXT NOT NULL,
    details TEXT NOT NULL,
    status TEXT NOT NULL,
    activity_id BIGINT REFERENCES plan_activities(id),
    decline_reason TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    answered_by TEXT,
    answered_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX support_requests_station ON support_requests(station_id, id);
