-- Techniques (issue 18): the catalogue of named techniques (code, name, specialty, the
-- technical level whose facilities are expected to perform it), the status and source
-- of each capability of a facility, and the regional specialty networks with their
-- members. All public data of the network; nothing about a patient.
CREATE TABLE techniques (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_search TEXT NOT NULL,
    specialty TEXT NOT NULL,
    level TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX techniques_specialty ON techniques(specialty);
CREATE INDEX techniques_level ON techniques(level);

-- performing | in_transfer | suspended; declared | approval | transfer_agreement.
ALTER TABLE facility_capabilities ADD COLUMN status TEXT NOT NULL DEFAULT 'performing';
ALTER TABLE facility_capabilities ADD COLUMN source TEXT NOT NULL DEFAULT 'declared';

CREATE TABLE specialty_networks (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    specialty TEXT NOT NULL,
    basis TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX specialty_networks_specialty ON specialty_networks(specialty);

CREATE TABLE specialty_network_members (
    id BIGSERIAL PRIMARY KEY,
    network_id BIGINT NOT NULL REFERENCES specialty_networks(id) ON DELETE CASCADE,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    role TEXT NOT NULL,
    UNIQUE (network_id, facility_id)
);
CREATE INDEX specialty_network_members_facility ON specialty_network_members(facility_id);
