-- Supervision and quality criteria (giám sát, tiêu chí chất lượng): versioned checklist
-- templates, visits scored item by item with a note and a photo per finding, and the
-- corrective actions findings become. Quality data, not patient data. Same logical
-- schema in migrations/sqlite and migrations/postgres.

CREATE TABLE supervision_templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Shared by every revision of one checklist.
    code TEXT NOT NULL,
    revision INTEGER NOT NULL,
    owner_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    title TEXT NOT NULL,
    area TEXT NOT NULL,
    description TEXT,
    pass_threshold INTEGER NOT NULL,
    -- The sections and their items, as JSON (`ChecklistSection` list); a published
    -- revision is never written again.
    sections TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (code, revision)
);
CREATE INDEX supervision_templates_status ON supervision_templates(status, code);

CREATE TABLE supervision_visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    template_id BIGINT NOT NULL REFERENCES supervision_templates(id),
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    supervising_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    planned_on DATE NOT NULL,
    -- Staff ids of the supervisors, as a JSON list of numbers (e.g. [12,31]).
    visitors TEXT NOT NULL,
    follow_up_of BIGINT REFERENCES supervision_visits(id),
    note TEXT,
    status TEXT NOT NULL,
    status_reason TEXT,
    conclusion TEXT,
    -- The final score, kept at submission (the answers keep the detail).
    score_percent DOUBLE,
    passed BOOLEAN,
    started_at TIMESTAMP,
    submitted_at TIMESTAMP,
    closed_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX supervision_visits_facility ON supervision_visits(facility_id, planned_on);
CREATE INDEX supervision_visits_supervising ON supervision_visits(supervising_facility_id, planned_on);
CREATE INDEX supervision_visits_planned ON supervision_visits(planned_on, id);

-- The photo of a finding: the image itself (JPEG or PNG, at most 4 MiB), served only
-- to those who may read the visit.
CREATE TABLE supervision_photos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id BIGINT NOT NULL REFERENCES supervision_visits(id),
    item_code TEXT NOT NULL,
    content_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX supervision_photos_visit ON supervision_photos(visit_id);

CREATE TABLE supervision_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id BIGINT NOT NULL REFERENCES supervision_visits(id),
    item_code TEXT NOT NULL,
    choice TEXT,
    points INTEGER,
    note TEXT,
    photo_id BIGINT REFERENCES supervision_photos(id),
    answered_by TEXT NOT NULL,
    answered_at TIMESTAMP NOT NULL,
    UNIQUE (visit_id, item_code)
);

CREATE TABLE corrective_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id BIGINT NOT NULL REFERENCES supervision_visits(id),
    -- Copied from the visit: the lists filter on them.
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    supervising_facility_id BIGINT NOT NULL REFERENCES facilities(id),
    item_code TEXT,
    description TEXT NOT NULL,
    owner_user_id BIGINT NOT NULL REFERENCES users(id),
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    response TEXT,
    answered_by TEXT,
    answered_at TIMESTAMP,
    closed_in_visit_id BIGINT REFERENCES supervision_visits(id),
    close_note TEXT,
    closed_by TEXT,
    closed_at TIMESTAMP,
    reopen_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX corrective_actions_visit ON corrective_actions(visit_id);
CREATE INDEX corrective_actions_facility ON corrective_actions(facility_id, due_on);
CREATE INDEX corrective_actions_supervising ON corrective_actions(supervising_facility_id, due_on);
CREATE INDEX corrective_actions_status ON corrective_actions(status, due_on);
