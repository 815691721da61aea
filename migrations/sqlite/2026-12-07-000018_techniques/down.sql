DROP TABLE specialty_network_members;
DROP TABLE specialty_networks;
ALTER TABLE facility_capabilities DROP COLUMN source;
ALTER TABLE facility_capabilities DROP COLUMN status;
DROP TABLE techniques;
