-- Foundation: registry, accounts, tokens, audit trail, idempotency.
-- Same logical schema in migrations/sqlite and migrations/postgres (a test compares them).

CREATE TABLE facilities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT,
    supervising_id BIGINT REFERENCES facilities(id),
    province TEXT NOT NULL,
    ward TEXT,
    address TEXT,
    latitude DOUBLE,
    longitude DOUBLE,
    phone TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX facilities_kind ON facilities(kind);
CREATE INDEX facilities_supervising ON facilities(supervising_id);

CREATE TABLE facility_capabilities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    facility_id BIGINT NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (facility_id, kind, code)
);
CREATE INDEX facility_capabilities_code ON facility_capabilities(code);

CREATE TABLE support_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supporter_id BIGINT NOT NULL REFERENCES facilities(id),
    supported_id BIGINT NOT NULL REFERENCES facilities(id),
    since DATE,
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (supporter_id, supported_id)
);
CREATE INDEX support_links_supported ON support_links(supported_id);

CREATE TABLE departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    min_on_site TEXT NOT NULL DEFAULT '{}',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (facility_id, code)
);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    department_id BIGINT REFERENCES departments(id),
    code TEXT,
    full_name TEXT NOT NULL,
    profession TEXT NOT NULL,
    title TEXT,
    licence_number TEXT,
    licence_valid_from DATE,
    licence_valid_until DATE,
    specialties TEXT NOT NULL DEFAULT '[]',
    monthly_rotation_day_limit INTEGER NOT NULL DEFAULT 10,
    rotation_exemption TEXT,
    phone TEXT,
    email TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_facility ON staff(facility_id);
CREATE INDEX staff_department ON staff(department_id);

CREATE TABLE staff_leaves (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id BIGINT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_leaves_staff ON staff_leaves(staff_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    staff_id BIGINT REFERENCES staff(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    last_login_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_facility ON users(facility_id);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family);

CREATE TABLE api_clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    scopes TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor_user_id BIGINT,
    actor_client_id BIGINT,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    facility_id BIGINT,
    changes TEXT NOT NULL,
    request_id TEXT
);
CREATE INDEX audit_events_entity ON audit_events(entity, entity_id);

CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    principal TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (principal, idempotency_key)
);
