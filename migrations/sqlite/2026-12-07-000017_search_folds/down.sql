ALTER TABLE users DROP COLUMN name_search;
ALTER TABLE staff DROP COLUMN name_search;
ALTER TABLE facilities DROP COLUMN name_search;
DROP TABLE referral_search;
