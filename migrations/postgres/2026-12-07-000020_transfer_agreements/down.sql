DROP TABLE transfer_reviews;
DROP TABLE transfer_readiness;
DROP TABLE transfer_sessions;
DROP TABLE transfer_trainees;
DROP TABLE transfer_agreements;
